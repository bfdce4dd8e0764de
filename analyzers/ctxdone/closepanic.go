package ctxdone

import (
	"fmt"
	"go/ast"
	"go/types"
	"strconv"

	"golang.org/x/tools/go/analysis"

	"github.com/goroguard/goroguard/internal/astx"
)

// Deferred-close panic.
//
// When the spawner closes the channel its goroutine sends on, on the way out (`defer close(ch)`,
// or a close on the leaking path), a send that comes after the spawner left without receiving
// does not block: it panics with "send on closed channel", and an unrecovered panic in any
// goroutine ends the process. That is worse than a parked goroutine and needs a different fix
// (do not close a channel from the receiving side), so it has its own message.

// specCloseURL is the language rule the message relies on.
const specCloseURL = "https://go.dev/ref/spec#Close"

// closeOnExit returns the close(ch) call that runs on the leak's path: a defer statement at the
// top level of the spawner's body (it runs on every way out), or a close or defer close on the
// path itself after the spawn site. It returns nil when the path closes nothing.
func (c *checker) closeOnExit(def *makeDef, su *spawnerUse, lk *leak) (cl *ast.CallExpr, deferred bool) {
	var closes []*ast.Ident
	for id, k := range su.ops {
		if k == opClose {
			closes = append(closes, id)
		}
	}
	callOf := func(n ast.Node, id *ast.Ident) *ast.CallExpr {
		var out *ast.CallExpr
		ast.Inspect(n, func(m ast.Node) bool {
			if call, ok := m.(*ast.CallExpr); ok && len(call.Args) == 1 && call.Args[0] == ast.Expr(id) {
				out = call
			}
			return out == nil
		})
		return out
	}
	for _, s := range astx.FuncBody(def.fn).List {
		if ds, ok := s.(*ast.DeferStmt); ok {
			for _, id := range closes {
				if nodeContains(ds, id) {
					return callOf(ds, id), true
				}
			}
		}
	}
	if lk.kind == "redefine" {
		return nil, false
	}
	for _, b := range lk.path {
		for _, n := range b.Nodes {
			for _, id := range closes {
				if nodeContains(n, id) {
					_, isDefer := n.(*ast.DeferStmt)
					return callOf(n, id), isDefer
				}
			}
		}
	}
	return nil, false
}

// reportClosePanic reports a goroutine whose late send hits the channel the spawner closed.
func (c *checker) reportClosePanic(si *siteInfo, v *types.Var, su *spawnerUse, lk *leak, cl *ast.CallExpr, deferred bool) {
	name := v.Name()
	who := "goroutine sends on " + name
	if su.sends > 1 || su.sends < 0 {
		who = "goroutines send on " + name
	}
	where := ""
	switch lk.kind {
	case "return":
		where = "return at line " + strconv.Itoa(c.line(lk.exit.Pos()))
	default:
		where = "return at the end of the function"
	}
	if lk.via != nil {
		where = "leave through case " + render(lk.via.Comm) + " and " + where
	}
	how := "closes " + name + " on the way out (line " + strconv.Itoa(c.line(cl.Pos())) + ")"
	if deferred {
		how = "its deferred close(" + name + ") at line " + strconv.Itoa(c.line(cl.Pos())) + " runs"
	}
	msg := fmt.Sprintf("%s, but the spawner can %s without receiving from it and %s: "+
		"the late send panics with \"send on closed channel\" and crashes the process; receive on every path, or let the sender close it",
		who, where, how)
	d := analysis.Diagnostic{Pos: si.Node.Pos(), End: si.Call.Lparen, Message: msg, URL: specCloseURL}
	d.Related = append(d.Related, analysis.RelatedInformation{Pos: cl.Pos(), End: cl.End(),
		Message: "closed here while the goroutine can still send: its send panics"})
	var rel ast.Node = lk.exit
	if lk.via != nil {
		rel = lk.via
	}
	if b, ok := rel.(*ast.BlockStmt); ok {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: b.Rbrace, End: b.Rbrace + 1, Message: "the spawner leaves here without receiving from " + name})
	} else if rel != nil {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: rel.Pos(), End: rel.Pos() + 1, Message: "the spawner leaves here without receiving from " + name})
	}
	c.report(si, d)
}
