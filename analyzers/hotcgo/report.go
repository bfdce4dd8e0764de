package hotcgo

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"

	"golang.org/x/tools/go/analysis"

	"github.com/goroguard/goroguard/internal/costs"
	"github.com/goroguard/goroguard/internal/spawn"
)

// goroutine is the function a spawned goroutine runs: the body of a spawned function literal, or of
// a function of the package spawned by name.
type goroutine struct {
	body ast.Node
	site spawn.Site
	// pool is set when a spawn site of the function is inside a loop: several goroutines run it,
	// a worker pool.
	pool bool
}

// roots returns every function body of the package that starts a separate stretch of code: the
// bodies of function declarations and of function literals that do not run in place.
func (a *checker) roots() []ast.Node {
	var roots []ast.Node
	for _, f := range a.files {
		var stack []ast.Node
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return false
			}
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Body != nil && !isCgoGenerated(n.Name.Name) {
					roots = append(roots, n.Body)
				}
			case *ast.FuncLit:
				var parent, grand ast.Node
				if len(stack) > 0 {
					parent = stack[len(stack)-1]
				}
				if len(stack) > 1 {
					grand = stack[len(stack)-2]
				}
				if !runsInPlace(n, parent, grand) {
					roots = append(roots, n.Body)
				}
			}
			stack = append(stack, n)
			return true
		})
	}
	return roots
}

// reportSpawns finds pattern 1, a goroutine spawned per item whose function reaches C, and records
// every spawned goroutine for pattern 2.
func (a *checker) reportSpawns() {
	info := a.pass.TypesInfo
	seenBody := map[ast.Node]int{} // body -> index in a.goroutines
	for _, root := range a.roots() {
		walk(root, func(n ast.Node, stack []ast.Node) bool {
			site, ok := spawn.At(info, n)
			if !ok {
				return true
			}
			a.pass.At(n.Pos())
			r, body, ok := a.goroutineReach(site)
			loop := enclosingLoop(stack)
			if body != nil {
				if i, seen := seenBody[body]; seen {
					a.goroutines[i].pool = a.goroutines[i].pool || loop != nil
				} else {
					seenBody[body] = len(a.goroutines)
					a.goroutines = append(a.goroutines, goroutine{body: body, site: site, pool: loop != nil})
				}
			}
			if !ok {
				return true
			}
			if loop == nil || !a.perItem(root, loop, site) || a.paced(loop) ||
				a.boundedSpawn(root, loop, site) || a.boundedInGoroutine(body) {
				return true
			}
			related := []analysis.RelatedInformation{{Pos: loop.Pos(), Message: "loop spawning one goroutine per item"}}
			if r.pos.IsValid() {
				related = append(related, analysis.RelatedInformation{Pos: r.pos, Message: r.callNote(a.pass.Pkg)})
			}
			a.pass.Report(analysis.Diagnostic{
				Pos:     site.Node.Pos(),
				End:     spawnEnd(site),
				Message: spawnMessage(apiName(site), r.what(a.pass.Pkg), r.scalar && !r.deep),
				URL:     costs.CgoThreads.URL,
				Related: related,
			})
			return true
		})
	}
}

func apiName(site spawn.Site) string {
	if site.Kind == spawn.GoStmt {
		return "the go statement"
	}
	return site.API()
}

// spawnEnd keeps a go statement's range to its first line: "go func() {" rather than the whole body.
func spawnEnd(site spawn.Site) token.Pos {
	if lit := site.Lit(); lit != nil {
		return lit.Body.Lbrace + 1
	}
	return site.Node.End()
}

// goroutineReach says whether the goroutine of site reaches C, and returns the body it runs when
// that is syntax of this package (nil otherwise).
func (a *checker) goroutineReach(site spawn.Site) (reachInfo, ast.Node, bool) {
	if lit := site.Lit(); lit != nil {
		// The arguments of go func(x T) {...}(C.f()) are evaluated by the spawner: only the body counts.
		r, ok := a.nodeReach(lit.Body)
		return r, lit.Body, ok
	}
	if site.Kind == spawn.GoStmt {
		if c := cgoCallee(a.pass.TypesInfo, site.Call); c != "" {
			return reachInfo{c: c, pos: site.Call.Pos()}, nil, true // go C.f(x)
		}
	}
	callee := site.Callee(a.pass.TypesInfo)
	if callee == nil {
		return reachInfo{}, nil, false
	}
	callee = callee.Origin()
	var body ast.Node
	if s := a.decls[callee]; s != nil {
		body = s.decl.Body
	}
	// The spawned function is the goroutine's own code: a C call anywhere in it counts.
	r, ok := a.ownReach(callee)
	if !ok {
		return reachInfo{}, body, false
	}
	pos := site.Fn.Pos()
	if site.Kind == spawn.GoStmt {
		pos = site.Call.Pos()
	}
	return reachInfo{c: r.c, via: callee, pos: pos, deep: r.deep, scalar: r.scalar}, body, true
}

// enclosingLoop returns the innermost for or range statement whose body holds the top of stack
// (stack holds the ancestors of the node, within one function).
func enclosingLoop(stack []ast.Node) ast.Stmt {
	for i := len(stack) - 1; i >= 0; i-- {
		var body *ast.BlockStmt
		switch l := stack[i].(type) {
		case *ast.ForStmt:
			body = l.Body
		case *ast.RangeStmt:
			body = l.Body
		default:
			continue
		}
		if i+1 < len(stack) && stack[i+1] == body {
			return stack[i].(ast.Stmt)
		}
	}
	return nil
}

// reportLoops finds pattern 2: a loop over items, in the function a goroutine runs, whose body
// reaches C on every iteration.
func (a *checker) reportLoops() {
	// Only the goroutine's own function counts: the spawned literal or the named function spawned.
	// Loops in the functions it calls are shared code that runs from other goroutines too, and in
	// practice they are per-column or per-parameter loops of APIs that offer no batch form (the
	// binding loop of a SQL driver called from a goroutine that only honours a context): reporting
	// them was noise on real code.
	all := a.goroutines

	type finding struct {
		loop ast.Stmt
		r    reachInfo
		site spawn.Site
	}
	var found []finding
	for _, g := range all {
		walk(g.body, func(n ast.Node, stack []ast.Node) bool {
			loop, ok := n.(ast.Stmt)
			if !ok {
				return true
			}
			var parts []ast.Node
			switch l := loop.(type) {
			case *ast.ForStmt:
				parts = []ast.Node{l.Cond, l.Post, l.Body}
			case *ast.RangeStmt:
				parts = []ast.Node{l.Body}
			default:
				return true
			}
			a.pass.At(loop.Pos())
			perItem, jobs := a.dataLoop(loop)
			if !perItem || (jobs && !g.pool) || a.paced(loop) || a.underTimer(stack) {
				// A loop over a channel counts only in a worker pool: a single goroutine fed by a
				// channel is usually a control loop (timeouts, signals), paced by its sender.
				return true
			}
			// Only a crossing that could be batched is worth a finding here: the C call takes
			// C scalars (the item converted, one call each) and is short, unconditional reach.
			// A buffer or a signature per item has no batch form; one goroutine's loop grows
			// no threads either, so nothing is reported.
			if r, ok := a.nodeReach(parts...); ok && r.scalar && !r.deep && !a.callsItemMethod(loop, parts) {
				found = append(found, finding{loop, r, g.site})
			}
			return true
		})
	}
	// Report the innermost loop only: an outer loop around a reported one adds nothing.
	sort.Slice(found, func(i, j int) bool { return found[i].loop.Pos() < found[j].loop.Pos() })
	reported := map[token.Pos]bool{}
	for i, f := range found {
		inner := false
		for j, g := range found {
			if i != j && g.loop != f.loop && g.loop.Pos() > f.loop.Pos() && g.loop.End() <= f.loop.End() {
				inner = true
				break
			}
		}
		if inner || reported[f.loop.Pos()] {
			continue
		}
		reported[f.loop.Pos()] = true
		related := []analysis.RelatedInformation{{Pos: f.site.Node.Pos(), Message: "goroutine started here"}}
		if f.r.pos.IsValid() {
			related = append(related, analysis.RelatedInformation{Pos: f.r.pos, Message: f.r.callNote(a.pass.Pkg)})
		}
		what := f.r.what(a.pass.Pkg)
		if f.r.via != nil {
			what += "," // "calls F, which calls C.f, on every iteration"
		}
		a.pass.Report(analysis.Diagnostic{
			Pos:     f.loop.Pos(),
			End:     loopHeadEnd(f.loop),
			Message: loopMessage(what),
			URL:     costs.CgoCrossing.URL,
			Related: related,
		})
	}
}

// underTimer reports a node nested in a loop paced by a timer, or in a select case that receives
// from one: the per-tick work (commit each partition every second) does not run at the input's rate.
func (a *checker) underTimer(stack []ast.Node) bool {
	for _, n := range stack {
		switch n := n.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			if a.paced(n.(ast.Stmt)) {
				return true
			}
		case *ast.CommClause:
			if n.Comm != nil && a.receivesTimer(n.Comm) {
				return true
			}
		}
	}
	return false
}

// receivesTimer reports a select case statement that receives from a timer channel.
func (a *checker) receivesTimer(comm ast.Stmt) bool {
	var x ast.Expr
	switch c := comm.(type) {
	case *ast.ExprStmt:
		x = c.X
	case *ast.AssignStmt:
		if len(c.Rhs) == 1 {
			x = c.Rhs[0]
		}
	}
	u, ok := ast.Unparen(x).(*ast.UnaryExpr)
	return ok && u.Op == token.ARROW && isTimeChan(a.pass.TypesInfo.TypeOf(u.X))
}

// callsItemMethod reports a range loop whose calls into C are all methods of the item itself
// (for _, p := range producers { p.Flush(); p.Close() }): a loop over handles that each own C
// resources, one call per resource, with nothing to batch.
func (a *checker) callsItemMethod(loop ast.Stmt, parts []ast.Node) bool {
	rs, ok := loop.(*ast.RangeStmt)
	if !ok {
		return false
	}
	var item types.Object
	if id, ok := rs.Value.(*ast.Ident); ok {
		item = a.pass.TypesInfo.ObjectOf(id)
	}
	if item == nil {
		return false
	}
	any, other := false, false
	for _, part := range parts {
		walk(part, func(n ast.Node, _ []ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if _, reaches := a.callReach(call); !reaches {
				return true
			}
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
				if id, ok := ast.Unparen(sel.X).(*ast.Ident); ok && a.pass.TypesInfo.ObjectOf(id) == item {
					any = true
					return true
				}
			}
			other = true
			return true
		})
	}
	return any && !other
}

// loopHeadEnd keeps a loop's range to its header.
func loopHeadEnd(loop ast.Stmt) token.Pos {
	switch l := loop.(type) {
	case *ast.ForStmt:
		return l.Body.Lbrace + 1
	case *ast.RangeStmt:
		return l.Body.Lbrace + 1
	}
	return loop.End()
}

// The messages, built in one place. Pattern 1 is about threads; the advice to batch is added only
// where a batch is possible in principle (batch: the C call takes only C scalars).
func spawnMessage(api, what string, batch bool) string {
	fix := "bound the goroutines (a semaphore of runtime.GOMAXPROCS(0))"
	if batch {
		fix += " or batch the items into one C call"
	}
	return "goroutine started per item by " + api + " calls " + what +
		": each goroutine blocked in C occupies an OS thread, so the process's threads grow with the input; " +
		fix + " (" + costs.CgoThreads.Summary + ")"
}

// loopMessage is pattern 2's message; pattern 2 is reported only where a batch is possible.
func loopMessage(what string) string {
	return "loop in a goroutine calls " + what + " on every iteration: " +
		"each iteration crosses from Go into C and back; convert the items to C scalars in the loop and batch them into one C call per batch (" +
		costs.CgoCrossing.Summary + ")"
}
