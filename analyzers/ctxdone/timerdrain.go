package ctxdone

// Timer drains that wait forever: `if !t.Stop() { <-t.C }` drains the value of a timer that fired
// and was not received. When the loop around it also receives from t.C in a select case that does
// not re-arm the timer (no t.Reset, no new timer), the next drain after that case finds Stop
// returning false and the channel empty: the drain blocks for good. This holds with the timers of
// every Go version (before Go 1.23 the fired value was consumed by the case; since, Stop reports
// false and the channel stays empty).

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/goroguard/goroguard/internal/astx"
	"github.com/goroguard/goroguard/internal/costs"
)

// checkTimerDrains reports drains of a timer whose value a select case of the same loop already
// received without re-arming it.
func (c *checker) checkTimerDrains() {
	if !importsTime(c.pass.Pkg) {
		return
	}
	for _, f := range c.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			loop, ok := n.(*ast.ForStmt)
			if !ok {
				if r, ok := n.(*ast.RangeStmt); ok {
					c.drainsIn(r.Body)
				}
				return true
			}
			c.drainsIn(loop.Body)
			return true
		})
	}
}

func importsTime(pkg *types.Package) bool {
	if pkg.Path() == "time" {
		return false
	}
	for _, p := range pkg.Imports() {
		if p.Path() == "time" {
			return true
		}
	}
	return false
}

// drainsIn checks the drains directly in one loop body (not in nested loops or function literals:
// those are checked as their own loops).
func (c *checker) drainsIn(body *ast.BlockStmt) {
	type drain struct {
		timer string
		recv  *ast.UnaryExpr
		conds []ast.Expr // the conditions of the if statements around the drain, inside body
	}
	var drains []drain
	var cases []*ast.CommClause
	var stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		switch n := n.(type) {
		case *ast.FuncLit, *ast.ForStmt, *ast.RangeStmt:
			return false
		case *ast.IfStmt:
			if t, recv := c.drainIf(n); recv != nil {
				var conds []ast.Expr
				for _, s := range stack {
					if outer, ok := s.(*ast.IfStmt); ok {
						conds = append(conds, outer.Cond)
					}
				}
				drains = append(drains, drain{t, recv, conds})
			}
		case *ast.CommClause:
			cases = append(cases, n)
		}
		stack = append(stack, n)
		return true
	})
	for _, d := range drains {
		if c.assigns(body, d.timer) {
			continue // a new timer every iteration: its value and its drain are in different runs
		}
		for _, cc := range cases {
			t := c.timerRecv(cc.Comm)
			if t == "" || t != d.timer || c.rearms(cc.Body, t) || c.leavesLoop(cc.Body) {
				continue
			}
			if c.resetBetween(body, t, cc.Pos(), d.recv.Pos()) || resetBeforeSelect(body, t, cc.Pos(), d.recv.Pos()) {
				continue // the loop re-arms the timer on the way from the case to the drain
			}
			if c.recordedIn(cc.Body, d.conds) {
				continue // `case <-t.C: fired = true` ... `if !fired { if !t.Stop() { <-t.C } }`
			}
			if strings.HasSuffix(c.pass.Fset.Position(d.recv.Pos()).Filename, "_test.go") {
				continue // a test that hangs fails on its own
			}
			c.pass.At(d.recv.Pos())
			c.reportLater(analysis.Diagnostic{
				Pos: d.recv.Pos(), End: d.recv.End(),
				Message: fmt.Sprintf("this drain of %s.C blocks forever after the select case at line %d has received the timer's value without re-arming it: %s.Stop() then returns false and nothing is left to receive, so the goroutine leaks (%s)",
					t, c.line(cc.Pos()), t, costs.ParkedGoroutine.Summary),
				URL: costs.ParkedGoroutine.URL,
				Related: []analysis.RelatedInformation{{Pos: cc.Pos(), End: cc.Colon,
					Message: "the timer's value is received here and the timer is not reset"}},
			})
			break
		}
	}
}

// recordedIn reports whether the case body assigns a variable that one of conds tests: the loop
// records that the case received the timer's value, and the drain runs only on the other branch.
func (c *checker) recordedIn(caseBody []ast.Stmt, conds []ast.Expr) bool {
	set := map[types.Object]bool{}
	for _, st := range caseBody {
		ast.Inspect(st, func(n ast.Node) bool {
			if as, ok := n.(*ast.AssignStmt); ok {
				for _, l := range as.Lhs {
					if id, ok := ast.Unparen(l).(*ast.Ident); ok {
						if obj := c.info.ObjectOf(id); obj != nil {
							set[obj] = true
						}
					}
				}
			}
			return true
		})
	}
	found := false
	for _, cond := range conds {
		ast.Inspect(cond, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && set[c.info.Uses[id]] {
				found = true
			}
			return !found
		})
	}
	return found
}

// drainIf matches `if !t.Stop() { <-t.C }` and returns t's text and the receive.
func (c *checker) drainIf(s *ast.IfStmt) (string, *ast.UnaryExpr) {
	if s.Init != nil || s.Else != nil || len(s.Body.List) != 1 {
		return "", nil
	}
	not, ok := ast.Unparen(s.Cond).(*ast.UnaryExpr)
	if !ok || not.Op != token.NOT {
		return "", nil
	}
	call, ok := ast.Unparen(not.X).(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return "", nil
	}
	fn, ok := typeutil.Callee(c.info, call).(*types.Func)
	if !ok || fn.Name() != "Stop" || !isTimerMethod(fn) {
		return "", nil
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return "", nil
	}
	t := types.ExprString(sel.X)
	es, ok := s.Body.List[0].(*ast.ExprStmt)
	if !ok {
		return "", nil
	}
	recv, ok := ast.Unparen(es.X).(*ast.UnaryExpr)
	if !ok || recv.Op != token.ARROW || c.timerChan(recv.X) != t {
		return "", nil
	}
	return t, recv
}

// timerRecv returns the timer whose channel a select case receives from ("" when none).
func (c *checker) timerRecv(comm ast.Stmt) string {
	var e ast.Expr
	switch s := comm.(type) {
	case *ast.ExprStmt:
		e = s.X
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			e = s.Rhs[0]
		}
	}
	u, ok := ast.Unparen(e).(*ast.UnaryExpr)
	if !ok || u.Op != token.ARROW {
		return ""
	}
	return c.timerChan(u.X)
}

// timerChan returns t's text when e is t.C for a *time.Timer t.
func (c *checker) timerChan(e ast.Expr) string {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "C" {
		return ""
	}
	t := c.info.TypeOf(sel.X)
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := t.(*types.Named); !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != "time" || n.Obj().Name() != "Timer" {
		return ""
	}
	return types.ExprString(sel.X)
}

func isTimerMethod(fn *types.Func) bool {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return false
	}
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "time" && n.Obj().Name() == "Timer"
}

// rearms reports whether stmts reset timer t, assign it, or drain/stop it in any way: after that,
// the next drain's Stop sees a running timer again (or the code manages the timer itself).
func (c *checker) rearms(stmts []ast.Stmt, t string) bool {
	found := false
	for _, s := range stmts {
		ast.Inspect(s, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok && types.ExprString(sel.X) == t {
					found = true // t.Reset, t.Stop, or any method of the timer
				}
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if types.ExprString(l) == t {
						found = true
					}
				}
			}
			return !found
		})
	}
	return found
}

// resetBetween reports whether every way from the select case at casePos to the drain at
// drainPos passes a t.Reset that is one of the loop body's own statements (not under an if, a
// case or a nested loop). Within an iteration the statements run in order; from the case to a
// drain in the same statement (another case of the same select) or in an earlier one, the way
// wraps around through the next iteration's start.
func (c *checker) resetBetween(body *ast.BlockStmt, t string, casePos, drainPos token.Pos) bool {
	at := func(pos token.Pos) int {
		for i, st := range body.List {
			if st.Pos() <= pos && pos < st.End() {
				return i
			}
		}
		return -1
	}
	from, to := at(casePos), at(drainPos)
	if from < 0 || to < 0 {
		return false
	}
	for i, st := range body.List {
		if !isResetOf(st, t) {
			continue
		}
		if to > from && from < i && i < to {
			return true // later in the same iteration, before the drain
		}
		if to <= from && (i > from || i < to) {
			return true // after the case's statement, or before the drain's in the next iteration
		}
	}
	return false
}

// resetBeforeSelect reports whether the case at casePos and the drain at drainPos are in one
// select statement that a t.Reset statement precedes in the same statement list: every arrival
// at that select re-arms the timer, so a drain in another of its cases never follows the case
// that took the value (`timer.Reset(d); select { case out <- m: drain; case <-timer.C: }`).
func resetBeforeSelect(body *ast.BlockStmt, t string, casePos, drainPos token.Pos) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		list := astx.StmtList(n)
		for i, st := range list {
			sel, ok := st.(*ast.SelectStmt)
			if !ok || casePos < sel.Pos() || casePos >= sel.End() || drainPos < sel.Pos() || drainPos >= sel.End() {
				continue
			}
			for _, before := range list[:i] {
				if isResetOf(before, t) {
					found = true
				}
			}
		}
		return true
	})
	return found
}

// isResetOf reports whether st is `t.Reset(d)` or `ok := t.Reset(d)`.
func isResetOf(st ast.Stmt, t string) bool {
	var x ast.Expr
	switch st := st.(type) {
	case *ast.ExprStmt:
		x = st.X
	case *ast.AssignStmt:
		if len(st.Rhs) == 1 {
			x = st.Rhs[0]
		}
	}
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Reset" && types.ExprString(sel.X) == t
}

// assigns reports whether body assigns or declares t (outside function literals).
func (c *checker) assigns(body *ast.BlockStmt, t string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if types.ExprString(l) == t {
					found = true
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				if id.Name == t {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// exits reports whether stmts contain, outside function literals, a way out of the enclosing
// function or loop: a return, a labelled break or goto, or a call that does not return.
func (c *checker) exits(stmts []ast.Stmt) bool {
	found := false
	for _, s := range stmts {
		ast.Inspect(s, func(n ast.Node) bool {
			if found {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				found = true
			case *ast.BranchStmt:
				found = (n.Tok == token.BREAK && n.Label != nil) || n.Tok == token.GOTO
			case *ast.ExprStmt:
				found = c.leavesLoop([]ast.Stmt{n})
			}
			return !found
		})
	}
	return found
}

// leavesLoop reports whether a case body ends by leaving the loop: return, a labelled break,
// goto, or a call that does not return (panic, t.Fatal, log.Fatal, os.Exit, runtime.Goexit).
func (c *checker) leavesLoop(stmts []ast.Stmt) bool {
	if len(stmts) == 0 {
		return false
	}
	switch s := stmts[len(stmts)-1].(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		// A plain break leaves only the select.
		return (s.Tok == token.BREAK && s.Label != nil) || s.Tok == token.GOTO
	case *ast.ExprStmt:
		if call, ok := s.X.(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "panic" {
				return true
			}
			if fn, ok := typeutil.Callee(c.info, call).(*types.Func); ok && fn.Pkg() != nil {
				switch fn.Pkg().Path() + "." + fn.Name() {
				case "testing.Fatal", "testing.Fatalf", "testing.FailNow", "testing.Skip", "testing.Skipf",
					"testing.SkipNow", "log.Fatal", "log.Fatalf", "log.Fatalln", "log.Panic", "log.Panicf",
					"log.Panicln", "os.Exit", "runtime.Goexit":
					return true
				}
			}
		}
	}
	return false
}
