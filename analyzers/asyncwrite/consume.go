package asyncwrite

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/cfg"

	"github.com/goroguard/goroguard/internal/astx"
	"github.com/goroguard/goroguard/internal/spawn"
)

// The handler that consumes the goroutine's output waits for it: the goroutine sends its results
// on a channel and closes the channel when it is done (defer close(ch), or close(ch) as its last
// statement), and the handler drains the channel, in place (for v := range ch), or through a
// callback it hands to a call (gin's c.Stream(func(w io.Writer) bool { v, ok := <-ch; ... })).
//
// A callback's consumption may stop early (the framework stops calling it when the client goes
// away): the goroutine then keeps running under a cancelled request context, which is the point
// of the context, so the consumption counts as waiting for the request-context use; writes to the
// response from the goroutine can still come late, so they are still reported.

// outputChans returns the channels the goroutine of site closes when it is done, and those it
// sends on. Only a literal's body and the body of a function declared in this package (its
// parameters mapped to the go statement's arguments) are read.
func (ck *checker) outputChans(site spawn.Site) (closes, sends map[types.Object]bool) {
	closes, sends = map[types.Object]bool{}, map[types.Object]bool{}
	info := ck.pass.TypesInfo
	var body *ast.BlockStmt
	params := map[types.Object]types.Object{} // callee parameter -> the argument's variable
	if lit := site.Lit(); lit != nil {
		body = lit.Body
		if site.Kind == spawn.GoStmt && lit.Type.Params != nil {
			i := 0
			for _, f := range lit.Type.Params.List {
				for _, name := range f.Names {
					if i < len(site.Call.Args) {
						if obj := rootObj(info, site.Call.Args[i]); obj != nil {
							params[info.ObjectOf(name)] = obj
						}
					}
					i++
				}
				if len(f.Names) == 0 {
					i++
				}
			}
		}
	} else if site.Kind == spawn.GoStmt {
		fn := staticCallee(info, site.Call)
		decl := ck.declOf(fn)
		if decl == nil || decl.Body == nil {
			return closes, sends
		}
		body = decl.Body
		sig, _ := fn.Type().(*types.Signature)
		for i := 0; sig != nil && i < sig.Params().Len() && i < len(site.Call.Args); i++ {
			if obj := rootObj(info, site.Call.Args[i]); obj != nil {
				params[sig.Params().At(i)] = obj
			}
		}
	}
	if body == nil {
		return closes, sends
	}
	chanOf := func(x ast.Expr) types.Object {
		obj := rootObj(info, x)
		if p, ok := params[obj]; ok {
			return p
		}
		return obj
	}
	closeArg := func(n ast.Node) types.Object {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return nil
		}
		if id, ok := ast.Unparen(call.Fun).(*ast.Ident); !ok || id.Name != "close" {
			return nil
		} else if _, builtin := info.Uses[id].(*types.Builtin); !builtin {
			return nil
		}
		return chanOf(call.Args[0])
	}
	for _, st := range body.List {
		d, ok := st.(*ast.DeferStmt)
		if !ok {
			continue
		}
		if obj := closeArg(d.Call); obj != nil {
			closes[obj] = true // defer close(ch)
		} else if lit, ok := ast.Unparen(d.Call.Fun).(*ast.FuncLit); ok {
			for _, s := range lit.Body.List { // defer func() { ...; close(ch) }()
				if es, ok := s.(*ast.ExprStmt); ok {
					if obj := closeArg(es.X); obj != nil {
						closes[obj] = true
					}
				}
			}
		}
	}
	if n := len(body.List); n > 0 {
		if es, ok := body.List[n-1].(*ast.ExprStmt); ok {
			if obj := closeArg(es.X); obj != nil {
				closes[obj] = true // close(ch) as the last statement
			}
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if s, ok := n.(*ast.SendStmt); ok {
			if obj := chanOf(s.Chan); obj != nil {
				sends[obj] = true
			}
		}
		return true
	})
	return closes, sends
}

// declOf returns the declaration of a function of this package.
func (ck *checker) declOf(fn *types.Func) *ast.FuncDecl {
	if fn == nil || fn.Pkg() != ck.pass.Pkg {
		return nil
	}
	if d, ok := ck.decls[fn]; ok {
		return d
	}
	if ck.allDecls == nil {
		ck.allDecls = map[*types.Func]*ast.FuncDecl{}
		for _, f := range ck.pass.Files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					if obj, ok := ck.pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
						ck.allDecls[obj] = fd
					}
				}
			}
		}
	}
	return ck.allDecls[fn]
}

// consumesInCallback reports a call in n given a callback (a function literal, or a local
// variable holding one) that receives from a channel the goroutine closes when done:
// c.Stream(func(w io.Writer) bool { v, ok := <-ch; if !ok { return false }; ... }). The framework
// decides how long it calls the callback, so this is a partial wait (see above).
func (w *waiter) consumesInCallback(n ast.Node) bool {
	if len(w.closes) == 0 {
		return false
	}
	info := w.ck.pass.TypesInfo
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit, *ast.GoStmt:
			return false // a consumer goroutine is not the handler waiting
		case *ast.CallExpr:
			if _, isSpawn := spawn.At(info, n); isSpawn {
				return false // a consumer goroutine is not the handler waiting
			}
			for _, a := range n.Args {
				for _, lit := range w.funcLits(a) {
					if w.receivesFrom(lit.Body, w.closes) {
						found = true
						return false
					}
				}
			}
		}
		return true
	})
	return found
}

// receivesFrom reports a receive (<-ch, v, ok := <-ch, a range loop) in n from one of chans.
func (w *waiter) receivesFrom(n ast.Node, chans map[types.Object]bool) bool {
	info := w.ck.pass.TypesInfo
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.UnaryExpr:
			if n.Op == token.ARROW && chans[rootObj(info, n.X)] {
				found = true
			}
		case *ast.RangeStmt:
			if chans[rootObj(info, n.X)] {
				found = true
			}
		}
		return !found
	})
	return found
}

// stream reports a channel the goroutine sends its results on and closes when done.
func (w *waiter) stream(obj types.Object) bool {
	return obj != nil && w.closes[obj] && w.sends[obj]
}

// consumeLoop reports a receive at pos from a stream channel, inside a loop of the handler that
// does not start the goroutine: a consume loop. One receive there waits for one result, not for the
// goroutine; the loop can be left early (return, break on an error) while the goroutine goes on.
func (w *waiter) consumeLoop(ch ast.Expr, pos token.Pos) bool {
	if w.wholeLoop || !w.stream(rootObj(w.ck.pass.TypesInfo, ch)) {
		return false
	}
	in := false
	ast.Inspect(w.body, func(n ast.Node) bool {
		if in || n == nil || pos < n.Pos() || pos >= n.End() {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		lb := astx.LoopBody(n)
		if lb != nil && lb.Pos() <= pos && pos < lb.End() && !(lb.Pos() <= w.spawnPos && w.spawnPos < lb.End()) {
			in = true
		}
		return !in
	})
	return in
}

// streamReceive reports a consume-loop receive in n (a partial wait).
func (w *waiter) streamReceive(n ast.Node) bool {
	if len(w.closes) == 0 || len(w.sends) == 0 {
		return false
	}
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if u, ok := n.(*ast.UnaryExpr); ok && u.Op == token.ARROW && w.consumeLoop(u.X, u.Pos()) {
			found = true
		}
		_, lit := n.(*ast.FuncLit)
		return !found && !lit
	})
	return found
}

// closedBranch reports the branch that sees a stream channel closed: the then-branch of
// if !ok (or ok == false) and the else-branch of if ok, where v, ok := <-ch. Reaching it means the
// goroutine is done.
func (w *waiter) closedBranch(ifs *ast.IfStmt, then bool) bool {
	if len(w.closes) == 0 || len(w.sends) == 0 {
		return false
	}
	info := w.ck.pass.TypesInfo
	var okID *ast.Ident
	switch c := ast.Unparen(ifs.Cond).(type) {
	case *ast.UnaryExpr:
		if c.Op == token.NOT && then {
			okID, _ = ast.Unparen(c.X).(*ast.Ident)
		}
	case *ast.BinaryExpr:
		if id, ok := ast.Unparen(c.Y).(*ast.Ident); ok && id.Name == "false" && c.Op == token.EQL && then {
			okID, _ = ast.Unparen(c.X).(*ast.Ident)
		}
	case *ast.Ident:
		if !then {
			okID = c
		}
	}
	if okID == nil {
		return false
	}
	obj := info.ObjectOf(okID)
	if obj == nil {
		return false
	}
	found := false
	ast.Inspect(w.body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if found || !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
			return !found
		}
		id, ok := as.Lhs[1].(*ast.Ident)
		if !ok || info.ObjectOf(id) != obj {
			return true
		}
		if u, ok := ast.Unparen(as.Rhs[0]).(*ast.UnaryExpr); ok && u.Op == token.ARROW && w.stream(rootObj(info, u.X)) {
			found = true
		}
		return !found
	})
	return found
}

// returnsAfterCancel reports a handler that, after starting the goroutine, returns only once its
// request's context is done (<-r.Context().Done(), or a select case on it, on every path): the
// context is then cancelled when the handler returns anyway, and the goroutine's work under it
// stops with the client, not because the handler left early.
func (ck *checker) returnsAfterCancel(fn ast.Node, body *ast.BlockStmt, e *env, site spawn.Site) bool {
	g := ck.cfgOf(fn)
	if g == nil || len(g.Blocks) > maxBlocks {
		return false
	}
	comms := map[ast.Node]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		if cc, ok := n.(*ast.CommClause); ok && cc.Comm != nil {
			comms[cc.Comm] = true
		}
		return true
	})
	// doneRecv reports a receive from the Done channel of a request-derived context in n.
	doneRecv := func(n ast.Node) bool {
		found := false
		ast.Inspect(n, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok || found {
				return false
			}
			u, ok := n.(*ast.UnaryExpr)
			if !ok || u.Op != token.ARROW {
				return true
			}
			call, ok := ast.Unparen(u.X).(*ast.CallExpr)
			if !ok || len(call.Args) != 0 {
				return true
			}
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Done" && e.exprRole(sel.X) == roleCtx {
				found = true
			}
			return !found
		})
		return found
	}
	t := exitWalk{
		waits: func(n ast.Node) bool { return !comms[n] && doneRecv(n) },
		block: func(b *cfg.Block) bool {
			cc, ok := b.Stmt.(*ast.CommClause)
			return ok && b.Kind == cfg.KindSelectCaseBody && cc.Comm != nil && doneRecv(cc.Comm)
		},
	}
	exits, _ := t.run(g, body, site.Node)
	return len(exits) == 0
}
