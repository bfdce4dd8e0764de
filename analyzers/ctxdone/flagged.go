package ctxdone

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/cfg"
)

// skipsFlaggedOp reports whether block s is the branch of an if statement that skips the
// spawner's part (does) when the other branch performs it, and the condition only reads boolean
// variables: `if !stopped { <-stop }`. Such a flag records whether the operation already happened
// on the path that reached the if (a select case earlier in the loop received the value and set
// stopped), which the path search does not follow; its author tracks the channel's state, so the
// branch that skips the operation is taken as having it done. Held-out run 12 (toxiproxy
// link.go) found this shape; a flag that is a configuration setting looks the same, and stays
// silent (a known limit).
func skipsFlaggedOp(info *types.Info, s *cfg.Block, does func(ast.Node) bool) bool {
	ifs, ok := s.Stmt.(*ast.IfStmt)
	if !ok || !isFlagCond(info, ifs.Cond) {
		return false
	}
	switch s.Kind {
	case cfg.KindIfElse, cfg.KindIfDone:
		return does(ifs.Body)
	case cfg.KindIfThen:
		return ifs.Else != nil && does(ifs.Else)
	}
	return false
}

// isFlagCond reports whether e combines boolean variables and fields with !, &&, || and
// comparisons against true or false, and nothing else.
func isFlagCond(info *types.Info, e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		return e.Op == token.NOT && isFlagCond(info, e.X)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND, token.LOR:
			return isFlagCond(info, e.X) && isFlagCond(info, e.Y)
		case token.EQL, token.NEQ:
			return (isFlagCond(info, e.X) && isBoolConst(info, e.Y)) || (isBoolConst(info, e.X) && isFlagCond(info, e.Y))
		}
	case *ast.Ident, *ast.SelectorExpr:
		if isBoolConst(info, e) {
			return false
		}
		var obj types.Object
		if id, ok := e.(*ast.Ident); ok {
			obj = info.Uses[id]
		} else {
			obj = info.Uses[e.(*ast.SelectorExpr).Sel]
		}
		v, ok := obj.(*types.Var)
		if !ok {
			return false
		}
		b, ok := v.Type().Underlying().(*types.Basic)
		return ok && b.Kind() == types.Bool
	}
	return false
}

// isBoolConst reports whether e is the constant true or false.
func isBoolConst(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	return ok && tv.Value != nil && tv.Value.Kind() == constant.Bool
}
