package asyncwrite

import (
	_ "embed"
	"flag"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/ctrlflow"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/goroguard/goroguard/internal/astx"
	"github.com/goroguard/goroguard/internal/costs"
	"github.com/goroguard/goroguard/internal/docx"
	"github.com/goroguard/goroguard/internal/guard"
	"github.com/goroguard/goroguard/internal/spawn"
)

//go:embed doc.go
var doc string

// Name is the analyzer's name: its flag prefix, its directive key and its golangci-lint settings key.
const Name = "asyncwrite"

// Config is asyncwrite's configuration. Each field is both a flag (-asyncwrite.<name>) and a golangci-lint
// setting of the same name (the json tag).
type Config struct {
	// HandlerTypes lists framework context types, as comma-separated qualified names
	// ("github.com/gin-gonic/gin.Context"), whose values act as both the response writer and the
	// request: a function with a parameter of such a type (or a pointer to it) is a handler, and
	// any use of that parameter inside a goroutine the handler does not wait for is reported.
	HandlerTypes string `json:"handler-types"`
}

// DefaultHandlerTypes are the framework context types recognised out of the box: both frameworks
// recycle the context for the next request once the handler returns.
const DefaultHandlerTypes = "github.com/gin-gonic/gin.Context,github.com/labstack/echo/v4.Context"

// Default returns the configuration used by Analyzer.
func Default() Config { return Config{HandlerTypes: DefaultHandlerTypes} }

// RegisterFlags binds c's fields to fs, with c's current values as defaults.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.HandlerTypes, "handler-types", c.HandlerTypes,
		"comma-separated qualified names of framework context types that act as response writer and request (replaces the default list)")
}

// Analyzer is asyncwrite with the default configuration (Bazel nogo and vet use this variable).
var Analyzer = New(Default())

// New returns a asyncwrite analyzer that owns a copy of cfg; its flags change only that copy.
func New(cfg Config) *analysis.Analyzer {
	c := cfg
	a := &analysis.Analyzer{
		Name:      Name,
		Doc:       docx.Extract(doc, Name),
		URL:       "https://pkg.go.dev/github.com/goroguard/goroguard/analyzers/asyncwrite",
		Requires:  []*analysis.Analyzer{inspect.Analyzer, ctrlflow.Analyzer},
		FactTypes: []analysis.Fact{new(Uses)},
	}
	c.RegisterFlags(&a.Flags)
	a.Run = guard.Run(Name, func(pass *guard.Pass) (any, error) { return run(pass, &c) })
	return a
}

// qualName is one entry of Config.HandlerTypes.
type qualName struct{ pkg, name string }

func parseHandlerTypes(s string) []qualName {
	var out []qualName
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		i := strings.LastIndex(f, ".")
		if i <= 0 || i == len(f)-1 {
			continue
		}
		out = append(out, qualName{f[:i], f[i+1:]})
	}
	return out
}

// checker holds one pass's state.
type checker struct {
	pass      *guard.Pass
	fwTypes   []qualName
	cfgs      *ctrlflow.CFGs
	decls     map[*types.Func]*ast.FuncDecl
	allDecls  map[*types.Func]*ast.FuncDecl // every function of the package, built on first need (declOf)
	summaries map[*types.Func]*Uses
	quiet     map[*types.Func][]int // quiet context parameters (quiet.go)
	// litSummaries caches the summary of a function literal called with arguments (go func(p T){}(x)).
	litSummaries map[*ast.FuncLit]*Uses
	// envs caches environments: per handler (param nil) and per summarised parameter.
	envs map[envKey]*env
}

type envKey struct {
	fn    ast.Node
	param *types.Var
}

// handlerEnv returns the environment of all of fn's parameters.
func (ck *checker) handlerEnv(fn ast.Node) *env {
	k := envKey{fn, nil}
	if e, ok := ck.envs[k]; ok {
		return e
	}
	e := ck.newEnv(fn, nil)
	ck.envs[k] = e
	return e
}

// paramEnv returns the environment of fn's parameter p alone.
func (ck *checker) paramEnv(fn ast.Node, p *types.Var) *env {
	k := envKey{fn, p}
	if e, ok := ck.envs[k]; ok {
		return e
	}
	e := ck.newEnv(fn, map[*types.Var]bool{p: true})
	ck.envs[k] = e
	return e
}

func run(pass *guard.Pass, c *Config) (any, error) {
	ck := &checker{
		pass:         pass,
		fwTypes:      parseHandlerTypes(c.HandlerTypes),
		decls:        map[*types.Func]*ast.FuncDecl{},
		summaries:    map[*types.Func]*Uses{},
		quiet:        map[*types.Func][]int{},
		litSummaries: map[*ast.FuncLit]*Uses{},
		envs:         map[envKey]*env{},
	}
	// Cheap first: without net/http (or a configured framework) no function can take a response
	// writer or a request, so the package can neither produce a fact nor contain a finding.
	if !ck.relevantPackage() {
		// Still a data layer the handlers' goroutines may call: which of its functions only
		// read values from their context.
		if importsContext(pass.Pkg) {
			ck.computeQuiet()
			ck.exportFacts()
		}
		return nil, nil
	}
	ck.cfgs, _ = pass.ResultOf[ctrlflow.Analyzer].(*ctrlflow.CFGs)
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)

	ck.computeQuiet()
	ck.computeSummaries()
	ck.exportFacts()

	// Handlers and the goroutines they start.
	ins.WithStack([]ast.Node{(*ast.GoStmt)(nil), (*ast.CallExpr)(nil)}, func(n ast.Node, push bool, stack []ast.Node) bool {
		if !push {
			return true
		}
		site, ok := spawn.At(pass.TypesInfo, n)
		if !ok {
			return true
		}
		pass.At(n.Pos())
		fn := astx.EnclosingFunc(stack)
		if fn == nil || !ck.isHandler(fn) {
			return true
		}
		ck.checkSite(fn, site, astx.EnclosingLoop(stack) != nil)
		return true
	})
	return nil, nil
}

func (ck *checker) relevantPackage() bool {
	paths := map[string]bool{"net/http": true}
	for _, q := range ck.fwTypes {
		paths[q.pkg] = true
	}
	if paths[trimVendor(ck.pass.Pkg.Path())] {
		return true
	}
	for _, imp := range ck.pass.Pkg.Imports() {
		if paths[trimVendor(imp.Path())] {
			return true
		}
	}
	return false
}

// importsContext reports whether pkg imports package context (or is it).
func importsContext(pkg *types.Package) bool {
	if pkg.Path() == "context" {
		return true
	}
	return slices.ContainsFunc(pkg.Imports(), func(p *types.Package) bool { return p.Path() == "context" })
}

func trimVendor(path string) string {
	if i := strings.LastIndex(path, "/vendor/"); i >= 0 {
		return path[i+len("/vendor/"):]
	}
	return path
}

// isHandler reports whether fn is an HTTP handler: it takes both an http.ResponseWriter and an
// *http.Request (this covers ServeHTTP methods and literals passed to HandleFunc-shaped APIs), or a
// parameter of a configured framework context type.
func (ck *checker) isHandler(fn ast.Node) bool {
	sig := ck.signature(fn)
	if sig == nil {
		return false
	}
	var w, r bool
	for i := 0; i < sig.Params().Len(); i++ {
		switch ck.roleOf(sig.Params().At(i).Type()) {
		case roleWriter:
			w = true
		case roleRequest:
			r = true
		case roleFramework:
			return true
		}
	}
	return w && r
}

func (ck *checker) signature(fn ast.Node) *types.Signature {
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		if obj, ok := ck.pass.TypesInfo.Defs[fn.Name].(*types.Func); ok {
			sig, _ := obj.Type().(*types.Signature)
			return sig
		}
	case *ast.FuncLit:
		sig, _ := ck.pass.TypesInfo.TypeOf(fn).(*types.Signature)
		return sig
	}
	return nil
}

func handlerName(fn ast.Node) string {
	if d, ok := fn.(*ast.FuncDecl); ok {
		return "handler " + d.Name.Name
	}
	return "the handler"
}

// checkSite reports the uses of the handler's writer, request and request context in the goroutine
// started at site, when the handler can return without waiting for that goroutine.
func (ck *checker) checkSite(fn ast.Node, site spawn.Site, perItem bool) {
	body := astx.FuncBody(fn)
	if body == nil {
		return
	}
	e := ck.handlerEnv(fn)
	found := ck.goroutineUses(e, site)
	if found.empty() {
		return
	}
	// After a Hijack the server no longer owns the connection: the handler's goroutines talk to
	// the hijacked net.Conn, and a stray use of w is the handler's own business.
	if hijacks(ck.pass.TypesInfo, body) {
		if found[kindWrite] != nil && !found[kindWrite].framework {
			found[kindWrite] = nil
		}
		// The handler returns when the connection ends: the request context's cancellation
		// is then the goroutine's teardown, not work cut short.
		found[kindCtx] = nil
	}
	// A handler that parsed the form before starting the goroutine leaves plain maps behind:
	// reading them later touches no body.
	if found[kindRead] != nil && found[kindRead].formOnly && parsesFormBefore(ck.pass.TypesInfo, e, body, site.Node.Pos()) {
		found[kindRead] = nil
	}
	if found.empty() {
		return
	}
	exits, waitsSomewhere, delegated := ck.unwaitedExits(fn, body, site, perItem)
	// A handler that waits for the goroutine on some path wants its result; where it returns
	// without it (an error, a timeout), cancelling the goroutine's work is the point of the
	// request context. Only fully detached work under it is reported.
	// A handler that returns only once the request's context is done leaves nothing to cut short.
	if waitsSomewhere || ((found[kindCtx] != nil || (found[kindWrite] != nil && found[kindWrite].ctxOnly)) && ck.returnsAfterCancel(fn, body, e, site)) {
		found[kindCtx] = nil
		// The framework context used only to reach the request's context (gin:
		// c.Request.Context()) is the same use.
		if found[kindWrite] != nil && found[kindWrite].ctxOnly {
			found[kindWrite] = nil
		}
	}
	name := handlerName(fn)
	if len(exits) == 0 && delegated {
		// Every path waits or returns a closure that waits: the callers must call it. The first
		// caller in the package that can return without calling it is the finding's other end.
		caller, cexits := ck.callersWait(fn)
		if caller == nil {
			return
		}
		exits = cexits
		name = handlerName(caller) + " (through the wait function " + funcDeclName(fn) + " returns, not called on every path)"
		if handlerName(caller) == "the handler" {
			name = "its caller (through the wait function " + funcDeclName(fn) + " returns, not called on every path)"
		}
	}
	if len(exits) == 0 || found.empty() {
		return
	}
	related := []analysis.RelatedInformation{{Pos: site.Node.Pos(), End: site.Node.Pos() + token.Pos(len("go")), Message: "goroutine started here"}}
	if site.Kind == spawn.Method {
		related[0].End = site.Node.End()
		related[0].Message = "goroutine started here by " + site.API() + " and never waited for on some path"
	}
	for i, ex := range exits {
		if i == 3 {
			break
		}
		msg := "handler returns here without waiting for the goroutine"
		if ex == body.Rbrace {
			msg = "handler ends here without waiting for the goroutine"
		}
		related = append(related, analysis.RelatedInformation{Pos: ex, Message: msg})
	}
	for k := kind(0); k < numKinds; k++ {
		u := found[k]
		if u == nil {
			continue
		}
		msg, url := message(k, u, name)
		d := analysis.Diagnostic{Pos: u.node.Pos(), End: u.node.End(), Message: msg, URL: url, Related: related}
		if k == kindCtx {
			d.SuggestedFixes = ck.withoutCancelFix(u.fixExpr)
		}
		ck.pass.Report(d)
	}
}

func funcDeclName(fn ast.Node) string {
	if d, ok := fn.(*ast.FuncDecl); ok {
		return d.Name.Name
	}
	return "the function"
}

// message builds the text of a finding of kind k for use u in the handler called name, and the
// URL of its cost. Every message asyncwrite writes is built here.
func message(k kind, u *use, name string) (msg, url string) {
	switch k {
	case kindWrite:
		consequence := "the response may already be finished"
		if u.framework {
			consequence = "the framework recycles the context for another request"
		}
		return "goroutine " + u.what + " but " + name + " can return without waiting for it: " + consequence + " (" + costs.LateWrite.Summary + ")", costs.LateWrite.URL
	case kindRead:
		// No benchmark measures late body reads, so this message quotes no figure (a write
		// figure here would be a number about something else).
		return "goroutine " + u.what + " but " + name + " can return without waiting for it: the server closes the request body and removes multipart files when the handler returns, so a late read fails or sees a truncated body", costs.LateWrite.URL
	default: // kindCtx
		return "goroutine " + u.what + " but " + name + " can return without waiting for it: the work is cut short (" + costs.DetachedContext.Summary + ")", costs.DetachedContext.URL
	}
}
