package ctxdone

import (
	"go/token"

	"github.com/goroguard/goroguard/internal/testcode"
)

// isTestCode reports whether pos lies in test code: a _test.go file, a test helper in an ordinary
// file, or a test double (internal/testcode). include-tests reports those too.
func (c *checker) isTestCode(pos token.Pos) bool {
	if c.testCode == nil {
		c.testCode = testcode.New(c.pass.Fset, c.pass.Pkg, c.pass.Files)
	}
	return c.testCode.IsTestCode(pos)
}
