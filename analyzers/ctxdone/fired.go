package ctxdone

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"

	"github.com/goroguard/goroguard/internal/apis"
)

// Goroutines started after the cancellation their partners leave on.
//
// A goroutine whose go statement runs only once its spawner has seen a context cancelled (in the
// `case <-ctx.Done():` clause of a select, or after a plain `<-ctx.Done()`) and that then blocks
// on a channel whose every partner is a select that leaves on that same context's Done, can
// never complete: the partners have left, or are leaving, by the time it starts. This is the
// "drain the rest after cancelling" helper that drains nothing (cockroach 10790). The match is on
// the very context value: parameters are followed to the value every call in the package passes
// (`go r.send(ctx)` and `go r.begin(ctx)` with one ctx), captured variables to what the enclosing
// function binds.

// firedContext returns the context every go statement that starts fn has seen cancelled, and
// where: nil when some start of fn is not a go statement, or runs before a cancellation is seen,
// or the starts saw different contexts.
func (o *orphans) firedContext(fn *ssa.Function) (ssa.Value, token.Pos) {
	calls := o.calls[fn]
	if len(calls) == 0 {
		return nil, token.NoPos
	}
	var ctx ssa.Value
	var at token.Pos
	for _, c := range calls {
		g, ok := c.(*ssa.Go)
		if !ok {
			return nil, token.NoPos
		}
		v, pos := o.seenCancelled(g)
		if v == nil {
			return nil, token.NoPos
		}
		v = o.contextSource(v, 0)
		if ctx != nil && v != ctx {
			return nil, token.NoPos
		}
		ctx, at = v, pos
	}
	return ctx, at
}

// seenCancelled returns the context whose Done channel a receive that dominates instr has
// received from: a plain `<-ctx.Done()` or the case of a select that receives from it.
func (o *orphans) seenCancelled(instr ssa.Instruction) (ssa.Value, token.Pos) {
	b := instr.Block()
	fn := instr.Parent()
	if b == nil || fn == nil {
		return nil, token.NoPos
	}
	for _, blk := range fn.Blocks {
		if !blk.Dominates(b) {
			continue
		}
		for _, in := range blk.Instrs {
			if blk == b && in == instr {
				break
			}
			switch in := in.(type) {
			case *ssa.UnOp:
				if in.Op == token.ARROW {
					if ctx := doneOf(in.X); ctx != nil {
						return ctx, in.Pos()
					}
				}
			case *ssa.If:
				// `if idx == k` after a select: its true branch is case k.
				k, sel := o.selectCaseTest(in.Cond)
				if sel == nil || k < 0 || k >= len(sel.States) || len(in.Block().Succs) != 2 {
					continue
				}
				st := sel.States[k]
				if st.Dir != types.RecvOnly || !in.Block().Succs[0].Dominates(b) {
					continue
				}
				if ctx := doneOf(st.Chan); ctx != nil {
					return ctx, st.Pos
				}
			}
		}
	}
	return nil, token.NoPos
}

// selectCaseTest matches the `index == k` comparison SSA emits after a blocking select.
func (o *orphans) selectCaseTest(cond ssa.Value) (int, *ssa.Select) {
	bin, ok := cond.(*ssa.BinOp)
	if !ok || bin.Op != token.EQL {
		return -1, nil
	}
	ex, ok := bin.X.(*ssa.Extract)
	if !ok || ex.Index != 0 {
		return -1, nil
	}
	sel, ok := ex.Tuple.(*ssa.Select)
	if !ok || !sel.Blocking {
		return -1, nil
	}
	k, ok := bin.Y.(*ssa.Const)
	if !ok || k.Value == nil {
		return -1, nil
	}
	n, ok := o.constInt(k)
	if !ok {
		return -1, nil
	}
	return int(n), sel
}

// doneOf returns ctx when ch is ctx.Done() for a context.Context value ctx.
func doneOf(ch ssa.Value) ssa.Value {
	call, ok := ch.(*ssa.Call)
	if !ok {
		return nil
	}
	common := call.Common()
	if common.IsInvoke() {
		if common.Method.Name() == "Done" && apis.IsNamed(common.Value.Type(), "context", "Context") {
			return common.Value
		}
		return nil
	}
	if fn, ok := common.Value.(*ssa.Function); ok && fn.Name() == "Done" && len(common.Args) == 1 && apis.IsNamed(common.Args[0].Type(), "context", "Context") {
		return common.Args[0]
	}
	return nil
}

// contextSource follows a context value back to where it is made: a parameter to the one value
// every call in the package passes for it, a captured variable to what its closure is bound to.
func (o *orphans) contextSource(v ssa.Value, depth int) ssa.Value {
	if depth > 4 {
		return v
	}
	switch x := v.(type) {
	case *ssa.FreeVar:
		if b := boundTo(x); b != nil {
			return o.contextSource(b, depth+1)
		}
	case *ssa.Parameter:
		fn := x.Parent()
		idx := -1
		for i, p := range fn.Params {
			if p == x {
				idx = i
			}
		}
		calls := o.calls[fn]
		if idx < 0 || len(calls) == 0 || o.open(fn) {
			return v
		}
		var src ssa.Value
		for _, c := range calls {
			args := c.Common().Args
			if len(args) != len(fn.Params) {
				return v
			}
			a := o.contextSource(args[idx], depth+1)
			if src != nil && a != src {
				return v
			}
			src = a
		}
		return src
	}
	return v
}

// firedMatch reports whether the way-out channel ch is the Done channel of the context the
// stranded function's spawner saw cancelled before starting it.
func (o *orphans) firedMatch(ch ssa.Value, stranded *ssa.Function) (token.Pos, bool) {
	ctx := doneOf(ch)
	if ctx == nil {
		return token.NoPos, false
	}
	fired, at := o.firedContext(stranded)
	if fired == nil || o.contextSource(ctx, 0) != fired {
		return token.NoPos, false
	}
	return at, true
}
