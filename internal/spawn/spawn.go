// Package spawn recognises the places where code starts a goroutine: the go statement and the
// spawning methods of the knowledge table below (errgroup, sync.WaitGroup.Go, conc). Every analyzer
// that reasons about goroutines asks At, so they all agree on what a spawn site is.
package spawn

import (
	"go/ast"
	"go/types"

	"github.com/goroguard/goroguard/internal/apis"
)

// Kind says how a goroutine is started.
type Kind int

const (
	// GoStmt is the go statement.
	GoStmt Kind = iota
	// Method is a call to a spawning method from the Spawners table.
	Method
)

// Spawner is one entry of the knowledge table: a method that runs its function argument in a new
// goroutine.
type Spawner struct {
	apis.Method
	// Arg is the index of the function argument that runs in the new goroutine.
	Arg int
	// Limit names the method on the same receiver that bounds concurrency ("" when none exists).
	Limit string
	// Waits names the method that waits for the spawned goroutines.
	Waits string
}

// Spawners is the knowledge table of spawning methods.
var Spawners = []Spawner{
	{Method: apis.Method{Pkg: "golang.org/x/sync/errgroup", Type: "Group", Name: "Go"}, Limit: "SetLimit", Waits: "Wait"},
	{Method: apis.Method{Pkg: "sync", Type: "WaitGroup", Name: "Go"}, Waits: "Wait"},
	{Method: apis.Method{Pkg: "github.com/sourcegraph/conc", Type: "WaitGroup", Name: "Go"}, Waits: "Wait"},
	{Method: apis.Method{Pkg: "github.com/sourcegraph/conc/pool", Type: "Pool", Name: "Go"}, Limit: "WithMaxGoroutines", Waits: "Wait"},
	{Method: apis.Method{Pkg: "github.com/sourcegraph/conc/pool", Type: "ErrorPool", Name: "Go"}, Limit: "WithMaxGoroutines", Waits: "Wait"},
	{Method: apis.Method{Pkg: "github.com/sourcegraph/conc/pool", Type: "ContextPool", Name: "Go"}, Limit: "WithMaxGoroutines", Waits: "Wait"},
}

// Site is one place that starts a goroutine.
type Site struct {
	Kind Kind
	// Node is the *ast.GoStmt or the *ast.CallExpr of the spawning method; report here.
	Node ast.Node
	// Call is the call that runs in the new goroutine for a go statement (go f(x): f(x)); for a
	// spawning method it is the method call itself.
	Call *ast.CallExpr
	// Fn is the function value that runs in the new goroutine: a *ast.FuncLit, an identifier or
	// selector naming a function or method, or any other func-valued expression.
	Fn ast.Expr
	// Recv is the receiver of a spawning method (the group), nil for a go statement.
	Recv ast.Expr
	// Spawner is the table entry of a spawning method.
	Spawner *Spawner
}

// API names the spawning construct for messages: "go statement" or "errgroup.Group.Go".
func (s Site) API() string {
	if s.Kind == GoStmt {
		return "go statement"
	}
	return shortPkg(s.Spawner.Pkg) + "." + s.Spawner.Type + "." + s.Spawner.Name
}

// Lit returns the function literal that runs in the goroutine, or nil when it is a named function.
func (s Site) Lit() *ast.FuncLit {
	lit, _ := ast.Unparen(s.Fn).(*ast.FuncLit)
	return lit
}

// Callee returns the named function or method that runs in the goroutine, when statically known.
func (s Site) Callee(info *types.Info) *types.Func {
	switch fn := ast.Unparen(s.Fn).(type) {
	case *ast.Ident:
		f, _ := info.Uses[fn].(*types.Func)
		return f
	case *ast.SelectorExpr:
		f, _ := info.Uses[fn.Sel].(*types.Func)
		return f
	case *ast.IndexExpr: // generic instantiation f[T]
		return Site{Fn: fn.X}.Callee(info)
	case *ast.IndexListExpr:
		return Site{Fn: fn.X}.Callee(info)
	}
	return nil
}

// At reports whether n starts a goroutine and describes it.
func At(info *types.Info, n ast.Node) (Site, bool) {
	switch n := n.(type) {
	case *ast.GoStmt:
		return Site{Kind: GoStmt, Node: n, Call: n.Call, Fn: n.Call.Fun}, true
	case *ast.CallExpr:
		m, recv, ok := apis.CalledMethod(info, n)
		if !ok {
			return Site{}, false
		}
		args := n.Args
		if sel, isSel := ast.Unparen(n.Fun).(*ast.SelectorExpr); isSel {
			if s := info.Selections[sel]; s != nil && s.Kind() == types.MethodExpr {
				args = args[1:] // (*errgroup.Group).Go(g, f): the receiver is the first argument
			}
		}
		for i := range Spawners {
			sp := &Spawners[i]
			if sp.Method == m && sp.Arg < len(args) {
				return Site{Kind: Method, Node: n, Call: n, Fn: args[sp.Arg], Recv: recv, Spawner: sp}, true
			}
		}
	}
	return Site{}, false
}

func shortPkg(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			return path[i+1:]
		}
	}
	return path
}
