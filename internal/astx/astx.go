// Package astx holds syntax helpers the analyzers share: the enclosing function, loop and go
// statement of a node, read from an inspector stack.
package astx

import (
	"go/ast"
	"go/constant"
	"go/types"
)

// EnclosingFunc returns the innermost function (declaration or literal) on stack, or nil.
func EnclosingFunc(stack []ast.Node) ast.Node {
	for i := len(stack) - 1; i >= 0; i-- {
		switch stack[i].(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return stack[i]
		}
	}
	return nil
}

// FuncBody returns the body of a *ast.FuncDecl or *ast.FuncLit (nil for declarations without one).
func FuncBody(fn ast.Node) *ast.BlockStmt {
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		return fn.Body
	case *ast.FuncLit:
		return fn.Body
	}
	return nil
}

// FuncType returns the signature syntax of a *ast.FuncDecl or *ast.FuncLit.
func FuncType(fn ast.Node) *ast.FuncType {
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		return fn.Type
	case *ast.FuncLit:
		return fn.Type
	}
	return nil
}

// EnclosingLoop returns the innermost for or range statement on stack that encloses the top node
// within the same function (a loop outside a function literal does not count: the literal may run
// once). It returns nil when there is none.
func EnclosingLoop(stack []ast.Node) ast.Stmt {
	for i := len(stack) - 2; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return nil
		case *ast.ForStmt:
			// The init and post statements run once or per iteration, not the body: only a
			// node in the body is "in the loop".
			if n.Body == stack[i+1] {
				return n
			}
		case *ast.RangeStmt:
			if n.Body == stack[i+1] {
				return n
			}
		}
	}
	return nil
}

// EnclosingGo returns the innermost go statement whose function literal contains the top of stack.
func EnclosingGo(stack []ast.Node) *ast.GoStmt {
	for i := len(stack) - 1; i >= 1; i-- {
		if lit, ok := stack[i].(*ast.FuncLit); ok {
			j := i - 1 // skip the parentheses of go (func() { ... })()
			for j > 0 && isParen(stack[j]) {
				j--
			}
			if call, ok := stack[j].(*ast.CallExpr); ok && ast.Unparen(call.Fun) == lit && j >= 1 {
				if g, ok := stack[j-1].(*ast.GoStmt); ok {
					return g
				}
			}
		}
	}
	return nil
}

func isParen(n ast.Node) bool {
	_, ok := n.(*ast.ParenExpr)
	return ok
}

// Unparen strips parentheses; kept here so helpers read uniformly.
func Unparen(e ast.Expr) ast.Expr { return ast.Unparen(e) }

// StmtList returns the statement list a block, case clause or select clause holds, or nil for
// other nodes: the list a statement whose parent is n belongs to.
func StmtList(n ast.Node) []ast.Stmt {
	switch n := n.(type) {
	case *ast.BlockStmt:
		return n.List
	case *ast.CaseClause:
		return n.Body
	case *ast.CommClause:
		return n.Body
	}
	return nil
}

// LoopBody returns the body of a for or range statement, or nil for other nodes.
func LoopBody(n ast.Node) *ast.BlockStmt {
	switch n := n.(type) {
	case *ast.ForStmt:
		return n.Body
	case *ast.RangeStmt:
		return n.Body
	}
	return nil
}

// ConstInt returns the value of a constant integer expression (a literal, a named constant, an
// expression of constants), as the type checker recorded it.
func ConstInt(info *types.Info, e ast.Expr) (int64, bool) {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.Int {
		return 0, false
	}
	return constant.Int64Val(tv.Value)
}
