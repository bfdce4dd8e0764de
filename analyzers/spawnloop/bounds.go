package spawnloop

import (
	"strings"

	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/goroguard/goroguard/internal/apis"
	"github.com/goroguard/goroguard/internal/astx"
	"github.com/goroguard/goroguard/internal/spawn"
)

// This file recognises the patterns that bound a spawn inside an unbounded loop: a limiter acquired
// before it, a wait for the goroutine within the iteration, an exit right after it, and a group
// with a concurrency limit.

// limiterBefore reports whether the iteration acquires a concurrency slot before the spawn of ev
// (sem <- struct{}{}, <-tokens with the goroutine refilling, sem.Acquire), or whether the goroutine
// itself acquires and releases a channel semaphore or calls a limiter.
func (c *checker) limiterBefore(body *ast.BlockStmt, ev *event) bool {
	info := c.pass.TypesInfo
	var lit *ast.FuncLit
	if ev.site != nil {
		lit = ev.site.Lit()
	}
	pos := ev.node.Pos()
	found := false
	called := map[string]bool{} // receivers of method calls before the spawn
	ast.Inspect(body, func(n ast.Node) bool {
		if found || n == nil || n.Pos() >= pos {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.SendStmt:
			key := types.ExprString(n.Chan)
			if ch, ok := apis.IsChan(info.TypeOf(n.Chan)); ok && isToken(ch.Elem()) {
				found = true
			} else if lit != nil && chanOps(lit.Body, key).recv {
				found = true
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW && lit != nil && chanOps(lit.Body, types.ExprString(n.X)).send {
				found = true // token bucket: take a token, the goroutine puts it back
			}
		case *ast.CallExpr:
			found = isLimiterCall(info, n)
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok && !found {
				if _, isMethod := info.Selections[sel]; isMethod {
					called[types.ExprString(sel.X)] = true
				}
			}
		}
		return !found
	})
	if found || lit == nil {
		return found
	}
	// An acquire/release pair on one object: the iteration calls a method on lim before the spawn
	// (lim.TakeWithContext(ctx, n)) and the goroutine gives the slot back (defer lim.Give(n)).
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && !found {
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && releaseNames[sel.Sel.Name] && called[types.ExprString(sel.X)] {
				if _, isMethod := info.Selections[sel]; isMethod {
					found = true
				}
			}
		}
		return !found
	})
	if found {
		return true
	}
	return c.selfLimited(lit)
}

// selfLimited reports whether the goroutine lit acquires the limit itself: sem <- struct{}{};
// defer func() { <-sem }(), or a limiter call. The work is bounded; the parked goroutines are
// not, which spawnloop accepts (see Known limits).
func (c *checker) selfLimited(lit *ast.FuncLit) bool {
	info := c.pass.TypesInfo
	found := false
	sends := map[string]bool{}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SendStmt:
			sends[types.ExprString(n.Chan)] = true
		case *ast.CallExpr:
			if isLimiterCall(info, n) {
				found = true
			}
		}
		return !found
	})
	for key := range sends {
		if chanOps(lit.Body, key).recv {
			return true
		}
	}
	return found
}

func isLimiterCall(info *types.Info, call *ast.CallExpr) bool {
	if m, _, ok := apis.CalledMethod(info, call); ok {
		return limiterMethods[m] || limiterNames[m.Name]
	}
	return false
}

// isToken reports whether a channel of elem carries tokens: struct{}, bool or an integer.
func isToken(elem types.Type) bool {
	if s, ok := elem.Underlying().(*types.Struct); ok && s.NumFields() == 0 {
		return true
	}
	b, ok := elem.Underlying().(*types.Basic)
	return ok && b.Info()&(types.IsBoolean|types.IsInteger) != 0
}

type ops struct{ send, recv bool }

// chanOps finds sends and receives on the channel spelled key within n (function literals included:
// the release is often deferred).
func chanOps(n ast.Node, key string) ops {
	var o ops
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SendStmt:
			if types.ExprString(n.Chan) == key {
				o.send = true
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW && types.ExprString(n.X) == key {
				o.recv = true
			}
		}
		return true
	})
	return o
}

// following calls f with each statement list that runs after the statement at stack[stmt] within
// the block at stack[from] (the loop or function body), and with the stack index of that list's
// owner. Sibling case clauses of a switch or select are not "after": they are alternatives.
func following(stack []ast.Node, from, stmt int, f func(list []ast.Stmt, level int) bool) {
	for i := stmt; i > from; i-- {
		switch stack[i].(type) {
		case *ast.CaseClause, *ast.CommClause:
			continue // the other clauses are alternatives, not what runs next
		}
		list := astx.StmtList(stack[i-1])
		if list == nil {
			continue
		}
		for k, s := range list {
			if s == stack[i] {
				if !f(list[k+1:], i-1) {
					return
				}
				break
			}
		}
	}
}

// waitsAfter reports whether, after the spawn and within the same iteration (or call), the code
// waits: wg.Wait(), g.Wait(), a receive, a blocking select. The spawned goroutines then do not
// pile up.
func (c *checker) waitsAfter(stack []ast.Node, from, stmt int) bool {
	waits := false
	following(stack, from, stmt, func(list []ast.Stmt, _ int) bool {
		for _, s := range list {
			if c.blocks(s) {
				waits = true
				return false
			}
		}
		return true
	})
	return waits
}

// blocks reports whether n contains a wait outside function literals.
func (c *checker) blocks(n ast.Node) bool {
	waits := false
	ast.Inspect(n, func(n ast.Node) bool {
		if waits {
			return false
		}
		switch n := n.(type) {
		case *ast.DeferStmt:
			// defer func() { <-done }() waits before the function returns.
			if lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok && c.blocks(lit.Body) {
				waits = true
			}
			return false
		case *ast.FuncLit:
			return false
		case *ast.SelectStmt:
			if hasDefault(n) {
				// A select with default does not block: look only at the clause bodies.
				for _, cl := range n.Body.List {
					if cc, ok := cl.(*ast.CommClause); ok {
						for _, b := range cc.Body {
							if c.blocks(b) {
								waits = true
							}
						}
					}
				}
				return false
			}
		case *ast.CallExpr:
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Wait" {
				waits = true
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				waits = true
			}
		case *ast.RangeStmt:
			if _, ok := apis.IsChan(c.pass.TypesInfo.TypeOf(n.X)); ok {
				waits = true
			}
		}
		return !waits
	})
	return waits
}

func hasDefault(s *ast.SelectStmt) bool {
	for _, cl := range s.Body.List {
		if cc, ok := cl.(*ast.CommClause); ok && cc.Comm == nil {
			return true
		}
	}
	return false
}

// exitsAfter reports whether the iteration leaves the loop right after the spawn (return, panic,
// or a break of this loop): then the loop starts at most one goroutine.
func exitsAfter(stack []ast.Node, loopIdx, stmt int) bool {
	label := ""
	if loopIdx > 0 {
		if ls, ok := stack[loopIdx-1].(*ast.LabeledStmt); ok {
			label = ls.Label.Name
		}
	}
	exits := false
	following(stack, loopIdx+1, stmt, func(list []ast.Stmt, level int) bool {
		// Does an unlabeled break at this level break our loop, or an inner switch/select/loop?
		breaksLoop := true
		for j := level; j > loopIdx; j-- {
			switch stack[j].(type) {
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt, *ast.ForStmt, *ast.RangeStmt:
				breaksLoop = false
			}
		}
		for _, s := range list {
			switch s := s.(type) {
			case *ast.ReturnStmt:
				exits = true
			case *ast.BranchStmt:
				if s.Tok == token.BREAK && ((s.Label == nil && breaksLoop) || (s.Label != nil && s.Label.Name == label)) {
					exits = true
				}
			case *ast.ExprStmt:
				if call, ok := s.X.(*ast.CallExpr); ok {
					if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "panic" {
						exits = true
					}
				}
			}
		}
		return !exits
	})
	return exits
}

// groupLimited reports whether the group a spawning method is called on has its limit set
// (errgroup SetLimit, conc WithMaxGoroutines), or may have: a group that comes from a parameter or
// a factory is not known to be unlimited, and spawnloop stays silent.
func (c *checker) groupLimited(site *spawn.Site, stack []ast.Node, fnIdx int) bool {
	info := c.pass.TypesInfo
	limit := site.Spawner.Limit
	var v *types.Var
	switch r := ast.Unparen(site.Recv).(type) {
	case *ast.Ident:
		v, _ = info.Uses[r].(*types.Var)
	case *ast.SelectorExpr:
		v, _ = info.Uses[r.Sel].(*types.Var)
	case *ast.UnaryExpr:
		if id, ok := ast.Unparen(r.X).(*ast.Ident); ok && r.Op == token.AND {
			v, _ = info.Uses[id].(*types.Var)
		}
	}
	if v == nil || v.Pkg() != c.pass.Pkg {
		return true // an expression or another package's variable: unknown
	}
	if v.IsField() || v.Parent() == v.Pkg().Scope() {
		// A field or package variable: limited if anything in the package limits it.
		if l, ok := c.limits[v]; ok {
			return l
		}
		l := false
		for _, f := range c.pass.Files {
			if c.limitsVar(f, v, limit) {
				l = true
				break
			}
		}
		c.limits[v] = l
		return l
	}
	if owner, _, _ := paramOf(info, v, stack); owner >= 0 {
		return true // the caller may have set the limit
	}
	body := outerBody(stack)
	if body == nil {
		return true
	}
	defs, _ := definitions(info, v, body)
	for _, d := range defs {
		if !isGroupConstructor(info, d) && !containsCall(d, limit) {
			return true // a factory may set the limit
		}
	}
	return c.limitsVar(body, v, limit)
}

// limitsVar reports whether root contains g.<limit>(n) on v (with n not negative), or an
// assignment to v whose value calls <limit> (pool.New().WithMaxGoroutines(n)).
func (c *checker) limitsVar(root ast.Node, v *types.Var, limit string) bool {
	info := c.pass.TypesInfo
	is := func(e ast.Expr) bool {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			return info.ObjectOf(x) == v
		case *ast.SelectorExpr:
			return info.ObjectOf(x.Sel) == v
		case *ast.UnaryExpr:
			if x.Op == token.AND {
				if id, ok := ast.Unparen(x.X).(*ast.Ident); ok {
					return info.ObjectOf(id) == v
				}
			}
		}
		return false
	}
	found := false
	ast.Inspect(root, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.CallExpr:
			sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr)
			if ok && sel.Sel.Name == limit && is(sel.X) && !negativeArg(info, n) {
				found = true
			}
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if is(l) && i < len(n.Rhs) && containsCall(n.Rhs[i], limit) {
					found = true
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if info.Defs[id] == v && i < len(n.Values) && containsCall(n.Values[i], limit) {
					found = true
				}
			}
		case *ast.KeyValueExpr:
			if id, ok := n.Key.(*ast.Ident); ok && info.ObjectOf(id) == v && containsCall(n.Value, limit) {
				found = true
			}
		}
		return !found
	})
	return found
}

func negativeArg(info *types.Info, call *ast.CallExpr) bool {
	if len(call.Args) != 1 {
		return false
	}
	tv, ok := info.Types[call.Args[0]]
	return ok && tv.Value != nil && constant.Sign(tv.Value) < 0
}

func containsCall(e ast.Expr, name string) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == name {
				found = true
			}
		}
		return !found
	})
	return found
}

// isGroupConstructor recognises the plain constructions of a group: errgroup.WithContext(ctx),
// new(errgroup.Group), &errgroup.Group{}, errgroup.Group{}, pool.New().
func isGroupConstructor(info *types.Info, e ast.Expr) bool {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	switch x := e.(type) {
	case *ast.CompositeLit:
		return true
	case *ast.CallExpr:
		if id, ok := ast.Unparen(x.Fun).(*ast.Ident); ok {
			if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "new" {
				return true
			}
		}
		return apis.IsFuncCall(info, x,
			apis.Func{Pkg: "golang.org/x/sync/errgroup", Name: "WithContext"},
			apis.Func{Pkg: "github.com/sourcegraph/conc/pool", Name: "New"})
	}
	return false
}

// signalsAfter reports whether, after the spawn, the function sends on or closes a channel the
// goroutine lit receives from: the goroutine is a watchdog told to finish when the call is done
// (done <- struct{}{} after a round trip), not work left running.
func signalsAfter(stack []ast.Node, from, stmt int, lit *ast.FuncLit) bool {
	if lit == nil {
		return false
	}
	found := false
	following(stack, from, stmt, func(list []ast.Stmt, _ int) bool {
		for _, s := range list {
			ast.Inspect(s, func(n ast.Node) bool {
				var key string
				switch n := n.(type) {
				case *ast.SendStmt:
					key = types.ExprString(n.Chan)
				case *ast.CallExpr:
					if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && id.Name == "close" && len(n.Args) == 1 {
						key = types.ExprString(n.Args[0])
					}
				}
				if key != "" && chanOps(lit.Body, key).recv {
					found = true
				}
				return !found
			})
		}
		return !found
	})
	return found
}

// longLived reports whether the goroutine runs a long-lived loop by its name: run, loop, serve,
// start, listen, listenAndServe, a name starting with serve, or ending in Loop or Forever. For a
// function literal, any call among its top-level statements counts.
func (c *checker) longLived(site *spawn.Site) bool {
	if fn := site.Callee(c.pass.TypesInfo); fn != nil {
		return runLoopName(fn.Name()) || teardownNames[fn.Name()] || c.eventLoop(fn)
	}
	lit := site.Lit()
	if lit == nil {
		return false
	}
	if c.loopBody(lit.Body) {
		return true
	}
	for _, s := range lit.Body.List {
		var x ast.Expr
		switch s := s.(type) {
		case *ast.ExprStmt:
			x = s.X
		case *ast.ReturnStmt:
			if len(s.Results) == 1 {
				x = s.Results[0]
			}
		}
		call, ok := ast.Unparen(x).(*ast.CallExpr)
		if !ok {
			continue
		}
		if fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func); ok && (runLoopName(fn.Name()) || c.eventLoop(fn)) {
			return true
		}
	}
	return false
}

func runLoopName(name string) bool {
	if name == "" {
		return false
	}
	lower := strings.ToLower(name[:1]) + name[1:]
	switch lower {
	case "run", "loop", "serve", "start", "listen", "listenAndServe", "mainLoop":
		return true
	}
	return strings.HasPrefix(lower, "serve") || strings.HasSuffix(name, "Loop") || strings.HasSuffix(name, "loop") ||
		strings.HasSuffix(name, "Forever")
}

// eventLoop reports whether fn, declared in this package, runs an event loop: among the top-level
// statements of its body is an endless for loop whose body has a select at its top level
// (for { select { case <-stop: return; case m := <-in: ... } }). Such a goroutine lives as long as
// what it serves (a consumer per topic, a router per subscription): a component, not per-item work.
func (c *checker) eventLoop(fn *types.Func) bool {
	fn = fn.Origin()
	if fn.Pkg() != c.pass.Pkg {
		return false
	}
	if v, ok := c.loops[fn]; ok {
		return v
	}
	c.loops[fn] = false
	var decl *ast.FuncDecl
	for _, f := range c.pass.Files {
		if f.Pos() <= fn.Pos() && fn.Pos() < f.End() {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Pos() == fn.Pos() {
					decl = fd
				}
			}
		}
	}
	if decl == nil || decl.Body == nil {
		return false
	}
	c.loops[fn] = c.loopBody(decl.Body)
	return c.loops[fn]
}

// loopBody reports whether body has, among its top-level statements, an endless for loop with a
// select at its top level, or a range over a channel field (a drainer that runs until the
// component's channel is closed: one per pipeline stage or subscription).
func (c *checker) loopBody(body *ast.BlockStmt) bool {
	for _, s := range body.List {
		switch s := s.(type) {
		case *ast.ForStmt:
			if s.Cond != nil {
				continue
			}
			for _, b := range s.Body.List {
				if _, ok := b.(*ast.SelectStmt); ok {
					return true
				}
			}
		case *ast.RangeStmt:
			// Only a channel field (unit.src, s.in): the channel belongs to a component. A
			// goroutine draining a channel it was handed for this item (for r := range wc, a
			// watch opened per input line) is per-item work.
			_, isField := ast.Unparen(s.X).(*ast.SelectorExpr)
			if _, ok := apis.IsChan(c.pass.TypesInfo.TypeOf(s.X)); ok && isField {
				return true
			}
		}
	}
	return false
}

// registered reports whether the iteration registers the item in a map held by the program's
// state before the spawn and skips items already registered: it reads s.m[k] (if _, ok :=
// s.m[k]; ok { continue }) and stores s.m[k] = v, with s.m a field. The loop then starts at most one
// goroutine per distinct key and keeps it in a registry (one log tailer per container, one
// consumer per topic): long-lived per-entity goroutines, not per-item work.
func (c *checker) registered(body *ast.BlockStmt, ev *event) bool {
	info := c.pass.TypesInfo
	pos := ev.node.Pos()
	stored := map[string]bool{}
	read := map[string]bool{}
	skips := false
	isFieldMap := func(e ast.Expr) (string, bool) {
		sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
		if !ok {
			return "", false
		}
		if _, isField := info.Selections[sel]; !isField {
			return "", false
		}
		if _, isMap := apis.UnderOf(info, sel).(*types.Map); !isMap {
			return "", false
		}
		return types.ExprString(sel), true
	}
	inspectBefore(body, pos, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if ix, ok := ast.Unparen(l).(*ast.IndexExpr); ok {
					if key, ok := isFieldMap(ix.X); ok {
						stored[key] = true
					}
				}
			}
			for _, r := range n.Rhs {
				ast.Inspect(r, func(m ast.Node) bool {
					if ix, ok := m.(*ast.IndexExpr); ok {
						if key, ok := isFieldMap(ix.X); ok {
							read[key] = true
						}
					}
					return true
				})
			}
			return false
		case *ast.IndexExpr:
			if key, ok := isFieldMap(n.X); ok {
				read[key] = true
			}
		case *ast.BranchStmt:
			if n.Tok == token.CONTINUE {
				skips = true
			}
		}
		return true
	})
	if !skips {
		return false
	}
	for key := range stored {
		if read[key] {
			return true
		}
	}
	return false
}

// counterKey identifies an in-flight counter: a variable or field, or the length of one.
type counterKey struct {
	obj   types.Object
	isLen bool
}

// counterOf returns the counter an operand of a comparison reads: n, s.inflight,
// atomic.LoadInt32(&s.n), s.n.Load(), len(s.running).
func counterOf(info *types.Info, e ast.Expr) (counterKey, bool) {
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.Ident, *ast.SelectorExpr:
		if obj := chanObject(info, x); obj != nil {
			if _, ok := obj.(*types.Var); ok {
				return counterKey{obj: obj}, true
			}
		}
	case *ast.CallExpr:
		if id, ok := ast.Unparen(x.Fun).(*ast.Ident); ok && id.Name == "len" && len(x.Args) == 1 {
			if obj := chanObject(info, x.Args[0]); obj != nil {
				return counterKey{obj: obj, isLen: true}, true
			}
			return counterKey{}, false
		}
		if f, ok := apis.CalledFunc(info, x); ok && f.Pkg == "sync/atomic" && strings.HasPrefix(f.Name, "Load") && len(x.Args) == 1 {
			if u, ok := ast.Unparen(x.Args[0]).(*ast.UnaryExpr); ok && u.Op == token.AND {
				return counterOf(info, u.X)
			}
		}
		if sel, ok := ast.Unparen(x.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Load" && len(x.Args) == 0 {
			return counterOf(info, sel.X)
		}
	}
	return counterKey{}, false
}

// counterGuard reports whether the spawn is guarded by an in-flight counter compared against a
// maximum: a condition (of an if or for before the spawn in the iteration, or of an if around it)
// compares a counter with <, <=, >, >= or ==, and the code changes that counter (n++, n--,
// atomic.AddInt32(&n, 1), n.Add(-1), s.running[k] = ..., delete(s.running, k)) in this function or,
// for a field, anywhere in the package. `if inflight >= max { wait }`, `if workers < maxWorkers
// { workers++; go worker() }`.
func (c *checker) counterGuard(body *ast.BlockStmt, ev *event, stack []ast.Node, fnIdx, loopIdx int) bool {
	info := c.pass.TypesInfo
	pos := ev.node.Pos()
	compared := map[counterKey]bool{}
	added := false
	collect := func(cond ast.Expr) {
		if cond == nil {
			return
		}
		ast.Inspect(cond, func(n ast.Node) bool {
			b, ok := n.(*ast.BinaryExpr)
			if !ok {
				return true
			}
			switch b.Op {
			case token.LSS, token.LEQ, token.GTR, token.GEQ, token.EQL:
			default:
				return true
			}
			for _, pair := range [][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
				if smallConst(info, pair[1]) {
					continue
				}
				if k, ok := counterOf(info, pair[0]); ok {
					compared[k] = true
				}
				if d := c.singleDef(pair[0], stack); d != nil {
					if k, ok := counterOf(info, d); ok {
						compared[k] = true // n := h.workers.Load(); if n < h.maxWorkers
					}
				}
				if isAddCall(info, pair[0]) || c.definedByAdd(pair[0], stack) {
					added = true // if n := atomic.AddInt32(&s.active, 1); n > max { ... }
				}
			}
			return true
		})
	}
	inspectBefore(body, pos, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IfStmt:
			collect(n.Cond)
		case *ast.ForStmt:
			collect(n.Cond)
		case *ast.SwitchStmt:
			for _, cl := range n.Body.List {
				for _, e := range cl.(*ast.CaseClause).List {
					collect(e)
				}
			}
		}
		return true
	})
	for i := loopIdx + 1; i < len(stack); i++ {
		if is, ok := stack[i].(*ast.IfStmt); ok {
			collect(is.Cond)
		}
	}
	if added {
		return true
	}
	if len(compared) == 0 {
		return false
	}
	scopes := []ast.Node{stack[fnIdx]}
	for k := range compared {
		if v, ok := k.obj.(*types.Var); ok && v.IsField() {
			scopes = nil
			for _, f := range c.pass.Files {
				scopes = append(scopes, f)
			}
			break
		}
	}
	for _, sc := range scopes {
		if c.modifiesCounter(sc, compared) {
			return true
		}
	}
	return false
}

func smallConst(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil {
		return false
	}
	n, exact := constant.Int64Val(constant.ToInt(tv.Value))
	return exact && n <= 1 && n >= -1
}

// modifiesCounter reports whether root changes one of the counters.
func (c *checker) modifiesCounter(root ast.Node, counters map[counterKey]bool) bool {
	info := c.pass.TypesInfo
	is := func(e ast.Expr, isLen bool) bool {
		e = ast.Unparen(e)
		if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
			e = ast.Unparen(u.X)
		}
		obj := chanObject(info, e)
		return obj != nil && counters[counterKey{obj: obj, isLen: isLen}]
	}
	found := false
	ast.Inspect(root, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.IncDecStmt:
			found = is(n.X, false)
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if n.Tok == token.ADD_ASSIGN || n.Tok == token.SUB_ASSIGN {
					found = found || is(l, false)
				}
				if ix, ok := ast.Unparen(l).(*ast.IndexExpr); ok {
					found = found || is(ix.X, true)
				}
			}
		case *ast.CallExpr:
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && id.Name == "delete" && len(n.Args) == 2 {
				found = is(n.Args[0], true)
			} else if f, ok := apis.CalledFunc(info, n); ok && f.Pkg == "sync/atomic" && strings.HasPrefix(f.Name, "Add") && len(n.Args) == 2 {
				found = is(n.Args[0], false)
			} else if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok {
				switch sel.Sel.Name {
				case "Add", "Inc", "Dec":
					found = is(sel.X, false)
				}
			}
		}
		return !found
	})
	return found
}

// batched reports whether the loop at stack[loopIdx] ranges over a batch (a sub-slice with an
// upper bound, or a variable defined as one) and the enclosing loop waits for the batch after it:
// at most one batch of goroutines runs at a time.
func (c *checker) batched(stack []ast.Node, fnIdx, loopIdx int) bool {
	rs, ok := stack[loopIdx].(*ast.RangeStmt)
	if !ok {
		return false
	}
	info := c.pass.TypesInfo
	batch := isBatch(info, rs.X)
	if id, ok := ast.Unparen(rs.X).(*ast.Ident); ok && !batch {
		if v, ok := info.Uses[id].(*types.Var); ok {
			if body := outerBody(stack); body != nil {
				if defs, ok := definitions(info, v, body); ok && len(defs) == 1 {
					batch = isBatch(info, defs[0])
				}
			}
		}
	}
	if !batch {
		return false
	}
	for i := loopIdx - 1; i > fnIdx; i-- {
		if loopBody(stack[i]) != nil && loopBody(stack[i]) == stack[i+1] {
			return c.waitsAfter(stack, i+1, loopIdx)
		}
	}
	return false
}

// previousHandled reports whether the iteration, before the spawn, stops or waits for the
// goroutine the previous iteration started, so that one runs at a time: it calls a cancel function
// or a Cancel/Stop/Close/Kill/Wait method of a handle the loop body reassigns (cancel(); ctx, cancel
// = context.WithCancel(ctx); go run(ctx, m)), closes such a channel, or receives from a channel
// the goroutine sends on or closes (the previous result). A handle kept per key in a map
// (proc[m.ID].Kill()) is not one: the keys come from the input.
func (c *checker) previousHandled(body *ast.BlockStmt, ev *event) bool {
	info := c.pass.TypesInfo
	pos := ev.node.Pos()
	assigned := map[types.Object]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok {
			for _, l := range as.Lhs {
				if obj := chanObject(info, l); obj != nil {
					assigned[obj] = true
				}
			}
		}
		return true
	})
	var lit *ast.FuncLit
	if ev.site != nil {
		lit = ev.site.Lit()
	}
	producedBy := func(e ast.Expr) bool {
		key := types.ExprString(e)
		if lit != nil {
			o := chanOps(lit.Body, key)
			if o.send || closes(lit.Body, key) {
				return true
			}
		}
		if ev.site != nil && ev.site.Call != nil {
			for _, a := range ev.site.Call.Args {
				if types.ExprString(a) == key {
					return true
				}
			}
		}
		return false
	}
	found := false
	inspectBefore(body, pos, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.CallExpr:
			switch fun := ast.Unparen(n.Fun).(type) {
			case *ast.Ident:
				if fun.Name == "close" && len(n.Args) == 1 {
					if obj := chanObject(info, n.Args[0]); obj != nil && assigned[obj] {
						found = true
					}
				} else if v, ok := info.Uses[fun].(*types.Var); ok && assigned[v] {
					found = true // cancel()
				}
			case *ast.SelectorExpr:
				if obj := chanObject(info, fun); obj != nil && assigned[obj] {
					if _, isFunc := obj.Type().Underlying().(*types.Signature); isFunc {
						found = true // s.cancel()
					}
				}
				switch fun.Sel.Name {
				case "Cancel", "Stop", "Close", "Kill", "Wait", "Abort", "Shutdown":
					if obj := chanObject(info, fun.X); obj != nil && assigned[obj] {
						found = true
					}
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				if obj := chanObject(info, n.X); obj != nil && (assigned[obj] || producedBy(n.X)) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// closes reports whether n calls close(key).
func closes(n ast.Node, key string) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if call, ok := m.(*ast.CallExpr); ok && len(call.Args) == 1 {
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok && id.Name == "close" && types.ExprString(call.Args[0]) == key {
				found = true
			}
		}
		return !found
	})
	return found
}

// isAddCall reports whether e is atomic.AddT(&x, d) or x.Add(d): a counter changed and read at once.
func isAddCall(info *types.Info, e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	if f, ok := apis.CalledFunc(info, call); ok {
		return f.Pkg == "sync/atomic" && strings.HasPrefix(f.Name, "Add")
	}
	if m, _, ok := apis.CalledMethod(info, call); ok {
		return m.Pkg == "sync/atomic" && m.Name == "Add"
	}
	return false
}

// definedByAdd reports whether e is a local variable whose definition is an atomic add.
func (c *checker) definedByAdd(e ast.Expr, stack []ast.Node) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok {
		return false
	}
	body := outerBody(stack)
	if body == nil {
		return false
	}
	defs, _ := definitions(c.pass.TypesInfo, v, body)
	for _, d := range defs {
		if isAddCall(c.pass.TypesInfo, d) {
			return true
		}
	}
	return false
}

// singleDef returns the only definition of the local variable e, or nil.
func (c *checker) singleDef(e ast.Expr, stack []ast.Node) ast.Expr {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok || v.IsField() {
		return nil
	}
	body := outerBody(stack)
	if body == nil {
		return nil
	}
	if defs, ok := definitions(c.pass.TypesInfo, v, body); ok && len(defs) == 1 {
		if _, isCall := ast.Unparen(defs[0]).(*ast.CallExpr); isCall {
			return defs[0]
		}
	}
	return nil
}

// inspectBefore walks body in source order up to pos, without entering function literals (their
// code runs in another goroutine or later), calling f on each node; f's result says whether to
// descend into the node.
func inspectBefore(body ast.Node, pos token.Pos, f func(ast.Node) bool) {
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil || n.Pos() >= pos {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		return f(n)
	})
}
