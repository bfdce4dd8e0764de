package main

import (
	"runtime"
	"strings"
	"testing"
)

// TestNewerGoLine: the errors of code that needs a newer Go, as go vet prints them once per
// package, become one line naming both versions and the fix; other errors do not.
func TestNewerGoLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		stderr string
		goCmd  string
		want   []string // nil: not a newer-Go error
	}{
		{
			name: "go/types under a Go 1.27 go command",
			stderr: "# example.com/m/q\nq/q.go:1:1: package requires newer Go version go1.27 (application built with go1.26)\n" +
				"# example.com/m/p\np/p.go:1:1: package requires newer Go version go1.27 (application built with go1.26)\n",
			goCmd: "go1.27.3",
			want:  []string{"needs go1.27", "built with " + runtime.Version(), "GOTOOLCHAIN=go1.27.3 go install github.com/goroguard/goroguard/cmd/goroguard@latest"},
		},
		{
			name:   "go.mod newer than the go command, GOTOOLCHAIN=local",
			stderr: "go: go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)\n",
			goCmd:  "go1.26.8",
			want:   []string{"needs go1.99", "built with " + runtime.Version(), "GOTOOLCHAIN=go1.99.0 go install"},
		},
		{
			name:   "export data of a newer compiler",
			stderr: "# example.com/m/p\np/p.go:3:8: could not import example.com/m/q (unsupported version: 3)\n",
			goCmd:  "go1.99.1",
			want:   []string{"needs go1.99.1", "GOTOOLCHAIN=go1.99.1 go install"},
		},
		{
			name:   "a type error is not a version problem",
			stderr: "# example.com/m/tagged\ntagged/tagged.go:4:27: undefined: helper\n",
			goCmd:  "go1.26.8",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := &driver{goVersion: tc.goCmd}
			line, ok := d.newerGo(parseVetErrors([]byte(tc.stderr)), nil)
			if ok != (tc.want != nil) {
				t.Fatalf("newerGo = %q, %v; want a line: %v", line, ok, tc.want != nil)
			}
			if strings.Contains(line, "\n") {
				t.Errorf("more than one line: %q", line)
			}
			for _, s := range tc.want {
				if !strings.Contains(line, s) {
					t.Errorf("%q does not say %q", line, s)
				}
			}
		})
	}
}

// TestParseVetErrors: go vet's standard error, split into one failure per package.
func TestParseVetErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		stderr string
		want   []string // package IDs ("" for text outside a package block)
	}{
		{"one package", "# example.com/m/p\np/p.go:1:1: undefined: x\n", []string{"example.com/m/p"}},
		{"test variant", "# example.com/m/p\np/p.go:1:1: x\n# example.com/m/p [example.com/m/p.test]\np/p.go:1:1: x\n", []string{"example.com/m/p", "example.com/m/p [example.com/m/p.test]"}},
		{"second header line", "# example.com/m/p\n# [example.com/m/p]\np/p.go:1:1: x\n", []string{"example.com/m/p"}},
		{"go command error", "go: downloading example.com/x v1.0.0\ngo: example.com/x@v1.0.0: not found\n", []string{""}},
		{"empty block", "# example.com/m/p\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, f := range parseVetErrors([]byte(tc.stderr)) {
				got = append(got, f.pkg)
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("packages %q, want %q", got, tc.want)
			}
		})
	}
}
