package ctxdone

import (
	"go/ast"
	"go/token"
	"go/types"
)

// The forgotten stop: a goroutine runs an endless loop whose only way out is a select case that
// receives from a stop channel the spawner made (`case <-stop: return`), and the spawner can
// return without closing it (`if err := work(); err != nil { return err }` before `close(stop)`).
// The goroutine never ends: it keeps its ticker, its stack and whatever it references, and keeps
// running its other cases. To the path check the stop case is a receive that needs the spawner
// to send or close (NeedSendOrClose), like a goroutine that waits once.

// stopCase reports whether the receive at the top of stack is the communication of a select case
// that is the only way out of an endless loop around the select: the loop is `for { ... }`
// without a condition, the case body returns, and nothing else in the loop returns, breaks out of
// it or jumps (outside function literals).
func stopCase(stack []ast.Node) bool {
	var clause *ast.CommClause
	var sel *ast.SelectStmt
	var loop *ast.ForStmt
	for i := len(stack) - 2; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.FuncLit:
			return false
		case *ast.CommClause:
			if clause == nil {
				clause = n
			}
		case *ast.SelectStmt:
			if sel == nil {
				sel = n
			}
		case *ast.ForStmt:
			if sel == nil {
				return false // the receive is in a loop inside the select's case
			}
			loop = n
		case *ast.RangeStmt:
			return false
		}
		if loop != nil {
			break
		}
	}
	if clause == nil || sel == nil || loop == nil || loop.Cond != nil {
		return false
	}
	if clause.Comm == nil || !nodeContains(clause.Comm, stack[len(stack)-1]) {
		return false // the receive is in the case's body, not its communication
	}
	if !returns(clause.Body) {
		return false
	}
	return onlyExit(loop, clause)
}

// returns reports whether the statements hold a return (outside function literals).
func returns(stmts []ast.Stmt) bool {
	found := false
	for _, s := range stmts {
		ast.Inspect(s, func(n ast.Node) bool {
			switch n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				found = true
			}
			return !found
		})
	}
	return found
}

// onlyExit reports whether clause holds every way out of loop: no return elsewhere in the loop,
// no break that ends the loop, no labeled break or continue, no goto.
func onlyExit(loop *ast.ForStmt, clause *ast.CommClause) bool {
	ok := true
	var visit func(n ast.Node, breakTargetsLoop bool)
	visit = func(n ast.Node, breakTargetsLoop bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			if !ok || m == nil {
				return false
			}
			if m == n {
				return true
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CommClause:
				if m == clause {
					return false
				}
			case *ast.ReturnStmt:
				ok = false
			case *ast.BranchStmt:
				switch {
				case m.Tok == token.GOTO || m.Label != nil && m.Tok != token.CONTINUE:
					ok = false
				case m.Tok == token.BREAK && breakTargetsLoop:
					ok = false
				}
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				// A break inside these ends them, not the loop.
				visit(m, false)
				return false
			}
			return true
		})
	}
	visit(loop.Body, true)
	return ok
}

// runsUntilStopped reports whether the goroutine of si (a function literal) uses v only as the
// stop case of an endless loop, captured or as a parameter.
func (c *checker) runsUntilStopped(si *siteInfo, v types.Object) bool {
	lit := si.Lit()
	if lit == nil {
		return false
	}
	if c.srcSummary(si, lit, v).stopOnly {
		return true
	}
	sig, _ := c.info.TypeOf(lit).(*types.Signature)
	if sig == nil || si.Call == nil {
		return false
	}
	for i, a := range si.Call.Args {
		if c.identObj(a) == v && i < sig.Params().Len() && c.srcSummary(si, lit, sig.Params().At(i)).stopOnly {
			return true
		}
	}
	return false
}
