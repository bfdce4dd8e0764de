package hotcgo

import (
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"
)

// A cgo file reaches the analysis in one of two shapes, depending on the driver:
//
//   - cmd/cgo's translation (go/packages' default, used by analysistest, vet, golangci-lint and
//     the goroguard command): C.f(x) is a call of _Cfunc_f (or _C2func_f when the call also
//     returns errno), C.int(x) is a conversion to _Ctype_int, C.malloc is _Cfunc__CMalloc, and
//     calls with pointer arguments are wrapped in function literals that check the pointers
//     (func() { _cgo0 := p; _cgoCheckPointer(_cgo0, nil); _Cfunc_f(_cgo0) }()). //line comments
//     in the translation map every position back to the file the user wrote, so pass.Fset.Position
//     of the _Cfunc_f identifier is the position of "C.f".
//   - the file as written, type-checked in go/types' UsesCgo mode (gopls; go/packages with its
//     TypecheckCgo mode bit): C.f(x) stays a selector on the import "C", and types.Info.Uses of
//     its Sel is the declaration cmd/cgo wrote in _cgo_gotypes.go (the function _Cfunc_f, the type
//     _Ctype_int for C.int, the function _CMalloc for C.malloc). There are no pointer-check
//     wrappers, and _cgo_gotypes.go may or may not be among the pass's files.

// cgoCallPrefixes are the prefixes of the functions cmd/cgo generates for calls into C.
var cgoCallPrefixes = []string{"_Cfunc_", "_C2func_"}

// cgoHelpers are the C.* functions that are conversions or allocator calls rather than calls to the
// user's C code. Each is cheap and never blocks, so on its own it neither holds a thread for long
// nor is worth batching: C.CString/C.CBytes copy a Go value into C memory, C.GoString/C.GoStringN/
// C.GoBytes copy back (no crossing at all), C.malloc, C.calloc, C.realloc and C.free are the C
// allocator.
var cgoHelpers = map[string]bool{
	"CString":   true,
	"CBytes":    true,
	"GoString":  true,
	"GoStringN": true,
	"GoBytes":   true,
	"_CMalloc":  true,
	"malloc":    true,
	"calloc":    true,
	"realloc":   true,
	"free":      true,
}

// cgoCallee returns "C.f" when call is a call into the user's C code (not a helper, not a
// conversion), in either shape, else "".
func cgoCallee(info *types.Info, call *ast.CallExpr) string {
	var name string
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.Ident: // cmd/cgo's translation: _Cfunc_f(x)
		for _, p := range cgoCallPrefixes {
			if n, ok := strings.CutPrefix(fun.Name, p); ok {
				name = n
				break
			}
		}
	case *ast.SelectorExpr: // UsesCgo mode: C.f(x)
		name = cgoSelectedFunc(info, fun)
	}
	if name == "" || cgoHelpers[name] {
		return ""
	}
	if info != nil && info.Types[call.Fun].IsType() {
		return "" // a conversion; cmd/cgo's names make this unreachable, but stay defensive
	}
	return "C." + name
}

// cgoSelectedFunc returns f when sel is C.f, type-checked in UsesCgo mode, and names a C function:
// types.Info.Uses[sel.Sel] is the function cmd/cgo declared for it, _Cfunc_f. Types (C.int,
// _Ctype_int), variables, constants, macros (_Cmacro_) and C.malloc (_CMalloc, an allocator
// helper) give "".
func cgoSelectedFunc(info *types.Info, sel *ast.SelectorExpr) string {
	if info == nil {
		return ""
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok {
		return ""
	}
	pn, ok := info.Uses[x].(*types.PkgName)
	if !ok || pn.Imported() == nil || pn.Imported().Path() != "C" {
		return ""
	}
	fn, ok := info.Uses[sel.Sel].(*types.Func)
	if !ok || !strings.HasPrefix(fn.Name(), "_Cfunc_") {
		return ""
	}
	return sel.Sel.Name
}

// isCgoOwnFile reports whether f is one of cmd/cgo's own files rather than the user's code (or its
// translation): _cgo_gotypes.go, with the declarations of _Cfunc_f, _Ctype_int and the crossing
// machinery, or _cgo_import.go. go list names them so in the build cache's object directory, but
// go/packages' UsesCgo mode hands over _cgo_gotypes.go under a build-cache hash, so it is also
// recognised by content: a generated file that imports runtime/cgo (cmd/cgo's translations of the
// user's files do not).
func isCgoOwnFile(fset *token.FileSet, f *ast.File) bool {
	if tf := fset.File(f.Pos()); tf != nil {
		switch filepath.Base(tf.Name()) {
		case "_cgo_gotypes.go", "_cgo_import.go":
			return true
		}
	}
	if !ast.IsGenerated(f) {
		return false
	}
	for _, spec := range f.Imports {
		if spec.Path != nil && spec.Path.Value == `"runtime/cgo"` {
			return true
		}
	}
	return false
}

// isCgoGenerated reports whether name is one of cmd/cgo's own declarations (_Cfunc_f, _cgo_...):
// their bodies are the crossing machinery, not user code. They live in _cgo_gotypes.go, which is
// skipped by name; this is the fallback for drivers that name files differently. User code may
// use names like _C_getaddrinfo (the standard library does), so the prefixes are cgo's exact ones.
func isCgoGenerated(name string) bool {
	for _, p := range []string{"_Cfunc_", "_C2func_", "_Cgo_", "_cgo"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// isCgoWrapper reports whether lit is one of the function literals cmd/cgo wraps around a call
// with pointer arguments: its first statement binds _cgo0 (or _cgoBase0, ...) or calls
// _cgoCheckPointer (defer C.f(p) becomes defer func() func() { _cgo0 := p; return func() {
// _cgoCheckPointer(_cgo0, nil); _Cfunc_f(_cgo0) } }()(): both literals match). Such a literal runs
// in place, so it is transparent for the analysis. User code cannot declare _cgo names.
func isCgoWrapper(lit *ast.FuncLit) bool {
	if lit.Body == nil || len(lit.Body.List) == 0 {
		return false
	}
	switch s := lit.Body.List[0].(type) {
	case *ast.AssignStmt:
		if len(s.Lhs) > 0 {
			if id, ok := s.Lhs[0].(*ast.Ident); ok && strings.HasPrefix(id.Name, "_cgo") {
				return true
			}
		}
	case *ast.ExprStmt:
		if call, ok := s.X.(*ast.CallExpr); ok {
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok && strings.HasPrefix(id.Name, "_cgo") {
				return true
			}
		}
	}
	return false
}

// runsInPlace reports whether lit, appearing as parent's child, runs in the goroutine and at the
// time of the code around it: an immediately invoked literal (func(){...}(), also deferred) that is
// not the function of a go statement, or a cgo pointer-check wrapper.
func runsInPlace(lit *ast.FuncLit, parent ast.Node, grand ast.Node) bool {
	if isCgoWrapper(lit) {
		return true
	}
	call, ok := parent.(*ast.CallExpr)
	if !ok || ast.Unparen(call.Fun) != ast.Node(lit) {
		return false
	}
	if g, ok := grand.(*ast.GoStmt); ok && g.Call == call {
		return false
	}
	return true
}

// walk visits the nodes of root that run in root's goroutine when root runs: it descends into
// function literals that run in place and stops at other literals (stored or passed callbacks, which
// may run later or never) and at go statements (their function runs in another goroutine; the
// go statement itself is visited). visit receives the stack of ancestors up to root (exclusive of n);
// returning false skips n's children.
func walk(root ast.Node, visit func(n ast.Node, stack []ast.Node) bool) {
	var stack []ast.Node
	ast.Inspect(root, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		if lit, ok := n.(*ast.FuncLit); ok && n != root {
			var parent, grand ast.Node
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			if len(stack) > 1 {
				grand = stack[len(stack)-2]
			}
			if !runsInPlace(lit, parent, grand) {
				return false
			}
		}
		if !visit(n, stack) {
			return false
		}
		if _, ok := n.(*ast.GoStmt); ok {
			return false
		}
		stack = append(stack, n)
		return true
	})
}
