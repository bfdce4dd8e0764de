package ctxdone

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/goroguard/goroguard/internal/astx"
	"github.com/goroguard/goroguard/internal/spawn"
)

// The stream-decoder idiom.
//
// A goroutine decodes frames from one end of a connection or pipe; it returns on io.EOF or on an
// error that says the connection is closed, and reports any other error:
//
//	go func() {
//		dec := codec.NewDecoder(p1, h)
//		for {
//			var msg Msg
//			if err := dec.Decode(&msg); err != nil {
//				if err == io.EOF || strings.Contains(err.Error(), "closed") {
//					return
//				}
//				errCh <- err // only on a malformed frame
//			}
//			msgs <- &msg
//		}
//	}()
//	defer p1.Close()
//
// When the spawner closes the source on its way out, the pending read fails with EOF or
// "closed" and the goroutine returns: the errCh send needs a read error other than those while
// the spawner is still there. Such sends (errSends) do not count as sends that the spawner
// must receive, when the spawner closes a connection the goroutine reads (closesSource). The
// per-frame send on msgs still counts: a goroutine blocked there is not released by the close.

// errOnlySend reports whether the send at the top of stack (the channel identifier, its
// SendStmt parent) runs only on an error other than EOF or closed: within the innermost loop
// body (or the function body), it sits in a branch taken only on an error (`if err != nil`, a
// `case err != nil:`) and is preceded by `if <closed check> { return }` there or before that
// branch; or it sits in the body of an if whose condition excludes those errors
// (`if err != nil && err != io.EOF`). A per-item send after the error branch is not one.
func (c *checker) errOnlySend(stack []ast.Node) bool {
	if len(stack) < 3 {
		return false
	}
	inErr, guard := false, false
	cur := stack[len(stack)-2] // the SendStmt
	for i := len(stack) - 3; i >= 0; i-- {
		switch p := stack[i].(type) {
		case *ast.FuncLit, *ast.FuncDecl, *ast.ForStmt, *ast.RangeStmt:
			return inErr && guard
		case *ast.IfStmt:
			if p.Body == cur {
				if c.notClosedCond(p.Cond) {
					return true
				}
				if c.errNotNil(p.Cond) {
					inErr = true
				}
			}
		case *ast.BlockStmt:
			if c.closedReturnBefore(p.List, cur) {
				guard = true
			}
		case *ast.CaseClause:
			if c.closedReturnBefore(p.Body, cur) {
				guard = true
			}
			for _, e := range p.List {
				if c.errNotNil(e) {
					inErr = true
				}
			}
			// switch { case closed(err): return; case err != nil: errCh <- err }
			if i >= 2 {
				if sw, ok := stack[i-2].(*ast.SwitchStmt); ok && sw.Tag == nil {
					for _, cl := range sw.Body.List {
						cc := cl.(*ast.CaseClause)
						if cc == p {
							break
						}
						if endsInReturn(cc.Body) && anyClosedCheck(c, cc.List) {
							guard = true
						}
					}
				}
			}
		}
		cur = stack[i]
	}
	return inErr && guard
}

// errNotNil reports whether cond is `e != nil` for an error e, or a conjunction with one.
func (c *checker) errNotNil(cond ast.Expr) bool {
	b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok {
		return false
	}
	switch b.Op {
	case token.LAND:
		return c.errNotNil(b.X) || c.errNotNil(b.Y)
	case token.NEQ:
		if !isNotNil(b) {
			return false
		}
		t := c.info.TypeOf(b.X)
		return t != nil && types.Identical(t, errorType)
	}
	return false
}

// closedReturnBefore reports whether a statement of list before cur is `if <closed check> {
// ...; return }`.
func (c *checker) closedReturnBefore(list []ast.Stmt, cur ast.Node) bool {
	for _, s := range list {
		if s == cur {
			return false
		}
		if is, ok := s.(*ast.IfStmt); ok && is.Else == nil && endsInReturn(is.Body.List) && c.closedCheck(is.Cond) {
			return true
		}
	}
	return false
}

func anyClosedCheck(c *checker, list []ast.Expr) bool {
	for _, e := range list {
		if c.closedCheck(e) {
			return true
		}
	}
	return false
}

func endsInReturn(list []ast.Stmt) bool {
	return len(list) > 0 && isReturn(list[len(list)-1])
}

// closedCheck reports whether cond is true when an error says end of stream or closed
// connection: `err == io.EOF`, `errors.Is(err, net.ErrClosed)`, `strings.Contains(err.Error(),
// "closed")`, a call of a function named like isClosedErr, or a disjunction with one of those
// (a conjunction only with `x != nil` beside it).
func (c *checker) closedCheck(cond ast.Expr) bool {
	switch e := ast.Unparen(cond).(type) {
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LOR:
			return c.closedCheck(e.X) || c.closedCheck(e.Y)
		case token.LAND:
			return (c.closedCheck(e.X) && isNotNil(e.Y)) || (isNotNil(e.X) && c.closedCheck(e.Y))
		case token.EQL:
			return c.closedMarker(e.X) || c.closedMarker(e.Y)
		}
	case *ast.CallExpr:
		return c.closedCall(e)
	}
	return false
}

// notClosedCond reports whether cond is false for an end-of-stream or closed error:
// `err != io.EOF`, `!errors.Is(err, io.EOF)`, or a conjunction with one of those.
func (c *checker) notClosedCond(cond ast.Expr) bool {
	switch e := ast.Unparen(cond).(type) {
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND:
			return c.notClosedCond(e.X) || c.notClosedCond(e.Y)
		case token.NEQ:
			return c.closedMarker(e.X) || c.closedMarker(e.Y)
		}
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			return c.closedCheck(e.X)
		}
	}
	return false
}

func isNotNil(e ast.Expr) bool {
	b, ok := ast.Unparen(e).(*ast.BinaryExpr)
	if !ok || b.Op != token.NEQ {
		return false
	}
	id, ok := ast.Unparen(b.Y).(*ast.Ident)
	return ok && id.Name == "nil"
}

// closedMarker reports whether e is a package-level error variable that means end of stream or
// closed: io.EOF, io.ErrUnexpectedEOF, io.ErrClosedPipe, net.ErrClosed, os.ErrClosed,
// http.ErrServerClosed, and any other whose name says EOF or Closed.
func (c *checker) closedMarker(e ast.Expr) bool {
	var id *ast.Ident
	switch e := ast.Unparen(e).(type) {
	case *ast.SelectorExpr:
		id = e.Sel
	case *ast.Ident:
		id = e
	default:
		return false
	}
	v, ok := c.info.Uses[id].(*types.Var)
	if !ok || v.Pkg() == nil || v.Parent() != v.Pkg().Scope() {
		return false
	}
	return closedName(v.Name())
}

func closedName(name string) bool {
	l := strings.ToLower(name)
	return strings.Contains(l, "eof") || strings.Contains(l, "closed")
}

// closedCall reports whether call tests an error for end of stream or closed: errors.Is with a
// closed marker, a strings function with a literal that says closed or EOF, or a function
// whose own name says so (isClosedErr, IsErrClosed).
func (c *checker) closedCall(call *ast.CallExpr) bool {
	var name, pkg string
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		name = f.Name
	case *ast.SelectorExpr:
		name = f.Sel.Name
		if fn, ok := c.info.Uses[f.Sel].(*types.Func); ok && fn.Pkg() != nil {
			pkg = fn.Pkg().Path()
		}
	default:
		return false
	}
	switch {
	case (pkg == "errors" || strings.HasSuffix(pkg, "/errors")) && name == "Is" && len(call.Args) == 2:
		// the standard errors.Is, or the same function of github.com/pkg/errors,
		// github.com/cockroachdb/errors and their kind
		return c.closedMarker(call.Args[1])
	case pkg == "strings" && len(call.Args) == 2:
		if lit, ok := ast.Unparen(call.Args[1]).(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, err := strconv.Unquote(lit.Value)
			return err == nil && closedName(s)
		}
		return false
	}
	return closedName(name)
}

// closesSource reports whether the spawner of si calls Close on a variable the goroutine uses
// (captured by its function literal or passed to it), on the other variable of the same
// definition (`p1, p2 := net.Pipe()`), or on a variable mentioned in the definition of one it
// uses (`dec := json.NewDecoder(conn)`): the goroutine's reads then end with EOF or closed.
func (c *checker) closesSource(si *siteInfo) bool {
	body := astx.FuncBody(si.encl)
	if body == nil {
		return false
	}
	used := map[types.Object]bool{}
	addUses := func(n ast.Node) {
		ast.Inspect(n, func(m ast.Node) bool {
			if id, ok := m.(*ast.Ident); ok {
				if v, ok := c.info.Uses[id].(*types.Var); ok && !v.IsField() {
					used[v] = true
				}
			}
			return true
		})
	}
	if lit := si.Lit(); lit != nil {
		addUses(lit.Body)
	}
	if si.Kind == spawn.GoStmt {
		for _, a := range si.Call.Args {
			addUses(a)
		}
	}
	// Widen through the spawner's definitions: siblings of one statement and their inputs.
	related := map[types.Object]bool{}
	for v := range used {
		related[v] = true
	}
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE {
			return true
		}
		hit := false
		for _, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); ok && used[c.info.Defs[id]] {
				hit = true
			}
		}
		if !hit {
			return true
		}
		for _, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); ok && c.info.Defs[id] != nil {
				related[c.info.Defs[id]] = true
			}
		}
		for _, r := range as.Rhs {
			ast.Inspect(r, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok {
					if v, ok := c.info.Uses[id].(*types.Var); ok {
						related[v] = true
					}
				}
				return true
			})
		}
		return true
	})
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		if lit, ok := n.(*ast.FuncLit); ok && lit == si.Lit() {
			return false // the goroutine closing its own source is not the spawner's close
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return true
		}
		switch {
		case sel.Sel.Name == "Close" && len(call.Args) == 0:
			if id, ok := ast.Unparen(sel.X).(*ast.Ident); ok && related[c.info.Uses[id]] {
				found = true
			}
			if c.stopsServer(sel) {
				found = true
			}
		case sel.Sel.Name == "Shutdown" || sel.Sel.Name == "Stop" || sel.Sel.Name == "GracefulStop":
			found = found || c.stopsServer(sel)
		}
		return true
	})
	return found
}

// stopsServer reports whether sel is the Close, Shutdown, Stop or GracefulStop method of a server:
// a value whose type also has a Serve method (net/http.Server, grpc.Server and their kind). Its
// Serve then returns an error that says the server is closed (http.ErrServerClosed,
// grpc.ErrServerStopped), so a goroutine that reports only other Serve errors has nothing to send
// once the spawner stops the server on its way out.
func (c *checker) stopsServer(sel *ast.SelectorExpr) bool {
	t := c.info.TypeOf(sel.X)
	if t == nil {
		return false
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "Serve")
	_, ok := obj.(*types.Func)
	return ok
}

// srcSummary is summarize for a goroutine's function literal, with its error-only sends dropped
// when the spawner closes the source it reads.
func (c *checker) srcSummary(si *siteInfo, lit *ast.FuncLit, obj types.Object) use {
	u := c.summarize(lit, obj)
	if u.stopRecvs > 0 && u.sends == 0 && u.recvs == 0 && u.errSends == 0 && !u.ranges && !u.okLoop &&
		!u.closes && !u.escape && !u.guarded {
		u.stopOnly = true // stoploop.go
	}
	if u.errSends > 0 && c.closesSource(si) {
		u.srcClosed = true
		if u.sends == 0 && u.recvs == 0 && !u.ranges && !u.okLoop && !u.closes && !u.escape && !u.guarded {
			// Nothing left that needs the spawner: as if the goroutine never used obj.
			return use{}
		}
	}
	return u
}
