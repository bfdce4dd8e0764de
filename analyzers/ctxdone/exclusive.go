package ctxdone

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/cfg"
)

// Exclusive result channels.
//
// A goroutine often reports either an error or a result, never both:
//
//	go func() {
//		out, err := q.Dequeue()
//		if err != nil {
//			errCh <- err
//			return
//		}
//		outCh <- out
//	}()
//
// Its sends on errCh and outCh add up to one send on every path, so receiving from either
// completes it: after `case out := <-outCh` the errCh send can no longer happen. exclusiveChans
// finds the channels whose receipt completes the goroutine's sends on v this way; the path
// search treats a receive from one as doing the spawner's part, like a completion signal.

// exclusiveChans returns the local channels e of the spawner such that si's goroutine (a function
// literal started once per channel) sends at most once in total on v and e together on every
// path, sends on neither in a loop, and the spawner only receives from e.
func (c *checker) exclusiveChans(si *siteInfo, v *types.Var, def *makeDef, su *spawnerUse) map[types.Object]bool {
	lit := si.Lit()
	if lit == nil || len(su.goroutines) != 1 || su.multi {
		return nil
	}
	g := c.cfgOf(lit)
	if g == nil {
		return nil
	}
	uv := c.summarize(lit, v)
	if uv.sendsLoop || uv.errLoop || uv.guarded || uv.escape || uv.recvs > 0 || uv.ranges {
		return nil
	}
	var out map[types.Object]bool
	for _, e := range c.goroutineChans(si) {
		if e == v {
			continue
		}
		d := c.makes[e]
		if d == nil || d.fn != def.fn {
			continue
		}
		ue := c.summarize(lit, e)
		if ue.sends+ue.errSends == 0 || ue.sendsLoop || ue.errLoop || ue.guarded || ue.escape || ue.recvs > 0 || ue.ranges || ue.okLoop {
			continue
		}
		if !c.spawnerOnlyReceives(si, e, d) {
			continue
		}
		if maxSendsOn(g, map[types.Object]bool{v: true, e: true}, c.info) > 1 {
			continue
		}
		if out == nil {
			out = map[types.Object]bool{}
		}
		out[e] = true
	}
	return out
}

// maxSendsOn is maxSends for a set of channels: the largest number of plain sends on any of
// objs along one path through g. Sends are not in loops (checked by the caller).
func maxSendsOn(g *cfg.CFG, objs map[types.Object]bool, info *types.Info) int {
	weight := make(map[*cfg.Block]int, len(g.Blocks))
	for _, b := range g.Blocks {
		for _, n := range b.Nodes {
			ast.Inspect(n, func(m ast.Node) bool {
				if _, ok := m.(*ast.FuncLit); ok {
					return false
				}
				if s, ok := m.(*ast.SendStmt); ok {
					if id, ok := ast.Unparen(s.Chan).(*ast.Ident); ok && objs[info.Uses[id]] {
						weight[b]++
					}
				}
				return true
			})
		}
	}
	return maxPathWeight(g, weight)
}

// mergeSignals returns the union of two channel sets.
func mergeSignals(a, b map[types.Object]bool) map[types.Object]bool {
	if len(b) == 0 {
		return a
	}
	out := map[types.Object]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}
