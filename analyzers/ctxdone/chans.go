package ctxdone

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"

	"github.com/goroguard/goroguard/internal/apis"
	"github.com/goroguard/goroguard/internal/astx"
	"github.com/goroguard/goroguard/internal/costs"
	"github.com/goroguard/goroguard/internal/spawn"
)

// makeDef is the definition of a local channel: `ch := make(chan T[, n])` or
// `var ch = make(chan T[, n])`.
type makeDef struct {
	stmt ast.Node // the *ast.AssignStmt or *ast.DeclStmt, as it appears in the CFG
	call *ast.CallExpr
	fn   ast.Node // the enclosing function
	cap  int64    // the buffer size, -1 when not constant
}

func (c *checker) noteAssign(as *ast.AssignStmt, stack []ast.Node) {
	if as.Tok != token.DEFINE && as.Tok != token.ASSIGN {
		return
	}
	for i, lhs := range as.Lhs {
		var rhs ast.Expr
		if len(as.Lhs) == len(as.Rhs) {
			rhs = as.Rhs[i]
		}
		if id, ok := lhs.(*ast.Ident); ok {
			c.noteCtx(id, rhs)
		}
	}
	if len(as.Lhs) != len(as.Rhs) {
		return
	}
	for i, lhs := range as.Lhs {
		id, ok := lhs.(*ast.Ident)
		if !ok {
			continue
		}
		c.noteMake(id, as.Rhs[i], as, stack)
	}
}

// noteCtx counts an assignment of rhs (nil when not one to one) to a context variable, and
// marks context.Background() and context.TODO().
func (c *checker) noteCtx(id *ast.Ident, rhs ast.Expr) {
	obj := c.info.Defs[id]
	if obj == nil {
		obj = c.info.Uses[id]
	}
	v, ok := obj.(*types.Var)
	if !ok || v.IsField() || !apis.IsContext(v.Type()) {
		return
	}
	c.ctxAssigns[v]++
	if call, ok := ast.Unparen(rhs).(*ast.CallExpr); ok && rhs != nil &&
		(apis.IsFuncCall(c.info, call, apis.Func{Pkg: "context", Name: "Background"}) ||
			apis.IsFuncCall(c.info, call, apis.Func{Pkg: "context", Name: "TODO"})) {
		c.background[v] = true
	}
}

// neverCancelled reports whether v is a local context assigned only context.Background() or
// context.TODO().
func (c *checker) neverCancelled(v *types.Var) bool {
	return c.background[v] && c.ctxAssigns[v] == 1
}

func (c *checker) noteValueSpec(vs *ast.ValueSpec, stack []ast.Node) {
	for i, id := range vs.Names {
		var rhs ast.Expr
		if len(vs.Names) == len(vs.Values) {
			rhs = vs.Values[i]
		}
		c.noteCtx(id, rhs)
	}
	if len(vs.Names) != len(vs.Values) || len(stack) < 2 {
		return
	}
	decl, ok := stack[len(stack)-2].(*ast.DeclStmt)
	if !ok {
		return
	}
	for i, id := range vs.Names {
		c.noteMake(id, vs.Values[i], decl, stack)
	}
}

func (c *checker) noteMake(id *ast.Ident, rhs ast.Expr, stmt ast.Node, stack []ast.Node) {
	call, ok := ast.Unparen(rhs).(*ast.CallExpr)
	if !ok || len(call.Args) == 0 {
		return
	}
	if fid, ok := ast.Unparen(call.Fun).(*ast.Ident); !ok {
		return
	} else if b, ok := c.info.Uses[fid].(*types.Builtin); !ok || b.Name() != "make" {
		return
	}
	if _, ok := apis.IsChan(c.info.TypeOf(call.Args[0])); !ok {
		return
	}
	obj := c.info.Defs[id]
	if obj == nil {
		obj = c.info.Uses[id]
	}
	v, ok := obj.(*types.Var)
	if !ok || v.IsField() || v.Parent() == c.pass.Pkg.Scope() {
		return
	}
	fn := astx.EnclosingFunc(stack)
	if fn == nil {
		return
	}
	if isResult(c.info, fn, v) {
		// A named result leaves the function through every bare return, which does not
		// mention it: the channel escapes to the caller.
		return
	}
	if _, seen := c.makes[v]; seen {
		c.makes[v] = nil // assigned twice: not a single definition
		return
	}
	def := &makeDef{stmt: stmt, call: call, fn: fn, cap: -1}
	if len(call.Args) == 1 {
		def.cap = 0
	} else if tv, ok := c.info.Types[call.Args[1]]; ok && tv.Value != nil {
		if n, ok := constant.Int64Val(constant.ToInt(tv.Value)); ok {
			def.cap = n
		}
	}
	c.makes[v] = def
}

// isResult reports whether v is a named result of fn.
func isResult(info *types.Info, fn ast.Node, v *types.Var) bool {
	ft := astx.FuncType(fn)
	if ft == nil || ft.Results == nil {
		return false
	}
	for _, f := range ft.Results.List {
		for _, n := range f.Names {
			if info.Defs[n] == v {
				return true
			}
		}
	}
	return false
}

// use summarises what one function body does with one channel variable.
type use struct {
	sends     int  // plain send statements
	sendsLoop bool // a plain send is inside a loop
	recvs     int  // plain receives
	recvLoop  bool // a plain receive is inside a loop
	okLoop    bool // a comma-ok receive `v, ok := <-ch` inside a `for {}` loop: it waits for close
	ranges    bool
	closes    bool
	guarded   bool // an operation is a select case: the select may leave through another case
	escape    bool // any other use: the channel reaches code this check does not follow
	// errSends counts the sends that run only on a read error other than EOF or "closed"
	// (see decoder.go); they are not in sends. errLoop: one of them is in a loop.
	errSends int
	errLoop  bool
	// srcClosed: the spawner closes the source the goroutine reads, so the errSends cannot
	// happen after the spawner has left; need() then ignores them.
	srcClosed bool
	allMax    int // the maximum over paths of all sends, errSends included (0: not computed)
	// tripSends: sends counts a send in a loop with constant bounds once per trip (trips.go),
	// so the per-path maximum, which counts a loop's blocks once, does not apply.
	tripSends bool
	// stopRecvs counts the receives that are the stop case of an endless loop (stoploop.go);
	// they are not in guarded. stopOnly: they are the goroutine's only use of the channel and
	// the goroutine is a function literal, so it runs until the spawner sends or closes.
	stopRecvs int
	stopOnly  bool
}

// need says what the other end must do for the body's operations to complete, and the number of
// sends (-1 when unknown).
func (u use) need() (Need, int) {
	if u.escape || u.guarded || (u.stopRecvs > 0 && !u.stopOnly) {
		return needNone, 0
	}
	if u.stopOnly {
		return NeedSendOrClose, 0
	}
	sends, sendsLoop := u.sends, u.sendsLoop
	if !u.srcClosed {
		sends, sendsLoop = sends+u.errSends, sendsLoop || u.errLoop
		if u.allMax > 0 {
			sends = u.allMax
		}
	}
	switch {
	case sends > 0 && u.recvs == 0 && !u.ranges:
		if sendsLoop {
			return NeedRecv, -1
		}
		return NeedRecv, sends
	case (u.ranges || u.okLoop) && sends == 0 && !u.closes:
		// A receive in a bounded loop (for i := 0; i < n; i++ { <-ch }) needs n sends, which
		// this check does not count: only ranges and comma-ok receive loops wait for close.
		return NeedClose, 0
	case u.recvs == 1 && !u.recvLoop && !u.ranges && sends == 0 && !u.closes:
		return NeedSendOrClose, 0
	}
	return needNone, 0
}

// opKind classifies one use of a channel variable.
type opKind int

const (
	opEscape opKind = iota
	opDef
	opSend
	opRecv
	opRange
	opClose
	opLen
)

// classify says how the identifier at the top of stack uses the channel, and whether it is a
// select case.
func classify(info *types.Info, id *ast.Ident, stack []ast.Node) (k opKind, guarded bool) {
	if len(stack) < 2 {
		return opEscape, false
	}
	at := func(i int) ast.Node { // i-th ancestor of id, 1 = parent
		if len(stack)-1-i < 0 {
			return nil
		}
		return stack[len(stack)-1-i]
	}
	isComm := func(stmt ast.Node, clause ast.Node) bool {
		cc, ok := clause.(*ast.CommClause)
		return ok && cc.Comm == stmt
	}
	switch p := at(1).(type) {
	case *ast.SendStmt:
		if p.Chan == id {
			return opSend, isComm(p, at(2))
		}
	case *ast.UnaryExpr:
		if p.Op == token.ARROW {
			stmt := at(2)
			if _, ok := stmt.(*ast.ExprStmt); ok {
				return opRecv, isComm(stmt, at(3))
			}
			if as, ok := stmt.(*ast.AssignStmt); ok && len(as.Rhs) == 1 && as.Rhs[0] == p {
				return opRecv, isComm(stmt, at(3))
			}
			return opRecv, false
		}
	case *ast.RangeStmt:
		if p.X == id {
			return opRange, false
		}
	case *ast.CallExpr:
		if fid, ok := ast.Unparen(p.Fun).(*ast.Ident); ok && len(p.Args) == 1 && p.Args[0] == id {
			if b, ok := info.Uses[fid].(*types.Builtin); ok {
				switch b.Name() {
				case "close":
					return opClose, false
				case "len", "cap":
					return opLen, false
				}
			}
		}
	case *ast.AssignStmt:
		for _, l := range p.Lhs {
			if l == id {
				return opDef, false
			}
		}
	case *ast.ValueSpec:
		for _, n := range p.Names {
			if n == id {
				return opDef, false
			}
		}
	}
	return opEscape, false
}

// inspectStack calls f for every node under root with the stack of its ancestors (root first,
// the node itself last).
func inspectStack(root ast.Node, f func(n ast.Node, stack []ast.Node) bool) {
	var stack []ast.Node
	ast.Inspect(root, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		if !f(n, stack) {
			stack = stack[:len(stack)-1]
			return false
		}
		return true
	})
}

// isOKLoopRecv reports whether the receive at the top of stack is `v, ok := <-ch` (or `=`) and
// its innermost loop is a `for {}` without condition: a loop that waits for the channel's close.
func isOKLoopRecv(stack []ast.Node) bool {
	if len(stack) < 3 {
		return false
	}
	as, ok := stack[len(stack)-3].(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
		return false
	}
	for i := len(stack) - 4; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.FuncLit:
			return false
		case *ast.RangeStmt:
			return false
		case *ast.ForStmt:
			return n.Cond == nil
		}
	}
	return false
}

// inLoop reports whether the top of stack is inside a loop on the stack: its body, condition or
// post statement (everything but the init statement runs repeatedly).
func inLoop(stack []ast.Node) bool {
	pos := stack[len(stack)-1].Pos()
	for _, n := range stack[:len(stack)-1] {
		switch n := n.(type) {
		case *ast.ForStmt:
			if n.Init == nil || pos >= n.Init.End() {
				return true
			}
		case *ast.RangeStmt:
			if n.Body.Pos() <= pos && pos < n.Body.End() {
				return true
			}
		}
	}
	return false
}

// sendThenReturn reports whether the send at the end of stack is followed directly by a return
// in its block (`if err != nil { done <- err; return }`). Inside a loop such a send still happens
// at most once per call, so it does not make the count of sends unbounded.
func sendThenReturn(stack []ast.Node) bool {
	for i := len(stack) - 2; i >= 1; i-- {
		send, ok := stack[i].(*ast.SendStmt)
		if !ok {
			continue
		}
		var list []ast.Stmt
		switch p := stack[i-1].(type) {
		case *ast.BlockStmt:
			list = p.List
		case *ast.CaseClause:
			list = p.Body
		default:
			return false
		}
		for j, st := range list {
			if st == send {
				if j+1 < len(list) {
					_, ret := list[j+1].(*ast.ReturnStmt)
					return ret
				}
				return false
			}
		}
		return false
	}
	return false
}

// summarize describes what body does with obj (a captured variable or a parameter). Uses inside
// nested function literals, and any use other than send, receive, range, close, len and cap,
// make the channel escape.
func (c *checker) summarize(fn ast.Node, obj types.Object) use {
	body := astx.FuncBody(fn)
	var u use
	inspectStack(body, func(n ast.Node, stack []ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || c.info.Uses[id] != obj {
			return true
		}
		for _, s := range stack[1 : len(stack)-1] {
			if _, ok := s.(*ast.FuncLit); ok {
				u.escape = true
				return true
			}
		}
		k, guarded := classify(c.info, id, stack)
		if guarded && k == opRecv && stopCase(stack) {
			u.stopRecvs++
			return true
		}
		u.guarded = u.guarded || guarded
		loop := inLoop(stack)
		if k == opSend && loop && sendThenReturn(stack) {
			loop = false // at most once per call, wherever the loop stands: maxSends counts it
		}
		switch k {
		case opSend:
			if !guarded && c.errOnlySend(stack) {
				u.errSends++
				u.errLoop = u.errLoop || loop
				break
			}
			if loop && !guarded {
				if n := c.sendTrips(stack); n >= 0 {
					u.sends += int(n) // unconditional, in loops with constant bounds
					u.tripSends = true
					break
				}
			}
			u.sends++
			u.sendsLoop = u.sendsLoop || loop
		case opRecv:
			if isOKLoopRecv(stack) {
				u.okLoop = true
				break
			}
			u.recvs++
			u.recvLoop = u.recvLoop || loop
		case opRange:
			u.ranges = true
		case opClose:
			u.closes = true
		case opLen:
		default:
			if call, i := callArg(id, stack); call != nil && !guarded {
				trips := int64(1)
				if loop {
					trips = c.sendTrips(stack)
				}
				if p, ok := c.argUse(call, i); ok && u.foldCall(p, trips) {
					break
				}
			}
			u.escape = true
		}
		return true
	})
	if u.sends > 1 && !u.sendsLoop && !u.tripSends && !u.escape && u.errSends == 0 {
		if g := c.cfgOf(fn); g != nil {
			u.sends = c.maxSends(g, obj)
		}
	}
	if u.errSends > 0 && u.sends+u.errSends > 1 && !u.sendsLoop && !u.tripSends && !u.errLoop && !u.escape {
		if g := c.cfgOf(fn); g != nil {
			u.allMax = c.maxSends(g, obj)
		}
	}
	return u
}

// maxSends returns the largest number of plain sends on obj along any path through g: sends on
// different branches (`if err != nil { ch <- err; return }; ch <- v`) do not add up. Sends are not
// in loops here, so the graph's cycles carry no sends and a bounded relaxation converges. A call
// to a helper that sends weighs as many sends as the helper makes.
func (c *checker) maxSends(g *cfg.CFG, obj types.Object) int {
	weight := make(map[*cfg.Block]int, len(g.Blocks))
	for _, b := range g.Blocks {
		for _, n := range b.Nodes {
			if s, ok := n.(*ast.SendStmt); ok {
				if id, ok := ast.Unparen(s.Chan).(*ast.Ident); ok && c.info.Uses[id] == obj {
					weight[b]++
				}
			}
			if w := c.callSendWeight(n, obj); w > 0 {
				weight[b] += w
			}
		}
	}
	return maxPathWeight(g, weight)
}

// maxPathWeight returns the largest sum of block weights along a path of g from its entry,
// counting each block of a cycle once (the relaxation stops after len(g.Blocks) rounds).
func maxPathWeight(g *cfg.CFG, weight map[*cfg.Block]int) int {
	if len(g.Blocks) == 0 {
		return 0
	}
	dist := map[*cfg.Block]int{g.Blocks[0]: weight[g.Blocks[0]]}
	best := 0
	for iter := 0; iter <= len(g.Blocks); iter++ {
		changed := false
		for _, b := range g.Blocks {
			d, ok := dist[b]
			if !ok {
				continue
			}
			if d > best {
				best = d
			}
			for _, s := range b.Succs {
				if nd := d + weight[s]; nd > dist[s] || !hasKey(dist, s) {
					dist[s] = nd
					changed = true
				}
			}
		}
		if !changed {
			break
		}
	}
	return best
}

func hasKey(m map[*cfg.Block]int, b *cfg.Block) bool { _, ok := m[b]; return ok }

// spawnerUse is what the spawner does with a local channel outside its goroutines.
type spawnerUse struct {
	v      *types.Var            // the channel
	ops    map[*ast.Ident]opKind // operations in the spawner itself
	closes bool                  // close(ch) anywhere
	escape bool
	// goroutines are the spawn sites whose goroutine uses the channel, with what they need.
	goroutines []*siteInfo
	need       Need
	sends      int  // total sends of the goroutines, -1 when unknown
	multi      bool // a goroutine's spawn site runs more than once per channel
}

// checkChannels looks at the local channels the goroutine of si uses (patterns 1 and 3).
func (c *checker) checkChannels(si *siteInfo) {
	for _, v := range c.goroutineChans(si) {
		if si.reported || c.work[si.encl] > maxFuncWork {
			return
		}
		def := c.makes[v]
		if def == nil || def.fn != si.encl {
			continue
		}
		su := c.spawnerUses(v, def)
		if su == nil || su.need == needNone || su.goroutines[0] != si {
			continue // report once, at the first goroutine
		}
		c.checkChan(si, v, def, su)
	}
}

// goroutineChans lists the local channel variables the goroutine of si uses: captured by its
// function literal or passed as arguments.
func (c *checker) goroutineChans(si *siteInfo) []*types.Var {
	var out []*types.Var
	seen := map[*types.Var]bool{}
	add := func(e ast.Expr) {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return
		}
		v, ok := c.info.Uses[id].(*types.Var)
		if !ok || seen[v] || c.makes[v] == nil {
			return
		}
		seen[v] = true
		out = append(out, v)
	}
	if si.Kind == spawn.GoStmt {
		for _, a := range si.Call.Args {
			add(a)
		}
	}
	if lit := si.Lit(); lit != nil {
		ast.Inspect(lit.Body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				add(id)
			}
			return true
		})
	}
	return out
}

// spawnedSig returns the signature of the function a go statement runs (lit, or its named callee)
// and, for a named callee, its ChanParamsFact. known is false when the callee is not static.
func (c *checker) spawnedSig(si *siteInfo, lit *ast.FuncLit) (sig *types.Signature, fact ChanParamsFact, hasFact, known bool) {
	if lit != nil {
		sig, _ = c.info.TypeOf(lit).(*types.Signature)
		return sig, fact, false, true
	}
	fn := si.Callee(c.info)
	if fn == nil {
		return nil, fact, false, false
	}
	sig, _ = fn.Type().(*types.Signature)
	hasFact = c.pass.ImportObjectFact(fn.Origin(), &fact)
	return sig, fact, hasFact, true
}

// goroutineNeed is what the goroutine of si needs on v: from its literal's body (captured or as
// a parameter), or from the callee's ChanParamsFact. ok is false when v reaches the goroutine in
// a way this check does not follow.
func (c *checker) goroutineNeed(si *siteInfo, v *types.Var) (need Need, sends int, ok bool) {
	lit := si.Lit()
	var u use
	have := false
	if si.Kind == spawn.GoStmt {
		sig, fact, hasFact, known := c.spawnedSig(si, lit)
		if !known {
			return needNone, 0, !argsUse(c.info, si.Call, v)
		}
		for i, a := range si.Call.Args {
			id, isID := ast.Unparen(a).(*ast.Ident)
			if !isID || c.info.Uses[id] != v {
				if mentions(c.info, a, v) {
					return needNone, 0, false
				}
				continue
			}
			if sig == nil || i >= sig.Params().Len() || (sig.Variadic() && i == sig.Params().Len()-1) {
				return needNone, 0, false
			}
			var n Need
			var s int
			if lit != nil {
				n, s = c.srcSummary(si, lit, sig.Params().At(i)).need()
			} else if hasFact {
				if p, found := fact.param(i); found {
					n, s = p.Need, p.Sends
					if p.ErrOnly && c.closesSource(si) {
						n = needNone // only error sends, and the spawner closes the source
					}
				}
			}
			if n == needNone {
				return needNone, 0, false
			}
			if have && n != need {
				return needNone, 0, false
			}
			need, sends, have = n, addSends(sends, s, have), true
		}
	}
	if lit != nil {
		u = c.srcSummary(si, lit, v)
		if u != (use{}) {
			n, s := u.need()
			if n == needNone || (have && n != need) {
				return needNone, 0, false
			}
			need, sends, have = n, addSends(sends, s, have), true
		}
	}
	return need, sends, have
}

func addSends(total, s int, have bool) int {
	if !have {
		return s
	}
	if total < 0 || s < 0 {
		return -1
	}
	return total + s
}

func argsUse(info *types.Info, call *ast.CallExpr, v *types.Var) bool {
	for _, a := range call.Args {
		if mentions(info, a, v) {
			return true
		}
	}
	return false
}

func mentions(info *types.Info, e ast.Node, v types.Object) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && info.Uses[id] == v {
			found = true
		}
		return !found
	})
	return found
}

// spawnerUses classifies every use of v in the function that makes it. It returns nil when the
// channel escapes: stored, returned, passed to a function that is not a goroutine this check
// understands, captured by a closure that is not a goroutine, or reassigned.
func (c *checker) spawnerUses(v *types.Var, def *makeDef) *spawnerUse {
	body := astx.FuncBody(def.fn)
	if body == nil {
		return nil
	}
	su := &spawnerUse{ops: map[*ast.Ident]opKind{}, v: v}
	sites := map[*siteInfo]bool{}
	inspectStack(body, func(n ast.Node, stack []ast.Node) bool {
		c.work[def.fn]++
		if su.escape {
			return false
		}
		id, ok := n.(*ast.Ident)
		if !ok || (c.info.Uses[id] != v && c.info.Defs[id] != v) {
			return true
		}
		// Which function does this use belong to?
		for i := len(stack) - 2; i >= 1; i-- {
			if lit, ok := stack[i].(*ast.FuncLit); ok {
				si := c.siteOf[lit]
				if si == nil || si.encl != def.fn {
					su.escape = true // a closure that is not one of our goroutines
				} else {
					sites[si] = true
				}
				return true
			}
			if g, ok := stack[i].(*ast.GoStmt); ok && i+1 < len(stack) {
				// An argument of `go f(ch)`.
				for _, a := range g.Call.Args {
					if a.Pos() <= id.Pos() && id.End() <= a.End() {
						sites[c.goSite[g]] = true
						return true
					}
				}
			}
		}
		k, guarded := classify(c.info, id, stack)
		switch k {
		case opDef:
			if !nodeContains(def.stmt, id) {
				su.escape = true // reassigned
			}
		case opSend, opRecv, opRange, opClose, opLen:
			su.ops[id] = k
			if k == opClose {
				su.closes = true
			}
			_ = guarded
		default:
			su.escape = true
		}
		return true
	})
	delete(sites, nil)
	if su.escape || len(sites) == 0 {
		return nil
	}
	// Every goroutine must need the same thing.
	first := true
	for si := range sites {
		need, sends, ok := c.goroutineNeed(si, v)
		if !ok && c.closesAfterWait(si, v) {
			continue // the closer of a fan-in (fanin.go): it needs nothing of the spawner
		}
		if !ok || need == needNone || (!first && need != su.need) {
			return nil
		}
		if si.Kind == spawn.GoStmt || si.Kind == spawn.Method {
			if c.multiplied(si, def) {
				sends = -1
				su.multi = true
			}
		}
		su.sends = addSends(su.sends, sends, !first)
		su.need = need
		first = false
		su.goroutines = append(su.goroutines, si)
	}
	if len(su.goroutines) == 0 {
		return nil
	}
	// Report at the first goroutine in source order.
	for i := 1; i < len(su.goroutines); i++ {
		for j := i; j > 0 && su.goroutines[j].Node.Pos() < su.goroutines[j-1].Node.Pos(); j-- {
			su.goroutines[j], su.goroutines[j-1] = su.goroutines[j-1], su.goroutines[j]
		}
	}
	if su.need == NeedSendOrClose && len(su.goroutines) > 1 {
		return nil
	}
	// The spawner's own operations must complement the goroutines', not mirror them.
	for _, k := range su.ops {
		switch {
		case su.need == NeedRecv && k == opSend:
			return nil
		case su.need != NeedRecv && (k == opRecv || k == opRange):
			return nil
		}
	}
	return su
}

// multiplied reports whether the site runs more than once per channel: it sits in a loop that
// does not also make the channel.
func (c *checker) multiplied(si *siteInfo, def *makeDef) bool {
	body := astx.FuncBody(si.encl)
	multi := false
	inspectStack(body, func(n ast.Node, stack []ast.Node) bool {
		c.work[si.encl]++
		if n != si.Node {
			return !multi
		}
		for _, s := range stack[:len(stack)-1] {
			var loopBody *ast.BlockStmt
			switch s := s.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt:
				loopBody = s.Body
			case *ast.RangeStmt:
				loopBody = s.Body
			}
			if loopBody != nil && !nodeContains(loopBody, def.call) {
				multi = true
			}
		}
		return false
	})
	return multi
}

func nodeContains(outer, inner ast.Node) bool {
	return outer != nil && inner != nil && outer.Pos() <= inner.Pos() && inner.End() <= outer.End()
}

// complement reports whether op by the spawner satisfies the goroutines' need.
func complement(need Need, k opKind) bool {
	switch need {
	case NeedRecv:
		return k == opRecv
	case NeedClose:
		return k == opClose
	case NeedSendOrClose:
		return k == opSend || k == opClose
	}
	return false
}

// leak is a path on which the spawner leaves without doing its part.
type leak struct {
	path  []*cfg.Block    // the blocks of the path, from the exit back to the spawn site
	exit  ast.Node        // the return statement, the function body (falling off the end), or the make of the next iteration
	kind  string          // "return", "end", "redefine"
	via   *ast.CommClause // the last select case on the path
	never bool            // the spawner never does its part anywhere
	// partial: the path received some of the goroutines' values in a counted loop and left it
	// early, or (single) received one value of several with its only receive (fanin.go).
	partial, single bool
}

// checkChan runs the path check for one channel and reports.
func (c *checker) checkChan(si *siteInfo, v *types.Var, def *makeDef, su *spawnerUse) {
	if su.need == NeedRecv {
		// A buffer that holds every send means no send ever blocks.
		if def.cap < 0 || (def.cap > 0 && (su.sends < 0 || int64(su.sends) <= def.cap)) {
			return
		}
	}
	g := c.cfgOf(def.fn)
	if g == nil || c.deferDoes(def, su) || c.closedBefore(si, su) || c.tokenBefore(g, si, def, su) {
		return
	}
	signals := mergeSignals(c.completionChans(si, v, def, su), c.exclusiveChans(si, v, def, su))
	if su.need == NeedRecv {
		signals = mergeSignals(signals, c.groupDoneChans(def, su)) // groupdone.go
	}
	lk := c.leakPath(g, si, def, su, signals, c.serverStops(si, v, su))
	if lk == nil {
		return
	}
	if su.need == NeedRecv && !lk.partial && c.insideRangeOver(def, su, lk.exit) {
		lk.partial = true // a return from inside the spawner's range over the channel
	}
	if su.need == NeedRecv && su.closes {
		if cl, deferred := c.closeOnExit(def, su, lk); cl != nil {
			c.reportClosePanic(si, v, su, lk, cl, deferred)
			return
		}
	}
	if !c.cfg.ServerErrors && c.sendsServeResult(su) {
		return // a server's Serve result, stranded only as the process shuts down (serveresult.go)
	}
	name := v.Name()
	stopped := su.need == NeedSendOrClose && c.runsUntilStopped(si, v) // stoploop.go
	var did, act, relMsgPartial string
	switch su.need {
	case NeedRecv:
		did, act = "sends on "+name, "receiving from it"
		if su.sends > 1 || su.sends < 0 {
			did = "goroutines send on " + name
		}
	case NeedClose:
		did, act = "ranges over "+name, "closing it"
		if !su.closes {
			did = "waits for " + name + " to be closed"
		}
	case NeedSendOrClose:
		did, act = "waits to receive from "+name, "sending on it or closing it"
		if stopped {
			did, act = "runs a loop whose only way out is a receive from "+name, "closing it"
		}
	}
	who := "goroutine " + did
	if su.need == NeedRecv && (su.sends > 1 || su.sends < 0) {
		who = did
	}
	where := ""
	switch lk.kind {
	case "return":
		where = "return at line " + strconv.Itoa(c.line(lk.exit.Pos()))
	case "end":
		where = "return at the end of the function"
	case "redefine":
		where = "start the next iteration, which makes a new " + name + ","
	}
	if lk.via != nil {
		where = "leave through case " + render(lk.via.Comm) + " and " + where
	}
	var msg string
	switch {
	case stopped:
		msg = fmt.Sprintf("%s, but the spawner can %s without %s: the goroutine never ends and leaks, with everything it holds (%s)",
			who, where, act, costs.ParkedGoroutine.Summary)
	case su.need == NeedClose && !su.closes:
		msg = fmt.Sprintf("%s, but %s is never closed: the goroutine blocks forever once the spawner stops sending (%s)",
			who, name, costs.ParkedGoroutine.Summary)
	default:
		msg = fmt.Sprintf("%s, but the spawner can %s without %s: the goroutine blocks forever and leaks (%s)",
			who, where, act, costs.ParkedGoroutine.Summary)
		switch {
		case lk.partial && lk.single:
			// The spawner's only receive takes one value of several (fanin.go).
			msg = fmt.Sprintf("%s, but the spawner receives only one value before it can %s: every other goroutine's send blocks forever and leaks (%s)",
				who, where, costs.ParkedGoroutine.Summary)
			relMsgPartial = "the spawner leaves here after its only receive"
		case lk.partial:
			// The path received some values in a counted loop, then left it (fanin.go).
			msg = fmt.Sprintf("%s, but the spawner can %s before its receiving loop has received every value: each goroutine that has not sent yet blocks forever and leaks (%s)",
				who, where, costs.ParkedGoroutine.Summary)
			relMsgPartial = "the spawner leaves here with values still to receive"
		}
	}
	d := analysis.Diagnostic{Pos: si.Node.Pos(), End: si.Call.Lparen, Message: msg, URL: costs.ParkedGoroutine.URL}
	rel := lk.exit
	relMsg := "the spawner leaves here without " + act
	if relMsgPartial != "" {
		relMsg = relMsgPartial
	}
	if lk.via != nil {
		rel = lk.via
	}
	if lk.kind == "end" && lk.via == nil {
		if b, ok := lk.exit.(*ast.BlockStmt); ok {
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: b.Rbrace, End: b.Rbrace + 1, Message: relMsg})
		}
	} else if rel != nil {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: rel.Pos(), End: rel.Pos() + 1, Message: relMsg})
	}
	if su.need == NeedRecv && su.sends > 0 && def.cap < int64(su.sends) {
		d.SuggestedFixes = c.bufferFix(def, su.sends, name)
	}
	c.report(si, d)
}

// closedBefore reports whether the spawner closes the channel before the spawn site (in source
// order): a goroutine that ranges over an already-closed channel ends.
func (c *checker) closedBefore(si *siteInfo, su *spawnerUse) bool {
	if su.need == NeedRecv {
		return false
	}
	for id, k := range su.ops {
		if k == opClose && id.Pos() < si.Node.Pos() {
			return true
		}
	}
	return false
}

// tokenBefore reports a semaphore: the goroutine receives from a buffered channel, and the
// spawner sends on it on every path to the go statement (`sem <- token` before `go`, or the send
// case of a select that is the only way to reach it). Each goroutine takes back the token sent
// for it, so its receive never waits.
func (c *checker) tokenBefore(g *cfg.CFG, si *siteInfo, def *makeDef, su *spawnerUse) bool {
	if su.need != NeedSendOrClose || def.cap <= 0 || len(g.Blocks) == 0 {
		return false
	}
	sends := map[*cfg.Block]bool{}
	// A select's comm statements all sit in the block before it branches; a send case counts
	// as its case body's block, which runs only when that send went through.
	inComm := map[*ast.Ident]bool{}
	for _, b := range g.Blocks {
		cc, ok := b.Stmt.(*ast.CommClause)
		if b.Kind != cfg.KindSelectCaseBody || !ok || cc.Comm == nil {
			continue
		}
		for id, k := range su.ops {
			if nodeContains(cc.Comm, id) {
				inComm[id] = true
				if k == opSend {
					sends[b] = true
				}
			}
		}
	}
	var goBlock *cfg.Block
	for _, b := range g.Blocks {
		sent := false // a plain send earlier in this block
		for _, n := range b.Nodes {
			if goBlock == nil && nodeContains(n, si.Node) {
				if sent {
					return true // `sem <- token; go ...`
				}
				goBlock = b
			}
			for id, k := range su.ops {
				if k == opSend && !inComm[id] && nodeContains(n, id) && !nodeContains(n, si.Node) {
					sends[b] = true
					sent = true
				}
			}
		}
	}
	if goBlock == nil || len(sends) == 0 || sends[goBlock] {
		return false // a send in the go statement's own block after it does not count
	}
	// The go statement is unreachable from the entry once the blocks that send are removed.
	seen := map[*cfg.Block]bool{}
	work := []*cfg.Block{g.Blocks[0]}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[b] || sends[b] {
			continue
		}
		if b == goBlock {
			return false
		}
		seen[b] = true
		work = append(work, b.Succs...)
	}
	return true
}

// deferDoes reports whether a defer statement at the top level of the spawner's body performs the
// operation (`defer close(ready)`): it runs on every way out.
func (c *checker) deferDoes(def *makeDef, su *spawnerUse) bool {
	for _, s := range astx.FuncBody(def.fn).List {
		ds, ok := s.(*ast.DeferStmt)
		if !ok {
			continue
		}
		for id, k := range su.ops {
			if complement(su.need, k) && nodeContains(ds, id) {
				return true
			}
		}
	}
	return false
}

// bufferFix gives the channel room for every send, so that no send ever blocks.
func (c *checker) bufferFix(def *makeDef, n int, name string) []analysis.SuggestedFix {
	call := def.call
	var edit analysis.TextEdit
	switch len(call.Args) {
	case 1:
		edit = analysis.TextEdit{Pos: call.Args[0].End(), End: call.Args[0].End(), NewText: []byte(", " + strconv.Itoa(n))}
	case 2:
		edit = analysis.TextEdit{Pos: call.Args[1].Pos(), End: call.Args[1].End(), NewText: []byte(strconv.Itoa(n))}
	default:
		return nil
	}
	return []analysis.SuggestedFix{{
		Message:   fmt.Sprintf("give %s a buffer of %d so the goroutine's send completes even when nobody receives", name, n),
		TextEdits: []analysis.TextEdit{edit},
	}}
}

func (c *checker) cfgOf(fn ast.Node) *cfg.CFG {
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		return c.cfgs.FuncDecl(fn)
	case *ast.FuncLit:
		return c.cfgs.FuncLit(fn)
	}
	return nil
}

// leakPath searches the spawner's CFG, from the spawn site on, for a path to the function's exit
// (or to the next definition of the channel) that does not pass an operation satisfying the
// goroutines' need. Each block is visited once: the search is linear in the size of the CFG.
//
// Loop exits: a loop whose body performs the operation is assumed to run enough times, so its
// natural exit (condition false, range exhausted) is not followed; a break or return inside its
// body is. A range over the channel itself is complete only when the channel is closed, so its
// exit counts as having received everything.
//
// signals are the goroutine's completion channels (see completionChans): receiving from one
// proves the goroutine has finished, which is as good as doing the spawner's part.
// stops, when not nil, also counts as the spawner's part: it stops the server whose error is
// all the goroutine sends (serverstop.go).
func (c *checker) leakPath(g *cfg.CFG, si *siteInfo, def *makeDef, su *spawnerUse, signals map[types.Object]bool, stops func(ast.Node) bool) *leak {
	// The select cases' communications appear twice in the CFG: once in the block before the
	// select (evaluating channel operands) and once as the case body's Stmt. Only the latter
	// means the case was taken.
	comms := map[ast.Node]bool{}
	// withDefault holds the clauses of selects that have a default case: go/cfg emits the
	// default's body in the after-case block of the last clause, so a path that ends there
	// took the default (`default: return`) and did not block.
	withDefault := map[ast.Stmt]bool{}
	ast.Inspect(astx.FuncBody(def.fn), func(n ast.Node) bool {
		if cc, ok := n.(*ast.CommClause); ok && cc.Comm != nil {
			comms[cc.Comm] = true
		}
		if sel, ok := n.(*ast.SelectStmt); ok {
			for _, cl := range sel.Body.List {
				if cc, ok := cl.(*ast.CommClause); ok && cc.Comm == nil {
					for _, other := range sel.Body.List {
						withDefault[other] = true
					}
				}
			}
		}
		return true
	})
	// partial receives (fanin.go) take one of several values: they do not end a path, but a
	// loop that performs them still runs often enough to take them all (doesAll).
	partial, single := c.partialRecvs(def, su)
	doesOp := func(n ast.Node, all bool) bool { // n performs the complementary operation
		if c.receivesFrom(n, signals) || (stops != nil && stops(n)) {
			return true
		}
		found := false
		ast.Inspect(n, func(m ast.Node) bool {
			if found {
				return false
			}
			if _, ok := m.(*ast.FuncLit); ok {
				return false
			}
			if id, ok := m.(*ast.Ident); ok {
				if k, ok := su.ops[id]; ok && complement(su.need, k) && (all || !partial[id]) {
					found = true
				}
			}
			return true
		})
		return found
	}
	does := func(n ast.Node) bool { return doesOp(n, false) }
	doesAll := func(n ast.Node) bool { return doesOp(n, true) }
	rangeOverV := func(s ast.Stmt) bool {
		rs, ok := s.(*ast.RangeStmt)
		if !ok {
			return false
		}
		id, ok := ast.Unparen(rs.X).(*ast.Ident)
		return ok && su.ops[id] == opRange
	}
	loopBodyDoes := func(s ast.Stmt) bool {
		switch s := s.(type) {
		case *ast.ForStmt:
			return doesAll(s.Body) || containsRangeOp(s.Body, su, doesAll)
		case *ast.RangeStmt:
			return doesAll(s.Body) || containsRangeOp(s.Body, su, doesAll)
		}
		return false
	}

	// Find the spawn site's block and position.
	c.work[si.encl] += len(g.Blocks)
	var start *cfg.Block
	startIdx := -1
	for _, b := range g.Blocks {
		if !b.Live {
			continue
		}
		for i, n := range b.Nodes {
			if nodeContains(n, si.Node) {
				start, startIdx = b, i
				break
			}
		}
		if start != nil {
			break
		}
	}
	if start == nil {
		return nil
	}
	type item struct {
		b    *cfg.Block
		from int
	}
	parent := map[*cfg.Block]*cfg.Block{}
	visited := map[*cfg.Block]bool{}
	queue := []item{{start, startIdx + 1}}
	steps := 0
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		b := it.b
		if steps++; steps > 10000 {
			return nil // cap the work on huge functions
		}
		// A case body begins with its communication.
		if it.from == 0 && b.Kind == cfg.KindSelectCaseBody {
			if cc, ok := b.Stmt.(*ast.CommClause); ok && cc.Comm != nil {
				if does(cc.Comm) {
					continue
				}
				if _, isSend := cc.Comm.(*ast.SendStmt); isSend {
					// A case that sends on another channel completes only if someone
					// receives there, which this check cannot see: not a certain way out.
					continue
				}
			}
		}
		done, stop := false, false
		for _, n := range b.Nodes[it.from:] {
			if comms[n] {
				continue
			}
			if n == def.stmt || nodeContains(n, def.call) {
				// The next iteration replaces the channel: the old one is lost.
				return partialLeak(c.leakFrom(parent, b, start, &leak{exit: n, kind: "redefine"}), partial, single, comms)
			}
			if does(n) {
				done = true
				break
			}
			if c.failsTest(n, b) {
				// The test has failed here: whatever the path leaves parked is not worth
				// a finding (see failtest.go).
				stop = true
				break
			}
		}
		if done || stop {
			continue
		}
		if len(b.Succs) == 0 {
			if (b.Kind == cfg.KindSelectAfterCase && !withDefault[b.Stmt]) || b.Kind == cfg.KindUnreachable {
				// After the last case of a select without default: no case was taken, the
				// select blocks; this is not a way out.
				continue
			}
			if ret := b.Return(); ret != nil {
				if body := astx.FuncBody(def.fn); ret.Return == body.Rbrace {
					// The CFG's implicit return at the closing brace.
					return partialLeak(c.leakFrom(parent, b, start, &leak{exit: body, kind: "end"}), partial, single, comms)
				}
				return partialLeak(c.leakFrom(parent, b, start, &leak{exit: ret, kind: "return"}), partial, single, comms)
			}
			if len(b.Nodes) > 0 {
				if es, ok := b.Nodes[len(b.Nodes)-1].(*ast.ExprStmt); ok {
					if call, ok := ast.Unparen(es.X).(*ast.CallExpr); ok && c.noReturn(call) {
						continue
					}
				}
			}
			return partialLeak(c.leakFrom(parent, b, start, &leak{exit: astx.FuncBody(def.fn), kind: "end"}), partial, single, comms)
		}
		for _, s := range b.Succs {
			if visited[s] {
				continue
			}
			// The natural exit of a loop that does the operation in its body, or that
			// ranges over the channel itself.
			if (s.Kind == cfg.KindForDone || s.Kind == cfg.KindRangeDone) && !blockInside(b, s.Stmt) {
				if loopBodyDoes(s.Stmt) || (rangeOverV(s.Stmt) && su.need == NeedRecv) {
					continue
				}
			}
			if skipsFlaggedOp(c.info, s, doesAll) {
				continue
			}
			visited[s] = true
			parent[s] = b
			queue = append(queue, item{s, 0})
		}
	}
	return nil
}

// containsRangeOp reports whether body ranges over the channel (which receives).
func containsRangeOp(body ast.Node, su *spawnerUse, _ func(ast.Node) bool) bool {
	if su.need != NeedRecv {
		return false
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && su.ops[id] == opRange {
			found = true
		}
		return !found
	})
	return found
}

// blockInside reports whether block b lies inside the body of loop (a break from the body rather
// than the loop's natural exit).
func blockInside(b *cfg.Block, loop ast.Stmt) bool {
	var body *ast.BlockStmt
	switch l := loop.(type) {
	case *ast.ForStmt:
		body = l.Body
	case *ast.RangeStmt:
		body = l.Body
	default:
		return false
	}
	if b.Stmt == loop {
		return false
	}
	if len(b.Nodes) > 0 {
		return nodeContains(body, b.Nodes[len(b.Nodes)-1])
	}
	return b.Stmt != nil && nodeContains(body, b.Stmt)
}

// leakFrom fills in the select case through which the path left.
func (c *checker) leakFrom(parent map[*cfg.Block]*cfg.Block, b, start *cfg.Block, lk *leak) *leak {
	onPath := map[*cfg.Block]bool{}
	for x := b; x != nil && !onPath[x]; x = parent[x] {
		onPath[x] = true
		lk.path = append(lk.path, x)
		if x == start {
			break
		}
	}
	seen := map[*cfg.Block]bool{}
	for x := b; x != nil && !seen[x]; x = parent[x] {
		seen[x] = true
		if x.Kind == cfg.KindSelectCaseBody {
			if cc, ok := x.Stmt.(*ast.CommClause); ok && cc.Comm != nil {
				lk.via = cc
				break
			}
		}
		if x == start && x != b {
			break
		}
	}
	return lk
}
