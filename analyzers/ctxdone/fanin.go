package ctxdone

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/goroguard/goroguard/internal/apis"
	"github.com/goroguard/goroguard/internal/astx"
	"github.com/goroguard/goroguard/internal/spawn"
)

// The fan-in early exit: goroutines that send several values on an unbuffered channel, and a
// spawner that receives them in a counted loop (`for range tasks { if err := <-errc; err != nil {
// return err } }`). One receive is not enough there: a return or break out of the loop before its
// last trip leaves the goroutines that have not sent yet blocked forever. leakPath normally takes
// any receive as the spawner's part; partialRecvs names the receives for which that does not hold.

// partialRecvs returns the spawner's receives on the channel that satisfy only one of several
// sends: plain or select receives inside a counted loop (a range over a slice, map, array,
// string or integer, or a for loop with a condition and a post statement) that contains neither
// the channel's make nor any of its goroutines' spawn sites. It returns nil when the goroutines
// send at most once in all, or when the buffer holds all but one of their sends (then an exit
// after the first receive strands nobody; an exit before it is an ordinary leak path).
//
// Loops without a counter (`for {}`, `for cond {}`) are left out: their return is often the
// completion (`if n == total { return }`), and the natural exit of a counted loop is already taken
// as having received everything (see leakPath).
//
// The same holds for the spawner's only receive when it is in no loop at all and comes after
// every spawn (`for _, r := range replicas { go func() { c <- r.Search(q) }() }; return <-c`):
// whatever path passes it, the goroutines take one value and strand the rest. single reports
// that case.
func (c *checker) partialRecvs(def *makeDef, su *spawnerUse) (partial map[*ast.Ident]bool, single bool) {
	if su.need != NeedRecv || su.sends == 0 || su.sends == 1 {
		return nil, false
	}
	if def.cap < 0 || (def.cap > 0 && (su.sends < 0 || int64(su.sends)-1 <= def.cap)) {
		return nil, false
	}
	if !c.finiteSenders(su) {
		return nil, false
	}
	if id := c.onlyRecv(def, su); id != nil {
		return map[*ast.Ident]bool{id: true}, true
	}
	out := map[*ast.Ident]bool{}
	inspectStack(astx.FuncBody(def.fn), func(n ast.Node, stack []ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		id, ok := n.(*ast.Ident)
		if !ok || su.ops[id] != opRecv {
			return true
		}
		for i := len(stack) - 2; i >= 0; i-- {
			if loop := c.countedLoop(stack[i]); loop != nil && nodeContains(loop, id) &&
				!nodeContains(loop, def.call) && !containsSpawn(loop, su) && !c.countsCompletion(loop) {
				out[id] = true
				break
			}
		}
		return true
	})
	if len(out) == 0 {
		return nil, false
	}
	return out, false
}

// finiteSenders reports whether every goroutine sends a number of values fixed when it starts:
// a known count, or sends in loops that are all counted (a generator over a slice). A goroutine
// that sends in an endless or conditional loop (a stream reader: `for { dec.Decode(&f); frames
// <- f }`) may never send again once the spawner has what it wanted, and often ends when the
// spawner closes its source (decoder.go): it is left to the other rules.
func (c *checker) finiteSenders(su *spawnerUse) bool {
	for _, si := range su.goroutines {
		_, sends, ok := c.goroutineNeed(si, su.v)
		if !ok {
			return false
		}
		if sends >= 1 {
			continue
		}
		lit := si.Lit()
		if lit == nil {
			return false
		}
		chans := c.litChans(si, lit, su.v)
		finite := true
		inspectStack(lit.Body, func(n ast.Node, stack []ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false
			}
			send, ok := n.(*ast.SendStmt)
			if !ok || !chans[c.identObj(send.Chan)] {
				return finite
			}
			for _, s := range stack[:len(stack)-1] {
				switch s.(type) {
				case *ast.ForStmt, *ast.RangeStmt:
					if c.countedLoop(s) == nil {
						finite = false
					}
				}
			}
			return finite
		})
		if !finite {
			return false
		}
	}
	return true
}

// onlyRecv returns the spawner's receive when it is its one operation on the channel besides
// sends it does not make (it makes none: see spawnerUses), outside every loop and after every
// spawn site; otherwise nil.
func (c *checker) onlyRecv(def *makeDef, su *spawnerUse) *ast.Ident {
	var only *ast.Ident
	for id, k := range su.ops {
		switch k {
		case opRecv:
			if only != nil {
				return nil
			}
			only = id
		case opLen:
		default:
			return nil
		}
	}
	if only == nil {
		return nil
	}
	for _, si := range su.goroutines {
		if si.Node.Pos() > only.Pos() {
			return nil
		}
	}
	inLoop := false
	inspectStack(astx.FuncBody(def.fn), func(n ast.Node, stack []ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if n != only {
			return !inLoop
		}
		for _, s := range stack {
			switch s.(type) {
			case *ast.ForStmt, *ast.RangeStmt:
				inLoop = true
			}
		}
		return false
	})
	if inLoop {
		return nil
	}
	return only
}

// countsCompletion reports whether the loop leaves early only once it has counted enough values:
// an exit (return or break) under an if whose condition compares a variable the loop increments,
// or the length of a slice it appends to (`if sealed++; sealed == n { return nil }`, `if
// len(found) == want { break }`). Such a loop may stop at its last trip; whether it can stop
// sooner depends on values the check does not know, so its receives keep counting as complete.
func (c *checker) countsCompletion(loop ast.Stmt) bool {
	var body *ast.BlockStmt
	switch l := loop.(type) {
	case *ast.RangeStmt:
		body = l.Body
	case *ast.ForStmt:
		body = l.Body
	}
	if body == nil {
		return false
	}
	counters := map[types.Object]bool{} // incremented, or appended to, in the loop
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IncDecStmt:
			if obj := c.identObj(n.X); obj != nil {
				counters[obj] = true
			}
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				obj := c.identObj(l)
				if obj == nil {
					continue
				}
				if n.Tok == token.ADD_ASSIGN || n.Tok == token.SUB_ASSIGN {
					counters[obj] = true
				} else if i < len(n.Rhs) && len(n.Lhs) == len(n.Rhs) && apis.IsBuiltinCall(c.info, n.Rhs[i], "append") {
					counters[obj] = true
				}
			}
		}
		return true
	})
	if len(counters) == 0 {
		return false
	}
	counted := func(e ast.Expr) bool {
		if obj := c.identObj(e); obj != nil && counters[obj] {
			return true
		}
		if call, ok := ast.Unparen(e).(*ast.CallExpr); ok && len(call.Args) == 1 && apis.IsBuiltinCall(c.info, call, "len") {
			obj := c.identObj(call.Args[0])
			return obj != nil && counters[obj]
		}
		return false
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		ifs, ok := n.(*ast.IfStmt)
		if !ok || !exits(ifs.Body) {
			return true
		}
		ast.Inspect(ifs.Cond, func(m ast.Node) bool {
			if be, ok := m.(*ast.BinaryExpr); ok {
				switch be.Op {
				case token.EQL, token.GEQ, token.GTR, token.LEQ, token.LSS:
					if counted(be.X) || counted(be.Y) {
						found = true
					}
				}
			}
			return !found
		})
		return !found
	})
	return found
}

// identObj returns the object of e when it is a plain identifier.
func (c *checker) identObj(e ast.Expr) types.Object {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	if obj := c.info.Uses[id]; obj != nil {
		return obj
	}
	return c.info.Defs[id]
}

// exits reports whether block holds a return or a break (outside function literals).
func exits(block *ast.BlockStmt) bool {
	found := false
	ast.Inspect(block, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			found = true
		case *ast.BranchStmt:
			if n.Tok == token.BREAK {
				found = true
			}
		}
		return !found
	})
	return found
}

// countedLoop returns n when it is a loop whose trip count is fixed before it starts: a range
// over anything but a channel, or a three-clause for loop.
func (c *checker) countedLoop(n ast.Node) ast.Stmt {
	switch l := n.(type) {
	case *ast.RangeStmt:
		if _, isChan := apis.IsChan(c.info.TypeOf(l.X)); isChan {
			return nil
		}
		if t := c.info.TypeOf(l.X); t == nil || !rangeable(t) {
			return nil
		}
		return l
	case *ast.ForStmt:
		if l.Cond != nil && l.Post != nil {
			return l
		}
	}
	return nil
}

// rangeable reports whether t is a slice, array, map, string, integer or pointer to array: a
// range over it has a trip count fixed when the loop starts. Range-over-func iterators are left
// out: they may stop when they like.
func rangeable(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Slice, *types.Array, *types.Map:
		return true
	case *types.Basic:
		return u.Info()&(types.IsInteger|types.IsString) != 0
	case *types.Pointer:
		_, ok := u.Elem().Underlying().(*types.Array)
		return ok
	}
	return false
}

func containsSpawn(loop ast.Node, su *spawnerUse) bool {
	for _, si := range su.goroutines {
		if nodeContains(loop, si.Node) {
			return true
		}
	}
	return false
}

// partialLeak marks lk when its path passes one of the partial receives. comms are the select
// cases' communications, which also sit in the block before their select: there they do not
// mean the case was taken.
func partialLeak(lk *leak, partial map[*ast.Ident]bool, single bool, comms map[ast.Node]bool) *leak {
	if lk == nil || len(partial) == 0 {
		return lk
	}
	lk.single = single
	has := func(n ast.Node) bool {
		found := false
		ast.Inspect(n, func(m ast.Node) bool {
			if id, ok := m.(*ast.Ident); ok && partial[id] {
				found = true
			}
			return !found
		})
		return found
	}
	for _, b := range lk.path {
		if cc, ok := b.Stmt.(*ast.CommClause); ok && cc.Comm != nil && has(cc.Comm) {
			lk.partial = true
			return lk
		}
		for _, n := range b.Nodes {
			if !comms[n] && has(n) {
				lk.partial = true
				return lk
			}
		}
	}
	return lk
}

// closesAfterWait reports whether the goroutine of si is the closer of a fan-in: a function
// literal whose only use of v is close(v) (deferred or not), and which first waits for the
// senders (`wg.Wait(); close(results)`, a Wait method of a sync.WaitGroup or an errgroup.Group).
// It needs nothing of the spawner, so it does not stop the senders from being checked; once the
// spawner stops receiving, it waits forever too.
func (c *checker) closesAfterWait(si *siteInfo, v types.Object) bool {
	lit := si.Lit()
	if lit == nil || si.Kind != spawn.GoStmt || len(si.Call.Args) > 0 {
		return false
	}
	if u := c.summarize(lit, v); u != (use{closes: true}) {
		return false
	}
	waits := false
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && c.groupWaited(call) != nil {
			waits = true
		}
		return !waits
	})
	return waits
}

// insideRangeOver reports whether exit lies in the body of the spawner's range over the channel.
func (c *checker) insideRangeOver(def *makeDef, su *spawnerUse, exit ast.Node) bool {
	if exit == nil {
		return false
	}
	found := false
	ast.Inspect(astx.FuncBody(def.fn), func(n ast.Node) bool {
		if found {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		rs, ok := n.(*ast.RangeStmt)
		if !ok {
			return true
		}
		if id, ok := ast.Unparen(rs.X).(*ast.Ident); ok && su.ops[id] == opRange && nodeContains(rs.Body, exit) {
			found = true
		}
		return !found
	})
	return found
}

// litChans returns v and the parameters of the goroutine's function literal that v is passed
// to (`go func(out chan<- T) { ... }(results)`): the names the literal uses for the channel.
func (c *checker) litChans(si *siteInfo, lit *ast.FuncLit, v types.Object) map[types.Object]bool {
	chans := map[types.Object]bool{v: true}
	if si.Kind != spawn.GoStmt || si.Call == nil {
		return chans
	}
	if sig, _ := c.info.TypeOf(lit).(*types.Signature); sig != nil {
		for i, a := range si.Call.Args {
			if c.identObj(a) == v && i < sig.Params().Len() {
				chans[sig.Params().At(i)] = true
			}
		}
	}
	return chans
}
