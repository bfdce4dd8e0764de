package spawnloop

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/goroguard/goroguard/internal/apis"
	"github.com/goroguard/goroguard/internal/astx"
)

// This file recognises two more bounds (held-out runs 1-3): a loop gated by a blocking receive
// before the spawn (a token pool: <-poolCh; go recover(c) whose callee puts the token back), and a
// spawn that runs once per distinct key (if _, ok := m[k]; !ok { m[k] = c; go watch(c) }).

// preceding calls f with each statement list that runs before the statement at stack[stmt] on the
// way from the block at stack[from] (the loop body): the statements before it in its own block and
// in every enclosing block down to the loop body. It also calls onClause with each select case on
// the way (the spawn runs only after that case's communication).
func preceding(stack []ast.Node, from, stmt int, f func(list []ast.Stmt), onClause func(*ast.CommClause)) {
	for i := stmt; i > from; i-- {
		if cc, ok := stack[i].(*ast.CommClause); ok && onClause != nil {
			onClause(cc)
		}
		list := astx.StmtList(stack[i-1])
		if list == nil {
			continue
		}
		for k, s := range list {
			if s == stack[i] {
				f(list[:k])
				break
			}
		}
	}
}

// gatedByReceive reports whether every iteration, on its way to the spawn, blocks in a receive from
// a channel other than the one the items come from (srcCh): `<-pool`, `tok := <-pool`, a select
// without default whose cases all receive from such channels or leave the iteration, or a select
// case `case tok := <-pool:` around the spawn. The loop then starts goroutines no faster than that
// channel yields values: a token pool whose tokens are put back by the goroutine (in a function
// literal or in a named function), a pool of workers or buffers, a ticker. A receive under an if
// that can skip it does not count, nor one from ctx.Done() or from a channel the package closes (a
// closed channel never blocks).
func (c *checker) gatedByReceive(stack []ast.Node, loopIdx, stmtIdx int, srcCh string) bool {
	gated := false
	preceding(stack, loopIdx+1, stmtIdx, func(list []ast.Stmt) {
		for _, s := range list {
			if c.gatingStmt(s, srcCh) {
				gated = true
			}
		}
	}, func(cc *ast.CommClause) {
		if x := recvOf(cc.Comm); x != nil && c.gatingChan(x, srcCh) {
			gated = true
		}
	})
	return gated
}

// gatingStmt reports whether the statement s blocks in a receive from a gating channel.
func (c *checker) gatingStmt(s ast.Stmt, srcCh string) bool {
	if sel, ok := s.(*ast.SelectStmt); ok {
		if hasDefault(sel) || len(sel.Body.List) == 0 {
			return false
		}
		receives := false
		for _, cl := range sel.Body.List {
			cc, ok := cl.(*ast.CommClause)
			if !ok {
				return false
			}
			if x := recvOf(cc.Comm); x != nil && c.gatingChan(x, srcCh) {
				receives = true
				continue
			}
			if !leavesIteration(cc.Body) {
				return false // this case reaches the spawn without a token
			}
		}
		return receives
	}
	x := recvOf(s)
	return x != nil && c.gatingChan(x, srcCh)
}

// recvOf returns the channel of a receive statement (<-ch, v := <-ch, v, ok = <-ch, var v = <-ch),
// or nil.
func recvOf(s ast.Stmt) ast.Expr {
	var e ast.Expr
	switch s := s.(type) {
	case *ast.ExprStmt:
		e = s.X
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			e = s.Rhs[0]
		}
	case *ast.DeclStmt:
		if g, ok := s.Decl.(*ast.GenDecl); ok && len(g.Specs) == 1 {
			if vs, ok := g.Specs[0].(*ast.ValueSpec); ok && len(vs.Values) == 1 {
				e = vs.Values[0]
			}
		}
	}
	if u, ok := ast.Unparen(e).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
		return u.X
	}
	return nil
}

// gatingChan reports whether a receive from x gates the loop: x is not the channel the items come
// from, not ctx.Done() (or any Done() call: cancellation, which never blocks once it happened), and
// not a channel the package closes.
func (c *checker) gatingChan(x ast.Expr, srcCh string) bool {
	x = ast.Unparen(x)
	if srcCh != "" && types.ExprString(x) == srcCh {
		return false
	}
	if call, ok := x.(*ast.CallExpr); ok {
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Done" {
			return false
		}
		return true // time.After(d), pool.Get(): a value per call
	}
	obj := chanObject(c.pass.TypesInfo, x)
	if obj == nil {
		return true
	}
	return !c.closedInPackage(obj)
}

// closedInPackage reports whether the package calls close on the channel variable or field obj.
func (c *checker) closedInPackage(obj types.Object) bool {
	found := false
	for _, f := range c.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok && len(call.Args) == 1 && !found {
				if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok && id.Name == "close" {
					if _, isBuiltin := c.pass.TypesInfo.Uses[id].(*types.Builtin); isBuiltin && chanObject(c.pass.TypesInfo, call.Args[0]) == obj {
						found = true
					}
				}
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// leavesIteration reports whether a statement list ends by leaving the iteration or the function
// (return, continue, panic, goto, a labelled break).
func leavesIteration(list []ast.Stmt) bool {
	if len(list) == 0 {
		return false
	}
	switch s := list[len(list)-1].(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return s.Tok == token.CONTINUE || s.Tok == token.GOTO || (s.Tok == token.BREAK && s.Label != nil)
	case *ast.ExprStmt:
		if call, ok := s.X.(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "panic" {
				return true
			}
		}
	}
	return false
}

// deduplicated reports whether the spawn runs at most once per distinct key of a map the loop
// keeps: it is inside an if whose condition holds only for a key not yet in the map (if _, ok :=
// m[k]; !ok, if m[k] == nil, if !seen[k], if _, loaded := sm.LoadOrStore(k, v); !loaded, or a
// check-and-record predicate of the package such as isUniquePingRequest), or it comes after an if
// that continues when the key is present, and the loop stores the key in that map (m[k] = v,
// m.Store, LoadOrStore; for a field, anywhere in the package). Like one goroutine per connection,
// the count follows the distinct keys, which the registry keeps.
func (c *checker) deduplicated(stack []ast.Node, fnIdx, loopIdx, stmtIdx int) bool {
	body := loopBody(stack[loopIdx])
	if body == nil {
		return false
	}
	for i := loopIdx + 2; i < stmtIdx; i++ {
		ifs, ok := stack[i].(*ast.IfStmt)
		if !ok || ifs.Body != stack[i+1] {
			continue
		}
		full, partial := c.missGuard(ifs.Cond, false, stack, fnIdx)
		for obj, implicit := range full {
			if implicit || c.storesKey(obj, body) {
				return true
			}
		}
		// if !exist || conn.IsClosed() { conn = New(); m[k] = conn; go ... }: a dead entry is
		// replaced, still one live goroutine per key.
		for obj, implicit := range partial {
			if implicit || c.storesKey(obj, ifs.Body) {
				return true
			}
		}
	}
	found := false
	preceding(stack, loopIdx+1, stmtIdx, func(list []ast.Stmt) {
		for _, s := range list {
			ifs, ok := s.(*ast.IfStmt)
			if !ok || ifs.Else != nil || !leavesIteration(ifs.Body.List) {
				continue
			}
			// if _, ok := m[k]; ok { continue }: the rest runs only when !cond, i.e. for a new key.
			full, _ := c.missGuard(ifs.Cond, true, stack, fnIdx)
			for obj, implicit := range full {
				if implicit || c.storesKey(obj, body) {
					found = true
				}
			}
		}
	}, nil)
	return found
}

// missGuard returns the maps m such that cond (negated when neg) implies that the key tested in m
// is absent (full), and the maps for which one operand of a disjunction implies it (partial). The
// bool is true when the test itself stores the key (LoadOrStore, a check-and-record predicate).
func (c *checker) missGuard(cond ast.Expr, neg bool, stack []ast.Node, fnIdx int) (full, partial map[types.Object]bool) {
	full, partial = map[types.Object]bool{}, map[types.Object]bool{}
	switch e := ast.Unparen(cond).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			return c.missGuard(e.X, !neg, stack, fnIdx)
		}
	case *ast.BinaryExpr:
		if (e.Op == token.LAND && !neg) || (e.Op == token.LOR && neg) {
			// Every operand holds: one miss test suffices.
			for _, x := range []ast.Expr{e.X, e.Y} {
				f, p := c.missGuard(x, neg, stack, fnIdx)
				for o, v := range f {
					full[o] = full[o] || v
				}
				for o, v := range p {
					partial[o] = partial[o] || v
				}
			}
			return full, partial
		}
		if (e.Op == token.LOR && !neg) || (e.Op == token.LAND && neg) {
			fx, px := c.missGuard(e.X, neg, stack, fnIdx)
			fy, py := c.missGuard(e.Y, neg, stack, fnIdx)
			for o, v := range fx {
				if w, ok := fy[o]; ok {
					full[o] = v || w
				}
			}
			for _, m := range []map[types.Object]bool{fx, px, fy, py} {
				for o, v := range m {
					partial[o] = partial[o] || v
				}
			}
			return full, partial
		}
	}
	if obj, present, implicit, ok := c.keyTest(cond, stack, fnIdx); ok && present == neg {
		full[obj] = implicit
	}
	return full, partial
}

// keyTest recognises an atomic test of a key in a map: ok of `_, ok := m[k]` (present when true),
// loaded of `_, loaded := m.LoadOrStore(k, v)` (present, and the call stores), seen[k] on a map of
// bool (present), m[k] == nil or v == nil with v := m[k] (absent), and a call of a check-and-record
// predicate of the package (absent when true: the key is new; the predicate records it).
func (c *checker) keyTest(e ast.Expr, stack []ast.Node, fnIdx int) (obj types.Object, present, implicit, ok bool) {
	info := c.pass.TypesInfo
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.Ident:
		v, _ := info.Uses[x].(*types.Var)
		if v == nil {
			return nil, false, false, false
		}
		as := singleAssign(info, v, outerBody(stack))
		if as == nil || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
			return nil, false, false, false
		}
		if id, isID := ast.Unparen(as.Lhs[1]).(*ast.Ident); !isID || (info.Defs[id] != v && info.Uses[id] != v) {
			return nil, false, false, false
		}
		switch r := ast.Unparen(as.Rhs[0]).(type) {
		case *ast.IndexExpr:
			if m := c.mapObject(r.X); m != nil {
				return m, true, false, true
			}
		case *ast.CallExpr:
			if sel, isSel := ast.Unparen(r.Fun).(*ast.SelectorExpr); isSel && (sel.Sel.Name == "LoadOrStore" || sel.Sel.Name == "LoadOrCompute") {
				if m := chanObject(info, sel.X); m != nil {
					return m, true, true, true
				}
			}
		}
	case *ast.IndexExpr:
		if m := c.mapObject(x.X); m != nil {
			if b, isBasic := apis.UnderOf(info, x).(*types.Basic); isBasic && b.Kind() == types.Bool {
				return m, true, false, true
			}
		}
	case *ast.BinaryExpr:
		if x.Op != token.EQL && x.Op != token.NEQ {
			break
		}
		other := x.X
		if isNil(info, x.X) {
			other = x.Y
		} else if !isNil(info, x.Y) {
			break
		}
		var m types.Object
		switch o := ast.Unparen(other).(type) {
		case *ast.IndexExpr:
			m = c.mapObject(o.X)
		case *ast.Ident:
			if v, _ := info.Uses[o].(*types.Var); v != nil {
				if as := singleAssign(info, v, outerBody(stack)); as != nil && len(as.Rhs) == 1 {
					if ix, isIx := ast.Unparen(as.Rhs[0]).(*ast.IndexExpr); isIx {
						if id, isID := ast.Unparen(as.Lhs[0]).(*ast.Ident); isID && (info.Defs[id] == v || info.Uses[id] == v) {
							m = c.mapObject(ix.X)
						}
					}
				}
			}
		}
		if m != nil {
			return m, x.Op == token.NEQ, false, true
		}
	case *ast.CallExpr:
		if fn, isFn := typeutil.Callee(info, x).(*types.Func); isFn && c.recordsKey(fn) {
			return fn, false, true, true
		}
	}
	return nil, false, false, false
}

func isNil(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	return ok && tv.IsNil()
}

// mapObject returns the variable or field of map type that e names, or nil.
func (c *checker) mapObject(e ast.Expr) types.Object {
	t := c.pass.TypesInfo.TypeOf(e)
	if t == nil {
		return nil
	}
	if _, ok := t.Underlying().(*types.Map); !ok {
		return nil
	}
	return chanObject(c.pass.TypesInfo, e)
}

// singleAssign returns the only assignment statement in body that assigns the local v, or nil
// (also when v is assigned in another way or more than once).
func singleAssign(info *types.Info, v *types.Var, body *ast.BlockStmt) *ast.AssignStmt {
	if body == nil || v.IsField() {
		return nil
	}
	var found *ast.AssignStmt
	count := 0
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if id, ok := ast.Unparen(l).(*ast.Ident); ok && (info.Defs[id] == v || info.Uses[id] == v) {
					found = n
					count++
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				if info.Defs[id] == v {
					count += 2 // var v = ...: not followed
				}
			}
		case *ast.RangeStmt:
			for _, l := range []ast.Expr{n.Key, n.Value} {
				if id, ok := l.(*ast.Ident); ok && (info.Defs[id] == v || info.Uses[id] == v) {
					count += 2
				}
			}
		}
		return count < 2
	})
	if count != 1 {
		return nil
	}
	return found
}

// storesKey reports whether the map obj gets a key stored within scope (the loop body, function
// literals included) or in a function of the package called there (the spawned method that
// registers itself, a helper): m[k] = v, or a Store, LoadOrStore, Set, SetIfAbsent or Put method
// call on it. A local map made inside scope is fresh every iteration and deduplicates nothing.
func (c *checker) storesKey(obj types.Object, scope ast.Node) bool {
	v, ok := obj.(*types.Var)
	if !ok {
		return false
	}
	if scope.Pos() <= v.Pos() && v.Pos() < scope.End() {
		return false
	}
	return c.storesIn(obj, scope, 0)
}

func (c *checker) storesIn(obj types.Object, scope ast.Node, depth int) bool {
	info := c.pass.TypesInfo
	found := false
	ast.Inspect(scope, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if ix, ok := ast.Unparen(l).(*ast.IndexExpr); ok && chanObject(info, ix.X) == obj {
					found = true
				}
			}
		case *ast.CallExpr:
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok && chanObject(info, sel.X) == obj {
				switch sel.Sel.Name {
				case "Store", "LoadOrStore", "Set", "SetIfAbsent", "Put":
					found = true
					return false
				}
			}
			if depth == 0 {
				if fn, ok := typeutil.Callee(info, n).(*types.Func); ok {
					if d := c.declOf(fn); d != nil && d.Body != nil && c.storesIn(obj, d.Body, depth+1) {
						found = true
					}
				}
			}
		}
		return !found
	})
	return found
}

// recordsKey reports whether fn, a function of the package returning bool, is a check-and-record
// predicate: it returns false on some path, and it both reads and stores the same field or map
// (if pr.URL == c.lastPingURL { return false }; c.lastPingURL = pr.URL; return true). Calling it
// in a condition lets through only values not seen before.
func (c *checker) recordsKey(fn *types.Func) bool {
	decl := c.declOf(fn)
	if decl == nil || decl.Body == nil {
		return false
	}
	sig := fn.Type().(*types.Signature)
	if sig.Results().Len() != 1 {
		return false
	}
	if b, ok := sig.Results().At(0).Type().Underlying().(*types.Basic); !ok || b.Kind() != types.Bool {
		return false
	}
	info := c.pass.TypesInfo
	returnsFalse := false
	stored := map[types.Object]bool{}
	read := map[types.Object]bool{}
	lhs := map[ast.Node]bool{}
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(n.Results) == 1 {
				if id, ok := ast.Unparen(n.Results[0]).(*ast.Ident); ok && id.Name == "false" {
					if _, isConst := info.Uses[id].(*types.Const); isConst {
						returnsFalse = true
					}
				}
			}
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				l = ast.Unparen(l)
				lhs[l] = true
				switch x := l.(type) {
				case *ast.SelectorExpr:
					if s, ok := info.Selections[x]; ok && s.Kind() == types.FieldVal {
						stored[s.Obj()] = true
					}
				case *ast.IndexExpr:
					lhs[ast.Unparen(x.X)] = true
					if m := c.mapObject(x.X); m != nil {
						stored[m] = true
					}
				}
			}
		case *ast.SelectorExpr:
			if s, ok := info.Selections[n]; ok && s.Kind() == types.FieldVal && !lhs[n] {
				read[s.Obj()] = true
			}
		}
		return true
	})
	if !returnsFalse {
		return false
	}
	for o := range stored {
		if read[o] {
			return true
		}
	}
	return false
}
