package ctxdone

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// A stranded operation is reported by default only when the stranded goroutine could have watched
// the way out its partner took: the partner leaves on a stop channel (or context) kept in a field
// of a struct the goroutine holds (`case <-n.stop:` while `Status` has n), or on a context or
// channel of a function the goroutine is nested in, the very same value. The fix is then one
// select case away: send in a select that also receives from n.stop. When the partner leaves on
// something the goroutine cannot see (the context parameter of a daemon's run loop, while the
// goroutine has only a request's context), the goroutine is stranded only when the owner shuts
// down, usually with the process; package-channels reports those too.

// strandedOp is a stranded operation with the way out its goroutine could have watched (nil when
// it is reported only in the broad mode).
type strandedOp struct {
	op  oOp
	way *ast.CommClause
	// fired is where the stranded goroutine's spawner saw the way out taken before starting it
	// (fired.go); NoPos otherwise.
	fired token.Pos
}

// couldWatch returns, when for every partner operation some way out of its select is a channel
// the stranded function (or a function it is nested in) could receive from too, the first such
// case; nil otherwise.
func (o *orphans) couldWatch(ops []oOp, stranded *ssa.Function) (*ast.CommClause, token.Pos) {
	var first *ast.CommClause
	fired := token.NoPos
	allFired := true
	self := o.selfAndCallers(stranded)
	for _, op := range ops {
		stmt := o.selectStmt(op.sel.Pos())
		if stmt == nil {
			return nil, token.NoPos
		}
		var seen *ast.CommClause
		for _, cl := range stmt.Body.List {
			cc, ok := cl.(*ast.CommClause)
			if !ok || cc.Comm == nil || (cc.Comm.Pos() <= op.pos && op.pos < cc.Comm.End()) {
				continue
			}
			if o.signalledBy(op.sel, cc, self) {
				continue // the stranded goroutine's own completion signal
			}
			if ok, at := o.watchable(op.sel, cc, stranded); ok {
				seen = cc
				if at.IsValid() {
					fired = at
				} else {
					allFired = false
				}
				break
			}
		}
		if seen == nil {
			return nil, token.NoPos
		}
		if first == nil {
			first = seen
		}
	}
	if !allFired {
		fired = token.NoPos
	}
	return first, fired
}

// watchable reports whether the channel the case receives from is one fn could receive from, or
// the Done channel of a context fn's spawner saw cancelled before it started fn (then where).
func (o *orphans) watchable(sel *ssa.Select, cc *ast.CommClause, fn *ssa.Function) (bool, token.Pos) {
	for _, st := range sel.States {
		if st.Dir != types.RecvOnly || st.Pos < cc.Comm.Pos() || st.Pos >= cc.Comm.End() {
			continue
		}
		if !o.signalOnly(st.Chan) {
			continue // a data channel: watching it would take the other side's values
		}
		if at, ok := o.firedMatch(st.Chan, fn); ok {
			return true, at
		}
		w := o.wayOutOf(st.Chan, 0)
		if (w.owner != nil && holds(fn, w.owner)) || (w.scope != nil && nestedIn(fn, w.scope)) {
			return true, token.NoPos
		}
	}
	return false, token.NoPos
}

// signalOnly reports whether a way-out channel only signals: its elements are empty structs
// (stop channels, ctx.Done()), or nothing in the package sends on it (it is only closed).
// Receiving from a data channel to watch for its close would take values meant for the other side.
func (o *orphans) signalOnly(ch ssa.Value) bool {
	if c, ok := ch.Type().Underlying().(*types.Chan); ok {
		if st, ok := c.Elem().Underlying().(*types.Struct); ok && st.NumFields() == 0 {
			return true
		}
	}
	r := o.find(o.node(ch))
	for _, op := range o.ops {
		if op.kind == oSend && o.find(op.node) == r {
			return false
		}
	}
	return true
}

// wayOut says how a way-out channel is reached: through a field of a struct type (owner), or as
// a value that lives in one function (scope: a parameter, a local variable, a value computed
// there), which only that function and the closures nested in it can see.
type wayOut struct {
	owner types.Type
	scope *ssa.Function
}

// wayOutOf follows a way-out channel to how it is reached: `n.stop` and `stopper.ShouldStop()`
// (a method returning one of its receiver's fields) have an owner; `ctx.Done()` is reached as the
// context is (`r.ctx.Done()` through r's type, a parameter ctx only inside its function); a local
// stop channel only inside the function that holds it.
func (o *orphans) wayOutOf(v ssa.Value, depth int) wayOut {
	if depth > 4 {
		return wayOut{}
	}
	switch v := v.(type) {
	case *ssa.UnOp:
		switch x := v.X.(type) {
		case *ssa.FieldAddr:
			return wayOut{owner: deref(x.X.Type())}
		case *ssa.Alloc:
			return wayOut{scope: x.Parent()}
		case *ssa.FreeVar:
			return o.wayOutOf(x, depth+1)
		}
		return wayOut{}
	case *ssa.Field:
		return wayOut{owner: v.X.Type()}
	case *ssa.ChangeType:
		return o.wayOutOf(v.X, depth+1)
	case *ssa.Parameter:
		return wayOut{scope: v.Parent()}
	case *ssa.FreeVar:
		// A captured variable: what the enclosing function binds it to.
		if b := boundTo(v); b != nil {
			if a, ok := b.(*ssa.Alloc); ok {
				return wayOut{scope: a.Parent()}
			}
			return o.wayOutOf(b, depth+1)
		}
		return wayOut{}
	case *ssa.Call:
		common := v.Common()
		callee := common.StaticCallee()
		if common.IsInvoke() || callee == nil || !o.own[callee] {
			// ctx.Done(): reached as the context is.
			if ctx := doneOf(v); ctx != nil {
				return o.wayOutOf(ctx, depth+1)
			}
			return wayOut{}
		}
		// A method that returns one of its receiver's fields (`func (s *S) ShouldStop() <-chan
		// struct{} { return s.stopper }`).
		var owner types.Type
		for _, b := range callee.Blocks {
			for _, in := range b.Instrs {
				ret, ok := in.(*ssa.Return)
				if !ok || len(ret.Results) != 1 {
					continue
				}
				if _, isConst := ret.Results[0].(*ssa.Const); isConst {
					continue // `if s == nil { return nil }`
				}
				w := o.wayOutOf(ret.Results[0], depth+1)
				if w.owner == nil || (owner != nil && !types.Identical(owner, w.owner)) {
					return wayOut{}
				}
				owner = w.owner
			}
		}
		return wayOut{owner: owner}
	case ssa.Instruction:
		// A value computed in one function (`ctx, cancel := context.WithCancel(parent)`, a
		// local make(chan)).
		return wayOut{scope: v.Parent()}
	}
	return wayOut{}
}

// boundTo returns the value the enclosing function binds a closure's free variable to.
func boundTo(fv *ssa.FreeVar) ssa.Value {
	fn := fv.Parent()
	parent := fn.Parent()
	if parent == nil {
		return nil
	}
	idx := -1
	for i, f := range fn.FreeVars {
		if f == fv {
			idx = i
		}
	}
	for _, b := range parent.Blocks {
		for _, in := range b.Instrs {
			if mc, ok := in.(*ssa.MakeClosure); ok && mc.Fn == fn && idx >= 0 && idx < len(mc.Bindings) {
				return mc.Bindings[idx]
			}
		}
	}
	return nil
}

// nestedIn reports whether fn is scope or a function literal nested in it.
func nestedIn(fn, scope *ssa.Function) bool {
	for f := fn; f != nil; f = f.Parent() {
		if f == scope {
			return true
		}
	}
	return false
}

// holds reports whether fn, or a function it is nested in, has a value of type t (or *t) at hand:
// a parameter, a captured variable or a value it computes.
func holds(fn *ssa.Function, t types.Type) bool {
	match := func(v ssa.Value) bool {
		vt := v.Type()
		return types.Identical(vt, t) || types.Identical(deref(vt), t)
	}
	for f := fn; f != nil; f = f.Parent() {
		for _, p := range f.Params {
			if match(p) {
				return true
			}
		}
		for _, fv := range f.FreeVars {
			if match(fv) {
				return true
			}
		}
		for _, b := range f.Blocks {
			for _, in := range b.Instrs {
				if v, ok := in.(ssa.Value); ok && match(v) {
					return true
				}
			}
		}
	}
	return false
}

func deref(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}
