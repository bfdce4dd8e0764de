package ctxdone

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/goroguard/goroguard/internal/apis"
	"github.com/goroguard/goroguard/internal/astx"
	"github.com/goroguard/goroguard/internal/spawn"
)

// Completion signals.
//
// A goroutine often reports its end on a second channel:
//
//	for {
//		msg, err := read(conn)
//		if err != nil {
//			errc <- err // the last thing the goroutine does
//			return
//		}
//		msgs <- msg
//	}
//
// and the spawner leaves its receive loop through `case err := <-errc: return`. Once the spawner
// has received from errc, the goroutine is past its last send on msgs: leaving there leaks
// nothing. completionChans finds such channels, and the path search treats a receive from one
// as doing the spawner's part.

// completionChans returns the local channels whose receipt proves that the goroutine of si has
// finished: made in the spawner, used by the spawner only to receive, used by no goroutine or
// closure but si's, and sent on or closed by si's goroutine only as its last action (the send is
// followed by a return or ends the body, or is a top-level `defer close(e)`). Only a goroutine
// that runs once per channel qualifies: with several senders, one signal says nothing about the
// others.
func (c *checker) completionChans(si *siteInfo, v *types.Var, def *makeDef, su *spawnerUse) map[types.Object]bool {
	if len(su.goroutines) != 1 || su.multi {
		return nil
	}
	var out map[types.Object]bool
	for _, e := range c.goroutineChans(si) {
		if e == v {
			continue
		}
		if d := c.makes[e]; d == nil || d.fn != def.fn {
			continue
		}
		if !c.spawnerOnlyReceives(si, e, c.makes[e]) || !c.goroutineEndsWith(si, e) {
			continue
		}
		if out == nil {
			out = map[types.Object]bool{}
		}
		out[e] = true
	}
	return out
}

// spawnerOnlyReceives reports whether every use of e in its defining function outside si's
// goroutine is its definition, a receive, len or cap.
func (c *checker) spawnerOnlyReceives(si *siteInfo, e *types.Var, def *makeDef) bool {
	ok := true
	skip := func(n ast.Node) bool {
		if n != si.Node || (si.Lit() == nil && si.Kind != spawn.GoStmt) {
			return false
		}
		// si's own goroutine: checked by goroutineEndsWith. Its receiver and non-argument
		// parts do not mention e in practice; be strict anyway.
		if si.Recv != nil && mentions(c.info, si.Recv, e) {
			ok = false
		}
		return true
	}
	return c.onlyReceives(def, e, skip, true) && ok
}

// onlyReceives reports whether every use of e in the function that makes it (def), outside the
// nodes skip selects, is its definition or a receive (or len or cap, with withLen) outside any
// function literal.
func (c *checker) onlyReceives(def *makeDef, e *types.Var, skip func(ast.Node) bool, withLen bool) bool {
	ok := true
	inspectStack(astx.FuncBody(def.fn), func(n ast.Node, stack []ast.Node) bool {
		if !ok || skip(n) {
			return false
		}
		id, isID := n.(*ast.Ident)
		if !isID || (c.info.Uses[id] != e && c.info.Defs[id] != e) {
			return true
		}
		for _, s := range stack[:len(stack)-1] {
			if _, lit := s.(*ast.FuncLit); lit {
				ok = false // another closure or goroutine uses e
				return false
			}
		}
		switch k, _ := classify(c.info, id, stack); {
		case k == opDef:
			ok = nodeContains(def.stmt, id)
		case k == opRecv, k == opLen && withLen:
		default:
			ok = false
		}
		return ok
	})
	return ok
}

// goroutineEndsWith reports whether si's goroutine operates on e only as its last action, at
// least once: through its function literal (captured or as a parameter) or, for a named
// function, through the callee's ChanParamsFact.
func (c *checker) goroutineEndsWith(si *siteInfo, e *types.Var) bool {
	lit := si.Lit()
	found := false
	if si.Kind == spawn.GoStmt {
		sig, fact, hasFact, known := c.spawnedSig(si, lit)
		if !known {
			return false
		}
		for i, a := range si.Call.Args {
			id, isID := ast.Unparen(a).(*ast.Ident)
			if !isID || c.info.Uses[id] != e {
				if mentions(c.info, a, e) {
					return false
				}
				continue
			}
			if sig == nil || i >= sig.Params().Len() || (sig.Variadic() && i == sig.Params().Len()-1) {
				return false
			}
			if lit != nil {
				if !c.endsWith(lit, sig.Params().At(i)) {
					return false
				}
			} else if p, ok := fact.param(i); !hasFact || !ok || !p.Final {
				return false
			}
			found = true
		}
	} else if lit == nil {
		return false
	}
	if lit != nil && mentions(c.info, lit.Body, e) {
		if !c.endsWith(lit, e) {
			return false
		}
		found = true
	}
	return found
}

// endsWith reports whether fn's body sends on or closes obj at least once, and only as its last
// action: each send or close is followed by a return or ends the body, or is a top-level
// `defer close(obj)`. A deferred call that mentions any other channel could still block after
// the signal, so it disqualifies the body.
func (c *checker) endsWith(fn ast.Node, obj types.Object) bool {
	body := astx.FuncBody(fn)
	if body == nil {
		return false
	}
	n, ok := 0, true
	inspectStack(body, func(node ast.Node, stack []ast.Node) bool {
		if !ok {
			return false
		}
		switch node := node.(type) {
		case *ast.FuncLit:
			if mentions(c.info, node, obj) {
				ok = false
			}
			return false
		case *ast.DeferStmt:
			if c.isCloseOf(node.Call, obj) && len(stack) == 2 {
				n++
				return false
			}
			if c.mentionsChan(node) {
				ok = false
			}
			return false
		case *ast.Ident:
			if c.info.Uses[node] != obj {
				return true
			}
			switch k, _ := classify(c.info, node, stack); k {
			case opSend, opClose:
				if !lastAction(stack) {
					ok = false
				}
				n++
			case opLen:
			default:
				ok = false
			}
		}
		return true
	})
	return ok && n > 0
}

// isCloseOf reports whether call is close(obj).
func (c *checker) isCloseOf(call *ast.CallExpr, obj types.Object) bool {
	fid, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok || len(call.Args) != 1 {
		return false
	}
	b, ok := c.info.Uses[fid].(*types.Builtin)
	if !ok || b.Name() != "close" {
		return false
	}
	id, ok := ast.Unparen(call.Args[0]).(*ast.Ident)
	return ok && c.info.Uses[id] == obj
}

// mentionsChan reports whether n mentions any expression of channel type.
func (c *checker) mentionsChan(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if e, ok := m.(ast.Expr); ok && !found {
			if _, isChan := apis.IsChan(c.info.TypeOf(e)); isChan {
				found = true
			}
		}
		return !found
	})
	return found
}

// lastAction reports whether the send or close whose channel identifier is at the top of stack
// (stack[0] is the function body) is the last thing the function does: the statement is
// followed by a return, or ends the body, possibly through enclosing if, switch, select and
// block statements. Any enclosing loop makes it not the last action.
func lastAction(stack []ast.Node) bool {
	// Find the statement: the send, or the expression statement of close(...).
	i := len(stack) - 2
	if i < 1 {
		return false
	}
	var cur ast.Node = stack[i]
	switch cur.(type) {
	case *ast.SendStmt:
	case *ast.CallExpr:
		i--
		if _, ok := stack[i].(*ast.ExprStmt); !ok {
			return false
		}
		cur = stack[i]
	default:
		return false
	}
	for j := i - 1; j >= 0; j-- {
		var list []ast.Stmt
		switch p := stack[j].(type) {
		case *ast.BlockStmt:
			if j > 0 {
				switch stack[j-1].(type) {
				case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
					continue // a clause that ends ends its switch or select
				}
			}
			list = p.List
		case *ast.CaseClause:
			list = p.Body
		case *ast.CommClause:
			list = p.Body
			if cur == p.Comm {
				if len(list) > 0 {
					return isReturn(list[0])
				}
				cur = p
				continue
			}
		case *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt, *ast.LabeledStmt:
			cur = p
			continue
		default:
			return false // a loop, a function literal or an expression
		}
		k := -1
		for x, s := range list {
			if s == cur {
				k = x
			}
		}
		if k < 0 {
			return false
		}
		if k+1 < len(list) {
			return isReturn(list[k+1])
		}
		if j == 0 {
			return true // the last statement of the body
		}
		cur = stack[j]
	}
	return false
}

func isReturn(s ast.Stmt) bool {
	_, ok := s.(*ast.ReturnStmt)
	return ok
}

// receivesFrom reports whether n (outside function literals) receives from one of chans.
func (c *checker) receivesFrom(n ast.Node, chans map[types.Object]bool) bool {
	if len(chans) == 0 {
		return false
	}
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if found {
			return false
		}
		switch m := m.(type) {
		case *ast.FuncLit:
			return false
		case *ast.UnaryExpr:
			if m.Op == token.ARROW {
				if id, ok := ast.Unparen(m.X).(*ast.Ident); ok && chans[c.info.Uses[id]] {
					found = true
				}
			}
		}
		return true
	})
	return found
}
