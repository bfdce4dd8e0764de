package ctxdone

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/cfg"

	"github.com/goroguard/goroguard/internal/apis"
)

// After-failure paths.
//
// A test that has already failed does not pass, so a goroutine it leaves parked on the way out
// (after t.Fatal in a timeout branch, t.Errorf and return, require.FailNow) costs nothing worth a
// finding: the failure is reported, and the process ends with the test binary. The path search
// stops at a statement that fails the test; an exit reached only through such statements is not
// a leaking exit. A leak on an exit of a passing test is still reported.

// failKind says how a helper fails the test.
type failKind uint8

const (
	failAlways  failKind = iota + 1 // the call always fails the test
	failIfFalse                     // the call fails when its first bool argument is false
	failIfTrue                      // the call fails when its first bool argument is true
	failIfErr                       // the call fails when its first error argument is not nil
)

// testingFails are the testing.TB methods (on *testing.T, *testing.B, *testing.F, testing.TB or
// any interface that embeds it) after which the test has failed or been skipped.
var testingFails = map[string]bool{
	"Fatal": true, "Fatalf": true, "FailNow": true, "Fail": true,
	"Error": true, "Errorf": true,
	"Skip": true, "Skipf": true, "SkipNow": true,
}

// assertFails is the table of assertion helpers that fail the test, by package path: functions
// and methods (testify's *Assertions) of that name. Only calls whose outcome is certain count:
// Fail/FailNow always fail, True(t, false) and False(t, true) fail; a NoError(t, err) on an
// unknown err is a check on a passing path and ends nothing.
var assertFails = map[string]map[string]failKind{
	"github.com/stretchr/testify/require": testifyFails,
	"github.com/stretchr/testify/assert":  testifyFails,
	"github.com/shoenig/test/must":        shoenigFails,
	"github.com/shoenig/test":             shoenigFails,
	"gotest.tools/v3/assert":              {"Assert": failIfFalse, "Check": failIfFalse, "NilError": failIfErr},
	"gotest.tools/assert":                 {"Assert": failIfFalse, "Check": failIfFalse, "NilError": failIfErr},
	"github.com/matryer/is":               {"Fail": failAlways, "True": failIfFalse},
	"github.com/onsi/ginkgo":              {"Fail": failAlways, "Skip": failAlways},
	"github.com/onsi/ginkgo/v2":           {"Fail": failAlways, "Skip": failAlways},
	"github.com/onsi/gomega":              {"Fail": failAlways},
}

var testifyFails = map[string]failKind{
	"Fail": failAlways, "FailNow": failAlways, "Failf": failAlways, "FailNowf": failAlways,
	"True": failIfFalse, "Truef": failIfFalse, "False": failIfTrue, "Falsef": failIfTrue,
	"NoError": failIfErr, "NoErrorf": failIfErr, "Nil": failIfErr, "Nilf": failIfErr,
}

var shoenigFails = map[string]failKind{
	"Unreachable": failAlways, "True": failIfFalse, "False": failIfTrue,
	"NoError": failIfErr, "Nil": failIfErr,
}

// failsTest reports whether the statement n fails (or skips) the running test: a call of a
// testing.TB failure method, or of an assertion helper of the table whose outcome is a failure.
func (c *checker) failsTest(n ast.Node, b *cfg.Block) bool {
	st, ok := n.(ast.Stmt)
	if !ok {
		return false
	}
	call, ok := exprCall(st)
	if !ok {
		return false
	}
	var fn *types.Func
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.SelectorExpr:
		if sel, ok := c.info.Selections[f]; ok {
			fn, _ = sel.Obj().(*types.Func)
		} else {
			fn, _ = c.info.Uses[f.Sel].(*types.Func)
		}
	case *ast.Ident:
		fn, _ = c.info.Uses[f].(*types.Func)
	}
	if fn == nil || fn.Pkg() == nil {
		return false
	}
	path := fn.Pkg().Path()
	if path == "testing" {
		return testingFails[fn.Name()]
	}
	kind := assertFails[path][fn.Name()]
	switch kind {
	case failAlways:
		return true
	case failIfFalse, failIfTrue:
		want := kind == failIfTrue // the value that fails
		for _, a := range call.Args {
			tv, ok := c.info.Types[a]
			if !ok || tv.Type == nil {
				continue
			}
			if b, ok := tv.Type.Underlying().(*types.Basic); !ok || b.Info()&types.IsBoolean == 0 {
				continue
			}
			return tv.Value != nil && tv.Value.Kind() == constant.Bool && constant.BoolVal(tv.Value) == want
		}
	case failIfErr:
		for _, a := range call.Args {
			if t := c.info.TypeOf(a); t != nil && types.Identical(t, errorType) {
				return c.certainlyErr(a, b)
			}
		}
	}
	return false
}

var errorType = types.Universe.Lookup("error").Type()

// certainlyErr reports whether e is certainly a non-nil error where block b runs: a call of
// errors.New or fmt.Errorf, or ctx.Err() in the body of a select case that received from
// ctx.Done() (`case <-ctx.Done(): require.NoError(t, ctx.Err())` always fails).
func (c *checker) certainlyErr(e ast.Expr, b *cfg.Block) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	if apis.IsFuncCall(c.info, call, apis.Func{Pkg: "errors", Name: "New"}) ||
		apis.IsFuncCall(c.info, call, apis.Func{Pkg: "fmt", Name: "Errorf"}) {
		return true
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Err" || len(call.Args) != 0 || !apis.IsContext(c.info.TypeOf(sel.X)) {
		return false
	}
	if b == nil || b.Kind != cfg.KindSelectCaseBody {
		return false
	}
	cc, ok := b.Stmt.(*ast.CommClause)
	if !ok || cc.Comm == nil {
		return false
	}
	var recv ast.Expr
	switch s := cc.Comm.(type) {
	case *ast.ExprStmt:
		recv = s.X
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			recv = s.Rhs[0]
		}
	}
	u, ok := ast.Unparen(recv).(*ast.UnaryExpr)
	if !ok || u.Op != token.ARROW {
		return false
	}
	done, ok := ast.Unparen(u.X).(*ast.CallExpr)
	if !ok {
		return false
	}
	dsel, ok := ast.Unparen(done.Fun).(*ast.SelectorExpr)
	return ok && dsel.Sel.Name == "Done" && render(dsel.X) == render(sel.X)
}
