package ctxdone

import (
	"fmt"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/goroguard/goroguard/internal/costs"
)

// Waits on a context nothing cancels.
//
// A goroutine that blocks on `<-ctx.Done()` is released only when ctx is cancelled. When ctx is
// made by context.WithCancel from context.Background() (or TODO), only its cancel function can
// release it. If that function is never called anywhere, or is called only after the very wait
// it should release (the goroutine's own cleanup calls it: `<-ctx.Done(); rs.close()` where close
// runs rs.cancel()), the goroutine blocks forever. This is go vet's lostcancel carried through
// struct fields, parameters and closures, and limited to the case where the leak is certain:
//   - the context reaches the wait through values the package fully sees: a parameter whose
//     every call passes the same value (the function not callable from outside), or an
//     unexported struct field stored exactly once (a local variable that a closure captures is
//     not followed: it lives in a cell that any code holding it may assign);
//   - the cancel function is only ever called: kept in a local, a captured variable or an
//     unexported field, never returned, passed on or stored elsewhere;
//   - the parent is context.Background() or context.TODO(), reached the same way.

// checkNeverCancelled reports goroutines that wait on the Done channel of a context nothing
// cancels before the wait.
func (o *orphans) checkNeverCancelled() {
	if o.gaveUp {
		return
	}
	for _, fn := range o.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				u, ok := instr.(*ssa.UnOp)
				if !ok || u.Op != token.ARROW {
					continue
				}
				ctx := doneOf(u.X)
				if ctx == nil || !o.inGoroutine(fn) {
					continue
				}
				o.c.pass.At(u.Pos())
				o.checkWait(fn, u, ctx)
			}
		}
	}
}

func (o *orphans) checkWait(fn *ssa.Function, wait *ssa.UnOp, ctx ssa.Value) {
	call := o.withCancelOrigin(ctx, 0)
	if call == nil || !o.isBackground(call.Call.Args[0], 0) {
		return
	}
	sites, ok := o.cancelCalls(call)
	if !ok || o.processLifetime(fn, call) || o.processGoroutine(fn) {
		return
	}
	for _, s := range sites {
		if !o.onlyAfter(s, wait, 0) {
			return
		}
	}
	if !wait.Pos().IsValid() {
		return
	}
	how := "is never called"
	if len(sites) > 0 {
		how = fmt.Sprintf("is called only after this wait (line %d runs after it)", o.c.pass.Fset.Position(sites[0].Pos()).Line)
	}
	msg := fmt.Sprintf("goroutine running %s waits on the Done channel of a context made by %s(%s), whose cancel function %s: nothing releases the wait, so the goroutine blocks forever and leaks (%s); call the cancel function when the context's owner is done (its Close or Stop), or derive the context from one that is cancelled",
		funcLabel(fn), calleeName(call), calleeName(o.followValue(call.Call.Args[0], 0))+"()", how, costs.ParkedGoroutine.Summary)
	d := analysis.Diagnostic{Pos: wait.Pos(), End: wait.Pos() + 1, Message: msg, URL: costs.ParkedGoroutine.URL}
	d.Related = append(d.Related, analysis.RelatedInformation{Pos: call.Pos(), End: call.Pos() + 1, Message: "the context and its cancel function are made here"})
	for i, s := range sites {
		if i == 3 {
			break
		}
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: s.Pos(), End: s.Pos() + 1, Message: "the only calls of the cancel function run after the wait"})
	}
	o.c.reportLater(d)
}

// calleeName names the static callee of a call value ("context.WithCancel").
func calleeName(v ssa.Value) string {
	c, ok := v.(*ssa.Call)
	if !ok {
		return "a value"
	}
	if f := c.Call.StaticCallee(); f != nil && f.Pkg != nil {
		return f.Pkg.Pkg.Name() + "." + f.Name()
	}
	return "a call"
}

// withCancelOrigin follows a context value back to the context.WithCancel call that made it.
func (o *orphans) withCancelOrigin(v ssa.Value, depth int) *ssa.Call {
	v = o.followValue(v, depth)
	ex, ok := v.(*ssa.Extract)
	if !ok || ex.Index != 0 {
		return nil
	}
	call, ok := ex.Tuple.(*ssa.Call)
	if !ok || !isContextFunc(call, "WithCancel") || len(call.Call.Args) != 1 {
		return nil
	}
	return call
}

// isBackground reports whether v is context.Background() or context.TODO(), followed the same way.
func (o *orphans) isBackground(v ssa.Value, depth int) bool {
	call, ok := o.followValue(v, depth).(*ssa.Call)
	return ok && (isContextFunc(call, "Background") || isContextFunc(call, "TODO"))
}

func isContextFunc(call *ssa.Call, name string) bool {
	f := call.Call.StaticCallee()
	return f != nil && f.Pkg != nil && f.Pkg.Pkg.Path() == "context" && f.Name() == name
}

// followValue follows v through captured variables, parameters every call binds to one value,
// and unexported fields stored exactly once, to the value it is made as.
func (o *orphans) followValue(v ssa.Value, depth int) ssa.Value {
	for ; depth < 6; depth++ {
		switch x := v.(type) {
		case *ssa.FreeVar:
			b := boundTo(x)
			if b == nil {
				return v
			}
			v = b
			continue
		case *ssa.Parameter:
			src := o.contextSource(x, 0)
			if src == ssa.Value(x) {
				return v
			}
			v = src
			continue
		case *ssa.UnOp:
			if x.Op != token.MUL {
				return v
			}
			fa, ok := x.X.(*ssa.FieldAddr)
			if !ok {
				return v
			}
			stored := o.onlyStore(fa)
			if stored == nil {
				return v
			}
			v = stored
			continue
		}
		return v
	}
	return v
}

// fieldOfAddr returns the struct field a FieldAddr selects.
func fieldOfAddr(fa *ssa.FieldAddr) *types.Var {
	st, ok := deref(fa.X.Type()).Underlying().(*types.Struct)
	if !ok || fa.Field >= st.NumFields() {
		return nil
	}
	return originVar(st.Field(fa.Field)) // one field for every instantiation of a generic struct
}

// onlyStore returns the one value the package stores in the field fa selects, when the field is
// unexported and stored exactly once.
func (o *orphans) onlyStore(fa *ssa.FieldAddr) ssa.Value {
	f := fieldOfAddr(fa)
	if f == nil || f.Exported() {
		return nil
	}
	stores := o.fieldUses().stores[f]
	if len(stores) != 1 {
		return nil
	}
	return stores[0].Val
}

// fieldIndex holds, per struct field, the package's stores into it and loads from it.
type fieldIndex struct {
	stores map[*types.Var][]*ssa.Store
	loads  map[*types.Var][]ssa.Value
}

// fieldUses indexes the package's field stores and loads once, on first need.
func (o *orphans) fieldUses() *fieldIndex {
	if o.fields != nil {
		return o.fields
	}
	idx := &fieldIndex{stores: map[*types.Var][]*ssa.Store{}, loads: map[*types.Var][]ssa.Value{}}
	for _, fn := range o.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				switch in := instr.(type) {
				case *ssa.Store:
					if a, ok := in.Addr.(*ssa.FieldAddr); ok {
						if f := fieldOfAddr(a); f != nil {
							idx.stores[f] = append(idx.stores[f], in)
						}
					}
				case *ssa.FieldAddr:
					f := fieldOfAddr(in)
					if f == nil || in.Referrers() == nil {
						continue
					}
					for _, r := range *in.Referrers() {
						if u, ok := r.(*ssa.UnOp); ok && u.Op == token.MUL {
							idx.loads[f] = append(idx.loads[f], u)
						}
					}
				}
			}
		}
	}
	o.fields = idx
	return idx
}

// cancelCalls returns every call of the cancel function call makes; ok is false when the cancel
// function is used in any other way (returned, passed on, stored where it is not followed).
func (o *orphans) cancelCalls(call *ssa.Call) (sites []ssa.CallInstruction, ok bool) {
	if call.Referrers() == nil {
		return nil, false
	}
	var cancel *ssa.Extract
	for _, r := range *call.Referrers() {
		if ex, isEx := r.(*ssa.Extract); isEx && ex.Index == 1 {
			if cancel != nil {
				return nil, false
			}
			cancel = ex
		}
	}
	if cancel == nil {
		return nil, false // `ctx, _ := context.WithCancel(...)`: vet's lostcancel reports that
	}
	seen := map[ssa.Value]bool{}
	var follow func(v ssa.Value, depth int) bool
	follow = func(v ssa.Value, depth int) bool {
		if seen[v] {
			return true
		}
		seen[v] = true
		if depth > 4 || v.Referrers() == nil {
			return false
		}
		for _, r := range *v.Referrers() {
			switch r := r.(type) {
			case ssa.CallInstruction:
				common := r.Common()
				if common.Value != v {
					return false // passed as an argument
				}
				for _, a := range common.Args {
					if a == v {
						return false
					}
				}
				sites = append(sites, r)
			case *ssa.Store:
				a, isFA := r.Addr.(*ssa.FieldAddr)
				if r.Val != v || !isFA {
					return false
				}
				f := fieldOfAddr(a)
				if f == nil || f.Exported() {
					return false
				}
				for _, load := range o.fieldLoads(f) {
					if !follow(load, depth+1) {
						return false
					}
				}
			case *ssa.MakeClosure:
				fn, isFn := r.Fn.(*ssa.Function)
				if !isFn {
					return false
				}
				for i, b := range r.Bindings {
					if b == v && i < len(fn.FreeVars) && !follow(fn.FreeVars[i], depth+1) {
						return false
					}
				}
			default:
				return false
			}
		}
		return true
	}
	if !follow(cancel, 0) {
		return nil, false
	}
	return sites, true
}

// fieldLoads returns the loads of field f in the package (`x.f` read through a FieldAddr).
func (o *orphans) fieldLoads(f *types.Var) []ssa.Value { return o.fieldUses().loads[f] }

// onlyAfter reports whether the call site s runs only after wait: in wait's own function on a
// block wait dominates (later in the same block), or in a function of the package, not callable
// from outside, whose every call runs only after wait.
func (o *orphans) onlyAfter(s ssa.CallInstruction, wait *ssa.UnOp, depth int) bool {
	if depth > 3 {
		return false
	}
	fn := s.Parent()
	if fn == wait.Parent() {
		sb, wb := s.Block(), wait.Block()
		if sb == wb {
			for _, in := range wb.Instrs {
				if in == ssa.Instruction(wait) {
					return true
				}
				if in == ssa.Instruction(s) {
					return false
				}
			}
			return false
		}
		return wb.Dominates(sb)
	}
	if fn.Parent() != nil || o.open(fn) {
		return false
	}
	calls := o.calls[fn]
	if len(calls) == 0 {
		return false
	}
	for _, c := range calls {
		if _, isGo := c.(*ssa.Go); isGo || !o.onlyAfter(c, wait, depth+1) {
			return false
		}
	}
	return true
}

// processLifetime reports whether the goroutine lives as long as the process anyway: a go
// statement in a function package main runs once (lifetime.go), or the context or its cancel
// function is kept in a struct that a package variable holds (a singleton).
func (o *orphans) processLifetime(fn *ssa.Function, call *ssa.Call) bool {
	once := o.c.runOnce()
	for _, c := range o.calls[fn] {
		top := c.Parent()
		for top != nil && top.Parent() != nil {
			top = top.Parent()
		}
		if f, ok := top.Object().(*types.Func); ok && once[f] {
			return true
		}
	}
	if call.Referrers() == nil {
		return false
	}
	for _, r := range *call.Referrers() {
		ex, ok := r.(*ssa.Extract)
		if !ok || ex.Referrers() == nil {
			continue
		}
		for _, u := range *ex.Referrers() {
			st, ok := u.(*ssa.Store)
			if !ok {
				continue
			}
			fa, ok := st.Addr.(*ssa.FieldAddr)
			if !ok {
				continue
			}
			if n, ok := types.Unalias(deref(fa.X.Type())).(*types.Named); ok && o.singleton[n.Origin()] {
				return true
			}
		}
	}
	return false
}
