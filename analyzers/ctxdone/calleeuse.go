package ctxdone

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/goroguard/goroguard/internal/apis"
)

// A goroutine often hands its channel to a helper that does the sending:
//
//	go func() {
//		defer close(results)
//		produce(ctx, results) // sends in a loop
//	}()
//
// summarize follows such a call one step at a time: a static callee's use of the parameter comes
// from its ChanParamsFact (another package) or from its own summary (this package, computed on
// demand, so declaration order does not matter). A callee whose use is unknown, an interface
// method or a function value still makes the channel escape.

// paramKey names one parameter of a function of this package.
type paramKey struct {
	fn *types.Func
	i  int
}

// paramUse is a memoised summary; busy marks one being computed (recursion leaves it unknown).
type paramUse struct {
	use  ParamUse
	ok   bool
	busy bool
}

// argUse returns what the static callee of call does with its i-th argument, a channel: its
// ParamUse, and whether it is known and blocking (sends, drains or receives).
func (c *checker) argUse(call *ast.CallExpr, i int) (ParamUse, bool) {
	fn := typeutil.StaticCallee(c.info, call)
	if fn == nil {
		return ParamUse{}, false
	}
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || i >= sig.Params().Len() || (sig.Variadic() && i >= sig.Params().Len()-1) {
		return ParamUse{}, false
	}
	fn = fn.Origin()
	if fn.Pkg() != c.pass.Pkg {
		var fact ChanParamsFact
		if !c.pass.ImportObjectFact(fn, &fact) {
			return ParamUse{}, false
		}
		p, found := fact.param(i)
		return p, found && p.Need != needNone && !p.ErrOnly
	}
	key := paramKey{fn, i}
	if c.paramUses == nil {
		c.paramUses = map[paramKey]*paramUse{}
	}
	if m := c.paramUses[key]; m != nil {
		return m.use, m.ok && !m.busy
	}
	m := &paramUse{busy: true}
	c.paramUses[key] = m
	decl := c.declOf(fn)
	p := sig.Params().At(i)
	if decl != nil && decl.Body != nil && p.Name() != "" && p.Name() != "_" {
		if _, isChan := apis.IsChan(p.Type()); isChan {
			u := c.summarize(decl, p)
			need, sends := u.need()
			m.use = ParamUse{Index: i, Need: need, Sends: sends}
			m.ok = need != needNone && !(need == NeedRecv && u.errSends > 0 && u.sends == 0)
		}
	}
	m.busy = false
	return m.use, m.ok
}

// declOf returns the declaration of a function of this package.
func (c *checker) declOf(fn *types.Func) *ast.FuncDecl {
	if c.decls == nil {
		c.decls = map[*types.Func]*ast.FuncDecl{}
		for _, f := range c.pass.Files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					if obj, ok := c.info.Defs[fd.Name].(*types.Func); ok {
						c.decls[obj] = fd
					}
				}
			}
		}
	}
	return c.decls[fn]
}

// callArg returns the call whose argument id is directly (`f(ch)`, not `f(x.ch)` or `f(g(ch))`),
// and the argument's index. The call of a go or defer statement is not one: the caller does not
// wait for it there.
func callArg(id *ast.Ident, stack []ast.Node) (*ast.CallExpr, int) {
	if len(stack) < 3 {
		return nil, -1
	}
	call, ok := stack[len(stack)-2].(*ast.CallExpr)
	if !ok {
		return nil, -1
	}
	switch stack[len(stack)-3].(type) {
	case *ast.GoStmt, *ast.DeferStmt:
		return nil, -1
	}
	for i, a := range call.Args {
		if a == id {
			if call.Ellipsis.IsValid() && i == len(call.Args)-1 {
				return nil, -1
			}
			return call, i
		}
	}
	return nil, -1
}

// foldCall adds a callee's use of the channel to u: its sends times the call's trips (trips.go;
// -1 for a loop without constant bounds), its receive or its range. It reports false when the use
// cannot be folded.
func (u *use) foldCall(p ParamUse, trips int64) bool {
	switch p.Need {
	case NeedRecv:
		switch {
		case p.Sends < 0 || trips < 0:
			u.sendsLoop = true
			u.sends++
		case trips > 1:
			u.sends += p.Sends * int(trips)
			u.tripSends = true
		default:
			u.sends += p.Sends
		}
	case NeedClose:
		u.ranges = true
	case NeedSendOrClose:
		u.recvs++
		u.recvLoop = u.recvLoop || trips != 1
	default:
		return false
	}
	return true
}

// callSendWeight is the number of sends a statement makes on obj through calls to helpers.
func (c *checker) callSendWeight(n ast.Node, obj types.Object) int {
	w := 0
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			for i, a := range x.Args {
				if id, ok := ast.Unparen(a).(*ast.Ident); ok && c.info.Uses[id] == obj {
					if p, ok := c.argUse(x, i); ok && p.Need == NeedRecv && p.Sends > 0 {
						w += p.Sends
					}
				}
			}
		}
		return true
	})
	return w
}
