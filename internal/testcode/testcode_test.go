package testcode_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
	"strings"
	"testing"

	"github.com/goroguard/goroguard/internal/testcode"
)

func TestIsTestCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, pkg, file, src string
		want                 bool
		path                 string // the package path; example.com/<pkg> when empty
	}{
		{"a _test.go file", "store", "store_test.go", "package store", true, ""},
		{"an ordinary file", "store", "store.go", "package store\nimport \"net\"\nvar _ net.Conn", false, ""},
		{"a helper that imports testing", "store", "harness.go", "package store\nimport \"testing\"\nvar _ *testing.T", true, ""},
		{"a helper that imports ginkgo", "store", "suite.go", "package store\nimport \"github.com/onsi/ginkgo/v2\"\nvar _ = ginkgo.It", true, ""},
		{"a mock file", "resolver", "mock_udp_upstream_server.go", "package resolver", true, ""},
		{"a fake package", "fakeclock", "clock.go", "package fakeclock", true, ""},
		{"a name that merely contains test", "attest", "attest.go", "package attest", false, ""},
		{"a harness under test/", "universal", "networking.go", "package universal", true, "github.com/kumahq/kuma/test/framework/universal"},
		{"an e2e suite", "upgrade", "suite.go", "package upgrade", true, "example.com/app/e2e/upgrade"},
		{"a module named test", "server", "server.go", "package server", false, "test/server"},
		{"a module named e2e", "flow", "flow.go", "package flow", false, "example.com/e2e/flow"},
		{"a GitHub repository named e2e", "flow", "flow.go", "package flow", false, "github.com/acme/e2e/flow"},
		{"a contest package", "contest", "run.go", "package contest", false, "example.com/contest"},
		{"a helper package named after its parent directory", "cmdtest", "collector.go", "package cmdtest", true, "github.com/codenotary/immudb/cmd/cmdtest"},
		{"a helper package named after a package it imports", "storetest", "suite.go", "package storetest\nimport \"example.com/app/store\"\nvar _ store.T", true, "example.com/app/internal/storetest"},
		{"a package named latest", "latest", "latest.go", "package latest", false, "example.com/app/latest"},
		{"a package named fastest below a fas directory's sibling", "fastest", "pick.go", "package fastest", false, "example.com/app/route/fastest"},
		{"a helper that imports terratest", "infra", "k8s.go", "package infra\nimport \"github.com/gruntwork-io/terratest/modules/k8s\"\nvar _ = k8s.KubectlOptions{}", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, tt.file, tt.src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			path := tt.path
			if path == "" {
				path = "example.com/" + tt.pkg
			}
			pkg := types.NewPackage(path, tt.pkg)
			var imports []*types.Package
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				imports = append(imports, types.NewPackage(p, p[strings.LastIndex(p, "/")+1:]))
			}
			pkg.SetImports(imports)
			d := testcode.New(fset, pkg, []*ast.File{f})
			if got := d.IsTestCode(f.Pos()); got != tt.want {
				t.Errorf("IsTestCode(%s in package %s) = %v, want %v", tt.file, tt.pkg, got, tt.want)
			}
		})
	}
}
