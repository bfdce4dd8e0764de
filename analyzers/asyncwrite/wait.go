package asyncwrite

import (
	"go/ast"
	"go/token"
	"go/types"
	"go/version"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"

	"github.com/goroguard/goroguard/internal/apis"
	"github.com/goroguard/goroguard/internal/astx"
	"github.com/goroguard/goroguard/internal/spawn"
)

// maxBlocks caps the CFG walk: beyond it asyncwrite stays silent rather than spend the time.
const maxBlocks = 5000

// unwaitedExits returns the positions where the handler can return after site without having
// waited for the goroutine: a return statement, or the closing brace when control falls off the
// end. It returns nil when every path waits, or when asyncwrite cannot tell.
//
// What counts as a wait for the goroutine (deliberately generous: a wait asyncwrite cannot tie to
// this goroutine still silences it):
//   - a receive (<-ch, a select case, the end of a range loop) from a channel the goroutine
//     refers to, or from a channel that is not a local of the handler (a field, a global, a
//     parameter: the goroutine may signal it through code asyncwrite does not see);
//   - any method call named Wait: wg.Wait(), g.Wait(), cond.Wait(), pool.Wait();
//   - a call that is given a channel, WaitGroup or group the goroutine refers to (waitFor(done));
//   - any of these in a deferred call, which covers every path at once.
//
// waitsSomewhere reports whether some path (or a defer) does wait: the handler then cares about the
// goroutine, and cancelling its work through the request context on the other paths is intended.
//
// perItem says the spawn sits in a loop (one goroutine per iteration): then a receive inside
// another loop's body waits for one goroutine only, and only leaving that loop counts as the wait.
func (ck *checker) unwaitedExits(fn ast.Node, body *ast.BlockStmt, site spawn.Site, perItem bool) (exits []token.Pos, waitsSomewhere, delegated bool) {
	g := ck.cfgOf(fn)
	if g == nil || len(g.Blocks) > maxBlocks {
		return nil, true, false
	}
	refs := ck.goroutineRefs(site)
	w := &waiter{ck: ck, refs: refs, body: body, comms: map[ast.Node]bool{}}
	w.closes, w.sends = ck.outputChans(site)
	w.spawnPos = site.Node.Pos()
	if perItem {
		ast.Inspect(body, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false
			}
			lb := astx.LoopBody(n)
			if lb != nil && !(lb.Pos() <= site.Node.Pos() && site.Node.Pos() < lb.End()) {
				w.loopBodies = append(w.loopBodies, lb)
			}
			return true
		})
	}
	// go/cfg evaluates every select case's communication in the block before the select; the
	// receive waits only on the path through its own case body, so it is checked there.
	ast.Inspect(body, func(n ast.Node) bool {
		if cc, ok := n.(*ast.CommClause); ok && cc.Comm != nil {
			w.comms[cc.Comm] = true
		}
		return true
	})

	// A deferred wait runs on every path out of the handler.
	if w.deferredWait(body) {
		return nil, true, false
	}
	t := exitWalk{
		waits:   func(n ast.Node) bool { return !w.comms[n] && w.waitsIn(n, false) },
		partial: func(n ast.Node) bool { return w.consumesInCallback(n) || w.streamReceive(n) },
		block:   w.waitBlock,
		// return func() { <-done }: the returned closure waits for the goroutine; the caller
		// is expected to call it (checked at the package's call sites, see callersWait).
		returns: func(ret *ast.ReturnStmt) bool {
			if w.returnsWaiter(ret) {
				delegated = true
				return true
			}
			return false
		},
	}
	exits, waitsSomewhere = t.run(g, body, site.Node)
	return exits, waitsSomewhere, delegated
}

// exitWalk walks a function's CFG from a node to the function's returns, stopping at waits.
type exitWalk struct {
	waits   func(n ast.Node) bool      // a CFG node that waits
	partial func(n ast.Node) bool      // a CFG node that may wait, or stop early (consuming the goroutine's output); may be nil
	block   func(b *cfg.Block) bool    // entering b waits (a select case, leaving a loop); may be nil
	returns func(*ast.ReturnStmt) bool // a return that counts as a wait; may be nil
}

// run returns the exits reachable from start (the node containing it) without a wait, and whether
// some path waits.
func (t exitWalk) run(g *cfg.CFG, body *ast.BlockStmt, start ast.Node) (exits []token.Pos, waitsSomewhere bool) {
	var sb *cfg.Block
	startIdx := 0
	for _, b := range g.Blocks {
		if !b.Live {
			continue
		}
		for i, n := range b.Nodes {
			if n.Pos() <= start.Pos() && start.End() <= n.End() {
				sb, startIdx = b, i+1
			}
		}
	}
	if sb == nil {
		return nil, true
	}
	type item struct {
		b   *cfg.Block
		idx int
	}
	visited := map[*cfg.Block]bool{}
	work := []item{{sb, startIdx}}
	seenExit := map[token.Pos]bool{}
	for len(work) > 0 {
		it := work[len(work)-1]
		work = work[:len(work)-1]
		b := it.b
		if t.block != nil && t.block(b) {
			waitsSomewhere = true
			continue
		}
		waited := false
		for _, n := range b.Nodes[it.idx:] {
			if t.waits(n) {
				waited = true
				break
			}
			if t.partial != nil && t.partial(n) {
				// The path goes on (the wait may stop early) but the handler cares about
				// the goroutine.
				waitsSomewhere = true
			}
		}
		if waited {
			waitsSomewhere = true
			continue
		}
		if ret := b.Return(); ret != nil {
			if t.returns != nil && t.returns(ret) {
				waitsSomewhere = true
				continue
			}
			pos := ret.Pos()
			if ret.Return >= body.Rbrace {
				pos = body.Rbrace
			}
			if !seenExit[pos] {
				seenExit[pos] = true
				exits = append(exits, pos)
			}
			continue
		}
		for _, s := range b.Succs {
			if !visited[s] {
				visited[s] = true
				work = append(work, item{s, 0})
			}
		}
	}
	return exits, waitsSomewhere
}

// deferredWait reports a deferred call in body (not in a nested literal) that waits.
func (w *waiter) deferredWait(body *ast.BlockStmt) bool {
	deferred := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			if w.waitsIn(n.Call, true) {
				deferred = true
			}
			return false
		}
		return !deferred
	})
	return deferred
}

// returnsWaiter reports a return statement that hands back a closure waiting for the goroutine:
// return func() { done <- struct{}{}; <-done }, or a local variable holding such a literal.
func (w *waiter) returnsWaiter(ret *ast.ReturnStmt) bool {
	for _, r := range ret.Results {
		for _, lit := range w.funcLits(r) {
			if w.litWaits(lit) {
				return true
			}
		}
	}
	return false
}

// funcLits returns the function literals x stands for: x itself, or every literal assigned to the
// local variable x (nil when x is also assigned something else).
func (w *waiter) funcLits(x ast.Expr) []*ast.FuncLit {
	switch x := ast.Unparen(x).(type) {
	case *ast.FuncLit:
		return []*ast.FuncLit{x}
	case *ast.Ident:
		obj, ok := w.ck.pass.TypesInfo.Uses[x].(*types.Var)
		if !ok || obj.Pos() < w.body.Pos() || obj.Pos() >= w.body.End() {
			return nil
		}
		if lits, ok := w.localLits[obj]; ok {
			return lits
		}
		var lits []*ast.FuncLit
		other := false
		assign := func(lhs, rhs ast.Expr) {
			id, ok := ast.Unparen(lhs).(*ast.Ident)
			if !ok || w.ck.pass.TypesInfo.ObjectOf(id) != obj {
				return
			}
			if lit, ok := ast.Unparen(rhs).(*ast.FuncLit); ok {
				lits = append(lits, lit)
			} else {
				other = true
			}
		}
		ast.Inspect(w.body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if len(n.Lhs) == len(n.Rhs) {
					for i := range n.Lhs {
						assign(n.Lhs[i], n.Rhs[i])
					}
				} else {
					for _, l := range n.Lhs {
						assign(l, nil)
					}
				}
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if i < len(n.Values) {
						assign(name, n.Values[i])
					} else if len(n.Values) > 0 {
						assign(name, nil)
					}
				}
			case *ast.UnaryExpr:
				if n.Op == token.AND {
					assign(n.X, nil)
				}
			}
			return true
		})
		if other {
			lits = nil
		}
		if w.localLits == nil {
			w.localLits = map[*types.Var][]*ast.FuncLit{}
		}
		w.localLits[obj] = lits
		return lits
	}
	return nil
}

// litWaits reports a function literal whose body waits for the goroutine (in place, or in its own
// deferred calls). Literals being examined count as not waiting (recursion).
func (w *waiter) litWaits(lit *ast.FuncLit) bool {
	if w.inLit[lit] {
		return false
	}
	if w.inLit == nil {
		w.inLit = map[*ast.FuncLit]bool{}
	}
	w.inLit[lit] = true
	defer delete(w.inLit, lit)
	return w.waitsIn(lit.Body, false) || w.deferredWait(lit.Body)
}

// callersWait checks, for a function fn that returns a closure waiting for its goroutine, that the
// package's callers call that closure (directly or by defer) on every path before they return. It
// returns the first caller that does not, with its exits, or nil. A caller that hands the closure
// on (returns it, stores it, passes it) is taken to call it; with no caller in the package (fn is
// called from other packages) nothing can be checked and fn is taken at its word.
func (ck *checker) callersWait(fn ast.Node) (caller ast.Node, exits []token.Pos) {
	decl, ok := fn.(*ast.FuncDecl)
	if !ok {
		return nil, nil
	}
	obj, ok := ck.pass.TypesInfo.Defs[decl.Name].(*types.Func)
	if !ok {
		return nil, nil
	}
	info := ck.pass.TypesInfo
	for _, f := range ck.pass.Files {
		var stack []ast.Node
		ast.Inspect(f, func(n ast.Node) bool {
			if caller != nil {
				return false
			}
			if n == nil {
				stack = stack[:len(stack)-1]
				return false
			}
			stack = append(stack, n)
			call, ok := n.(*ast.CallExpr)
			if !ok || staticCallee(info, call) != obj {
				return true
			}
			g := astx.EnclosingFunc(stack[:len(stack)-1])
			if g == nil {
				return true
			}
			if ex := ck.callerExits(g, call, stack); len(ex) > 0 {
				caller, exits = g, ex
			}
			return true
		})
		if caller != nil {
			break
		}
	}
	return caller, exits
}

// callerExits returns the exits of g reachable from call (a call of a function returning wait
// closures) without calling one of the closures it returned.
func (ck *checker) callerExits(g ast.Node, call *ast.CallExpr, stack []ast.Node) []token.Pos {
	body := astx.FuncBody(g)
	cg := ck.cfgOf(g)
	if body == nil || cg == nil || len(cg.Blocks) > maxBlocks {
		return nil
	}
	info := ck.pass.TypesInfo
	vars := map[types.Object]bool{}
	var stmt ast.Node = call
	switch p := stackAt(stack, 1).(type) {
	case *ast.CallExpr:
		if p.Fun == call {
			return nil // f(w)(err): called at once
		}
		return nil // passed on
	case *ast.ExprStmt:
		stmt = p // the closures are dropped: nothing waits
	case *ast.AssignStmt:
		if len(p.Rhs) != 1 {
			return nil
		}
		for _, l := range p.Lhs {
			if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
				if obj := info.ObjectOf(id); obj != nil {
					if _, isFunc := obj.Type().Underlying().(*types.Signature); isFunc {
						vars[obj] = true
					}
				}
			}
		}
		stmt = p
	case *ast.ValueSpec:
		for _, id := range p.Names {
			if obj := info.ObjectOf(id); obj != nil && id.Name != "_" {
				if _, isFunc := obj.Type().Underlying().(*types.Signature); isFunc {
					vars[obj] = true
				}
			}
		}
		stmt = p
	default:
		return nil // returned, stored or passed on: taken to be called
	}
	// callsVar reports a call of one of the closures in n, or a use that hands it on (passed,
	// stored, returned: taken to be called there).
	callsVar := func(n ast.Node, deferred bool) bool {
		found := false
		var stack []ast.Node
		ast.Inspect(n, func(n ast.Node) bool {
			if found {
				return false
			}
			if n == nil {
				stack = stack[:len(stack)-1]
				return false
			}
			if _, ok := n.(*ast.FuncLit); ok && !deferred {
				return false
			}
			if id, ok := n.(*ast.Ident); ok && vars[info.ObjectOf(id)] {
				switch p := stackAt(append(stack, n), 1).(type) {
				case *ast.CallExpr:
					found = true // done(err), or handed to a call
				case *ast.AssignStmt:
					for _, r := range p.Rhs {
						if r == ast.Expr(id) {
							found = true // stored
						}
					}
				case *ast.BinaryExpr: // done != nil: no call
				default:
					found = true
				}
			}
			stack = append(stack, n)
			return !found
		})
		return found
	}
	if len(vars) > 0 {
		deferred := false
		ast.Inspect(body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.DeferStmt:
				if n.Pos() > stmt.End() && callsVar(n.Call, true) {
					deferred = true
				}
				return false
			}
			return !deferred
		})
		if deferred {
			return nil
		}
	}
	t := exitWalk{waits: func(n ast.Node) bool { return len(vars) > 0 && callsVar(n, false) }}
	exits, _ := t.run(cg, body, stmt)
	return exits
}

func (ck *checker) cfgOf(fn ast.Node) *cfg.CFG {
	if ck.cfgs == nil {
		return nil
	}
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		return ck.cfgs.FuncDecl(fn)
	case *ast.FuncLit:
		return ck.cfgs.FuncLit(fn)
	}
	return nil
}

// goroutineRefs returns the variables the goroutine of site refers to: every object used in a
// literal's body, the roots of a go statement's arguments, and a spawning method's receiver.
func (ck *checker) goroutineRefs(site spawn.Site) map[types.Object]bool {
	info := ck.pass.TypesInfo
	refs := map[types.Object]bool{}
	addRoot := func(x ast.Expr) {
		if obj := rootObj(info, x); obj != nil {
			refs[obj] = true
		}
	}
	if lit := site.Lit(); lit != nil {
		ast.Inspect(lit.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Ident:
				if obj := info.Uses[n]; obj != nil {
					refs[obj] = true
				}
			}
			return true
		})
	}
	if site.Kind == spawn.GoStmt {
		for _, a := range site.Call.Args {
			addRoot(a)
		}
		if sel, ok := ast.Unparen(site.Call.Fun).(*ast.SelectorExpr); ok {
			addRoot(sel.X) // go s.run(): s's fields may be the signal
		}
	} else if site.Recv != nil {
		addRoot(site.Recv)
	}
	return refs
}

// rootObj returns the variable or field an expression such as x, &x, s.done or s.wg names.
func rootObj(info *types.Info, x ast.Expr) types.Object {
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		return info.ObjectOf(x)
	case *ast.SelectorExpr:
		return info.ObjectOf(x.Sel)
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return rootObj(info, x.X)
		}
	case *ast.StarExpr:
		return rootObj(info, x.X)
	case *ast.IndexExpr:
		return rootObj(info, x.X)
	}
	return nil
}

type waiter struct {
	ck         *checker
	localLits  map[*types.Var][]*ast.FuncLit // cache of funcLits
	inLit      map[*ast.FuncLit]bool         // literals being examined (recursion guard)
	loopBodies []*ast.BlockStmt              // loop bodies whose single receives wait for one goroutine only
	wholeLoop  bool                          // evaluating a whole loop: its receives count
	comms      map[ast.Node]bool             // the communications of select cases
	closes     map[types.Object]bool         // channels the goroutine closes when it is done
	sends      map[types.Object]bool         // channels the goroutine sends on
	spawnPos   token.Pos                     // the go statement or spawning call
	refs       map[types.Object]bool
	body       *ast.BlockStmt
}

// waitChan reports a receive from ch that may wait for the goroutine.
func (w *waiter) waitChan(ch ast.Expr) bool {
	if _, isCall := ast.Unparen(ch).(*ast.CallExpr); isCall {
		return false // <-ctx.Done(), <-time.After(d): not the goroutine
	}
	info := w.ck.pass.TypesInfo
	obj, base := rootObj(info, ch), baseObj(info, ch)
	if obj == nil || base == nil {
		return true // cannot tell
	}
	if w.refs[obj] || w.refs[base] {
		return true
	}
	// A local of the handler that the goroutine never mentions (done, timer.C) cannot be its
	// signal; anything else (a field of the receiver, a global, a parameter) might be.
	local := w.body.Pos() <= base.Pos() && base.Pos() < w.body.End()
	return !local
}

// baseObj returns the variable at the left end of x: s in s.a.b, ch in <-ch.
func baseObj(info *types.Info, x ast.Expr) types.Object {
	for {
		switch y := ast.Unparen(x).(type) {
		case *ast.Ident:
			return info.ObjectOf(y)
		case *ast.SelectorExpr:
			x = y.X
		case *ast.UnaryExpr:
			x = y.X
		case *ast.StarExpr:
			x = y.X
		case *ast.IndexExpr:
			x = y.X
		default:
			return nil
		}
	}
}

// waitBlock reports the block after a range loop over a channel that may wait for the goroutine:
// reaching it means the channel was closed (or the loop broken out of; asyncwrite does not tell).
func (w *waiter) waitBlock(b *cfg.Block) bool {
	if ifs, ok := b.Stmt.(*ast.IfStmt); ok && (b.Kind == cfg.KindIfThen || b.Kind == cfg.KindIfElse) && w.closedBranch(ifs, b.Kind == cfg.KindIfThen) {
		return true // v, ok := <-ch; if !ok { ... }: the goroutine closed its output
	}
	if b.Kind == cfg.KindSelectCaseBody {
		cc, ok := b.Stmt.(*ast.CommClause)
		return ok && cc.Comm != nil && w.waitsIn(cc.Comm, false)
	}
	// Leaving a loop whose body waits (for range items { <-results }) counts as waiting: the CFG
	// cannot tell that the loop runs once per goroutine, and a loop that runs zero times has
	// nothing to wait for.
	switch loop := b.Stmt.(type) {
	case *ast.ForStmt:
		if b.Kind == cfg.KindForDone && w.waitsInLoop(loop.Body) {
			return true
		}
	case *ast.RangeStmt:
		if b.Kind == cfg.KindRangeDone && w.waitsInLoop(loop.Body) {
			return true
		}
	}
	if b.Kind != cfg.KindRangeDone {
		return false
	}
	rs, ok := b.Stmt.(*ast.RangeStmt)
	if !ok {
		return false
	}
	if _, isChan := apis.IsChan(w.ck.pass.TypesInfo.TypeOf(rs.X)); !isChan {
		return false
	}
	return w.waitChan(rs.X)
}

// waitsIn reports a wait anywhere in n. Function literals are skipped (they run later, if ever),
// except for a deferred one (deferred is set), whose body runs at the handler's exit.
// waitsInLoop reports a wait in a loop body, as reached by leaving the loop.
func (w *waiter) waitsInLoop(body *ast.BlockStmt) bool {
	w.wholeLoop = true
	defer func() { w.wholeLoop = false }()
	return w.waitsIn(body, false)
}

// partial reports a receive at pos that waits for only one of a loop's goroutines.
func (w *waiter) partial(pos token.Pos) bool {
	if w.wholeLoop {
		return false
	}
	for _, lb := range w.loopBodies {
		if lb.Pos() <= pos && pos < lb.End() {
			return true
		}
	}
	return false
}

func (w *waiter) waitsIn(n ast.Node, deferred bool) bool {
	info := w.ck.pass.TypesInfo
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return deferred
		case *ast.UnaryExpr:
			if n.Op == token.ARROW && w.waitChan(n.X) && !w.partial(n.Pos()) && !w.consumeLoop(n.X, n.Pos()) {
				found = true
			}
		case *ast.RangeStmt:
			if _, isChan := apis.IsChan(info.TypeOf(n.X)); isChan && w.waitChan(n.X) {
				found = true
			}
		case *ast.CallExpr:
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Wait" {
				found = true
				return false
			}
			// wait() with wait := func() { <-done }, or func() { wg.Wait() }(): the closure's
			// body runs here.
			for _, lit := range w.funcLits(n.Fun) {
				if w.litWaits(lit) {
					found = true
					return false
				}
			}
			if tv, ok := info.Types[n.Fun]; ok && (tv.IsBuiltin() || tv.IsType()) {
				return true // close(quit), len(ch): no wait
			}
			for _, a := range n.Args {
				obj := rootObj(info, a)
				if obj == nil || !w.refs[obj] {
					continue
				}
				if isSyncish(info.TypeOf(a)) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// isSyncish reports a channel, a WaitGroup, an errgroup or anything with a Wait method.
func isSyncish(t types.Type) bool {
	if t == nil {
		return false
	}
	if _, ok := apis.IsChan(t); ok {
		return true
	}
	if apis.IsWaitGroup(t) || apis.IsErrgroup(t) {
		return true
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "Wait")
	_, isFunc := obj.(*types.Func)
	return isFunc
}

// withoutCancelFix wraps r.Context() in context.WithoutCancel when the file's Go version has it
// (go1.21) and "context" is imported under its own name and not shadowed at that point.
func (ck *checker) withoutCancelFix(call *ast.CallExpr) []analysis.SuggestedFix {
	if call == nil {
		return nil
	}
	file := ck.fileOf(call.Pos())
	if file == nil {
		return nil
	}
	v := ck.pass.TypesInfo.FileVersions[file]
	if v == "" {
		v = ck.pass.Pkg.GoVersion()
	}
	if v == "" || version.Compare(v, "go1.21") < 0 {
		return nil
	}
	scope := ck.pass.Pkg.Scope().Innermost(call.Pos())
	if scope == nil {
		return nil
	}
	_, obj := scope.LookupParent("context", call.Pos())
	pn, ok := obj.(*types.PkgName)
	if !ok || pn.Imported().Path() != "context" {
		return nil
	}
	return []analysis.SuggestedFix{{
		Message: "Detach the goroutine's work from the request with context.WithoutCancel",
		TextEdits: []analysis.TextEdit{
			{Pos: call.Pos(), End: call.Pos(), NewText: []byte("context.WithoutCancel(")},
			{Pos: call.End(), End: call.End(), NewText: []byte(")")},
		},
	}}
}

func (ck *checker) fileOf(pos token.Pos) *ast.File {
	for _, f := range ck.pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}
