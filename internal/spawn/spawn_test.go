package spawn

import (
	"go/ast"
	"go/types"
	"sync"
	"testing"

	"github.com/goroguard/goroguard/internal/apis"
	"github.com/goroguard/goroguard/internal/srccheck"
)

// subject holds one statement per case; cases find their node by its source text.
const subject = `package p

import (
	"sync"

	eg "golang.org/x/sync/errgroup"
	veg "x/vendor/golang.org/x/sync/errgroup"
)

type worker struct{}

func (worker) run()         {}
func (*worker) Go(f func()) {}

type pool[X any] struct{}

func (pool[X]) serve() {}

func work()          {}
func workErr() error { return nil }
func gen[X any](x X) {}
func pair[X, Y any](x X, y Y) {}

func spawns(g *eg.Group, vg *veg.Group, wg *sync.WaitGroup, w *worker, p pool[int], fv func()) {
	go func() {}()
	go (func() {})()
	go work()
	go w.run()
	go p.serve()
	go gen[int](1)
	go gen(2)
	go pair[int, string](1, "s")
	go fv()
	g.Go(func() error { return nil })
	g.Go(workErr)
	vg.Go(workErr)
	wg.Go(work)
	wg.Go(func() {})
	(*eg.Group).Go(g, workErr)
	w.Go(work)
	g.Wait()
	wg.Wait()
	work()
}
`

type world struct {
	info  *types.Info
	nodes map[string]ast.Node // go statements as "go " + call, calls by their text
}

var load = sync.OnceValues(func() (*world, error) {
	r, err := srccheck.Check(srccheck.ErrgroupStubs(), subject)
	if err != nil {
		return nil, err
	}
	w := &world{info: r.Info, nodes: map[string]ast.Node{}}
	ast.Inspect(r.File, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			w.nodes["go "+types.ExprString(n.Call)] = n
		case *ast.CallExpr:
			if _, dup := w.nodes[types.ExprString(n)]; !dup {
				w.nodes[types.ExprString(n)] = n
			}
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

func src(e ast.Expr) string {
	if e == nil {
		return ""
	}
	return types.ExprString(e)
}

func TestAt(t *testing.T) {
	t.Parallel()
	w := mustLoad(t)
	const errgroup = "golang.org/x/sync/errgroup"
	tests := []struct {
		name       string
		node       string
		wantOK     bool
		wantKind   Kind
		wantAPI    string
		wantFn     string // source of Site.Fn
		wantRecv   string // source of Site.Recv, "" for none
		wantLit    bool
		wantCallee string // FullName of Site.Callee, "" for nil
		wantSpawn  apis.Method
	}{
		{"go statement with a function literal", "go (func() literal)()", true, GoStmt, "go statement",
			"(func() literal)", "", true, "", apis.Method{}},
		{"go statement with a parenthesized literal", "go ((func() literal))()", true, GoStmt, "go statement",
			"((func() literal))", "", true, "", apis.Method{}},
		{"go statement with a named function", "go work()", true, GoStmt, "go statement",
			"work", "", false, "p.work", apis.Method{}},
		{"go statement with a method value", "go w.run()", true, GoStmt, "go statement",
			"w.run", "", false, "(p.worker).run", apis.Method{}},
		{"go statement with a method of an instantiated type reports the instance", "go p.serve()", true, GoStmt, "go statement",
			"p.serve", "", false, "(p.pool[int]).serve", apis.Method{}},
		{"go statement with an explicit generic instantiation", "go gen[int](1)", true, GoStmt, "go statement",
			"gen[int]", "", false, "p.gen", apis.Method{}},
		{"go statement with an inferred generic call", "go gen(2)", true, GoStmt, "go statement",
			"gen", "", false, "p.gen", apis.Method{}},
		{"go statement with a two-parameter instantiation", "go pair[int, string](1, \"s\")", true, GoStmt, "go statement",
			"pair[int, string]", "", false, "p.pair", apis.Method{}},
		{"go statement with a func-typed variable has no static callee", "go fv()", true, GoStmt, "go statement",
			"fv", "", false, "", apis.Method{}},
		{"errgroup.Group.Go with a literal", "g.Go((func() error literal))", true, Method, "errgroup.Group.Go",
			"(func() error literal)", "g", true, "", apis.Method{Pkg: errgroup, Type: "Group", Name: "Go"}},
		{"errgroup.Group.Go with a named function", "g.Go(workErr)", true, Method, "errgroup.Group.Go",
			"workErr", "g", false, "p.workErr", apis.Method{Pkg: errgroup, Type: "Group", Name: "Go"}},
		{"vendored errgroup.Group.Go", "vg.Go(workErr)", true, Method, "errgroup.Group.Go",
			"workErr", "vg", false, "p.workErr", apis.Method{Pkg: errgroup, Type: "Group", Name: "Go"}},
		{"sync.WaitGroup.Go with a named function", "wg.Go(work)", true, Method, "sync.WaitGroup.Go",
			"work", "wg", false, "p.work", apis.Method{Pkg: "sync", Type: "WaitGroup", Name: "Go"}},
		{"sync.WaitGroup.Go with a literal", "wg.Go((func() literal))", true, Method, "sync.WaitGroup.Go",
			"(func() literal)", "wg", true, "", apis.Method{Pkg: "sync", Type: "WaitGroup", Name: "Go"}},
		{"errgroup.Group.Go as a method expression", "(*eg.Group).Go(g, workErr)", true, Method, "errgroup.Group.Go",
			"workErr", "g", false, "p.workErr", apis.Method{Pkg: errgroup, Type: "Group", Name: "Go"}},
		{"unrelated method named Go does not spawn", "w.Go(work)", false, 0, "", "", "", false, "", apis.Method{}},
		{"errgroup.Group.Wait does not spawn", "g.Wait()", false, 0, "", "", "", false, "", apis.Method{}},
		{"sync.WaitGroup.Wait does not spawn", "wg.Wait()", false, 0, "", "", "", false, "", apis.Method{}},
		{"plain function call does not spawn", "work()", false, 0, "", "", "", false, "", apis.Method{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, ok := w.nodes[tt.node]
			if !ok {
				t.Fatalf("no node %q in the subject", tt.node)
			}
			site, ok := At(w.info, n)
			if ok != tt.wantOK {
				t.Fatalf("At(%s) ok = %v, want %v", tt.node, ok, tt.wantOK)
			}
			if !ok {
				if site.Node != nil || site.Spawner != nil {
					t.Errorf("At(%s) = %+v with ok=false, want zero Site", tt.node, site)
				}
				return
			}
			if site.Kind != tt.wantKind {
				t.Errorf("Kind = %v, want %v", site.Kind, tt.wantKind)
			}
			if site.Node != n {
				t.Errorf("Node = %T, want the node passed in", site.Node)
			}
			switch n := n.(type) {
			case *ast.GoStmt:
				if site.Call != n.Call {
					t.Errorf("Call = %s, want the go statement's call", src(site.Call))
				}
				if site.Spawner != nil {
					t.Errorf("Spawner = %+v, want nil for a go statement", site.Spawner)
				}
			case *ast.CallExpr:
				if site.Call != n {
					t.Errorf("Call = %s, want the spawning call itself", src(site.Call))
				}
				if site.Spawner == nil || site.Spawner.Method != tt.wantSpawn {
					t.Errorf("Spawner = %+v, want %+v", site.Spawner, tt.wantSpawn)
				}
			}
			if got := site.API(); got != tt.wantAPI {
				t.Errorf("API() = %q, want %q", got, tt.wantAPI)
			}
			if got := src(site.Fn); got != tt.wantFn {
				t.Errorf("Fn = %q, want %q", got, tt.wantFn)
			}
			gotRecv := ""
			if site.Recv != nil {
				gotRecv = src(site.Recv)
			}
			if gotRecv != tt.wantRecv {
				t.Errorf("Recv = %q, want %q", gotRecv, tt.wantRecv)
			}
			if lit := site.Lit(); (lit != nil) != tt.wantLit {
				t.Errorf("Lit() = %v, want a literal: %v", lit, tt.wantLit)
			} else if lit != nil && lit != ast.Unparen(site.Fn) {
				t.Errorf("Lit() is not the literal in Fn")
			}
			gotCallee := ""
			if fn := site.Callee(w.info); fn != nil {
				gotCallee = fn.FullName()
			}
			if gotCallee != tt.wantCallee {
				t.Errorf("Callee() = %q, want %q", gotCallee, tt.wantCallee)
			}
		})
	}
}

func TestAtOtherNodes(t *testing.T) {
	t.Parallel()
	w := mustLoad(t)
	tests := []struct {
		name string
		node ast.Node
	}{
		{"nil node", nil},
		{"identifier", ast.NewIdent("go")},
		{"expression statement", &ast.ExprStmt{X: ast.NewIdent("x")}},
		{"call without type information", &ast.CallExpr{Fun: &ast.SelectorExpr{X: ast.NewIdent("g"), Sel: ast.NewIdent("Go")}, Args: []ast.Expr{ast.NewIdent("f")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if site, ok := At(w.info, tt.node); ok || site.Node != nil {
				t.Errorf("At(%s) = %+v, %v, want no site", tt.name, site, ok)
			}
		})
	}
}

func TestAPI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		site Site
		want string
	}{
		{"go statement", Site{Kind: GoStmt}, "go statement"},
		{"errgroup", Site{Kind: Method, Spawner: &Spawners[0]}, "errgroup.Group.Go"},
		{"sync.WaitGroup", Site{Kind: Method, Spawner: &Spawners[1]}, "sync.WaitGroup.Go"},
		{"conc root package", Site{Kind: Method, Spawner: &Spawners[2]}, "conc.WaitGroup.Go"},
		{"conc pool", Site{Kind: Method, Spawner: &Spawners[3]}, "pool.Pool.Go"},
		{"conc error pool", Site{Kind: Method, Spawner: &Spawners[4]}, "pool.ErrorPool.Go"},
		{"conc context pool", Site{Kind: Method, Spawner: &Spawners[5]}, "pool.ContextPool.Go"},
		{"unqualified package path", Site{Kind: Method, Spawner: &Spawner{Method: apis.Method{Pkg: "x", Type: "T", Name: "Spawn"}}}, "x.T.Spawn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.site.API(); got != tt.want {
				t.Errorf("API() = %q, want %q", got, tt.want)
			}
		})
	}
}

// Callee must not look into expressions that do not name a function.
func TestCalleeOfOtherExpressions(t *testing.T) {
	t.Parallel()
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}}
	tests := []struct {
		name string
		fn   ast.Expr
	}{
		{"nil", nil},
		{"unresolved identifier", ast.NewIdent("f")},
		{"unresolved selector", &ast.SelectorExpr{X: ast.NewIdent("x"), Sel: ast.NewIdent("f")}},
		{"call result", &ast.CallExpr{Fun: ast.NewIdent("mk")}},
		{"function literal", &ast.FuncLit{Type: &ast.FuncType{}, Body: &ast.BlockStmt{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := (Site{Fn: tt.fn}).Callee(info); got != nil {
				t.Errorf("Callee() = %v, want nil", got)
			}
		})
	}
}
