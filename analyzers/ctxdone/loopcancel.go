package ctxdone

import (
	"go/ast"
	"go/types"
	"strings"

	"github.com/goroguard/goroguard/internal/apis"
)

// A loop that ignores its context is a leak only if that context is cancelled while the process
// still runs. Held-out runs 7, 10 and 11 found the same false positive again and again: a
// periodic worker started once per process, whose context is the process's own (a
// context.Background() with values from a helper, a root context cancelled only as main
// returns). Ignoring it ends nothing. So by default the loop check reports only when the code
// around the spawn site shows that the context is cancelled while things still run:
//
//   - the spawner makes the context with a cancel function of its own (context.WithCancel,
//     WithTimeout, WithDeadline and their Cause forms, errgroup.WithContext), so it is cancelled
//     when the spawner is done with it;
//   - or the spawner itself watches it (ctx.Done(), ctx.Err(), context.Cause, context.AfterFunc),
//     so its author expects the cancellation to come while the goroutine runs (argo-cd stopped
//     a ticker on ctx.Done() in a second goroutine while the first ranged over the ticker).
//
// For a context kept in a struct field, the whole package counts as the spawner: the field is
// shared by the type's Start and Stop methods. The loops-any-context option reports every loop
// that ignores a cancellable-looking context, as before.

// cancelDerivers are the calls that return a context cancelled by a function the caller holds,
// with the index of the context among the results.
var cancelDerivers = map[apis.Func]int{
	{Pkg: "context", Name: "WithCancel"}:                     0,
	{Pkg: "context", Name: "WithCancelCause"}:                0,
	{Pkg: "context", Name: "WithTimeout"}:                    0,
	{Pkg: "context", Name: "WithTimeoutCause"}:               0,
	{Pkg: "context", Name: "WithDeadline"}:                   0,
	{Pkg: "context", Name: "WithDeadlineCause"}:              0,
	{Pkg: "golang.org/x/sync/errgroup", Name: "WithContext"}: 1,
}

// ctxObservers are the functions whose first argument is a context they watch.
var ctxObservers = []apis.Func{{Pkg: "context", Name: "Cause"}, {Pkg: "context", Name: "AfterFunc"}}

// cancelSeen reports whether the code around si shows that ctx, the context a forever loop of
// the goroutine ignores, is cancelled while the process runs (see above). A nil ctx (a context
// handed over as a call's result, an unnamed parameter) shows nothing.
func (c *checker) cancelSeen(si *siteInfo, ctx types.Object) bool {
	v, ok := ctx.(*types.Var)
	if !ok || v == nil {
		return false
	}
	v = originVar(v)
	var roots []ast.Node
	switch {
	case v.IsField():
		for _, f := range c.pass.Files {
			roots = append(roots, f)
		}
	case si.decl != nil:
		roots = []ast.Node{si.decl}
	default:
		return false
	}
	found := false
	for _, root := range roots {
		ast.Inspect(root, func(n ast.Node) bool {
			if found {
				return false
			}
			switch n := n.(type) {
			case *ast.CallExpr:
				found = c.observes(n, v)
			case *ast.AssignStmt:
				if len(n.Rhs) == 1 {
					found = c.derivesWithCancel(n.Lhs, n.Rhs[0], v)
				}
			case *ast.ValueSpec:
				if len(n.Values) == 1 {
					lhs := make([]ast.Expr, len(n.Names))
					for i, id := range n.Names {
						lhs[i] = id
					}
					found = c.derivesWithCancel(lhs, n.Values[0], v)
				}
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// observes reports whether call watches the context v: v.Done(), v.Err(), context.Cause(v),
// context.AfterFunc(v, f).
func (c *checker) observes(call *ast.CallExpr, v *types.Var) bool {
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && len(call.Args) == 0 &&
		(sel.Sel.Name == "Done" || sel.Sel.Name == "Err") {
		if t := c.info.TypeOf(sel.X); t != nil && apis.IsContext(t) && c.denotes(sel.X, v) {
			return true
		}
	}
	return len(call.Args) > 0 && apis.IsFuncCall(c.info, call, ctxObservers...) && c.denotes(call.Args[0], v)
}

// derivesWithCancel reports whether lhs = rhs stores in v a context made with a cancel function.
func (c *checker) derivesWithCancel(lhs []ast.Expr, rhs ast.Expr, v *types.Var) bool {
	call, ok := ast.Unparen(rhs).(*ast.CallExpr)
	if !ok {
		return false
	}
	f, ok := apis.CalledFunc(c.info, call)
	if !ok {
		return false
	}
	i, ok := cancelDerivers[f]
	return ok && i < len(lhs) && c.denotes(lhs[i], v)
}

// denotes reports whether e is the variable v, or a selection of the field v.
func (c *checker) denotes(e ast.Expr, v *types.Var) bool {
	w, ok := c.varOf(e).(*types.Var)
	return ok && originVar(w) == v
}

// factCtxObj returns the variable or field that a loop summarized in fn's ForeverFact ignores, as
// the spawner sees it at call: the argument passed for the named context parameter, or the field
// of fn's receiver for "recv.field". It returns nil when the argument is not a variable or field
// (a call such as orm.Context()), which shows no cancellation.
func (c *checker) factCtxObj(call *ast.CallExpr, fn *types.Func, ctxName string) types.Object {
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || call == nil || ctxName == "" {
		return nil
	}
	for i := 0; i < sig.Params().Len() && i < len(call.Args); i++ {
		if sig.Params().At(i).Name() == ctxName {
			return c.varOf(call.Args[i])
		}
	}
	if r := sig.Recv(); r != nil {
		if field, ok := strings.CutPrefix(ctxName, r.Name()+"."); ok && field != "" {
			obj, _, _ := types.LookupFieldOrMethod(r.Type(), true, fn.Pkg(), field)
			if v, ok := obj.(*types.Var); ok && v.IsField() {
				return v
			}
		}
	}
	return nil
}
