package hotcgo

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"github.com/goroguard/goroguard/internal/apis"
	"github.com/goroguard/goroguard/internal/astx"
	"github.com/goroguard/goroguard/internal/spawn"
)

// Limiters are the calls that bound how many goroutines are in C at once when they come before the
// C call in the goroutine (or before the go statement in the spawning loop): a semaphore acquire or
// a mutex that serialises the calls. A send on a channel (the buffered-channel semaphore idiom)
// counts too; it is recognised from the syntax, not from this table.
var Limiters = []apis.Method{
	{Pkg: "golang.org/x/sync/semaphore", Type: "Weighted", Name: "Acquire"},
	{Pkg: "golang.org/x/sync/semaphore", Type: "Weighted", Name: "TryAcquire"},
	{Pkg: "sync", Type: "Mutex", Name: "Lock"},
	{Pkg: "sync", Type: "RWMutex", Name: "Lock"},
}

// limiterNames are method names that bound concurrency on any receiver: project-local semaphores
// and pools are commonly spelled this way.
var limiterNames = map[string]bool{"Acquire": true, "TryAcquire": true}

// Waiters are the calls that, after a go statement in the same loop iteration, wait for the
// goroutine: the loop then has at most one goroutine in C at a time. A receive counts too.
var Waiters = []apis.Method{
	{Pkg: "sync", Type: "WaitGroup", Name: "Wait"},
	{Pkg: "golang.org/x/sync/errgroup", Type: "Group", Name: "Wait"},
}

func (a *checker) isLimiter(call *ast.CallExpr) bool {
	if apis.IsMethodCall(a.pass.TypesInfo, call, Limiters...) {
		return true
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && limiterNames[sel.Sel.Name] {
		_, isMethod := a.pass.TypesInfo.Selections[sel]
		return isMethod
	}
	return false
}

// constInt returns the value of a constant integer expression.
func (a *checker) constInt(e ast.Expr) (int64, bool) { return astx.ConstInt(a.pass.TypesInfo, e) }

func (a *checker) few(n int64) bool { return n <= int64(a.cfg.MaxConstantTrips) }

// isLen reports a call of the builtin len: a bound that grows with a collection.
func (a *checker) isLen(e ast.Expr) bool { return apis.IsBuiltinCall(a.pass.TypesInfo, e, "len") }

// isTimeChan reports a channel of time.Time: a ticker's or timer's, whose receives pace a loop.
func isTimeChan(t types.Type) bool {
	if t == nil {
		return false
	}
	ch, ok := t.Underlying().(*types.Chan)
	return ok && apis.IsNamed(ch.Elem(), "time", "Time")
}

// loopVar returns the variable a three-clause for loop counts with (i in i := 0; i < n; i++).
func (a *checker) loopVar(init ast.Stmt) types.Object {
	as, ok := init.(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 1 {
		return nil
	}
	id, ok := as.Lhs[0].(*ast.Ident)
	if !ok {
		return nil
	}
	return a.pass.TypesInfo.ObjectOf(id)
}

// bound splits a loop condition "i < n" into the counted variable's side and the bound; it returns
// the bound and true when cond compares v with something.
func (a *checker) bound(cond ast.Expr, v types.Object) (ast.Expr, bool) {
	bin, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok {
		return nil, false
	}
	switch bin.Op {
	case token.LSS, token.LEQ, token.GTR, token.GEQ, token.NEQ:
	default:
		return nil, false
	}
	is := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && v != nil && a.pass.TypesInfo.ObjectOf(id) == v
	}
	switch {
	case is(bin.X):
		return bin.Y, true
	case is(bin.Y):
		return bin.X, true
	}
	return nil, false
}

// perItem reports whether a loop that contains a spawn site starts one goroutine per item of an
// input: a range over a collection or a channel, an accept/scan loop, a count bounded by len(x) or
// a large constant, or a count whose goroutine indexes by the counter. A count up to a variable
// that the goroutine does not index by (for i := 0; i < workers; i++) starts a fixed pool of
// workers, and a count up to a small constant a fixed number: neither is per item. Nor is a range
// over a collection whose size the host fixes (SmallSources: the network interfaces).
func (a *checker) perItem(root ast.Node, loop ast.Stmt, site spawn.Site) bool {
	switch l := loop.(type) {
	case *ast.RangeStmt:
		t := a.pass.TypesInfo.TypeOf(l.X)
		if t == nil || a.fromSmallSource(root, l.X) {
			return false
		}
		switch u := t.Underlying().(type) {
		case *types.Basic:
			if u.Info()&types.IsInteger == 0 {
				return !a.smallLiteral(l.X) // a string
			}
			var v types.Object
			if id, ok := l.Key.(*ast.Ident); ok {
				v = a.pass.TypesInfo.ObjectOf(id)
			}
			return a.countPerItem(l.X, v, site)
		case *types.Chan:
			return !isTimeChan(u)
		}
		return a.rangeMany(l.X, t)
	case *ast.ForStmt:
		if l.Cond == nil {
			return true // for { conn := ln.Accept(); go handle(conn) }
		}
		v := a.loopVar(l.Init)
		if b, ok := a.bound(l.Cond, v); ok {
			return a.countPerItem(b, v, site)
		}
		// for sc.Scan() { go f(sc.Text()) }, for len(queue) > 0 {...}: driven by the input.
		return true
	}
	return false
}

// SmallSources are calls whose results have a size fixed by the host, not by the input: one
// goroutine per network interface is a small, fixed number.
var SmallSources = []apis.Func{
	{Pkg: "net", Name: "Interfaces"},
	{Pkg: "flag", Name: "Args"},
}

// fromSmallSource reports a range over the result of a SmallSources call, directly or through a
// local variable the function assigns it to.
func (a *checker) fromSmallSource(root ast.Node, x ast.Expr) bool {
	info := a.pass.TypesInfo
	isSmall := func(e ast.Expr) bool {
		call, ok := ast.Unparen(e).(*ast.CallExpr)
		return ok && apis.IsFuncCall(info, call, SmallSources...)
	}
	if isSmall(x) {
		return true
	}
	id, ok := ast.Unparen(x).(*ast.Ident)
	if !ok || root == nil {
		return false
	}
	obj := info.ObjectOf(id)
	if obj == nil {
		return false
	}
	found := false
	ast.Inspect(root, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || found {
			return !found
		}
		for i, lhs := range as.Lhs {
			if lid, ok := lhs.(*ast.Ident); ok && info.ObjectOf(lid) == obj {
				switch {
				case len(as.Rhs) == len(as.Lhs):
					found = isSmall(as.Rhs[i])
				case len(as.Rhs) == 1:
					found = isSmall(as.Rhs[0])
				}
			}
		}
		return !found
	})
	return found
}

// rangeMany reports whether ranging over x (slice, array, map, string, iterator) may run more than
// MaxConstantTrips times.
func (a *checker) rangeMany(x ast.Expr, t types.Type) bool {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	if arr, ok := t.Underlying().(*types.Array); ok {
		return !a.few(arr.Len())
	}
	return !a.smallLiteral(x)
}

// smallLiteral reports a composite literal or constant string with few elements.
func (a *checker) smallLiteral(x ast.Expr) bool {
	switch x := ast.Unparen(x).(type) {
	case *ast.CompositeLit:
		return a.few(int64(len(x.Elts)))
	case *ast.BasicLit:
		if tv, ok := a.pass.TypesInfo.Types[x]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
			return a.few(int64(len(constant.StringVal(tv.Value))))
		}
	}
	return false
}

// countPerItem decides a counted loop with bound b and counter v.
func (a *checker) countPerItem(b ast.Expr, v types.Object, site spawn.Site) bool {
	if n, ok := a.constInt(b); ok {
		return !a.few(n)
	}
	if a.isLen(b) {
		return true
	}
	return v != nil && a.indexesBy(site, v)
}

// indexesBy reports whether the goroutine of site (its literal body or its call's arguments) indexes
// a collection by v: go process(items[i]) is per item even when the bound is a plain n.
func (a *checker) indexesBy(site spawn.Site, v types.Object) bool {
	var nodes []ast.Node
	if lit := site.Lit(); lit != nil {
		nodes = append(nodes, lit.Body)
	}
	if site.Kind == spawn.GoStmt {
		for _, arg := range site.Call.Args {
			nodes = append(nodes, arg)
		}
	}
	found := false
	for _, n := range nodes {
		ast.Inspect(n, func(n ast.Node) bool {
			if ix, ok := n.(*ast.IndexExpr); ok {
				if id, ok := ast.Unparen(ix.Index).(*ast.Ident); ok && a.pass.TypesInfo.ObjectOf(id) == v {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

// dataLoop reports whether a loop in a goroutine runs once per item of an input: a range over a
// collection or a job channel, a count over len(x) or a variable or large constant, an iterator
// (for it.Next()), or an endless loop that receives a value from a channel each time (a worker's
// select over its job channel). Other endless or flag-driven loops are event or polling loops,
// where the crossing is not the cost that matters, and are not reported. jobs is set for the loops
// driven by a channel.
func (a *checker) dataLoop(loop ast.Stmt) (perItem, jobs bool) {
	switch l := loop.(type) {
	case *ast.RangeStmt:
		t := a.pass.TypesInfo.TypeOf(l.X)
		if t == nil {
			return false, false
		}
		switch u := t.Underlying().(type) {
		case *types.Basic:
			if u.Info()&types.IsInteger != 0 {
				if n, ok := a.constInt(l.X); ok {
					return !a.few(n), false
				}
				return true, false
			}
			return !a.smallLiteral(l.X), false
		case *types.Chan:
			return !isTimeChan(u) && !isBatch(u.Elem()), true
		case *types.Slice:
			if isBatch(u.Elem()) {
				return false, false
			}
		case *types.Map:
			if isBatch(u.Elem()) {
				return false, false
			}
		case *types.Array:
			if isBatch(u.Elem()) {
				return false, false
			}
		case *types.Pointer:
			if arr, ok := u.Elem().Underlying().(*types.Array); ok && isBatch(arr.Elem()) {
				return false, false
			}
		}
		return a.rangeMany(l.X, t), false
	case *ast.ForStmt:
		if l.Cond != nil {
			v := a.loopVar(l.Init)
			if b, ok := a.bound(l.Cond, v); ok {
				if n, ok := a.constInt(b); ok {
					return !a.few(n), false
				}
				return true, false
			}
			if _, ok := ast.Unparen(l.Cond).(*ast.CallExpr); ok {
				return true, false // for it.Next() { ... }
			}
		}
		return a.receivesValue(l.Body), true
	}
	return false, false
}

// receivesValue reports whether body receives a value (not a bare signal) from a channel that is not
// a timer's: job := <-jobs, job, ok := <-jobs, or such a select case. Values that are batches
// themselves (see isBatch) do not count.
func (a *checker) receivesValue(body ast.Node) bool {
	found := false
	walk(body, func(n ast.Node, _ []ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && len(as.Rhs) == 1 {
			if u, ok := ast.Unparen(as.Rhs[0]).(*ast.UnaryExpr); ok && u.Op == token.ARROW &&
				!isTimeChan(a.pass.TypesInfo.TypeOf(u.X)) && !isBatch(a.pass.TypesInfo.TypeOf(u)) {
				if id, ok := as.Lhs[0].(*ast.Ident); !ok || id.Name != "_" {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// isBatch reports whether an item of type t carries many elements: a slice, a map, an array of more
// than eight elements, or a struct (or pointer to one) with such a field. One C call per such item
// already amortises the crossing over the elements (decode one image, write one buffer): it is the
// batched form, not the per-element one.
func isBatch(t types.Type) bool {
	return batchType(t, true)
}

func batchType(t types.Type, fields bool) bool {
	if t == nil {
		return false
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	switch u := t.Underlying().(type) {
	case *types.Slice, *types.Map:
		return true
	case *types.Array:
		return u.Len() > 8 // [2]int is a pair, [4]byte a pixel, [4096]byte a buffer
	case *types.Struct:
		if !fields {
			return false
		}
		for i := 0; i < u.NumFields(); i++ {
			if batchType(u.Field(i).Type(), false) {
				return true
			}
		}
	}
	return false
}

// paced reports a loop whose iterations wait for a timer (time.Sleep, a ticker or time.After): it
// runs at the timer's rate, not the input's, so neither its goroutines nor its crossings pile up.
func (a *checker) paced(loop ast.Stmt) bool {
	var body ast.Node
	switch l := loop.(type) {
	case *ast.ForStmt:
		body = l.Body
	case *ast.RangeStmt:
		body = l.Body
	}
	found := false
	walk(body, func(n ast.Node, _ []ast.Node) bool {
		switch n := n.(type) {
		case *ast.UnaryExpr:
			if n.Op == token.ARROW && isTimeChan(a.pass.TypesInfo.TypeOf(n.X)) {
				found = true
			}
		case *ast.CallExpr:
			if apis.IsFuncCall(a.pass.TypesInfo, n, apis.Func{Pkg: "time", Name: "Sleep"}) {
				found = true
			}
		}
		return !found
	})
	return found
}

// boundedSpawn reports a spawn whose concurrency is limited around the go statement: a spawning
// method with a limit (errgroup's SetLimit) that is set or cannot be seen (the group is not a local
// variable of the function), or a loop that acquires a semaphore before the spawn or waits for the
// goroutine after it.
func (a *checker) boundedSpawn(root ast.Node, loop ast.Stmt, site spawn.Site) bool {
	info := a.pass.TypesInfo
	if site.Kind == spawn.Method && site.Spawner != nil && site.Spawner.Limit != "" {
		id, ok := ast.Unparen(site.Recv).(*ast.Ident)
		obj, _ := info.ObjectOf(id).(*types.Var)
		if !ok || obj == nil || obj.Pos() < root.Pos() || obj.Pos() >= root.End() {
			return true // a group from elsewhere: its limit may be set there
		}
		limited := false
		walk(root, func(n ast.Node, _ []ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == site.Spawner.Limit {
					limited = true
				}
			}
			return !limited
		})
		if limited {
			return true
		}
	}
	var body *ast.BlockStmt
	switch l := loop.(type) {
	case *ast.ForStmt:
		body = l.Body
	case *ast.RangeStmt:
		body = l.Body
	}
	bounded := false
	walk(body, func(n ast.Node, _ []ast.Node) bool {
		if n == site.Node {
			return false
		}
		before, after := n.End() <= site.Node.Pos(), n.Pos() >= site.Node.End()
		switch n := n.(type) {
		case *ast.SendStmt:
			bounded = before
		case *ast.CallExpr:
			bounded = (before && a.isLimiter(n)) || (after && apis.IsMethodCall(info, n, Waiters...))
		case *ast.UnaryExpr:
			bounded = after && n.Op == token.ARROW
		}
		return !bounded
	})
	return bounded
}

// boundedInGoroutine reports a goroutine that acquires a limiter (a semaphore send or acquire, a
// mutex) before its call into C: however many goroutines are spawned, few are in C at once.
func (a *checker) boundedInGoroutine(body ast.Node) bool {
	if body == nil {
		return false
	}
	r, ok := a.nodeReach(body)
	if !ok || !r.pos.IsValid() {
		return false
	}
	bounded := false
	walk(body, func(n ast.Node, _ []ast.Node) bool {
		if n.End() > r.pos {
			return n.Pos() < r.pos // only code that finishes before the call
		}
		switch n := n.(type) {
		case *ast.SendStmt:
			bounded = true
		case *ast.CallExpr:
			bounded = a.isLimiter(n)
		}
		return !bounded
	})
	return bounded
}
