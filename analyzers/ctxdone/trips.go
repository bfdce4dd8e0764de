package ctxdone

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/goroguard/goroguard/internal/astx"
)

// maxTrips bounds the trip counts constTrips multiplies: past it a loop counts as unbounded.
const maxTrips = 1 << 20

// sendTrips says how many times the statement at the top of stack runs per run of its function,
// as far as loops go: 1 outside loops, the product of the trip counts when it sits unconditionally
// in loops with constant bounds (`for i := 0; i < 8; i++ { ch <- i }`), and -1 otherwise. A send
// counted this way is compared with a constant buffer: eight sends on `make(chan T, 6)`.
//
// Only straight-line loop bodies count: a break, continue, return or goto in the body, or a
// condition around the statement, could make it run fewer times, and an over-count would report a
// buffer that suffices.
func (c *checker) sendTrips(stack []ast.Node) int64 {
	if !inLoop(stack) {
		return 1
	}
	trips := int64(1)
	i := len(stack) - 1 // the statement (or, for a call argument, the node) counted
	for i > 0 {
		// Step up to the statement that holds the node.
		for i > 0 {
			if _, ok := stack[i].(ast.Stmt); ok {
				break
			}
			i--
		}
		if i < 2 {
			break
		}
		body, ok := stack[i-1].(*ast.BlockStmt)
		if !ok {
			break
		}
		n, ok := c.constTrips(stack[i-2], body)
		if !ok {
			break
		}
		trips *= n
		if trips > maxTrips {
			return -1
		}
		i -= 2
	}
	if inLoop(stack[:i+1]) {
		return -1 // an enclosing loop that is not a straight constant one
	}
	return trips
}

// constTrips returns the trip count of a loop whose body is body: `for i := c0; i < c1; i++` (or
// `<=`) with i left alone in the body, or `for range c`, with constant bounds and a body that
// does not leave or skip early.
func (c *checker) constTrips(loop ast.Node, body *ast.BlockStmt) (int64, bool) {
	if leavesEarly(body) {
		return 0, false
	}
	switch l := loop.(type) {
	case *ast.RangeStmt:
		if l.Body != body {
			return 0, false
		}
		if n, ok := astx.ConstInt(c.info, l.X); ok && n >= 0 {
			return n, true
		}
	case *ast.ForStmt:
		if l.Body != body || l.Init == nil || l.Cond == nil || l.Post == nil {
			return 0, false
		}
		init, ok := l.Init.(*ast.AssignStmt)
		if !ok || len(init.Lhs) != 1 || len(init.Rhs) != 1 {
			return 0, false
		}
		iv, ok := init.Lhs[0].(*ast.Ident)
		if !ok {
			return 0, false
		}
		obj := c.info.ObjectOf(iv)
		from, ok := astx.ConstInt(c.info, init.Rhs[0])
		if !ok || obj == nil {
			return 0, false
		}
		post, ok := l.Post.(*ast.IncDecStmt)
		if !ok || post.Tok != token.INC || !isIdentOf(c.info, post.X, obj) {
			return 0, false
		}
		cond, ok := l.Cond.(*ast.BinaryExpr)
		if !ok || !isIdentOf(c.info, cond.X, obj) {
			return 0, false
		}
		to, ok := astx.ConstInt(c.info, cond.Y)
		if !ok {
			return 0, false
		}
		switch cond.Op {
		case token.LSS:
		case token.LEQ:
			to++
		default:
			return 0, false
		}
		if assigns(c.info, body, obj) {
			return 0, false
		}
		if to <= from {
			return 0, true
		}
		return to - from, true
	}
	return 0, false
}

func isIdentOf(info *types.Info, e ast.Expr, obj types.Object) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && info.Uses[id] == obj
}

// leavesEarly reports whether body holds a break, continue, goto, return or labelled statement
// (outside function literals): the loop may end, or skip the rest of an iteration, early.
func leavesEarly(body *ast.BlockStmt) bool {
	early := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BranchStmt, *ast.ReturnStmt, *ast.LabeledStmt:
			early = true
		}
		return !early
	})
	return early
}

// assigns reports whether body assigns obj, increments it or takes its address.
func assigns(info *types.Info, body *ast.BlockStmt, obj types.Object) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if isIdentOf(info, l, obj) {
					found = true
				}
			}
		case *ast.IncDecStmt:
			found = found || isIdentOf(info, n.X, obj)
		case *ast.UnaryExpr:
			found = found || (n.Op == token.AND && isIdentOf(info, n.X, obj))
		}
		return !found
	})
	return found
}
