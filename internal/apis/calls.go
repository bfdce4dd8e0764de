package apis

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// Method identifies a method by the package and type that declare it.
type Method struct {
	Pkg, Type, Name string
}

// Func identifies a package-level function.
type Func struct {
	Pkg, Name string
}

// CalledMethod returns the method a call invokes statically, with its receiver expression (for a
// method expression call T.M(x, ...), the first argument x).
// It returns ok=false for function calls, interface calls through unknown types and conversions.
func CalledMethod(info *types.Info, call *ast.CallExpr) (m Method, recv ast.Expr, ok bool) {
	sel, isSel := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !isSel {
		return Method{}, nil, false
	}
	fn, isFn := typeutil.Callee(info, call).(*types.Func)
	if !isFn || fn.Pkg() == nil {
		return Method{}, nil, false
	}
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return Method{}, nil, false
	}
	rt := sig.Recv().Type()
	if p, isPtr := rt.(*types.Pointer); isPtr {
		rt = p.Elem()
	}
	var typeName string
	switch rt := types.Unalias(rt).(type) {
	case *types.Named:
		typeName = rt.Obj().Name()
	default:
		// Interface methods report the interface's name when it is named.
		if n, isNamed := types.Unalias(sig.Recv().Type()).(*types.Named); isNamed {
			typeName = n.Obj().Name()
		}
	}
	recv = sel.X
	if s := info.Selections[sel]; s != nil && s.Kind() == types.MethodExpr {
		// T.M(x, args): the receiver is the first argument, not the type expression T.
		if len(call.Args) == 0 {
			return Method{}, nil, false
		}
		recv = call.Args[0]
	}
	return Method{Pkg: trimVendor(fn.Pkg().Path()), Type: typeName, Name: fn.Name()}, recv, true
}

// CalledFunc returns the package-level function a call invokes statically.
func CalledFunc(info *types.Info, call *ast.CallExpr) (Func, bool) {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Pkg() == nil {
		return Func{}, false
	}
	if sig, _ := fn.Type().(*types.Signature); sig == nil || sig.Recv() != nil {
		return Func{}, false
	}
	return Func{Pkg: trimVendor(fn.Pkg().Path()), Name: fn.Name()}, true
}

// IsMethodCall reports whether call invokes one of ms.
func IsMethodCall(info *types.Info, call *ast.CallExpr, ms ...Method) bool {
	m, _, ok := CalledMethod(info, call)
	if !ok {
		return false
	}
	for _, want := range ms {
		if m == want {
			return true
		}
	}
	return false
}

// IsFuncCall reports whether call invokes one of fs.
func IsFuncCall(info *types.Info, call *ast.CallExpr, fs ...Func) bool {
	f, ok := CalledFunc(info, call)
	if !ok {
		return false
	}
	for _, want := range fs {
		if f == want {
			return true
		}
	}
	return false
}

func trimVendor(path string) string {
	for i := len(path) - len("/vendor/"); i >= 0; i-- {
		if path[i:i+len("/vendor/")] == "/vendor/" {
			return path[i+len("/vendor/"):]
		}
	}
	return path
}

// IsBuiltinCall reports whether e is a call of the builtin function name (append, len, close),
// not of a function that shadows it.
func IsBuiltinCall(info *types.Info, e ast.Expr, name string) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return false
	}
	b, ok := info.Uses[id].(*types.Builtin)
	return ok && b.Name() == name
}
