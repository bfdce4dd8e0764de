package spawnloop

import (
	_ "embed"
	"flag"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/goroguard/goroguard/internal/costs"
	"github.com/goroguard/goroguard/internal/docx"
	"github.com/goroguard/goroguard/internal/guard"
	"github.com/goroguard/goroguard/internal/spawn"
	"github.com/goroguard/goroguard/internal/testcode"
)

//go:embed doc.go
var doc string

// Name is the analyzer's name: its flag prefix, its directive key and its golangci-lint settings key.
const Name = "spawnloop"

// Config is spawnloop's configuration. Each field is both a flag (-spawnloop.<name>) and a golangci-lint
// setting of the same name (the json tag).
type Config struct {
	// ReportAcceptLoops reports `for { c, _ := ln.Accept(); go serve(c) }` accept loops and
	// their datagram form, a goroutine per packet read from a UDP or packet socket.
	ReportAcceptLoops bool `json:"report-accept-loops"`
	// MaxConstantTrips, when positive, reports loops whose constant trip count exceeds it. Zero,
	// the default, never reports a constant trip count: it is the program's choice, not input
	// (held-out runs judged every constant-count finding unwanted: a load generator's 2000
	// subscribers, a fixed table of 4096 slots, a stress helper's 100 iterations).
	MaxConstantTrips int `json:"max-constant-trips"`
	// IncludeTests analyses test code too: _test.go files, test helpers and test doubles
	// (internal/testcode).
	IncludeTests bool `json:"include-tests"`
	// ReportUnknownSources also reports loops over data of unknown origin: parameters of exported
	// functions (or of unexported ones no caller shows to be input), fields and channels nobody is
	// shown to feed from input. This is the broad mode of earlier versions; off by default.
	ReportUnknownSources bool `json:"report-unknown-sources"`
}

// DefaultMaxConstantTrips is the default of max-constant-trips: constant trip counts are not
// reported.
const DefaultMaxConstantTrips = 0

// Default returns the configuration used by Analyzer.
func Default() Config { return Config{MaxConstantTrips: DefaultMaxConstantTrips} }

// RegisterFlags binds c's fields to fs, with c's current values as defaults.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.BoolVar(&c.ReportAcceptLoops, "report-accept-loops", c.ReportAcceptLoops,
		"report accept loops that start one goroutine per accepted connection, and packet loops that start one per datagram read")
	fs.IntVar(&c.MaxConstantTrips, "max-constant-trips", c.MaxConstantTrips,
		"report loops whose trip count is a constant larger than this (0: never; a constant is not input)")
	fs.BoolVar(&c.IncludeTests, "include-tests", c.IncludeTests,
		"also analyse test code: _test.go files, test helpers and test doubles (tests fan out on purpose)")
	fs.BoolVar(&c.ReportUnknownSources, "report-unknown-sources", c.ReportUnknownSources,
		"also report loops over parameters, fields and channels not shown to come from input, directory listings, listing queries, gRPC stream messages and tables of unknown occupancy (the broad mode)")
}

// Analyzer is spawnloop with the default configuration (Bazel nogo and vet use this variable).
var Analyzer = New(Default())

// New returns a spawnloop analyzer that owns a copy of cfg; its flags change only that copy.
func New(cfg Config) *analysis.Analyzer {
	c := cfg
	a := &analysis.Analyzer{
		Name:      Name,
		Doc:       docx.Extract(doc, Name),
		URL:       "https://pkg.go.dev/github.com/goroguard/goroguard/analyzers/spawnloop",
		Requires:  []*analysis.Analyzer{inspect.Analyzer},
		FactTypes: []analysis.Fact{new(SpawnsFact)},
	}
	c.RegisterFlags(&a.Flags)
	a.Run = guard.Run(Name, func(pass *guard.Pass) (any, error) { return run(pass, &c) })
	return a
}

// SpawnsFact records that calling a function starts goroutines the caller does not wait for:
// one on every call (PerCall), or one per item of its parameter number Param-1 (Param > 0).
// Waits says that the function waits for every per-item goroutine of Param before it returns
// (wg.Wait() after the loop): a loop of calls then runs one call's fan-out at a time, not a nested
// fan-out of items times sub-items.
type SpawnsFact struct {
	PerCall bool
	Param   int
	Name    string
	Waits   bool
}

// AFact marks SpawnsFact as an analysis fact.
func (*SpawnsFact) AFact() {}

func (f *SpawnsFact) String() string {
	var parts []string
	if f.PerCall {
		parts = append(parts, "spawns per call")
	}
	if f.Param > 0 {
		parts = append(parts, "spawns per item of "+f.Name)
		if f.Waits {
			parts = append(parts, "waits")
		}
	}
	return strings.Join(parts, ", ")
}

// event is a place that starts goroutines: a spawn site, or a call to a function with a SpawnsFact.
type event struct {
	node   ast.Node
	stack  []ast.Node
	site   *spawn.Site
	call   *ast.CallExpr
	callee *types.Func
}

type checker struct {
	pass   *guard.Pass
	cfg    *Config
	local  map[*types.Func]*SpawnsFact // facts of this package's functions, computed to a fixed point
	limits map[types.Object]bool       // cache of groupLimited for fields and package vars
	loops  map[*types.Func]bool        // cache of eventLoop

	events     []*event    // spawn sites and calls of the package's (and spawning) functions
	sends      []*sendSite // send statements, for channels fed from input
	decls      map[*types.Func]*ast.FuncDecl
	callerMemo map[paramKey]*memoEntry
	resultMemo map[*types.Func]*memoEntry
	fedMemo    map[types.Object]*memoEntry
	readers    map[*types.Func]bool // cache of readsInput
}

func run(pass *guard.Pass, cfg *Config) (any, error) {
	insp := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	c := &checker{pass: pass, cfg: cfg, local: map[*types.Func]*SpawnsFact{}, limits: map[types.Object]bool{}, loops: map[*types.Func]bool{},
		callerMemo: map[paramKey]*memoEntry{}, resultMemo: map[*types.Func]*memoEntry{}, fedMemo: map[types.Object]*memoEntry{}, readers: map[*types.Func]bool{}}
	imported := len(pass.AllObjectFacts()) > 0

	var events []*event
	spawns := 0
	// Test code: _test.go files, test helpers in ordinary files, test doubles (a mock server).
	tests := testcode.New(pass.Fset, pass.Pkg, pass.Files)
	insp.WithStack([]ast.Node{(*ast.GoStmt)(nil), (*ast.CallExpr)(nil), (*ast.SendStmt)(nil)}, func(n ast.Node, push bool, stack []ast.Node) bool {
		if !push {
			return true
		}
		pass.At(n.Pos())
		if !cfg.IncludeTests && tests.IsTestCode(n.Pos()) {
			return false
		}
		if send, ok := n.(*ast.SendStmt); ok {
			c.sends = append(c.sends, &sendSite{send: send, stack: append([]ast.Node(nil), stack...)})
			return true
		}
		if s, ok := spawn.At(pass.TypesInfo, n); ok {
			spawns++
			events = append(events, &event{node: n, stack: append([]ast.Node(nil), stack...), site: &s})
			return true
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if len(stack) >= 2 {
			if g, ok := stack[len(stack)-2].(*ast.GoStmt); ok && g.Call == call {
				return true // the go statement itself is the spawn
			}
		}
		fn, _ := typeutil.Callee(pass.TypesInfo, call).(*types.Func)
		if fn == nil || fn.Pkg() == nil {
			return true
		}
		if fn.Pkg() == pass.Pkg || (imported && pass.ImportObjectFact(fn, new(SpawnsFact))) {
			events = append(events, &event{node: n, stack: append([]ast.Node(nil), stack...), call: call, callee: fn})
		}
		return true
	})
	if spawns == 0 && !imported {
		return nil, nil // nothing in this package starts a goroutine
	}
	c.events = events

	// Facts of this package's functions depend on each other: iterate to a fixed point (bounded).
	for iter := 0; iter < 5; iter++ {
		changed := false
		for _, ev := range events {
			if c.eval(ev, false) {
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	for fn, f := range c.local {
		pass.ExportObjectFact(fn, f)
	}
	for _, ev := range events {
		c.eval(ev, true)
	}
	return nil, nil
}

// factOf returns the SpawnsFact of fn, from this package's fixed point or an imported package.
func (c *checker) factOf(fn *types.Func) *SpawnsFact {
	if fn == nil {
		return nil
	}
	if fn.Pkg() == c.pass.Pkg {
		return c.local[fn.Origin()]
	}
	f := new(SpawnsFact)
	if c.pass.ImportObjectFact(fn.Origin(), f) {
		return f
	}
	return nil
}

// addFact merges f into the fact of the function declared by decl; it reports whether that changed.
// waits is whether the function waits for that parameter's goroutines before returning; the fact
// keeps Waits only while every fan-out over the parameter does.
func (c *checker) addFact(decl *ast.FuncDecl, perCall bool, param int, name string, waits bool) bool {
	fn, _ := c.pass.TypesInfo.Defs[decl.Name].(*types.Func)
	if fn == nil {
		return false
	}
	f := c.local[fn]
	if f == nil {
		f = &SpawnsFact{}
		c.local[fn] = f
	}
	changed := false
	if perCall && !f.PerCall {
		f.PerCall, changed = true, true
	}
	if param > 0 && f.Param == 0 {
		f.Param, f.Name, f.Waits, changed = param, name, waits, true
	} else if param > 0 && f.Waits && !waits {
		f.Waits, changed = false, true
	}
	return changed
}

// eval examines one event. With report unset it only derives facts and reports whether a fact
// changed; with report set it reports the finding, if any.
func (c *checker) eval(ev *event, report bool) bool {
	pass := c.pass
	pass.At(ev.node.Pos())
	var fact *SpawnsFact
	if ev.site == nil {
		fact = c.factOf(ev.callee)
		if fact == nil {
			return false
		}
	}
	// A long-lived loop per item (go sendLoop.loop(), go w.serveSubstream(ws)) is a component per
	// configured or registered thing, not per-item work (accept loops aside: see below).
	longLived := ev.site != nil && c.longLived(ev.site)
	stack := ev.stack
	fnIdx := -1
	for i := len(stack) - 1; i >= 0; i-- {
		if _, ok := stack[i].(*ast.FuncDecl); ok {
			fnIdx = i
			break
		}
		if _, ok := stack[i].(*ast.FuncLit); ok {
			fnIdx = i
			break
		}
	}
	if fnIdx < 0 {
		return false
	}
	decl, _ := stack[fnIdx].(*ast.FuncDecl)
	stmtIdx := stmtIndex(stack)

	// The loops between the function and the event, innermost first.
	var loops []int
	for i := len(stack) - 2; i > fnIdx; i-- {
		switch l := stack[i].(type) {
		case *ast.ForStmt:
			if l.Body == stack[i+1] {
				loops = append(loops, i)
			}
		case *ast.RangeStmt:
			if l.Body == stack[i+1] {
				loops = append(loops, i)
			}
		}
	}

	if len(loops) == 0 {
		if report {
			return c.argReport(ev, fact, stack, fnIdx, report)
		}
		if decl == nil {
			return false
		}
		changed := false
		// A function that unconditionally starts a goroutine it does not wait for spawns per call.
		perCall := (ev.site != nil && ev.site.Kind == spawn.GoStmt) || (fact != nil && fact.PerCall)
		if perCall && !longLived && c.unconditional(stack, fnIdx, stmtIdx) && !c.waitsAfter(stack, fnIdx+1, stmtIdx) &&
			!drainsResult(stack, stmtIdx) && !c.defersWait(decl.Body) &&
			!(ev.site != nil && signalsAfter(stack, fnIdx+1, stmtIdx, ev.site.Lit())) &&
			!(ev.site != nil && ev.site.Lit() != nil && c.selfLimited(ev.site.Lit())) {
			changed = c.addFact(decl, true, 0, "", false) || changed
		}
		// A function that passes its parameter to a per-item spawner spawns per item of it.
		if fact != nil && fact.Param > 0 && fact.Param-1 < len(ev.call.Args) {
			if src := c.classifyData(ev.call.Args[fact.Param-1], stack, fnIdx, 0); (src.kind == unbounded || src.kind == unknown) && src.param > 0 && src.owner == fnIdx {
				changed = c.addFact(decl, false, src.param, src.paramName, fact.Waits) || changed
			}
		}
		return changed
	}

	var src source
	var loopIdx int
	for _, li := range loops {
		src = c.classifyLoop(stack, li, fnIdx, ev.node, 0)
		loopIdx = li
		if src.kind == trips && c.boundedTrips(src.trips) {
			continue // a small constant multiplier: look at the enclosing loop
		}
		break
	}
	if longLived && src.kind != accept {
		return false
	}
	reportable := false
	switch src.kind {
	case unbounded:
		reportable = true
	case unknown:
		reportable = c.cfg.ReportUnknownSources
	case trips:
		if c.boundedTrips(src.trips) {
			return c.argReport(ev, fact, stack, fnIdx, report)
		}
		src.desc = fmt.Sprintf("a loop of %d iterations", src.trips)
		reportable = true
	case accept:
		if !c.cfg.ReportAcceptLoops {
			return false
		}
		reportable = true
	default:
		return c.argReport(ev, fact, stack, fnIdx, report)
	}
	if c.bounded(ev, stack, fnIdx, loopIdx, stmtIdx, src.ch) {
		return false
	}
	if ev.site == nil && !fact.PerCall && (fact.Param == 0 ||
		(fact.Param-1 < len(ev.call.Args) && isBatch(c.pass.TypesInfo, ev.call.Args[fact.Param-1]))) {
		return false // a batch the caller cut: the callee's fan-out is as large as the batch
	}
	if ev.site == nil && !fact.PerCall && fact.Waits {
		// Each call waits for its own fan-out: one call's items run at a time, so what counts is
		// the argument of one call, not the loop (openGemini's assignDbpt per database).
		return c.argReport(ev, fact, stack, fnIdx, report)
	}

	if !report {
		if decl != nil && (src.kind == unbounded || src.kind == unknown) && src.param > 0 && src.owner == fnIdx {
			waits := c.waitsAfter(stack, fnIdx+1, loopIdx) || (decl.Body != nil && c.defersWait(decl.Body))
			if ev.site == nil {
				waits = waits && fact.Waits && !fact.PerCall
			}
			return c.addFact(decl, false, src.param, src.paramName, waits)
		}
		return false
	}
	if !reportable {
		return c.argReport(ev, fact, stack, fnIdx, report)
	}
	c.report(ev, fact, src, stack[loopIdx])
	return false
}

// bounded reports whether something bounds the goroutines the loop at stack[loopIdx] starts at
// the event: a limiter, a wait, an exit, a registry, a group limit, an in-flight counter, a batch,
// one-at-a-time handling of the previous goroutine, a blocking receive from another channel than
// the items' (srcCh) before the spawn, or one spawn per distinct key of a map.
func (c *checker) bounded(ev *event, stack []ast.Node, fnIdx, loopIdx, stmtIdx int, srcCh string) bool {
	body := loopBody(stack[loopIdx])
	if c.limiterBefore(body, ev) || c.waitsAfter(stack, loopIdx+1, stmtIdx) || exitsAfter(stack, loopIdx, stmtIdx) ||
		c.registered(body, ev) || c.gatedByReceive(stack, loopIdx, stmtIdx, srcCh) || c.deduplicated(stack, fnIdx, loopIdx, stmtIdx) {
		return true
	}
	if ev.site != nil && ev.site.Spawner != nil && ev.site.Spawner.Limit != "" && c.groupLimited(ev.site, stack, fnIdx) {
		return true
	}
	return c.counterGuard(body, ev, stack, fnIdx, loopIdx) || c.batched(stack, fnIdx, loopIdx) ||
		c.previousHandled(body, ev)
}

// argReport reports, at a call outside any loop over input, a call that passes input to a
// function that spawns per item of that parameter: the function is exported or in another package,
// so its own loop stays silent (its parameter is unknown there) and the problem is reported where
// the input meets it.
// boundedTrips reports whether a constant trip count is bounded fan-out: always by default, up
// to max-constant-trips when that is set.
func (c *checker) boundedTrips(n int64) bool {
	return c.cfg.MaxConstantTrips <= 0 || n <= int64(c.cfg.MaxConstantTrips)
}

func (c *checker) argReport(ev *event, fact *SpawnsFact, stack []ast.Node, fnIdx int, report bool) bool {
	if !report || ev.site != nil || fact == nil || fact.Param == 0 || fact.Param-1 >= len(ev.call.Args) {
		return false
	}
	if ev.callee.Pkg() == c.pass.Pkg && !ev.callee.Exported() {
		return false // the callee's own loop is reported, with this call site as the source
	}
	arg := ev.call.Args[fact.Param-1]
	if isBatch(c.pass.TypesInfo, arg) {
		return false
	}
	src := c.classifyData(arg, stack, fnIdx, 0)
	if src.kind != unbounded {
		return false
	}
	msg := fmt.Sprintf("call to %s passes %s as its parameter %s, and %s starts one goroutine per item of it with no bound on how many run at once: %s",
		ev.callee.Name(), src.desc, fact.Name, ev.callee.Name(), suggestion)
	c.pass.Report(analysis.Diagnostic{
		Pos:     ev.node.Pos(),
		End:     ev.node.End(),
		Message: msg + " (" + costs.SpawnPerItem.Summary + ")",
		URL:     costs.SpawnPerItem.URL,
		Related: []analysis.RelatedInformation{{Pos: arg.Pos(), End: arg.End(), Message: "the items: " + src.desc}},
	})
	return false
}

func (c *checker) report(ev *event, fact *SpawnsFact, src source, loop ast.Node) {
	pass := c.pass
	var msg string
	switch {
	case ev.site != nil && ev.site.Spawner != nil && ev.site.Spawner.Limit != "":
		recv := types.ExprString(ev.site.Recv)
		msg = fmt.Sprintf("%s on %s in %s starts one goroutine per item and %s has no %s: call %s.%s(runtime.GOMAXPROCS(0)) before the loop",
			ev.site.API(), recv, src.desc, recv, ev.site.Spawner.Limit, recv, ev.site.Spawner.Limit)
	case ev.site != nil:
		msg = fmt.Sprintf("%s in %s starts one goroutine per item with no bound on how many run at once: %s",
			ev.site.API(), src.desc, suggestion)
	case fact.PerCall:
		msg = fmt.Sprintf("call to %s in %s starts one goroutine per item (%s starts a goroutine on every call) with no bound on how many run at once: %s",
			ev.callee.Name(), src.desc, ev.callee.Name(), suggestion)
	default:
		msg = fmt.Sprintf("call to %s in %s starts one goroutine per item of its parameter %s for every item, a nested fan-out with no bound on how many run at once: %s",
			ev.callee.Name(), src.desc, fact.Name, suggestion)
	}
	header := loop.Pos()
	end := loopBody(loop).Lbrace
	pass.Report(analysis.Diagnostic{
		Pos:     ev.node.Pos(),
		End:     ev.node.End(),
		Message: msg + " (" + costs.SpawnPerItem.Summary + ")",
		URL:     costs.SpawnPerItem.URL,
		Related: []analysis.RelatedInformation{{Pos: header, End: end, Message: "the loop: " + src.desc}},
	})
}

const suggestion = "acquire a semaphore before spawning, use an errgroup with SetLimit, or start runtime.GOMAXPROCS(0) workers that read the items from a channel"

func loopBody(n ast.Node) *ast.BlockStmt {
	switch l := n.(type) {
	case *ast.ForStmt:
		return l.Body
	case *ast.RangeStmt:
		return l.Body
	}
	return nil
}

// drainsResult reports whether the statement at stack[stmtIdx] receives from, or ranges over, the
// channel the call at the top of stack returns (for item := range m.IterBuffered(), v := <-f()):
// the caller waits for the goroutines the callee started to deliver and close the channel, so they
// do not outlive the call (concurrent-map's Items ranging over IterBuffered).
func drainsResult(stack []ast.Node, stmtIdx int) bool {
	call, ok := stack[len(stack)-1].(*ast.CallExpr)
	if !ok || stmtIdx+1 >= len(stack) {
		return false
	}
	if rs, ok := stack[stmtIdx].(*ast.RangeStmt); ok && ast.Unparen(rs.X) == call {
		return true
	}
	for j := stmtIdx + 1; j < len(stack)-1; j++ {
		if u, ok := stack[j].(*ast.UnaryExpr); ok && u.Op == token.ARROW && ast.Unparen(u.X) == call {
			return true
		}
	}
	return false
}

// defersWait reports whether the function body defers a wait among its top-level statements
// (defer wg.Wait(), defer g.Wait(), defer func() { <-done }()): every goroutine started before it
// returns is waited for.
func (c *checker) defersWait(body *ast.BlockStmt) bool {
	for _, s := range body.List {
		d, ok := s.(*ast.DeferStmt)
		if !ok {
			continue
		}
		if sel, ok := ast.Unparen(d.Call.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Wait" {
			return true
		}
		if c.blocks(d) {
			return true
		}
	}
	return false
}

// stmtIndex returns the index on stack of the statement that contains the top node.
func stmtIndex(stack []ast.Node) int {
	for i := len(stack) - 1; i >= 0; i-- {
		if _, ok := stack[i].(ast.Stmt); ok {
			return i
		}
	}
	return len(stack) - 1
}

// unconditional reports whether the statement at stack[stmt] runs on every call of the function at
// stack[fn]: it is reached through plain blocks only, and no return precedes it.
func (c *checker) unconditional(stack []ast.Node, fn, stmt int) bool {
	for i := fn + 1; i < stmt; i++ {
		switch stack[i].(type) {
		case *ast.BlockStmt, *ast.LabeledStmt:
		default:
			return false
		}
	}
	body, _ := stack[fn+1].(*ast.BlockStmt)
	if body == nil {
		return false
	}
	pos := stack[stmt].Pos()
	early := false
	ast.Inspect(body, func(n ast.Node) bool {
		if early || n == nil || n.Pos() >= pos {
			return false
		}
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			early = true
		}
		return true
	})
	return !early
}
