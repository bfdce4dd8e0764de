package asyncwrite

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/goroguard/goroguard/internal/apis"
	"github.com/goroguard/goroguard/internal/astx"
)

// role is what a parameter type means to asyncwrite.
type role int

const (
	roleNone role = iota
	roleWriter
	roleRequest
	roleCtx
	roleFramework
)

func (ck *checker) roleOf(t types.Type) role {
	if t == nil {
		return roleNone
	}
	for _, q := range ck.fwTypes {
		if apis.IsNamedOrPointer(t, q.pkg, q.name) {
			return roleFramework
		}
	}
	switch {
	case apis.IsResponseWriter(t):
		return roleWriter
	case apis.IsRequest(t):
		return roleRequest
	case apis.IsContext(t):
		return roleCtx
	}
	return roleNone
}

// env says which variables of one function hold the handler's writer (or an alias of it), its
// request, a context derived from the request's context, or a framework context value.
type env struct {
	ck   *checker
	objs map[types.Object]role
}

func (e *env) role(obj types.Object) role {
	if obj == nil {
		return roleNone
	}
	return e.objs[obj]
}

// assignment is one value given to a variable: x := rhs, or the index-th result of a tuple call.
type assignment struct {
	rhs   ast.Expr
	index int // -1: rhs is the value itself; >=0: result index of a tuple-valued call
}

// newEnv seeds the environment with fn's parameters (all of them when only is nil, else only the
// listed ones) and then adds every local variable all of whose assignments carry the same role:
// x := w, f := w.(http.Flusher), ctx := r.Context(), ctx, cancel := context.WithTimeout(ctx, d).
// A variable that is also assigned something else (ctx = context.WithoutCancel(ctx)) stays
// unknown: asyncwrite would rather miss it than guess.
func (ck *checker) newEnv(fn ast.Node, only map[*types.Var]bool) *env {
	e := &env{ck: ck, objs: map[types.Object]role{}}
	if sig := ck.signature(fn); sig != nil {
		for i := 0; i < sig.Params().Len(); i++ {
			p := sig.Params().At(i)
			if only != nil && !only[p] {
				continue
			}
			if r := ck.roleOf(p.Type()); r != roleNone {
				e.objs[p] = r
			}
		}
	}
	body := astx.FuncBody(fn)
	if body == nil {
		return e
	}
	info := ck.pass.TypesInfo
	assigns := map[types.Object][]assignment{}
	var order []types.Object
	add := func(id ast.Expr, a assignment) {
		ident, ok := ast.Unparen(id).(*ast.Ident)
		if !ok || ident.Name == "_" {
			return
		}
		obj := info.ObjectOf(ident)
		if _, isVar := obj.(*types.Var); !isVar {
			return
		}
		if _, seeded := e.objs[obj]; seeded && obj.Pos() < body.Pos() {
			// A parameter reassigned inside the body: unknown from here on.
			e.objs[obj] = roleNone
			return
		}
		if _, seen := assigns[obj]; !seen {
			order = append(order, obj)
		}
		assigns[obj] = append(assigns[obj], a)
	}
	bindLit := func(call *ast.CallExpr) {
		// func(p T){...}(x): p takes x's role.
		lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit)
		if !ok || lit.Type.Params == nil {
			return
		}
		i := 0
		for _, field := range lit.Type.Params.List {
			names := field.Names
			if len(names) == 0 {
				i++
				continue
			}
			for _, name := range names {
				if i < len(call.Args) && call.Ellipsis == token.NoPos {
					add(name, assignment{rhs: call.Args[i], index: -1})
				}
				i++
			}
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE && n.Tok != token.ASSIGN {
				for _, l := range n.Lhs {
					add(l, assignment{rhs: nil, index: -1})
				}
				return true
			}
			if len(n.Lhs) == len(n.Rhs) {
				for i := range n.Lhs {
					add(n.Lhs[i], assignment{rhs: n.Rhs[i], index: -1})
				}
			} else if len(n.Rhs) == 1 {
				for i := range n.Lhs {
					add(n.Lhs[i], assignment{rhs: n.Rhs[0], index: i})
				}
			}
		case *ast.ValueSpec:
			if len(n.Names) == len(n.Values) {
				for i := range n.Names {
					add(n.Names[i], assignment{rhs: n.Values[i], index: -1})
				}
			} else if len(n.Values) == 1 {
				for i := range n.Names {
					add(n.Names[i], assignment{rhs: n.Values[0], index: i})
				}
			}
		case *ast.RangeStmt:
			if n.Key != nil {
				add(n.Key, assignment{rhs: nil, index: -1})
			}
			if n.Value != nil {
				add(n.Value, assignment{rhs: nil, index: -1})
			}
		case *ast.CallExpr:
			bindLit(n)
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				// &x lets anything change x: unknown.
				add(n.X, assignment{rhs: nil, index: -1})
			}
		}
		return true
	})
	// Pessimistic fixpoint: a variable gets a role once every assignment carries it, evaluating
	// its own self-updates (ctx = context.WithValue(ctx, k, v)) as if it already had it.
	for round := 0; round < 8; round++ {
		changed := false
		for _, obj := range order {
			if e.objs[obj] != roleNone {
				continue
			}
			if _, isParam := e.objs[obj]; isParam {
				continue // a parameter reassigned in the body (marked roleNone above)
			}
			for _, cand := range []role{roleWriter, roleRequest, roleCtx, roleFramework} {
				all := true
				for _, a := range assigns[obj] {
					if !e.assignedRole(obj, cand, a) {
						all = false
						break
					}
				}
				if all {
					e.objs[obj] = cand
					changed = true
					break
				}
			}
		}
		if !changed {
			break
		}
	}
	return e
}

func (e *env) assignedRole(self types.Object, want role, a assignment) bool {
	if a.rhs == nil {
		return false
	}
	if a.index < 0 {
		prev, had := e.objs[self]
		e.objs[self] = want
		got := e.exprRole(a.rhs) == want
		if had {
			e.objs[self] = prev
		} else {
			delete(e.objs, self)
		}
		return got
	}
	// The index-th result of a call: ctx, cancel := context.WithTimeout(ctx, d), f, ok := w.(http.Flusher).
	switch rhs := ast.Unparen(a.rhs).(type) {
	case *ast.TypeAssertExpr:
		return a.index == 0 && want == roleWriter && e.writerAlias(rhs)
	case *ast.CallExpr:
		if want != roleCtx {
			return false
		}
		tup, ok := e.ck.pass.TypesInfo.TypeOf(rhs).(*types.Tuple)
		if !ok || a.index >= tup.Len() || !apis.IsContext(tup.At(a.index).Type()) {
			return false
		}
		prev, had := e.objs[self]
		e.objs[self] = want
		got := e.derivesFromRequest(rhs)
		if had {
			e.objs[self] = prev
		} else {
			delete(e.objs, self)
		}
		return got
	}
	return false
}

// exprRole returns the role of the value of x.
func (e *env) exprRole(x ast.Expr) role {
	info := e.ck.pass.TypesInfo
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		return e.role(info.ObjectOf(x))
	case *ast.TypeAssertExpr:
		if e.writerAlias(x) {
			return roleWriter
		}
	case *ast.SelectorExpr:
		// gin: c.Request is the request of framework context c.
		if e.exprRole(x.X) == roleFramework && apis.IsRequest(info.TypeOf(x)) {
			return roleRequest
		}
	case *ast.CallExpr:
		if isRequestContextCall(e, x) {
			return roleCtx
		}
		t := info.TypeOf(x)
		if apis.IsContext(t) && e.derivesFromRequest(x) {
			return roleCtx
		}
		if sel, ok := ast.Unparen(x.Fun).(*ast.SelectorExpr); ok {
			recv := e.exprRole(sel.X)
			// r.WithContext(ctx), r.Clone(ctx): a new request that shares r's body.
			if recv == roleRequest && apis.IsRequest(t) {
				return roleRequest
			}
			// echo: c.Request() is the request of framework context c.
			if recv == roleFramework && apis.IsRequest(t) {
				return roleRequest
			}
		}
		// http.NewResponseController(w) controls w.
		if f, ok := calledFunc(info, x); ok && f == (funcID{"net/http", "NewResponseController"}) && len(x.Args) == 1 && e.exprRole(x.Args[0]) == roleWriter {
			return roleWriter
		}
	}
	return roleNone
}

// writerAlias reports w.(http.Flusher) and similar assertions of the writer to another interface.
func (e *env) writerAlias(x *ast.TypeAssertExpr) bool {
	return x.Type != nil && e.exprRole(x.X) == roleWriter
}

// isRequestContextCall reports r.Context() on a request.
func isRequestContextCall(e *env, call *ast.CallExpr) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Context" || len(call.Args) != 0 {
		return false
	}
	return e.exprRole(sel.X) == roleRequest
}

// derivesFromRequest reports a call that returns a context derived from a request context:
// context.WithTimeout(ctx, d), errgroup.WithContext(ctx), trace.ContextWithSpan(ctx, s), ...
// context.WithoutCancel is the one derivation that cuts the cancellation.
func (e *env) derivesFromRequest(call *ast.CallExpr) bool {
	if f, ok := calledFunc(e.ck.pass.TypesInfo, call); ok && f == (funcID{"context", "WithoutCancel"}) {
		return false
	}
	for _, a := range call.Args {
		if e.exprRole(a) == roleCtx {
			return true
		}
	}
	return false
}

// hijacks reports a Hijack call in body, or a websocket upgrade (upgrader.Upgrade(w, r, h),
// websocket.Accept(w, r, opts)): the handler took over the connection, and its lifetime is the
// connection's.
func hijacks(info *types.Info, body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
				switch sel.Sel.Name {
				case "Hijack":
					found = true
				case "Upgrade", "Accept":
					found = len(call.Args) >= 2 && apis.IsRequest(info.TypeOf(call.Args[1]))
				}
			}
		}
		return !found
	})
	return found
}

// formParsers are the Request methods after which r.Form and r.PostForm are filled maps.
var formParsers = map[string]bool{"ParseForm": true, "ParseMultipartForm": true, "FormValue": true, "PostFormValue": true, "FormFile": true}

// parsesFormBefore reports a form-parsing call on the request in the handler's own body (not in a
// function literal) before pos.
func parsesFormBefore(info *types.Info, e *env, body *ast.BlockStmt, pos token.Pos) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found || n == nil || n.Pos() >= pos {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok && call.End() <= pos {
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && formParsers[sel.Sel.Name] && e.exprRole(sel.X) == roleRequest {
				found = true
			}
		}
		return true
	})
	return found
}
