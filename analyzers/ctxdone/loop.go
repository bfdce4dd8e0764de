package ctxdone

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/goroguard/goroguard/internal/apis"
	"github.com/goroguard/goroguard/internal/costs"
)

// foreverLoop is a loop that can never end and parks on channel operations.
type foreverLoop struct {
	stmt ast.Stmt // *ast.ForStmt or *ast.RangeStmt
	ops  string   // "receiving from in", "selecting on in and t.C"
	// spin is a receive from a channel that is closed somewhere in the package: once it is
	// closed, the receive never blocks again and the loop spins.
	spin ast.Expr
}

// topForever returns the first never-ending channel loop among the top-level statements of body:
// a loop that every run of the function reaching it can never leave.
func (c *checker) topForever(body *ast.BlockStmt) *foreverLoop {
	for _, s := range body.List {
		label := ""
		if l, ok := s.(*ast.LabeledStmt); ok {
			label, s = l.Label.Name, l.Stmt
		}
		if fl := c.forever(s, label); fl != nil {
			return fl
		}
	}
	return nil
}

// forever reports whether s is a loop with no way out that blocks on channels.
//
// Only two loop shapes qualify: `for { ... }` (no condition) and `for range t.C` over a
// time.Ticker or time.Timer channel or time.Tick, which no one ever closes (Ticker.Stop does not
// close C). A range over any other channel ends when the channel is closed, which this check
// cannot rule out.
func (c *checker) forever(s ast.Stmt, label string) *foreverLoop {
	var body *ast.BlockStmt
	var extra []chanOp
	switch s := s.(type) {
	case *ast.ForStmt:
		if s.Cond != nil && !isTrue(c.info, s.Cond) {
			return nil
		}
		body = s.Body
	case *ast.RangeStmt:
		if !c.isTimeChan(s.X) {
			return nil
		}
		body = s.Body
		extra = append(extra, chanOp{expr: s.X, recv: true})
	default:
		return nil
	}
	if c.loopExit(body, label) != nil {
		return nil
	}
	ops := append(extra, c.blockingOps(body)...)
	if len(ops) == 0 {
		return nil // a loop that never parks on a channel is not this analyzer's business
	}
	fl := &foreverLoop{stmt: s}
	var names []string
	seen := map[string]bool{}
	kinds := map[bool]int{}
	for _, op := range ops {
		obj := c.varOf(op.expr)
		if obj != nil && c.signals[obj] {
			return nil // waiting for signals forever is what a signal handler does
		}
		if op.recv && fl.spin == nil {
			if _, ok := c.closed[obj]; ok && obj != nil {
				fl.spin = op.expr
			} else if c.isCtxDone(op.expr) {
				fl.spin = op.expr
			}
		}
		kinds[op.recv]++
		if n := render(op.expr); !seen[n] && len(names) < 3 {
			seen[n] = true
			names = append(names, n)
		}
	}
	verb := "receiving from "
	switch {
	case len(ops) > 1:
		verb = "blocking on "
	case kinds[false] > 0:
		verb = "sending on "
	}
	fl.ops = verb + strings.Join(names, ", ")
	return fl
}

// isCtxDone reports whether e is ctx.Done() on a context: closed once the context is cancelled.
func (c *checker) isCtxDone(e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return false
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Done" && apis.IsContext(c.info.TypeOf(sel.X))
}

// isTrue reports whether e is the constant true.
func isTrue(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	return ok && tv.Value != nil && tv.Value.String() == "true"
}

// isTimeChan reports whether e is the C field of a time.Ticker or time.Timer, or a call to
// time.Tick: channels that are never closed.
func (c *checker) isTimeChan(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.SelectorExpr:
		if sel, ok := c.info.Selections[e]; ok {
			v, ok := sel.Obj().(*types.Var)
			return ok && v.IsField() && v.Name() == "C" && v.Pkg() != nil && v.Pkg().Path() == "time"
		}
	case *ast.CallExpr:
		return apis.IsFuncCall(c.info, e, apis.Func{Pkg: "time", Name: "Tick"})
	}
	return false
}

// loopExit returns a statement or call through which control can leave a loop with the given
// body and label, or nil when there is none: a return, a goto, a break (or labeled continue)
// that targets the loop or an outer statement, or a call that never returns (panic, os.Exit,
// runtime.Goexit, log.Fatal, t.Fatal and anything ctrlflow knows does not return).
func (c *checker) loopExit(body *ast.BlockStmt, label string) ast.Node {
	inside := map[string]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if l, ok := n.(*ast.LabeledStmt); ok {
			inside[l.Label.Name] = true
		}
		return true
	})
	var exit ast.Node
	var walk func(root ast.Node, inner bool)
	walk = func(root ast.Node, inner bool) {
		ast.Inspect(root, func(n ast.Node) bool {
			if exit != nil {
				return false
			}
			if n == root {
				return true
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				// An unlabeled break inside these targets them, not our loop.
				walk(n, true)
				return false
			case *ast.ReturnStmt:
				exit = n
			case *ast.BranchStmt:
				switch n.Tok {
				case token.GOTO:
					exit = n // conservative: any goto may leave
				case token.BREAK:
					if (n.Label == nil && !inner) || (n.Label != nil && !inside[n.Label.Name]) {
						exit = n
					}
				case token.CONTINUE:
					if n.Label != nil && !inside[n.Label.Name] && n.Label.Name != label {
						exit = n
					}
				}
			case *ast.CallExpr:
				if c.noReturn(n) {
					exit = n
				}
			}
			return true
		})
	}
	walk(body, false)
	return exit
}

// noReturn reports whether call never returns: panic, or a function ctrlflow knows stops the
// goroutine or the process.
func (c *checker) noReturn(call *ast.CallExpr) bool {
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
		if b, ok := c.info.Uses[id].(*types.Builtin); ok && b.Name() == "panic" {
			return true
		}
	}
	fn := typeutil.StaticCallee(c.info, call)
	if fn == nil {
		return false
	}
	if c.cfgs.NoReturn(fn) {
		return true
	}
	return knownNoReturn(fn)
}

// knownNoReturn is the table of functions that stop the goroutine or the process, for calls that
// ctrlflow has not classified (calls not in statement position).
func knownNoReturn(fn *types.Func) bool {
	if fn.Pkg() == nil {
		return false
	}
	name := fn.Name()
	switch fn.Pkg().Path() {
	case "os", "syscall":
		return name == "Exit"
	case "runtime":
		return name == "Goexit"
	case "log":
		return strings.HasPrefix(name, "Fatal") || strings.HasPrefix(name, "Panic")
	case "testing":
		return name == "Fatal" || name == "Fatalf" || name == "FailNow" || name == "Skip" || name == "Skipf" || name == "SkipNow"
	}
	return false
}

// chanOp is one channel operation in a loop.
type chanOp struct {
	expr ast.Expr // the channel
	recv bool
}

// blockingOps lists the channel operations in body that can park: receives, sends, selects
// without a default case and ranges over channels. Operations inside function literals do not
// run in the loop; operations in a select with a default case never park.
func (c *checker) blockingOps(body *ast.BlockStmt) []chanOp {
	var ops []chanOp
	skip := map[ast.Node]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		if skip[n] {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.SelectStmt:
			for _, cl := range n.Body.List {
				if cc, ok := cl.(*ast.CommClause); ok && cc.Comm == nil {
					for _, cl := range n.Body.List {
						if cc, ok := cl.(*ast.CommClause); ok && cc.Comm != nil {
							skip[cc.Comm] = true
						}
					}
					break
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				ops = append(ops, chanOp{expr: n.X, recv: true})
			}
		case *ast.SendStmt:
			ops = append(ops, chanOp{expr: n.Chan})
		case *ast.RangeStmt:
			if _, ok := apis.IsChan(c.info.TypeOf(n.X)); ok {
				ops = append(ops, chanOp{expr: n.X, recv: true})
			}
		}
		return true
	})
	return ops
}

// ctxFor names a context the code at pos could observe, with its variable: a variable of a
// context type declared before pos in an enclosing scope (parameters and locals of the enclosing
// functions, including the spawner's for a function literal), or a context field of decl's
// receiver.
func (c *checker) ctxFor(pos token.Pos, decl *ast.FuncDecl) (string, types.Object) {
	pkgScope := c.pass.Pkg.Scope()
	for s := pkgScope.Innermost(pos); s != nil && s != pkgScope && s != types.Universe; s = s.Parent() {
		for _, name := range s.Names() {
			if v, ok := s.Lookup(name).(*types.Var); ok && v.Pos() < pos && apis.IsContext(v.Type()) && !c.neverCancelled(v) {
				return name, v
			}
		}
	}
	if decl == nil {
		return "", nil
	}
	if fn, ok := c.info.Defs[decl.Name].(*types.Func); ok {
		if sig, ok := fn.Type().(*types.Signature); ok {
			for i := 0; i < sig.Params().Len(); i++ {
				if p := sig.Params().At(i); apis.IsContext(p.Type()) {
					return "its context parameter", p // an unnamed or blank context parameter
				}
			}
			if r := sig.Recv(); r != nil && r.Name() != "" && r.Name() != "_" {
				t := r.Type()
				if p, ok := types.Unalias(t).(*types.Pointer); ok {
					t = p.Elem()
				}
				if st, ok := t.Underlying().(*types.Struct); ok {
					for i := 0; i < st.NumFields(); i++ {
						if f := st.Field(i); apis.IsContext(f.Type()) {
							return r.Name() + "." + f.Name(), f
						}
					}
				}
			}
		}
	}
	return "", nil
}

// checkLoop reports a goroutine whose body reaches a loop that never ends (pattern 2), directly
// or through a function with a ForeverFact (pattern 4).
func (c *checker) checkLoop(si *siteInfo) {
	var (
		ops, ctxName, spin string
		ctx                types.Object // the ignored context as the spawner sees it
		loop               ast.Node     // the loop, when in this package
		who                = "goroutine"
	)
	if lit := si.Lit(); lit != nil {
		if fl := c.topForever(lit.Body); fl != nil {
			loop, ops = fl.stmt, fl.ops
			ctxName, ctx = c.ctxFor(fl.stmt.Pos(), si.decl)
			if fl.spin != nil {
				spin = render(fl.spin)
			}
		} else if fn, call, fact := c.foreverCallIn(lit.Body); fact != nil {
			who = "goroutine calls " + fn.Name() + ", which"
			ops, ctxName, spin = fact.Ops, fact.Ctx, fact.Spin
			ctx = c.factCtxObj(call, fn, ctxName)
			if c.passesUncancelled(call, fn, ctxName) {
				ctxName = ""
			}
		}
	} else if fn := si.Callee(c.info); fn != nil {
		var fact ForeverFact
		if c.pass.ImportObjectFact(fn.Origin(), &fact) {
			who = "goroutine " + render(si.Fn)
			ops, ctxName, spin = fact.Ops, fact.Ctx, fact.Spin
			ctx = c.factCtxObj(si.Call, fn, ctxName)
			if c.passesUncancelled(si.Call, fn, ctxName) {
				ctxName = ""
			}
		}
	}
	if ops == "" {
		return
	}
	if spin == "" && ctxName != "" && !c.cfg.LoopsAnyContext && !c.cancelSeen(si, ctx) {
		// Nothing shows the context is cancelled while the process runs (loopcancel.go).
		ctxName = ""
	}
	d := analysis.Diagnostic{Pos: si.Node.Pos(), End: si.Call.Lparen, URL: costs.ParkedGoroutine.URL}
	switch {
	case strings.HasSuffix(spin, ".Done()"):
		d.Message = who + " loops forever " + ops + "; " + spin + " is closed once " + strings.TrimSuffix(spin, ".Done()") +
			" is cancelled, and then the loop spins without ever returning (" + costs.ParkedGoroutine.Summary + ")"
	case spin != "":
		d.Message = who + " loops forever " + ops + "; " + spin +
			" is closed in this package, and once it is the loop spins without ever returning (" + costs.ParkedGoroutine.Summary + ")"
		if obj := c.chanObjByName(spin); obj != nil {
			if cl := c.closed[obj]; cl != nil {
				d.Related = append(d.Related, analysis.RelatedInformation{Pos: cl.Pos(), End: cl.End(), Message: spin + " is closed here"})
			}
		}
	case ctxName != "":
		d.Message = who + " loops forever " + ops + " and never observes " + ctxName +
			": no case or exit ends the loop, so the goroutine outlives its context (" + costs.ParkedGoroutine.Summary + ")"
	case c.cfg.IncludeMain && c.isMainOrInit(si):
		d.Message = who + " loops forever " + ops + " with no exit (" + costs.ParkedGoroutine.Summary + ")"
	default:
		return
	}
	if loop != nil {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: loop.Pos(), End: loop.Pos() + 3,
			Message: "this loop has no return, break or cancellation case"})
	}
	c.report(si, d)
}

// chanObjByName finds the closed channel whose rendering is name (used for Related only).
func (c *checker) chanObjByName(name string) types.Object {
	for obj, call := range c.closed {
		if len(call.Args) > 0 && render(call.Args[0]) == name {
			return obj
		}
	}
	return nil
}

// passesUncancelled reports whether the context parameter ctxName of fn gets, at call, a context
// that is never cancelled: context.Background() or context.TODO(), directly or through a local
// assigned only those. The loop that ignores it then ignores nothing (`ctx := context.Background();
// go h.handle(ctx)` in a process's Main).
func (c *checker) passesUncancelled(call *ast.CallExpr, fn *types.Func, ctxName string) bool {
	sig, _ := fn.Type().(*types.Signature)
	if call == nil || sig == nil || ctxName == "" {
		return false
	}
	for i := 0; i < sig.Params().Len() && i < len(call.Args); i++ {
		if sig.Params().At(i).Name() != ctxName {
			continue
		}
		switch a := ast.Unparen(call.Args[i]).(type) {
		case *ast.Ident:
			v, ok := c.info.Uses[a].(*types.Var)
			return ok && c.neverCancelled(v)
		case *ast.CallExpr:
			f, ok := typeutil.Callee(c.info, a).(*types.Func)
			return ok && f.Pkg() != nil && f.Pkg().Path() == "context" && (f.Name() == "Background" || f.Name() == "TODO")
		}
	}
	return false
}

// foreverCallIn returns a function with a ForeverFact that body calls unconditionally at its top
// level (`s.loop(ctx)` or `return s.loop(ctx)`), and the call.
func (c *checker) foreverCallIn(body *ast.BlockStmt) (*types.Func, *ast.CallExpr, *ForeverFact) {
	for _, s := range body.List {
		var call *ast.CallExpr
		switch s := s.(type) {
		case *ast.ExprStmt:
			call, _ = ast.Unparen(s.X).(*ast.CallExpr)
		case *ast.ReturnStmt:
			if len(s.Results) == 1 {
				call, _ = ast.Unparen(s.Results[0]).(*ast.CallExpr)
			}
		}
		if call == nil {
			continue
		}
		fn, ok := typeutil.Callee(c.info, call).(*types.Func)
		if !ok {
			continue
		}
		var fact ForeverFact
		if c.pass.ImportObjectFact(fn.Origin(), &fact) {
			return fn, call, &fact
		}
	}
	return nil, nil, nil
}

func (c *checker) isMainOrInit(si *siteInfo) bool {
	if si.decl == nil || si.decl.Recv != nil {
		return false
	}
	return si.decl.Name.Name == "init" || (si.decl.Name.Name == "main" && c.pass.Pkg.Name() == "main")
}

// render prints an expression or statement for a message, shortened.
func render(n ast.Node) string {
	var buf bytes.Buffer
	if err := format.Node(&buf, token.NewFileSet(), n); err != nil {
		return "?"
	}
	s := strings.Join(strings.Fields(buf.String()), " ")
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}
