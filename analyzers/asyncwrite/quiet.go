package asyncwrite

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/goroguard/goroguard/internal/apis"
)

// Quiet context parameters.
//
// A function that reads its context only for values (ctx.Value, a value extractor such as a
// FromContext helper, slog's context logging) does nothing that cancellation could cut short.
// A goroutine that hands it the request's context after the handler returned loses nothing:
// the values stay readable. The typical case is a middleware that stores a database handle in
// the request context and a data layer that takes it out again (`db.FromContext(ctx).Find(...)`).
//
// The rule is strict, because the fact crosses packages where nothing else is known: every
// occurrence of the parameter must be one of
//   - the receiver of ctx.Value(k);
//   - an argument to a context-logging call, or to a parameter that is itself quiet (in this
//     package by a fixed point, in another through its fact); where the callee is not static,
//     to a value extractor (one context in, no context or error out);
//   - one side of a comparison with nil.
//
// Anything else (storing it, returning it, deriving a context from it, watching Done, passing it
// to a call that is not known to be quiet) makes the parameter one that does work.

// computeQuiet finds the quiet context parameters of every function declared in the package. It
// starts by assuming every context parameter quiet and drops those with a use that is not, until
// nothing changes: mutually recursive helpers that only pass the context on stay quiet.
func (ck *checker) computeQuiet() {
	type fnDecl struct {
		fn *types.Func
		fd *ast.FuncDecl
	}
	var fns []fnDecl
	ck.eachFuncDecl(func(fn *types.Func, fd *ast.FuncDecl, sig *types.Signature) {
		var idx []int
		for i := 0; i < sig.Params().Len(); i++ {
			if sig.Variadic() && i == sig.Params().Len()-1 {
				continue
			}
			if apis.IsContext(sig.Params().At(i).Type()) {
				idx = append(idx, i)
			}
		}
		if len(idx) > 0 {
			ck.quiet[fn] = idx
			fns = append(fns, fnDecl{fn, fd})
		}
	})
	for changed := true; changed; {
		changed = false
		for _, x := range fns {
			sig := x.fn.Type().(*types.Signature)
			kept := ck.quiet[x.fn][:0:0]
			for _, i := range ck.quiet[x.fn] {
				if ck.paramQuiet(x.fd.Body, sig.Params().At(i)) {
					kept = append(kept, i)
				} else {
					changed = true
				}
			}
			ck.quiet[x.fn] = kept
		}
	}
}

// paramQuiet reports whether every occurrence of p in body is a quiet use.
func (ck *checker) paramQuiet(body *ast.BlockStmt, p *types.Var) bool {
	if p.Name() == "" || p.Name() == "_" {
		return true // never used
	}
	info := ck.pass.TypesInfo
	quiet := true
	var stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if !quiet {
			return false
		}
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		if id, ok := n.(*ast.Ident); ok && info.Uses[id] == p {
			quiet = ck.quietUse(id, stack)
		}
		return true
	})
	return quiet
}

// quietUse reports whether the occurrence id (the last element of stack) only reads values.
func (ck *checker) quietUse(id *ast.Ident, stack []ast.Node) bool {
	switch parent := stackAt(stack, 1).(type) {
	case *ast.SelectorExpr:
		call, ok := stackAt(stack, 2).(*ast.CallExpr)
		return ok && parent.X == id && parent.Sel.Name == "Value" && call.Fun == parent
	case *ast.BinaryExpr:
		if parent.Op != token.EQL && parent.Op != token.NEQ {
			return false
		}
		other := parent.X
		if other == id {
			other = parent.Y
		}
		return ck.pass.TypesInfo.Types[other].IsNil()
	case *ast.CallExpr:
		idx := slices.IndexFunc(parent.Args, func(a ast.Expr) bool { return a == id })
		if idx < 0 || (parent.Ellipsis.IsValid() && idx == len(parent.Args)-1) {
			return false
		}
		return ck.quietArg(parent, idx)
	}
	return false
}

// quietArg reports whether call only reads values from its context argument idx.
func (ck *checker) quietArg(call *ast.CallExpr, idx int) bool {
	info := ck.pass.TypesInfo
	if tv, ok := info.Types[call.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
		return false
	}
	if f, ok := calledFunc(info, call); ok && ctxValueReaders[f] {
		return true // slog's context logging reads trace values
	}
	if apis.IsMethodCall(info, call, ctxObserverMethods...) {
		return true
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s, ok := info.Selections[sel]; ok && s.Kind() == types.MethodExpr {
			return false // T.M(recv, ctx): argument indices are shifted by the receiver
		}
	}
	fn := staticCallee(info, call)
	if fn == nil {
		// An interface method or function value: only its shape says anything.
		return isValueExtractor(info, call)
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok || idx >= sig.Params().Len() || (sig.Variadic() && idx == sig.Params().Len()-1) {
		return false
	}
	if fn.Pkg() == ck.pass.Pkg {
		return has(ck.quiet[fn], idx)
	}
	var f Uses
	return ck.pass.ImportObjectFact(fn, &f) && has(f.Quiet, idx)
}
