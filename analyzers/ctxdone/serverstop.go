package ctxdone

import (
	"go/ast"
	"go/types"

	"github.com/goroguard/goroguard/internal/apis"
)

// A gRPC server's error report after the spawner stopped the server.
//
// The goroutine runs a gRPC server and reports the error that ends it:
//
//	go func() {
//		if err := s.grpcServer.Serve(lis); err != nil {
//			errCh <- err
//		}
//	}()
//	select {
//	case <-stop:
//		s.grpcServer.GracefulStop()
//		return nil
//	case err := <-errCh:
//		return err
//	}
//
// grpc.Server's Serve returns nil once Stop or GracefulStop was called, so on the way out that
// stops the server first the send never runs. (net/http's Serve returns http.ErrServerClosed
// instead; the stream-decoder rule in decoder.go handles servers whose guard excludes that
// error.) A path that leaves without stopping this very server still counts as a leak.

// serveMethods are the methods that run a gRPC server until it stops.
var serveMethods = map[string]bool{"Serve": true}

// stopMethods are the methods that stop one; Serve returns nil after either.
var stopMethods = map[string]bool{"Stop": true, "GracefulStop": true}

// serverStops returns, when every send on v in the goroutine of si reports the error of a
// server's Serve and is guarded so that the error the server's Shutdown (or Stop) produces is
// not sent, a predicate for spawner statements that stop that server: on a path through one,
// the goroutine never sends. nil otherwise.
func (c *checker) serverStops(si *siteInfo, v *types.Var, su *spawnerUse) func(ast.Node) bool {
	lit := si.Lit()
	if lit == nil || su.need != NeedRecv {
		return nil
	}
	var serves []*ast.CallExpr // the Serve calls whose error the sends report
	ok := true
	sends := 0
	var stack []ast.Node
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if !ok {
			return false
		}
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if _, nested := n.(*ast.FuncLit); nested {
			return false
		}
		stack = append(stack, n)
		s, isSend := n.(*ast.SendStmt)
		if !isSend {
			return true
		}
		id, isID := ast.Unparen(s.Chan).(*ast.Ident)
		if !isID || c.info.Uses[id] != v {
			return true
		}
		sends++
		serve := c.guardedServeError(lit.Body, stack)
		if serve == nil {
			ok = false
			return false
		}
		serves = append(serves, serve)
		return true
	})
	if !ok || sends == 0 {
		return nil
	}
	return func(n ast.Node) bool {
		for _, serve := range serves {
			if !c.stops(n, serve) {
				return false
			}
		}
		return true
	}
}

// guardedServeError returns the gRPC Serve call whose error the send at the top of stack
// reports, when an if statement around the send tests that error (Serve returns nil once
// stopped, so `err != nil` is enough).
func (c *checker) guardedServeError(body *ast.BlockStmt, stack []ast.Node) *ast.CallExpr {
	for i := len(stack) - 2; i >= 0; i-- {
		ifs, ok := stack[i].(*ast.IfStmt)
		if !ok || !nodeContains(ifs.Body, stack[len(stack)-1]) {
			continue
		}
		errVar := c.condErrVar(ifs.Cond)
		if errVar == nil {
			continue
		}
		serve := c.serveAssigning(body, ifs, errVar)
		if serve == nil {
			continue
		}
		if c.isGRPCServe(serve) {
			return serve
		}
		return nil
	}
	return nil
}

// condErrVar returns the error variable an if condition tests.
func (c *checker) condErrVar(cond ast.Expr) *types.Var {
	var found *types.Var
	ast.Inspect(cond, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || found != nil {
			return found == nil
		}
		if vr, ok := c.info.Uses[id].(*types.Var); ok && types.Identical(vr.Type(), errorType) {
			found = vr
		}
		return true
	})
	return found
}

// serveAssigning returns the X.Serve(...) call whose result is assigned to errVar in the if's
// Init, or in the statement just before the if in the same block.
func (c *checker) serveAssigning(body *ast.BlockStmt, ifs *ast.IfStmt, errVar *types.Var) *ast.CallExpr {
	fromAssign := func(s ast.Stmt) *ast.CallExpr {
		as, ok := s.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return nil
		}
		id, ok := as.Lhs[0].(*ast.Ident)
		if !ok || (c.info.Defs[id] != errVar && c.info.Uses[id] != errVar) {
			return nil
		}
		call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
		if !ok {
			return nil
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok || !serveMethods[sel.Sel.Name] {
			return nil
		}
		return call
	}
	if ifs.Init != nil {
		return fromAssign(ifs.Init)
	}
	var found *ast.CallExpr
	ast.Inspect(body, func(n ast.Node) bool {
		blk, ok := n.(*ast.BlockStmt)
		if !ok || found != nil {
			return found == nil
		}
		for i, s := range blk.List {
			if s == ast.Stmt(ifs) && i > 0 {
				found = fromAssign(blk.List[i-1])
			}
		}
		return true
	})
	return found
}

// isGRPCServe reports whether serve is the Serve method of a *grpc.Server.
func (c *checker) isGRPCServe(serve *ast.CallExpr) bool {
	sel, ok := ast.Unparen(serve.Fun).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Serve" {
		return false
	}
	t := c.info.TypeOf(sel.X)
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	return apis.IsNamed(t, "google.golang.org/grpc", "Server")
}

// stops reports whether n calls a stop method on the receiver of serve (the same expression:
// srv, s.grpcServer).
func (c *checker) stops(n ast.Node, serve *ast.CallExpr) bool {
	recv := ast.Unparen(serve.Fun).(*ast.SelectorExpr).X
	want := types.ExprString(recv)
	root := rootObj(c.info, recv)
	if root == nil {
		return false
	}
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if _, ok := m.(*ast.FuncLit); ok || found {
			return false
		}
		call, ok := m.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if ok && stopMethods[sel.Sel.Name] && types.ExprString(sel.X) == want && rootObj(c.info, sel.X) == root {
			found = true
		}
		return !found
	})
	return found
}

// rootObj returns the variable an expression such as s.srv or srv starts from.
func rootObj(info *types.Info, e ast.Expr) types.Object {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			return info.Uses[x]
		case *ast.SelectorExpr:
			e = x.X
		default:
			return nil
		}
	}
}
