package hotcgo

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/goroguard/goroguard/internal/guard"
)

// MaxCalls is how many static calls away from a goroutine's own code a call into C may be and still
// count as the goroutine's (see "Reach" in doc.go): the goroutine calls F, F calls G, G calls C.f,
// each call after the first on its caller's unconditional path. Deeper or conditional reach counts
// only with the deep flag.
const MaxCalls = 2

// reachInfo says how a function or a piece of code reaches a call into C.
type reachInfo struct {
	c      string      // the C function reached, "C.f"
	via    *types.Func // the callee through which it is reached; nil for a direct C.f call
	pos    token.Pos   // the C.f call, or the call of via (invalid for imported facts)
	deep   bool        // reached only through a long or conditional chain (deep flag)
	scalar bool        // the C call takes only C scalars: a batch form is possible in principle
}

// what names the reached C function for a message: "C.f" or "pkg.F, which calls C.f".
func (r reachInfo) what(from *types.Package) string {
	if r.via == nil {
		return r.c
	}
	if r.deep {
		return funcName(r.via, from) + ", which reaches " + r.c + " through further calls"
	}
	return funcName(r.via, from) + ", which calls " + r.c
}

// callNote describes the call at r.pos for related information.
func (r reachInfo) callNote(from *types.Package) string {
	if r.via == nil {
		return "call into C (" + r.c + ")"
	}
	return "call of " + funcName(r.via, from) + ", which reaches " + r.c
}

// edge is a static call from a function of the package.
type edge struct {
	callee *types.Func
	pos    token.Pos
}

// summary is what one function declaration of the package does, syntactically.
type summary struct {
	decl    *ast.FuncDecl
	direct  string // first C.f called in place, "" when none
	dpos    token.Pos
	callees []edge // static calls, in source order

	// The same, restricted to the body's unconditional path (see unconditionalCalls).
	uncDirect  string
	uncPos     token.Pos
	uncScalar  bool
	uncCallees []edge
}

// nearInfo is a short, unconditional reach: calling the function executes C.f on every call that
// succeeds, hops static calls further down (0: in its own body).
type nearInfo struct {
	c      string
	hops   int
	scalar bool
}

type checker struct {
	pass       *guard.Pass
	cfg        *Config
	decls      map[*types.Func]*summary
	order      []*types.Func               // declaration order, for deterministic results
	reach      map[*types.Func]reachInfo   // any reach, however deep (deep flag, facts)
	near       map[*types.Func]nearInfo    // short unconditional reach
	imported   map[*types.Func]*ReachesCgo // cache of imported facts (nil value: no fact)
	files      []*ast.File                 // user files (cmd/cgo's own _cgo_gotypes.go excluded)
	goroutines []goroutine                 // bodies run by spawned goroutines (syntax of this package)
	cgoTemps   map[types.Object]ast.Expr   // cmd/cgo's wrapper temporaries (_cgo0 := arg) and their values
}

func newChecker(pass *guard.Pass, cfg *Config) *checker {
	a := &checker{
		pass:     pass,
		cfg:      cfg,
		decls:    map[*types.Func]*summary{},
		reach:    map[*types.Func]reachInfo{},
		near:     map[*types.Func]nearInfo{},
		imported: map[*types.Func]*ReachesCgo{},
		cgoTemps: map[types.Object]ast.Expr{},
	}
	for _, f := range pass.Files {
		if !isCgoOwnFile(pass.Fset, f) {
			a.files = append(a.files, f)
		}
	}
	return a
}

// summarize computes, for every function declared in the package, whether it reaches C: a direct
// call, or a static call of a function that does (in this package, to a fixed point, or in an
// imported package, through its ReachesCgo fact). Interface and function-value calls are not
// followed: their target is unknown. It also computes the short, unconditional reach (near).
func (a *checker) summarize() {
	info := a.pass.TypesInfo
	callers := map[*types.Func][]*types.Func{}
	for _, f := range a.files {
		a.collectCgoTemps(f)
	}
	for _, f := range a.files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil || isCgoGenerated(fd.Name.Name) {
				continue
			}
			fn, _ := info.Defs[fd.Name].(*types.Func)
			if fn == nil {
				continue
			}
			a.pass.At(fd.Pos())
			s := &summary{decl: fd}
			walk(fd.Body, func(n ast.Node, _ []ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if c := cgoCallee(info, call); c != "" {
					if s.direct == "" {
						s.direct, s.dpos = c, call.Pos()
					}
					return true
				}
				if callee := staticCallee(info, call); callee != nil {
					s.callees = append(s.callees, edge{callee, call.Pos()})
				}
				return true
			})
			a.unconditionalCalls(fd, func(call *ast.CallExpr) {
				if c := cgoCallee(info, call); c != "" {
					if s.uncDirect == "" {
						s.uncDirect, s.uncPos, s.uncScalar = c, call.Pos(), a.scalarCall(call)
					}
					return
				}
				if callee := staticCallee(info, call); callee != nil {
					s.uncCallees = append(s.uncCallees, edge{callee, call.Pos()})
				}
			})
			a.decls[fn] = s
			a.order = append(a.order, fn)
			for _, e := range s.callees {
				callers[e.callee] = append(callers[e.callee], fn)
			}
		}
	}
	// Seed with direct calls and imported facts, then propagate to callers (each function is
	// settled once: the first reason found is kept, so the work is linear in the call edges).
	var work []*types.Func
	for _, fn := range a.order {
		s := a.decls[fn]
		if s.direct != "" {
			a.reach[fn] = reachInfo{c: s.direct, pos: s.dpos}
			work = append(work, fn)
			continue
		}
		for _, e := range s.callees {
			if e.callee.Pkg() == a.pass.Pkg {
				continue
			}
			if f := a.importedFact(e.callee); f != nil {
				a.reach[fn] = reachInfo{c: f.C, via: e.callee, pos: e.pos}
				work = append(work, fn)
				break
			}
		}
	}
	for len(work) > 0 {
		fn := work[0]
		work = work[1:]
		for _, caller := range callers[fn] {
			if _, done := a.reach[caller]; done {
				continue
			}
			for _, e := range a.decls[caller].callees {
				if e.callee == fn {
					a.reach[caller] = reachInfo{c: a.reach[fn].c, via: fn, pos: e.pos}
					break
				}
			}
			work = append(work, caller)
		}
	}
	// Short reach: hops 0 from the unconditional direct calls, then one more hop per unconditional
	// call (none through a forwarder), up to MaxCalls-1 (the goroutine's own call of the function
	// is the first of the MaxCalls). Relaxed until nothing changes: hops only decrease.
	for _, fn := range a.order {
		if s := a.decls[fn]; s.uncDirect != "" {
			a.near[fn] = nearInfo{c: s.uncDirect, hops: 0, scalar: s.uncScalar}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, fn := range a.order {
			s := a.decls[fn]
			cur, has := a.near[fn]
			if has && cur.hops == 0 {
				continue
			}
			step := 1
			if a.forwarder(s.decl) {
				step = 0
			}
			for _, e := range s.uncCallees {
				n, ok := a.funcNear(e.callee)
				if !ok || n.hops+step >= MaxCalls || (has && n.hops+step >= cur.hops) {
					continue
				}
				cur, has = nearInfo{c: n.c, hops: n.hops + step, scalar: n.scalar}, true
				a.near[fn] = cur
				changed = true
			}
		}
	}
}

// forwarder reports a function whose body is one statement that calls another function and
// returns (or drops) its result: func NewWriter(w io.Writer) *Writer { return
// NewWriterLevelDict(w, DefaultCompression, nil) }. It adds no distance: calling it is calling the
// function it forwards to.
func (a *checker) forwarder(fd *ast.FuncDecl) bool {
	if fd.Body == nil || len(fd.Body.List) != 1 {
		return false
	}
	var x ast.Expr
	switch s := fd.Body.List[0].(type) {
	case *ast.ExprStmt:
		x = s.X
	case *ast.ReturnStmt:
		if len(s.Results) != 1 {
			return false
		}
		x = s.Results[0]
	default:
		return false
	}
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if ok && a.pass.TypesInfo.Types[call.Fun].IsType() && len(call.Args) == 1 {
		call, ok = ast.Unparen(call.Args[0]).(*ast.CallExpr) // int(f(x))
	}
	return ok && staticCallee(a.pass.TypesInfo, call) != nil
}

// collectCgoTemps records the temporaries cmd/cgo's pointer-check wrappers bind
// (_cgo0 := &v; _cgoCheckPointer(_cgo0, nil); _Cfunc_f(_cgo0)), so that an argument can be judged
// by what the user wrote.
func (a *checker) collectCgoTemps(f *ast.File) {
	info := a.pass.TypesInfo
	ast.Inspect(f, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); ok && strings.HasPrefix(id.Name, "_cgo") {
				if obj := info.ObjectOf(id); obj != nil {
					a.cgoTemps[obj] = as.Rhs[i]
				}
			}
		}
		return true
	})
}

// staticCallee returns the generic origin of the function or method a call invokes statically.
func staticCallee(info *types.Info, call *ast.CallExpr) *types.Func {
	fn := typeutil.StaticCallee(info, call)
	if fn == nil {
		return nil
	}
	return fn.Origin()
}

// importedFact returns the ReachesCgo fact of a function of another package, or nil.
func (a *checker) importedFact(fn *types.Func) *ReachesCgo {
	if f, ok := a.imported[fn]; ok {
		return f
	}
	var f *ReachesCgo
	var fact ReachesCgo
	if fn.Pkg() != nil && fn.Pkg() != a.pass.Pkg && a.pass.ImportObjectFact(fn, &fact) {
		f = &fact
	}
	a.imported[fn] = f
	return f
}

// funcNear says whether calling fn reaches C on a short unconditional chain.
func (a *checker) funcNear(fn *types.Func) (nearInfo, bool) {
	if fn == nil {
		return nearInfo{}, false
	}
	fn = fn.Origin()
	if fn.Pkg() == a.pass.Pkg {
		n, ok := a.near[fn]
		return n, ok
	}
	if f := a.importedFact(fn); f != nil && f.Near != "" {
		return nearInfo{c: f.Near, hops: f.Hops, scalar: f.Scalar}, true
	}
	return nearInfo{}, false
}

// funcReach says whether calling fn, from a goroutine's own code, counts as reaching C: on a short
// unconditional chain, or (deep flag) at any depth.
func (a *checker) funcReach(fn *types.Func) (reachInfo, bool) {
	if fn == nil {
		return reachInfo{}, false
	}
	fn = fn.Origin()
	if n, ok := a.funcNear(fn); ok {
		return reachInfo{c: n.c, scalar: n.scalar}, true
	}
	if !a.cfg.Deep {
		return reachInfo{}, false
	}
	if fn.Pkg() == a.pass.Pkg {
		r, ok := a.reach[fn]
		return reachInfo{c: r.c, deep: true}, ok
	}
	if f := a.importedFact(fn); f != nil {
		return reachInfo{c: f.C, deep: true}, true
	}
	return reachInfo{}, false
}

// ownReach says whether fn, run as a goroutine's own function (go f(x)), reaches C: a C call
// anywhere in its body, or a call anywhere in it of a function that reaches C on a short
// unconditional chain; with the deep flag, at any depth.
func (a *checker) ownReach(fn *types.Func) (reachInfo, bool) {
	if fn == nil {
		return reachInfo{}, false
	}
	fn = fn.Origin()
	if fn.Pkg() != a.pass.Pkg {
		f := a.importedFact(fn)
		switch {
		case f == nil:
			return reachInfo{}, false
		case f.Own != "":
			return reachInfo{c: f.Own, scalar: f.Scalar && f.Near == f.Own}, true
		case a.cfg.Deep:
			return reachInfo{c: f.C, deep: true}, true
		}
		return reachInfo{}, false
	}
	s := a.decls[fn]
	if s == nil {
		return reachInfo{}, false
	}
	if r, ok := a.nodeReach(s.decl.Body); ok {
		return r, true
	}
	return reachInfo{}, false
}

// callReach says whether one call reaches C: a C.f call, or a static call of a function that does
// (see funcReach).
func (a *checker) callReach(call *ast.CallExpr) (reachInfo, bool) {
	if c := cgoCallee(a.pass.TypesInfo, call); c != "" {
		return reachInfo{c: c, pos: call.Pos(), scalar: a.scalarCall(call)}, true
	}
	callee := staticCallee(a.pass.TypesInfo, call)
	if callee == nil {
		return reachInfo{}, false
	}
	r, ok := a.funcReach(callee)
	if !ok {
		return reachInfo{}, false
	}
	r.via, r.pos = callee, call.Pos()
	return r, true
}

// nodeReach returns the first call in the code of roots (in source order, in place only) that
// reaches C. A short reach is preferred over a deep one.
func (a *checker) nodeReach(roots ...ast.Node) (reachInfo, bool) {
	var found, deep reachInfo
	ok, deepOK := false, false
	for _, root := range roots {
		if root == nil || ok {
			continue
		}
		walk(root, func(n ast.Node, _ []ast.Node) bool {
			if ok {
				return false
			}
			if call, isCall := n.(*ast.CallExpr); isCall {
				if r, reaches := a.callReach(call); reaches {
					if !r.deep {
						found, ok = r, true
					} else if !deepOK {
						deep, deepOK = r, true
					}
				}
			}
			return !ok
		})
	}
	if ok {
		return found, true
	}
	return deep, deepOK
}

// unconditionalCalls visits the calls on fd's unconditional path: the calls that run on every
// call of fd that gets past its guards. A statement is on that path when it is a top-level
// statement of the body (or of a plain block there), or the init, condition or tag of a top-level
// if, switch or for statement, and no return before it, in source order, returns a value: a return
// of only constants, nil, zero composite literals and errors is a guard (the input was rejected),
// any other return (a cached value, a bare return) makes everything after it conditional (the
// record re-signed only on a cache miss). The right operands of && and || are conditional too, and
// so are the bodies of if, switch, select and loops. Function literals count only where they run in
// place; go statements do not (their call runs in another goroutine).
func (a *checker) unconditionalCalls(fd *ast.FuncDecl, visit func(*ast.CallExpr)) {
	if fd.Body == nil {
		return
	}
	info := a.pass.TypesInfo
	var results *types.Tuple
	if fn, ok := info.Defs[fd.Name].(*types.Func); ok {
		if sig, ok := fn.Type().(*types.Signature); ok {
			results = sig.Results()
		}
	}
	visitExpr := func(n ast.Node) {
		if n != nil {
			a.visitCalls(n, visit)
		}
	}
	var stmts func(list []ast.Stmt) bool // false once a value-returning return was passed
	stmts = func(list []ast.Stmt) bool {
		for _, s := range list {
			for {
				l, ok := s.(*ast.LabeledStmt)
				if !ok {
					break
				}
				s = l.Stmt
			}
			switch s := s.(type) {
			case *ast.BlockStmt:
				if !stmts(s.List) {
					return false
				}
				continue
			case *ast.IfStmt:
				visitExpr(s.Init)
				visitExpr(s.Cond)
			case *ast.SwitchStmt:
				visitExpr(s.Init)
				visitExpr(s.Tag)
			case *ast.TypeSwitchStmt:
				visitExpr(s.Init)
				visitExpr(s.Assign)
			case *ast.ForStmt:
				visitExpr(s.Init)
				visitExpr(s.Cond)
			case *ast.RangeStmt:
				visitExpr(s.X)
			case *ast.SelectStmt, *ast.GoStmt:
			case *ast.ReturnStmt:
				visitExpr(s)
				return false
			default:
				visitExpr(s)
			}
			if a.returnsValue(s, results) {
				return false
			}
		}
		return true
	}
	stmts(fd.Body.List)
}

// visitCalls visits the calls of n as unconditionalCalls does (used for the left operand of && and
// ||, whose own right operands are conditional again).
func (a *checker) visitCalls(n ast.Node, visit func(*ast.CallExpr)) {
	walk(n, func(n ast.Node, _ []ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			return false
		case *ast.BinaryExpr:
			if n.Op == token.LAND || n.Op == token.LOR {
				a.visitCalls(n.X, visit)
				return false
			}
		case *ast.CallExpr:
			visit(n)
		}
		return true
	})
}

// returnsValue reports whether s contains a return from the function (not from a function literal,
// cmd/cgo's wrappers included) that is not a guard: see unconditionalCalls.
func (a *checker) returnsValue(s ast.Stmt, results *types.Tuple) bool {
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			found = !a.isGuard(n, results)
		}
		return !found
	})
	return found
}

// isGuard reports a return that rejects the input: one of only constants, nil, empty composite
// literals and error values, or one that carries a non-nil error (return nil, err; return
// Result{Path: p, Err: err}).
func (a *checker) isGuard(ret *ast.ReturnStmt, results *types.Tuple) bool {
	if len(ret.Results) == 0 {
		return false // a bare return: nothing says the input was rejected
	}
	info := a.pass.TypesInfo
	for _, r := range ret.Results {
		if a.carriesError(r) {
			return true
		}
	}
	for _, r := range ret.Results {
		tv, ok := info.Types[r]
		if !ok {
			return false
		}
		if tv.Value != nil || tv.IsNil() {
			continue
		}
		if t := tv.Type; t != nil && types.Identical(t, types.Universe.Lookup("error").Type()) {
			continue
		}
		if cl, ok := ast.Unparen(r).(*ast.CompositeLit); ok && len(cl.Elts) == 0 {
			continue
		}
		return false
	}
	return true
}

// carriesError reports a non-nil expression of an error type, or a composite literal with such an
// element.
func (a *checker) carriesError(e ast.Expr) bool {
	info := a.pass.TypesInfo
	e = ast.Unparen(e)
	if cl, ok := e.(*ast.CompositeLit); ok {
		for _, el := range cl.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				el = kv.Value
			}
			if a.carriesError(el) {
				return true
			}
		}
		return false
	}
	tv, ok := info.Types[e]
	if !ok || tv.IsNil() || tv.Type == nil {
		return false
	}
	errType, _ := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	return errType != nil && types.Implements(tv.Type, errType) && !types.IsInterface(tv.Type) ||
		types.Identical(tv.Type, types.Universe.Lookup("error").Type())
}

// scalarCall reports a call into C whose arguments are all C scalars (C.int(x), a C-typed scalar
// value, a constant) or the address of a local C scalar (&v with v := C.int(x)): the item was
// converted to C scalars and crosses one call each, so a batch (an array of them, one call) is
// possible in principle. Pointers to buffers (one hash and signature per transaction) have no such
// batch form in general.
func (a *checker) scalarCall(call *ast.CallExpr) bool {
	for _, arg := range call.Args {
		if !a.scalarArg(arg, 0) {
			return false
		}
	}
	return true
}

func (a *checker) scalarArg(arg ast.Expr, depth int) bool {
	info := a.pass.TypesInfo
	arg = ast.Unparen(arg)
	if id, ok := arg.(*ast.Ident); ok && depth < 2 {
		if v, ok := a.cgoTemps[info.ObjectOf(id)]; ok {
			return a.scalarArg(v, depth+1)
		}
	}
	tv, ok := info.Types[arg]
	if !ok {
		return false
	}
	if tv.Value != nil {
		return true
	}
	if isCScalar(tv.Type) {
		return true
	}
	if u, ok := arg.(*ast.UnaryExpr); ok && u.Op == token.AND {
		if id, ok := ast.Unparen(u.X).(*ast.Ident); ok {
			if v, ok := info.ObjectOf(id).(*types.Var); ok && isCScalar(v.Type()) {
				return true
			}
		}
	}
	return false
}

// isCScalar reports a C numeric type as cmd/cgo declares it (_Ctype_int, _Ctype_double, ...), or a
// plain Go number.
func isCScalar(t types.Type) bool {
	if t == nil {
		return false
	}
	t = types.Unalias(t)
	b, ok := t.Underlying().(*types.Basic)
	if !ok || b.Info()&types.IsNumeric == 0 {
		return false
	}
	if n, ok := t.(*types.Named); ok {
		return strings.HasPrefix(n.Obj().Name(), "_Ctype_")
	}
	return true
}

// funcName names fn for a message, qualified by its package when that is not from.
func funcName(fn *types.Func, from *types.Package) string {
	name := fn.Name()
	if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil {
		t := sig.Recv().Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			name = n.Obj().Name() + "." + name
		}
	}
	if fn.Pkg() != nil && fn.Pkg() != from {
		name = fn.Pkg().Name() + "." + name
	}
	return strings.TrimSpace(name)
}
