package apis

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"sync"
	"testing"

	"github.com/goroguard/goroguard/internal/srccheck"
)

// subject is the package whose types and calls the tests look at.
const subject = `package p

import (
	"context"
	"net/http"
	"sync"

	eg "golang.org/x/sync/errgroup"
	veg "x/vendor/golang.org/x/sync/errgroup"
)

type Ctx = context.Context

// frameworkCtx is how web frameworks define their contexts.
type frameworkCtx interface {
	context.Context
	Param(string) string
}

type deeperCtx interface{ frameworkCtx }

type aliasEmbedCtx interface {
	Ctx
	Extra()
}

// doner has the shape of a context but is not one.
type doner interface {
	Done() <-chan struct{}
	Err() error
}

type Group = eg.Group
type PGroup = *eg.Group
type myGroup eg.Group
type wrapper struct{ eg.Group }
type Request = http.Request
type WaitGroup struct{}
type events chan int

type T struct{ f func() }

func (T) M()   {}
func (*T) PM() {}

func F() {}

func Gen[X any](x X) X { return x }

type Box[X any] struct{}

func (Box[X]) Get() {}

type local interface{ Run() }

func calls(ctx context.Context, fc frameworkCtx, d doner, t T, pt *T, g *eg.Group, vg *veg.Group,
	w *wrapper, wg *sync.WaitGroup, anon interface{ Close() error }, l local, b Box[string]) {
	t.M()
	pt.PM()
	t.PM()
	T.M(t)
	(*T).PM(pt)
	(pt.PM)()
	F()
	(F)()
	Gen[int](1)
	Gen("s")
	b.Get()
	ctx.Done()
	fc.Done()
	fc.Param("x")
	d.Done()
	anon.Close()
	l.Run()
	g.Go(nil)
	vg.Go(nil)
	w.Go(nil)
	wg.Wait()
	eg.WithContext(ctx)
	veg.WithContext(ctx)
	context.Background()
	_ = int64(1)
	_ = http.Header(nil)
	t.f()
	fv := F
	fv()
	_ = len("x")
	func() {}()
}
`

type world struct {
	fset  *token.FileSet
	pkg   *types.Package
	scope token.Pos // a position in the subject's file scope, where its imports are visible
	info  *types.Info
	calls map[string]*ast.CallExpr // by source text
}

// load type-checks the stubs and the subject once for the whole package's tests.
var load = sync.OnceValues(func() (*world, error) {
	r, err := srccheck.Check(srccheck.ErrgroupStubs(), subject)
	if err != nil {
		return nil, err
	}
	w := &world{fset: r.Fset, pkg: r.Pkg, scope: r.File.Decls[0].End(), info: r.Info, calls: map[string]*ast.CallExpr{}}
	ast.Inspect(r.File, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			w.calls[types.ExprString(call)] = call
		}
		return true
	})
	return w, nil
})

func mustLoad(t *testing.T) *world {
	t.Helper()
	w, err := load()
	if err != nil {
		t.Fatalf("type-checking test sources: %v", err)
	}
	return w
}

// typeOf evaluates a type expression in the subject package's scope.
func (w *world) typeOf(t *testing.T, expr string) types.Type {
	t.Helper()
	tv, err := types.Eval(w.fset, w.pkg, w.scope, expr)
	if err != nil {
		t.Fatalf("evaluating %q: %v", expr, err)
	}
	if !tv.IsType() {
		t.Fatalf("%q is not a type", expr)
	}
	return tv.Type
}

func (w *world) call(t *testing.T, src string) *ast.CallExpr {
	t.Helper()
	call, ok := w.calls[src]
	if !ok {
		t.Fatalf("no call %q in the subject", src)
	}
	return call
}

func TestIsNamedFamily(t *testing.T) {
	t.Parallel()
	w := mustLoad(t)
	const errgroup = "golang.org/x/sync/errgroup"
	tests := []struct {
		name                           string
		typ, pkg, obj                  string
		wantNamed, wantPtr, wantEither bool
	}{
		{"named type itself", "eg.Group", errgroup, "Group", true, false, true},
		{"pointer to named type", "*eg.Group", errgroup, "Group", false, true, true},
		{"alias of named type", "Group", errgroup, "Group", true, false, true},
		{"alias of pointer type", "PGroup", errgroup, "Group", false, true, true},
		{"pointer to alias", "*Group", errgroup, "Group", false, true, true},
		{"vendored copy matches upstream path", "veg.Group", errgroup, "Group", true, false, true},
		{"pointer to vendored copy", "*veg.Group", errgroup, "Group", false, true, true},
		{"defined type over errgroup.Group is a different type", "myGroup", errgroup, "Group", false, false, false},
		{"struct embedding errgroup.Group is not one", "wrapper", errgroup, "Group", false, false, false},
		{"same name in another package", "WaitGroup", "sync", "WaitGroup", false, false, false},
		{"right package wrong name", "sync.Mutex", "sync", "WaitGroup", false, false, false},
		{"suffix of path without vendor segment does not match", "eg.Group", "x/sync/errgroup", "Group", false, false, false},
		{"pointer to pointer is neither", "**eg.Group", errgroup, "Group", false, false, false},
		{"basic type", "int", errgroup, "Group", false, false, false},
		{"universe error has no package", "error", "", "error", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			typ := w.typeOf(t, tt.typ)
			if got := IsNamed(typ, tt.pkg, tt.obj); got != tt.wantNamed {
				t.Errorf("IsNamed(%s, %q, %q) = %v, want %v", tt.typ, tt.pkg, tt.obj, got, tt.wantNamed)
			}
			if got := IsPointerTo(typ, tt.pkg, tt.obj); got != tt.wantPtr {
				t.Errorf("IsPointerTo(%s, %q, %q) = %v, want %v", tt.typ, tt.pkg, tt.obj, got, tt.wantPtr)
			}
			if got := IsNamedOrPointer(typ, tt.pkg, tt.obj); got != tt.wantEither {
				t.Errorf("IsNamedOrPointer(%s, %q, %q) = %v, want %v", tt.typ, tt.pkg, tt.obj, got, tt.wantEither)
			}
		})
	}
}

func TestTypePredicates(t *testing.T) {
	t.Parallel()
	w := mustLoad(t)
	preds := map[string]func(types.Type) bool{
		"IsContext":        IsContext,
		"IsResponseWriter": IsResponseWriter,
		"IsRequest":        IsRequest,
		"IsWaitGroup":      IsWaitGroup,
		"IsErrgroup":       IsErrgroup,
	}
	tests := []struct {
		name string
		pred string
		typ  string
		want bool
	}{
		{"context.Context is a context", "IsContext", "context.Context", true},
		{"alias of context.Context is a context", "IsContext", "Ctx", true},
		{"framework interface embedding context.Context is a context", "IsContext", "frameworkCtx", true},
		{"interface embedding a context interface is a context", "IsContext", "deeperCtx", true},
		{"interface embedding an alias of context.Context is a context", "IsContext", "aliasEmbedCtx", true},
		{"unnamed interface embedding context.Context is a context", "IsContext", "interface{ context.Context }", true},
		{"interface with Done and Err but no embedding is not a context", "IsContext", "doner", false},
		{"pointer to context.Context is not a context", "IsContext", "*context.Context", false},
		{"cancel func is not a context", "IsContext", "context.CancelFunc", false},
		{"empty interface is not a context", "IsContext", "any", false},
		{"struct is not a context", "IsContext", "T", false},

		{"http.ResponseWriter", "IsResponseWriter", "http.ResponseWriter", true},
		{"pointer to http.ResponseWriter is not one", "IsResponseWriter", "*http.ResponseWriter", false},
		{"http.Flusher is not a response writer", "IsResponseWriter", "http.Flusher", false},

		{"*http.Request is a request", "IsRequest", "*http.Request", true},
		{"pointer to alias of http.Request is a request", "IsRequest", "*Request", true},
		{"http.Request value is not a request", "IsRequest", "http.Request", false},
		{"http.Response pointer is not a request", "IsRequest", "*http.Response", false},

		{"sync.WaitGroup value", "IsWaitGroup", "sync.WaitGroup", true},
		{"*sync.WaitGroup", "IsWaitGroup", "*sync.WaitGroup", true},
		{"local type named WaitGroup is not sync's", "IsWaitGroup", "WaitGroup", false},
		{"sync.Mutex is not a wait group", "IsWaitGroup", "sync.Mutex", false},

		{"errgroup.Group value", "IsErrgroup", "eg.Group", true},
		{"*errgroup.Group", "IsErrgroup", "*eg.Group", true},
		{"vendored *errgroup.Group", "IsErrgroup", "*veg.Group", true},
		{"alias of errgroup.Group", "IsErrgroup", "Group", true},
		{"defined type over errgroup.Group is not one", "IsErrgroup", "myGroup", false},
		{"sync.WaitGroup is not an errgroup", "IsErrgroup", "*sync.WaitGroup", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := preds[tt.pred](w.typeOf(t, tt.typ)); got != tt.want {
				t.Errorf("%s(%s) = %v, want %v", tt.pred, tt.typ, got, tt.want)
			}
		})
	}
}

func TestIsContextNil(t *testing.T) {
	t.Parallel()
	if IsContext(nil) {
		t.Error("IsContext(nil) = true, want false")
	}
}

func TestIsChan(t *testing.T) {
	t.Parallel()
	w := mustLoad(t)
	tests := []struct {
		name     string
		typ      string // "" means a nil types.Type
		want     bool
		wantElem string
		wantDir  types.ChanDir
	}{
		{"nil type", "", false, "", 0},
		{"bidirectional channel", "chan int", true, "int", types.SendRecv},
		{"receive-only channel", "<-chan struct{}", true, "struct{}", types.RecvOnly},
		{"send-only channel", "chan<- error", true, "error", types.SendOnly},
		{"named channel type", "events", true, "int", types.SendRecv},
		{"pointer to channel is not a channel", "*chan int", false, "", 0},
		{"slice of channels is not a channel", "[]chan int", false, "", 0},
		{"func returning a channel is not a channel", "func() chan int", false, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var typ types.Type
			if tt.typ != "" {
				typ = w.typeOf(t, tt.typ)
			}
			c, ok := IsChan(typ)
			if ok != tt.want {
				t.Fatalf("IsChan(%s) ok = %v, want %v", tt.typ, ok, tt.want)
			}
			if !ok {
				if c != nil {
					t.Errorf("IsChan(%s) = %v, want nil channel with ok=false", tt.typ, c)
				}
				return
			}
			if got := c.Elem().String(); got != tt.wantElem {
				t.Errorf("IsChan(%s) element = %s, want %s", tt.typ, got, tt.wantElem)
			}
			if c.Dir() != tt.wantDir {
				t.Errorf("IsChan(%s) direction = %v, want %v", tt.typ, c.Dir(), tt.wantDir)
			}
		})
	}
}

func TestCalledMethod(t *testing.T) {
	t.Parallel()
	w := mustLoad(t)
	tests := []struct {
		name     string
		call     string
		want     Method
		wantRecv string // source of the receiver expression
		wantOK   bool
	}{
		{"value method", "t.M()", Method{"p", "T", "M"}, "t", true},
		{"pointer method", "pt.PM()", Method{"p", "T", "PM"}, "pt", true},
		{"pointer method on addressable value", "t.PM()", Method{"p", "T", "PM"}, "t", true},
		{"method expression passes the receiver as first argument", "T.M(t)", Method{"p", "T", "M"}, "t", true},
		{"pointer method expression", "(*T).PM(pt)", Method{"p", "T", "PM"}, "pt", true},
		{"parenthesized method value", "(pt.PM)()", Method{"p", "T", "PM"}, "pt", true},
		{"method of generic type reports the type's name", "b.Get()", Method{"p", "Box", "Get"}, "b", true},
		{"context.Context interface method", "ctx.Done()", Method{"context", "Context", "Done"}, "ctx", true},
		{"method promoted from embedded context.Context", "fc.Done()", Method{"context", "Context", "Done"}, "fc", true},
		{"method declared on a named interface", "fc.Param(\"x\")", Method{"p", "frameworkCtx", "Param"}, "fc", true},
		{"look-alike interface keeps its own name", "d.Done()", Method{"p", "doner", "Done"}, "d", true},
		{"method of an unnamed interface has no type name", "anon.Close()", Method{"p", "", "Close"}, "anon", true},
		{"errgroup method", "g.Go(nil)", Method{"golang.org/x/sync/errgroup", "Group", "Go"}, "g", true},
		{"vendored errgroup method reports the upstream path", "vg.Go(nil)", Method{"golang.org/x/sync/errgroup", "Group", "Go"}, "vg", true},
		{"method promoted from embedded errgroup.Group", "w.Go(nil)", Method{"golang.org/x/sync/errgroup", "Group", "Go"}, "w", true},
		{"sync.WaitGroup method", "wg.Wait()", Method{"sync", "WaitGroup", "Wait"}, "wg", true},
		{"package-level function", "F()", Method{}, "", false},
		{"qualified package function", "eg.WithContext(ctx)", Method{}, "", false},
		{"generic function call", "Gen[int](1)", Method{}, "", false},
		{"conversion to a named type", "http.Header(nil)", Method{}, "", false},
		{"conversion to a basic type", "int64(1)", Method{}, "", false},
		{"call of a func-typed field", "t.f()", Method{}, "", false},
		{"call of a func-typed variable", "fv()", Method{}, "", false},
		{"builtin", "len(\"x\")", Method{}, "", false},
		{"function literal", "(func() literal)()", Method{}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, recv, ok := CalledMethod(w.info, w.call(t, tt.call))
			if ok != tt.wantOK || m != tt.want {
				t.Fatalf("CalledMethod(%s) = %+v, %v, want %+v, %v", tt.call, m, ok, tt.want, tt.wantOK)
			}
			gotRecv := ""
			if recv != nil {
				gotRecv = types.ExprString(recv)
			}
			if gotRecv != tt.wantRecv {
				t.Errorf("CalledMethod(%s) receiver = %q, want %q", tt.call, gotRecv, tt.wantRecv)
			}
		})
	}
}

func TestCalledFunc(t *testing.T) {
	t.Parallel()
	w := mustLoad(t)
	tests := []struct {
		name   string
		call   string
		want   Func
		wantOK bool
	}{
		{"package-level function", "F()", Func{"p", "F"}, true},
		{"parenthesized function", "(F)()", Func{"p", "F"}, true},
		{"explicit generic instantiation", "Gen[int](1)", Func{"p", "Gen"}, true},
		{"inferred generic instantiation", "Gen(\"s\")", Func{"p", "Gen"}, true},
		{"qualified function", "context.Background()", Func{"context", "Background"}, true},
		{"errgroup function", "eg.WithContext(ctx)", Func{"golang.org/x/sync/errgroup", "WithContext"}, true},
		{"vendored function reports the upstream path", "veg.WithContext(ctx)", Func{"golang.org/x/sync/errgroup", "WithContext"}, true},
		{"method is not a function", "t.M()", Func{}, false},
		{"method expression is not a function", "T.M(t)", Func{}, false},
		{"interface method is not a function", "ctx.Done()", Func{}, false},
		{"conversion", "http.Header(nil)", Func{}, false},
		{"func-typed variable", "fv()", Func{}, false},
		{"builtin", "len(\"x\")", Func{}, false},
		{"function literal", "(func() literal)()", Func{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, ok := CalledFunc(w.info, w.call(t, tt.call))
			if ok != tt.wantOK || f != tt.want {
				t.Errorf("CalledFunc(%s) = %+v, %v, want %+v, %v", tt.call, f, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestIsMethodCallAndIsFuncCall(t *testing.T) {
	t.Parallel()
	w := mustLoad(t)
	wait := Method{"sync", "WaitGroup", "Wait"}
	egGo := Method{"golang.org/x/sync/errgroup", "Group", "Go"}
	withCtx := Func{"golang.org/x/sync/errgroup", "WithContext"}
	background := Func{"context", "Background"}
	tests := []struct {
		name       string
		call       string
		methods    []Method
		funcs      []Func
		wantMethod bool
		wantFunc   bool
	}{
		{"method in the list", "wg.Wait()", []Method{egGo, wait}, []Func{withCtx}, true, false},
		{"method not in the list", "wg.Wait()", []Method{egGo}, nil, false, false},
		{"empty method list", "g.Go(nil)", nil, nil, false, false},
		{"vendored method matches upstream entry", "vg.Go(nil)", []Method{egGo}, nil, true, false},
		{"function in the list", "eg.WithContext(ctx)", []Method{egGo}, []Func{background, withCtx}, false, true},
		{"vendored function matches upstream entry", "veg.WithContext(ctx)", nil, []Func{withCtx}, false, true},
		{"function not in the list", "context.Background()", nil, []Func{withCtx}, false, false},
		{"same name different package", "F()", nil, []Func{{"context", "F"}}, false, false},
		{"conversion matches nothing", "int64(1)", []Method{{}}, []Func{{}}, false, false},
		{"func-typed field matches no zero entry", "t.f()", []Method{{}}, []Func{{}}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			call := w.call(t, tt.call)
			if got := IsMethodCall(w.info, call, tt.methods...); got != tt.wantMethod {
				t.Errorf("IsMethodCall(%s, %v) = %v, want %v", tt.call, tt.methods, got, tt.wantMethod)
			}
			if got := IsFuncCall(w.info, call, tt.funcs...); got != tt.wantFunc {
				t.Errorf("IsFuncCall(%s, %v) = %v, want %v", tt.call, tt.funcs, got, tt.wantFunc)
			}
		})
	}
}

// Calls that the type checker recorded nothing about (as for code that failed to type-check) must
// report "not a call of anything known" rather than panic.
func TestCallsWithoutTypeInfo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
	}{
		{"selector call", "g.Go(f)"},
		{"identifier call", "F()"},
		{"generic call", "Gen[int](1)"},
		{"function literal call", "func() {}()"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := parser.ParseExpr(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			call := e.(*ast.CallExpr)
			info := &types.Info{
				Types:      map[ast.Expr]types.TypeAndValue{},
				Uses:       map[*ast.Ident]types.Object{},
				Selections: map[*ast.SelectorExpr]*types.Selection{},
			}
			if m, recv, ok := CalledMethod(info, call); ok || recv != nil || m != (Method{}) {
				t.Errorf("CalledMethod(%s) = %+v, %v, %v, want zero values", tt.src, m, recv, ok)
			}
			if f, ok := CalledFunc(info, call); ok || f != (Func{}) {
				t.Errorf("CalledFunc(%s) = %+v, %v, want zero values", tt.src, f, ok)
			}
			if IsMethodCall(info, call, Method{}) || IsFuncCall(info, call, Func{}) {
				t.Errorf("Is*Call(%s) matched a zero entry without type information", tt.src)
			}
		})
	}
}

func TestTrimVendor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, want string
	}{
		{"plain path unchanged", "golang.org/x/sync/errgroup", "golang.org/x/sync/errgroup"},
		{"vendored path trimmed", "x/vendor/golang.org/x/sync/errgroup", "golang.org/x/sync/errgroup"},
		{"nested vendor directories keep the innermost", "a/vendor/b/vendor/c", "c"},
		{"vendor as a name suffix is not a vendor directory", "x/myvendor/y", "x/myvendor/y"},
		{"path ending in vendor unchanged", "x/vendor", "x/vendor"},
		{"short path", "fmt", "fmt"},
		{"empty path", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := trimVendor(tt.path); got != tt.want {
				t.Errorf("trimVendor(%q) = %q, want %q", tt.path, got, tt.want)
			}
			// trimVendor and IsNamed's path matching must agree on what is a vendored copy.
			if tt.path != "" && !samePath(tt.path, trimVendor(tt.path)) {
				t.Errorf("samePath(%q, %q) = false, want true", tt.path, trimVendor(tt.path))
			}
		})
	}
}

// TestUnderOf: an expression the type checker recorded no type for (built from a missing
// import's names) is Invalid, not a panic; a typed one is its underlying type.
func TestUnderOf(t *testing.T) {
	t.Parallel()
	typed := ast.NewIdent("typed")
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{
		typed: {Type: types.NewNamed(types.NewTypeName(token.NoPos, nil, "T", nil), types.Typ[types.Int], nil)},
	}}
	for _, tc := range []struct {
		name string
		e    ast.Expr
		want types.Type
	}{
		{"typed expression", typed, types.Typ[types.Int]},
		{"expression without a type", ast.NewIdent("untyped"), types.Typ[types.Invalid]},
	} {
		if got := UnderOf(info, tc.e); got != tc.want {
			t.Errorf("%s: UnderOf = %v, want %v", tc.name, got, tc.want)
		}
	}
}
