package hotcgo

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/goroguard/goroguard/internal/guard"
)

// reachInfo says how a function or a piece of code reaches a call into C.
type reachInfo struct {
	c   string      // the C function reached, "C.f"
	via *types.Func // the callee through which it is reached; nil for a direct C.f call
	pos token.Pos   // the C.f call, or the call of via (invalid for imported facts)
}

// what names the reached C function for a message: "C.f" or "pkg.F, which calls C.f".
func (r reachInfo) what(from *types.Package) string {
	if r.via == nil {
		return r.c
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
}

type checker struct {
	pass       *guard.Pass
	cfg        *Config
	decls      map[*types.Func]*summary
	order      []*types.Func // declaration order, for deterministic results
	reach      map[*types.Func]reachInfo
	imported   map[*types.Func]*reachInfo // cache of imported facts (nil value: no fact)
	files      []*ast.File                // user files (cmd/cgo's own _cgo_gotypes.go excluded)
	goroutines []goroutine                // bodies run by spawned goroutines (syntax of this package)
}

func newChecker(pass *guard.Pass, cfg *Config) *checker {
	a := &checker{
		pass:     pass,
		cfg:      cfg,
		decls:    map[*types.Func]*summary{},
		reach:    map[*types.Func]reachInfo{},
		imported: map[*types.Func]*reachInfo{},
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
// followed: their target is unknown.
func (a *checker) summarize() {
	info := a.pass.TypesInfo
	callers := map[*types.Func][]*types.Func{}
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
			if r := a.importedReach(e.callee); r != nil {
				a.reach[fn] = reachInfo{c: r.c, via: e.callee, pos: e.pos}
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
}

// staticCallee returns the generic origin of the function or method a call invokes statically.
func staticCallee(info *types.Info, call *ast.CallExpr) *types.Func {
	fn := typeutil.StaticCallee(info, call)
	if fn == nil {
		return nil
	}
	return fn.Origin()
}

// importedReach returns the ReachesCgo fact of a function of another package, or nil.
func (a *checker) importedReach(fn *types.Func) *reachInfo {
	if r, ok := a.imported[fn]; ok {
		return r
	}
	var r *reachInfo
	var fact ReachesCgo
	if fn.Pkg() != nil && fn.Pkg() != a.pass.Pkg && a.pass.ImportObjectFact(fn, &fact) {
		r = &reachInfo{c: fact.C}
	}
	a.imported[fn] = r
	return r
}

// funcReach says whether calling fn reaches C.
func (a *checker) funcReach(fn *types.Func) (reachInfo, bool) {
	if fn == nil {
		return reachInfo{}, false
	}
	fn = fn.Origin()
	if fn.Pkg() == a.pass.Pkg {
		r, ok := a.reach[fn]
		return r, ok
	}
	if r := a.importedReach(fn); r != nil {
		return *r, true
	}
	return reachInfo{}, false
}

// callReach says whether one call reaches C: a C.f call, or a static call of a function that does.
func (a *checker) callReach(call *ast.CallExpr) (reachInfo, bool) {
	if c := cgoCallee(a.pass.TypesInfo, call); c != "" {
		return reachInfo{c: c, pos: call.Pos()}, true
	}
	callee := staticCallee(a.pass.TypesInfo, call)
	if callee == nil {
		return reachInfo{}, false
	}
	r, ok := a.funcReach(callee)
	if !ok {
		return reachInfo{}, false
	}
	return reachInfo{c: r.c, via: callee, pos: call.Pos()}, true
}

// nodeReach returns the first call in the code of roots (in source order, in place only) that
// reaches C.
func (a *checker) nodeReach(roots ...ast.Node) (reachInfo, bool) {
	var found reachInfo
	ok := false
	for _, root := range roots {
		if root == nil || ok {
			continue
		}
		walk(root, func(n ast.Node, _ []ast.Node) bool {
			if ok {
				return false
			}
			if call, isCall := n.(*ast.CallExpr); isCall {
				found, ok = a.callReach(call)
			}
			return !ok
		})
	}
	return found, ok
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
