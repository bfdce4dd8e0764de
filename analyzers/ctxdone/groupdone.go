package ctxdone

import (
	"go/ast"
	"go/types"

	"github.com/goroguard/goroguard/internal/apis"
	"github.com/goroguard/goroguard/internal/astx"
	"github.com/goroguard/goroguard/internal/spawn"
)

// Group completion signals.
//
// A fan-in often learns that its workers are all done from a closer goroutine:
//
//	for _, it := range items {
//		wg.Add(1)
//		go func() {
//			defer wg.Done()
//			if err := handle(it); err != nil {
//				errCh <- err
//			}
//		}()
//	}
//	go func() { wg.Wait(); close(done) }()
//	for {
//		select {
//		case err := <-errCh:
//			errs = append(errs, err)
//		case <-done:
//			return errs
//		}
//	}
//
// Each worker's wg.Done runs after its last send, so once done is closed every send has been
// received: leaving through `case <-done` strands nobody. groupDoneChans finds such channels, and
// the path search treats a receive from one as the spawner's part done for all the goroutines
// (kubevela's addon loader, held-out run 23). A closer that sends one value instead of closing
// (`wg.Wait(); done <- struct{}{}`) proves the same once its value is received (karmada's cache,
// run 23). A return on the first error received still strands the workers that have not sent
// yet, and is still reported, at that return.

// groupDoneChans returns the local channels whose receipt proves that every goroutine of su has
// finished: made in the spawner's function, signalled only by one closer goroutine whose body is
// `W.Wait(); close(e)` or `W.Wait(); e <- v`, used by the spawner's function otherwise only to
// receive, where every goroutine of su is one W waits for to the end: a go statement's function
// literal that starts with `defer W.Done()`, or W.Go(...) of the same WaitGroup or errgroup.Group.
func (c *checker) groupDoneChans(def *makeDef, su *spawnerUse) map[types.Object]bool {
	var out map[types.Object]bool
	ast.Inspect(astx.FuncBody(def.fn), func(n ast.Node) bool {
		gs, ok := n.(*ast.GoStmt)
		if !ok {
			return true
		}
		lit, ok := ast.Unparen(gs.Call.Fun).(*ast.FuncLit)
		if !ok || len(gs.Call.Args) > 0 {
			return true
		}
		group, e := c.waitThenSignal(lit)
		if e == nil {
			return true
		}
		mk := c.makes[e]
		if mk == nil || mk.fn != def.fn || !c.onlyReceives(mk, e, func(n ast.Node) bool { return n == lit }, false) {
			return true
		}
		for _, si := range su.goroutines {
			if !c.waitedFor(si, group) {
				return true
			}
		}
		if out == nil {
			out = map[types.Object]bool{}
		}
		out[e] = true
		return true
	})
	return out
}

// waitThenSignal matches a closer literal whose body is exactly `W.Wait(); close(e)`, or
// `W.Wait(); e <- v` (one value sent once: receiving it proves Wait returned just as a close
// does), for a sync.WaitGroup or errgroup.Group W, and returns W's variable and e.
func (c *checker) waitThenSignal(lit *ast.FuncLit) (group types.Object, e *types.Var) {
	if len(lit.Body.List) != 2 {
		return nil, nil
	}
	wait, ok := exprCall(lit.Body.List[0])
	if !ok {
		return nil, nil
	}
	waited := c.groupWaited(wait)
	if waited == nil {
		return nil, nil
	}
	id, ok := ast.Unparen(signalledChan(c.info, lit.Body.List[1])).(*ast.Ident)
	if !ok {
		return nil, nil
	}
	v, _ := c.info.Uses[id].(*types.Var)
	group = c.varOf(waited)
	if v == nil || group == nil {
		return nil, nil
	}
	return group, v
}

// waitedFor reports whether group's Wait returns only after si's goroutine has returned: si is
// group.Go(...), or a go statement whose function literal starts with `defer group.Done()`.
func (c *checker) waitedFor(si *siteInfo, group types.Object) bool {
	if si.Kind == spawn.Method {
		return si.Recv != nil && c.varOf(si.Recv) == group && (apis.IsWaitGroup(c.info.TypeOf(si.Recv)) || apis.IsErrgroup(c.info.TypeOf(si.Recv)))
	}
	lit := si.Lit()
	if lit == nil || len(lit.Body.List) == 0 {
		return false
	}
	d, ok := lit.Body.List[0].(*ast.DeferStmt)
	if !ok || len(d.Call.Args) != 0 {
		return false
	}
	sel, ok := ast.Unparen(d.Call.Fun).(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Done" && apis.IsWaitGroup(c.info.TypeOf(sel.X)) && c.varOf(sel.X) == group
}

// groupWaited returns W when call is W.Wait() of a sync.WaitGroup or errgroup.Group, else nil.
func (c *checker) groupWaited(call *ast.CallExpr) ast.Expr {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Wait" || len(call.Args) != 0 {
		return nil
	}
	if t := c.info.TypeOf(sel.X); apis.IsWaitGroup(t) || apis.IsErrgroup(t) {
		return sel.X
	}
	return nil
}

// signalledChan returns the channel expression s closes (`close(e)`) or sends on (`e <- v`),
// else nil.
func signalledChan(info *types.Info, s ast.Stmt) ast.Expr {
	if send, ok := s.(*ast.SendStmt); ok {
		return send.Chan
	}
	call, ok := exprCall(s)
	if !ok || !apis.IsBuiltinCall(info, call, "close") || len(call.Args) != 1 {
		return nil
	}
	return call.Args[0]
}

// exprCall returns the call an expression statement makes.
func exprCall(s ast.Stmt) (*ast.CallExpr, bool) {
	es, ok := s.(*ast.ExprStmt)
	if !ok {
		return nil, false
	}
	call, ok := ast.Unparen(es.X).(*ast.CallExpr)
	return call, ok
}
