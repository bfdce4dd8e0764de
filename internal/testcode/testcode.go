// Package testcode tells test code from the code under test, beyond _test.go files.
//
// The analyzers leave tests out by default (include-tests brings them back): on projects nobody
// had tuned for, findings in tests were not wanted, because tests fan out and park goroutines on
// purpose or only after they have already failed. Test helpers that live in ordinary files
// (testutil/stream.go, a ginkgo mock server in mock_udp_upstream_server.go) are the same code under
// another file name. A non-test file that imports a testing package is such a helper, and so are
// the test doubles of fake and mock packages and files (fakes.go, mock_store.go, package faketime),
// and so are the packages of a module's test and e2e directories (kuma's test/framework harness)
// and the helper packages named after the package they help test (httptest, immudb's cmdtest).
package testcode

import (
	"go/ast"
	"go/token"
	"go/types"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/goroguard/goroguard/internal/pkgpath"
)

// testImportPrefixes are the import paths only test helpers use: the standard testing packages
// and the assertion and BDD libraries built on them.
var testImportPrefixes = []string{
	"testing",
	"github.com/stretchr/testify",
	"github.com/onsi/ginkgo",
	"github.com/onsi/gomega",
	"gotest.tools",
	"github.com/gruntwork-io/terratest", // infrastructure tests
}

// IsTestImport reports whether path is one of the testing packages or a package below one.
func IsTestImport(path string) bool {
	for _, p := range testImportPrefixes {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// DoubleName reports whether a file or package name says it holds test doubles or test helpers:
// it contains fake, mock or stub, or testutil, testhelper, testing or test_util.
func DoubleName(name string) bool {
	name = strings.ToLower(name)
	for _, w := range []string{"fake", "mock", "stub", "testutil", "test_util", "testhelper", "testing"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// testDirs are directory names that hold test harnesses and end-to-end suites, not the code
// under test (kuma's test/framework, e2e/ suites).
var testDirs = map[string]bool{"test": true, "tests": true, "e2e": true, "integrationtest": true, "e2etest": true}

// TestPath reports whether a package path has a test directory among the elements below its
// module's root (pkgpath.BelowRoot: a module may itself be called e2e or test).
func TestPath(pkgPath string) bool { return pkgpath.Has(pkgPath, testDirs) }

// HelperPackage reports whether pkg is named like a test-helper package for another package,
// the standard library's convention: net/http/httptest, testing/iotest, testing/fstest and
// testing/slogtest are named after the package they help test plus "test". The name must be
// exactly that: "test" after the name of the package's parent directory or of a package it
// imports (immudb's cmd/cmdtest, a collector of a command's output that only tests import), so
// that words such as latest, contest or attest do not count.
func HelperPackage(pkg *types.Package) bool {
	prefix, ok := strings.CutSuffix(pkg.Name(), "test")
	if !ok || len(prefix) < 2 {
		return false
	}
	elems := strings.Split(pkg.Path(), "/")
	if len(elems) >= 2 && elems[len(elems)-2] == prefix {
		return true
	}
	for _, imp := range pkg.Imports() {
		if imp.Name() == prefix || path.Base(imp.Path()) == prefix {
			return true
		}
	}
	return false
}

// Detector answers, for one package, whether a position lies in test code. It caches the files
// that import a testing package; the zero value is not usable, use New.
type Detector struct {
	fset      *token.FileSet
	pkgName   string
	pkgPath   string
	helper    bool // HelperPackage
	files     []*ast.File
	testFiles map[*token.File]bool
}

// New returns a Detector for the files of pkg.
func New(fset *token.FileSet, pkg *types.Package, files []*ast.File) *Detector {
	return &Detector{fset: fset, pkgName: pkg.Name(), pkgPath: pkg.Path(), helper: HelperPackage(pkg), files: files}
}

// IsTestCode reports whether pos lies in a _test.go file, in a file that imports a testing
// package (a test helper), in a file or package whose name says it holds test doubles, or in a
// package under a test directory (TestPath), or in a test-helper package (HelperPackage).
func (d *Detector) IsTestCode(pos token.Pos) bool {
	tf := d.fset.File(pos)
	if tf == nil {
		return false
	}
	if strings.HasSuffix(tf.Name(), "_test.go") || DoubleName(d.pkgName) || TestPath(d.pkgPath) || d.helper ||
		DoubleName(strings.TrimSuffix(filepath.Base(tf.Name()), ".go")) {
		return true
	}
	if d.testFiles == nil {
		d.testFiles = map[*token.File]bool{}
		for _, f := range d.files {
			ff := d.fset.File(f.Pos())
			if ff == nil {
				continue
			}
			for _, imp := range f.Imports {
				if p, err := strconv.Unquote(imp.Path.Value); err == nil && IsTestImport(p) {
					d.testFiles[ff] = true
					break
				}
			}
		}
	}
	return d.testFiles[tf]
}
