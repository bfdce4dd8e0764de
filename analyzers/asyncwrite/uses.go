package asyncwrite

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/goroguard/goroguard/internal/apis"
	"github.com/goroguard/goroguard/internal/astx"
	"github.com/goroguard/goroguard/internal/spawn"
)

// kind is a finding kind; a goroutine gets at most one finding of each.
type kind int

const (
	kindWrite kind = iota // uses the response writer (or a framework context)
	kindRead              // reads the request body or form
	kindCtx               // does work under the request's context
	numKinds
)

// use is the first use of one kind found in a goroutine.
type use struct {
	node      ast.Node
	what      string // "calls w.Write", "passes r.Context() to db.Exec"
	framework bool   // kindWrite through a framework context
	ctxOnly   bool   // kindWrite through a framework context that only reaches the request's context (c.Request.Context())
	formOnly  bool   // kindRead through the form accessors only (no raw body, no multipart files)
	fixExpr   *ast.CallExpr
	where     string // for a use through a callee: the innermost use, "checkKeyValid passes r.Context() to iam.CheckKey"
}

type uses [numKinds]*use

func (u *uses) empty() bool { return u[kindWrite] == nil && u[kindRead] == nil && u[kindCtx] == nil }

func (u *uses) add(k kind, x *use) {
	if u[k] == nil {
		u[k] = x
		return
	}
	// A real use of the framework context beats one that only takes the request's context.
	if k == kindWrite && u[k].ctxOnly && !x.ctxOnly {
		u[k] = x
		return
	}
	// Keep the first use in source order, but a body read beats a form read.
	if k == kindRead && u[k].formOnly && !x.formOnly {
		u[k] = x
	}
}

// Uses is the fact asyncwrite exports for a function that, given the handler's values, uses them:
// the indices of its parameters that it writes to or keeps (a ResponseWriter or framework
// context), and of the *http.Request parameters whose body or form it reads.
type Uses struct {
	Writer []int // ResponseWriter / framework-context parameters used in any way
	Body   []int // *http.Request parameters whose body or multipart files are read
	Form   []int // *http.Request parameters whose form is read (a body read when unparsed)
	Ctx    []int // context.Context parameters, and requests whose context, used for work (in-package only, not exported)
	Quiet  []int // context.Context parameters read only for values (quiet.go): cancelling them cuts nothing short

	// notes says, per kind and parameter, where the use happens, for messages (in-package only:
	// gob skips unexported fields).
	notes map[noteKey]string
}

type noteKey struct {
	k kind
	i int
}

// note returns where s's function uses its parameter i in kind k ("" when unknown).
func (u *Uses) note(k kind, i int) string {
	if u == nil {
		return ""
	}
	return u.notes[noteKey{k, i}]
}

// AFact marks Uses as a fact.
func (*Uses) AFact() {}

func (u *Uses) String() string {
	var parts []string
	list := func(name string, xs []int) {
		if len(xs) > 0 {
			s := make([]string, len(xs))
			for i, x := range xs {
				s[i] = fmt.Sprint(x)
			}
			parts = append(parts, name+"="+strings.Join(s, ","))
		}
	}
	list("writer", u.Writer)
	list("body", u.Body)
	list("form", u.Form)
	list("quiet", u.Quiet)
	return "uses(" + strings.Join(parts, " ") + ")"
}

func (u *Uses) exported() bool { return len(u.Writer)+len(u.Body)+len(u.Form)+len(u.Quiet) > 0 }

func has(xs []int, i int) bool { return slices.Contains(xs, i) }

func addIdx(xs *[]int, i int) bool {
	if has(*xs, i) {
		return false
	}
	*xs = append(*xs, i)
	slices.Sort(*xs)
	return true
}

// eachFuncDecl calls f for every function declared in the package with a body.
func (ck *checker) eachFuncDecl(f func(fn *types.Func, fd *ast.FuncDecl, sig *types.Signature)) {
	for _, file := range ck.pass.Files {
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := ck.pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			if sig, _ := fn.Type().(*types.Signature); sig != nil {
				f(fn, fd, sig)
			}
		}
	}
}

// computeSummaries computes Uses for every function declared in the package, iterating over the
// package's call graph until nothing changes, and exports the non-empty ones as facts.
func (ck *checker) computeSummaries() {
	var fns []*types.Func
	ck.eachFuncDecl(func(fn *types.Func, fd *ast.FuncDecl, sig *types.Signature) {
		interesting := false
		for i := 0; i < sig.Params().Len(); i++ {
			if ck.roleOf(sig.Params().At(i).Type()) != roleNone {
				interesting = true
			}
		}
		if !interesting {
			return
		}
		ck.decls[fn] = fd
		ck.summaries[fn] = &Uses{}
		fns = append(fns, fn)
	})
	for round := 0; round < 10; round++ {
		changed := false
		for _, fn := range fns {
			ck.pass.At(ck.decls[fn].Pos())
			if ck.summarize(ck.decls[fn], ck.summaries[fn]) {
				changed = true
			}
		}
		if !changed {
			break
		}
	}
}

// exportFacts exports, for every function of the package, what its summary and its quiet context
// parameters say, when either says anything.
func (ck *checker) exportFacts() {
	fns := map[*types.Func]bool{}
	for fn := range ck.summaries {
		fns[fn] = true
	}
	for fn := range ck.quiet {
		fns[fn] = true
	}
	sorted := slices.SortedFunc(maps.Keys(fns), func(a, b *types.Func) int { return cmp.Compare(a.Pos(), b.Pos()) })
	for _, fn := range sorted {
		f := &Uses{Quiet: ck.quiet[fn]}
		if s := ck.summaries[fn]; s != nil {
			f.Writer, f.Body, f.Form = s.Writer, s.Body, s.Form
		}
		if f.exported() {
			ck.pass.ExportObjectFact(fn, f)
		}
	}
}

// summarize adds to s what fn does with each of its parameters; it reports whether s grew.
func (ck *checker) summarize(fn ast.Node, s *Uses) bool {
	sig := ck.signature(fn)
	body := astx.FuncBody(fn)
	if sig == nil || body == nil {
		return false
	}
	changed := false
	for i := 0; i < sig.Params().Len(); i++ {
		p := sig.Params().At(i)
		r := ck.roleOf(p.Type())
		if r == roleNone || p.Name() == "" || p.Name() == "_" {
			continue
		}
		e := ck.paramEnv(fn, p)
		var u uses
		ck.scan(e, body, &u)
		for k, x := range u {
			if x == nil {
				continue
			}
			if s.notes == nil {
				s.notes = map[noteKey]string{}
			}
			if _, ok := s.notes[noteKey{kind(k), i}]; !ok {
				where := x.where
				if where == "" {
					where = funcLabel(fn) + " " + x.what
				}
				s.notes[noteKey{kind(k), i}] = where
			}
		}
		if u[kindWrite] != nil && addIdx(&s.Writer, i) {
			changed = true
		}
		if u[kindRead] != nil {
			if u[kindRead].formOnly {
				if addIdx(&s.Form, i) {
					changed = true
				}
			} else if addIdx(&s.Body, i) {
				changed = true
			}
		}
		if u[kindCtx] != nil && addIdx(&s.Ctx, i) {
			changed = true
		}
	}
	return changed
}

// goroutineUses finds the uses of the handler's values in the goroutine of site.
func (ck *checker) goroutineUses(e *env, site spawn.Site) uses {
	var u uses
	if lit := site.Lit(); lit != nil {
		// The literal's own parameters were bound to the go statement's arguments by newEnv.
		ck.scan(e, lit.Body, &u)
		return u
	}
	if site.Kind != spawn.GoStmt {
		return u // g.Go(s.work): a method value without arguments carries nothing of the handler
	}
	// go w.Write(b), go c.JSON(200, v), go r.ParseForm(): the receiver is the handler's value.
	if sel, ok := ast.Unparen(site.Call.Fun).(*ast.SelectorExpr); ok {
		if _, isMethod := ck.pass.TypesInfo.Selections[sel]; isMethod {
			what := "calls " + shorten(types.ExprString(sel))
			switch e.exprRole(sel.X) {
			case roleWriter:
				u.add(kindWrite, &use{node: site.Call, what: what})
			case roleFramework:
				u.add(kindWrite, &use{node: site.Call, what: what, framework: true})
			case roleRequest:
				if bodyMethods[sel.Sel.Name] {
					u.add(kindRead, &use{node: site.Call, what: what})
				} else if formMethods[sel.Sel.Name] {
					u.add(kindRead, &use{node: site.Call, what: what, formOnly: true})
				}
			}
		}
	}
	// go helper(w, r), go s.stream(ctx, w): the arguments go to the callee.
	for i, a := range site.Call.Args {
		ck.classifyArg(e, site.Call, i, a, &u)
	}
	return u
}

// scan records the uses of e's values in root (a goroutine body, or a function body for a summary).
func (ck *checker) scan(e *env, root ast.Node, u *uses) {
	info := ck.pass.TypesInfo
	var stack []ast.Node
	ast.Inspect(root, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.Ident:
			switch e.role(info.Uses[n]) {
			case roleWriter, roleFramework:
				ck.writerUse(e, n, stack, u)
			case roleRequest:
				ck.requestUse(e, n, stack, u)
			case roleCtx:
				ck.ctxUse(e, n, stack, u)
			}
		case *ast.CallExpr:
			if isRequestContextCall(e, n) {
				ck.ctxUse(e, n, stack, u)
			}
		}
		return true
	})
}

// writerUse classifies one occurrence of the writer (or framework context) id.
func (ck *checker) writerUse(e *env, id *ast.Ident, stack []ast.Node, u *uses) {
	fw := e.role(ck.pass.TypesInfo.Uses[id]) == roleFramework
	name := id.Name
	parent := stackAt(stack, 1)
	switch p := parent.(type) {
	case *ast.AssignStmt:
		// x := w makes an alias whose own uses count; w = ... is no use.
		return
	case *ast.ValueSpec:
		return
	case *ast.BinaryExpr:
		if p.Op == token.EQL || p.Op == token.NEQ {
			return
		}
	case *ast.TypeAssertExpr:
		// f, ok := w.(http.Flusher): the alias f carries the use.
		if gp, ok := stackAt(stack, 2).(*ast.AssignStmt); ok && len(gp.Rhs) == 1 {
			return
		}
	case *ast.CallExpr:
		for i, a := range p.Args {
			if ast.Unparen(a) == id {
				if !ck.argUsed(e, p, i, roleOf(fw)) {
					return
				}
				u.add(kindWrite, &use{node: id, what: "passes " + name + " to " + calleeName(p), framework: fw})
				return
			}
		}
	}
	// The nearest call whose function expression contains id: w.Write(b), w.(http.Flusher).Flush().
	for i := 1; i < len(stack); i++ {
		call, ok := stack[len(stack)-1-i].(*ast.CallExpr)
		if !ok {
			continue
		}
		if stack[len(stack)-i] == call.Fun {
			ctxOnly := false
			if fw {
				// gin: c.Request.Context(); echo: c.Request().Context().
				ctxOnly = isRequestContextCall(e, call)
				if up, ok := stackAt(stack, i+2).(*ast.CallExpr); ok && !ctxOnly {
					if sel, ok := stackAt(stack, i+1).(*ast.SelectorExpr); ok && sel.X == call && up.Fun == sel {
						ctxOnly = isRequestContextCall(e, up)
					}
				}
			}
			u.add(kindWrite, &use{node: call, what: "calls " + shorten(types.ExprString(call.Fun)), framework: fw, ctxOnly: ctxOnly})
			return
		}
		break
	}
	if sel, ok := parent.(*ast.SelectorExpr); ok && sel.X == id {
		u.add(kindWrite, &use{node: sel, what: "reads " + name + "." + sel.Sel.Name, framework: fw})
		return
	}
	u.add(kindWrite, &use{node: id, what: "uses " + name, framework: fw})
}

func roleOf(fw bool) role {
	if fw {
		return roleFramework
	}
	return roleWriter
}

// Request accessors: reading them after the handler returned reads a closed body or removed files.
var (
	bodyFields  = map[string]bool{"Body": true, "MultipartForm": true}
	bodyMethods = map[string]bool{"MultipartReader": true, "FormFile": true}
	formFields  = map[string]bool{"Form": true, "PostForm": true} // not uses: see requestUse
	formMethods = map[string]bool{"FormValue": true, "PostFormValue": true, "ParseForm": true, "ParseMultipartForm": true}
)

// requestUse classifies one occurrence of the request id: only body and form reads matter, the
// other fields (URL, Header, Method) stay valid after the handler returns.
func (ck *checker) requestUse(e *env, id *ast.Ident, stack []ast.Node, u *uses) {
	switch p := stackAt(stack, 1).(type) {
	case *ast.SelectorExpr:
		if p.X != id {
			return
		}
		sel := p.Sel.Name
		call, isCall := stackAt(stack, 2).(*ast.CallExpr)
		isCall = isCall && call.Fun == p
		switch {
		case isCall && bodyMethods[sel]:
			u.add(kindRead, &use{node: call, what: "calls " + id.Name + "." + sel})
		case isCall && formMethods[sel]:
			u.add(kindRead, &use{node: call, what: "calls " + id.Name + "." + sel, formOnly: true})
		case !isCall && bodyFields[sel]:
			u.add(kindRead, &use{node: p, what: "reads " + id.Name + "." + sel})
		}
		// r.Form and r.PostForm (formFields) are plain maps filled by an earlier parse: reading
		// the fields never reads the body, so they are not uses.
	case *ast.CallExpr:
		for i, a := range p.Args {
			if ast.Unparen(a) != id {
				continue
			}
			ck.requestArg(p, i, id, "passes "+id.Name+" to "+calleeName(p), u)
		}
	}
}

// ctxUse classifies one occurrence of a request-derived context x (an identifier or r.Context()):
// passing it to a call that does work with it counts; calling its own methods (Done, Err, Value)
// to watch for cancellation, deriving another context from it (whose uses count in turn) and
// reading values out of it do not.
func (ck *checker) ctxUse(e *env, x ast.Expr, stack []ast.Node, u *uses) {
	parent := stackAt(stack, 1)
	if sel, ok := parent.(*ast.SelectorExpr); ok && sel.X == x {
		// ctx.Done(), ctx.Err(), ctx.Value(k), ctx.Deadline(): watching for cancellation (in a
		// select beside other work, too) and reading values is what the request context is for.
		return
	}
	call, ok := parent.(*ast.CallExpr)
	if !ok {
		if kv, ok := parent.(*ast.KeyValueExpr); ok && kv.Value == x {
			u.add(kindCtx, &use{node: x, what: "stores " + describeCtx(x) + " for later work", fixExpr: requestCtxCall(x)})
		}
		return
	}
	idx := -1
	for i, a := range call.Args {
		if a == x {
			idx = i
		}
	}
	if idx < 0 {
		return
	}
	ck.classifyCtxArg(e, call, idx, x, u)
}

func (ck *checker) classifyCtxArg(e *env, call *ast.CallExpr, idx int, x ast.Expr, u *uses) {
	info := ck.pass.TypesInfo
	if f, ok := calledFunc(info, call); ok && (f == (funcID{"context", "WithoutCancel"}) || ctxObservers[f] || ctxValueReaders[f]) {
		return
	}
	if apis.IsMethodCall(info, call, ctxObserverMethods...) {
		return
	}
	if apis.IsContext(info.TypeOf(call)) || tupleHasContext(info.TypeOf(call)) {
		return // a derivation: the derived context's uses count
	}
	if isValueExtractor(info, call) {
		return
	}
	if !ck.argUsed(e, call, idx, roleCtx) {
		return
	}
	u.add(kindCtx, &use{node: x, what: "passes " + describeCtx(x) + " to " + calleeName(call), fixExpr: requestCtxCall(x)})
}

// ctxValueReaders are calls that take a context only to read values out of it: logging reads
// trace ids. After the handler returned they do what they are for.
var ctxValueReaders = map[funcID]bool{
	{"log/slog", "DebugContext"}: true,
	{"log/slog", "InfoContext"}:  true,
	{"log/slog", "WarnContext"}:  true,
	{"log/slog", "ErrorContext"}: true,
	{"log/slog", "Log"}:          true,
	{"log/slog", "LogAttrs"}:     true,
}

// ctxObservers are, beside ctxValueReaders, calls that take a context only to observe its
// cancellation: after the handler returned they do what they are for, nothing is cut short.
var ctxObservers = map[funcID]bool{
	{"context", "Cause"}:     true,
	{"context", "AfterFunc"}: true,
}

// ctxObserverMethods are the methods of ctxValueReaders' kind.
var ctxObserverMethods = []apis.Method{
	{Pkg: "log/slog", Type: "Logger", Name: "DebugContext"},
	{Pkg: "log/slog", Type: "Logger", Name: "InfoContext"},
	{Pkg: "log/slog", Type: "Logger", Name: "WarnContext"},
	{Pkg: "log/slog", Type: "Logger", Name: "ErrorContext"},
	{Pkg: "log/slog", Type: "Logger", Name: "Log"},
	{Pkg: "log/slog", Type: "Logger", Name: "LogAttrs"},
	// OpenTelemetry's instruments read the span (for exemplars) and baggage from the context; a
	// cancelled context records the same (fission's proxy error metrics, held-out run 17).
	{Pkg: otelMetric, Type: "Int64Counter", Name: "Add"},
	{Pkg: otelMetric, Type: "Float64Counter", Name: "Add"},
	{Pkg: otelMetric, Type: "Int64UpDownCounter", Name: "Add"},
	{Pkg: otelMetric, Type: "Float64UpDownCounter", Name: "Add"},
	{Pkg: otelMetric, Type: "Int64Histogram", Name: "Record"},
	{Pkg: otelMetric, Type: "Float64Histogram", Name: "Record"},
	{Pkg: otelMetric, Type: "Int64Gauge", Name: "Record"},
	{Pkg: otelMetric, Type: "Float64Gauge", Name: "Record"},
}

const otelMetric = "go.opentelemetry.io/otel/metric"

func tupleHasContext(t types.Type) bool {
	tup, ok := t.(*types.Tuple)
	if !ok {
		return false
	}
	for i := 0; i < tup.Len(); i++ {
		if apis.IsContext(tup.At(i).Type()) {
			return true
		}
	}
	return false
}

// isValueExtractor reports a call such as trace.SpanFromContext(ctx), metadata.FromIncomingContext(ctx)
// or zerolog.Ctx(ctx): one context argument, results that are neither an error nor a context. Values
// stay readable after the context is cancelled.
func isValueExtractor(info *types.Info, call *ast.CallExpr) bool {
	if len(call.Args) != 1 {
		return false
	}
	sig, ok := apis.UnderOf(info, call.Fun).(*types.Signature)
	if !ok || sig.Results().Len() == 0 {
		return false
	}
	for i := 0; i < sig.Results().Len(); i++ {
		t := sig.Results().At(i).Type()
		if apis.IsContext(t) || isError(t) {
			return false
		}
	}
	return true
}

func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

func describeCtx(x ast.Expr) string {
	if id, ok := x.(*ast.Ident); ok {
		return "request-derived context " + id.Name
	}
	return shorten(types.ExprString(x))
}

// requestCtxCall returns x when it is the r.Context() call itself (the place a fix can wrap).
func requestCtxCall(x ast.Expr) *ast.CallExpr {
	c, _ := x.(*ast.CallExpr)
	return c
}

// classifyArg handles argument i of go f(args...): the callee runs in the new goroutine.
func (ck *checker) classifyArg(e *env, call *ast.CallExpr, i int, a ast.Expr, u *uses) {
	switch e.exprRole(a) {
	case roleWriter, roleFramework:
		fw := e.exprRole(a) == roleFramework
		if ck.argUsed(e, call, i, roleOf(fw)) {
			u.add(kindWrite, &use{node: a, what: "runs " + calleeName(call) + " with " + shorten(types.ExprString(a)), framework: fw})
		}
	case roleRequest:
		ck.requestArg(call, i, a, "runs "+calleeName(call)+" with request "+shorten(types.ExprString(a)), u)
	case roleCtx:
		ck.classifyCtxArg(e, call, i, ast.Unparen(a), u)
	}
}

// paramAt returns the parameter of sig that receives argument i and whether it is the variadic one.
func paramAt(sig *types.Signature, i int) (*types.Var, bool) {
	n := sig.Params().Len()
	if sig.Variadic() && i >= n-1 {
		return sig.Params().At(n - 1), true
	}
	if i < n {
		return sig.Params().At(i), false
	}
	return nil, false
}

// staticCallee returns the function a call invokes when it has a body somewhere (not an
// interface method, not a function value), generic instantiations mapped to their origin.
func staticCallee(info *types.Info, call *ast.CallExpr) *types.Func {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok {
		return nil
	}
	fn = fn.Origin()
	if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil {
		if types.IsInterface(sig.Recv().Type()) {
			return nil
		}
	}
	return fn
}

// summaryOf returns what is known about callee's use of its parameters: the in-package summary,
// an imported fact, or nil with known=false for a callee nothing is known about.
func (ck *checker) summaryOf(call *ast.CallExpr) (s *Uses, local bool, known bool) {
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		return ck.litSummary(lit), true, true
	}
	fn := staticCallee(ck.pass.TypesInfo, call)
	if fn == nil {
		return nil, false, false
	}
	if s, ok := ck.summaries[fn]; ok {
		return s, true, true
	}
	if fn.Pkg() == ck.pass.Pkg {
		// In this package without a summary: no interesting parameter, or no body.
		return &Uses{}, true, ck.decls[fn] != nil
	}
	var f Uses
	if ck.pass.ImportObjectFact(fn, &f) {
		return &f, false, true
	}
	return &Uses{}, false, true
}

func (ck *checker) litSummary(lit *ast.FuncLit) *Uses {
	if s, ok := ck.litSummaries[lit]; ok {
		return s
	}
	s := &Uses{}
	ck.litSummaries[lit] = s // breaks recursion
	ck.summarize(lit, s)
	return s
}

// argUsed reports whether the callee of call uses its argument i, which holds the handler's
// writer (want roleWriter / roleFramework) or request context (roleCtx).
func (ck *checker) argUsed(e *env, call *ast.CallExpr, i int, want role) bool {
	info := ck.pass.TypesInfo
	if tv, ok := info.Types[call.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
		return false // conversion or builtin (append, len): no goroutine work of its own
	}
	sig, ok := apis.UnderOf(info, call.Fun).(*types.Signature)
	if !ok {
		return false
	}
	p, variadic := paramAt(sig, i)
	if p == nil {
		return false
	}
	pr := ck.roleOf(p.Type())
	if variadic {
		pr = roleNone // ...any: formatting or logging, never the handler's value as such
		if want == roleWriter || want == roleFramework {
			return false
		}
	}
	switch want {
	case roleWriter, roleFramework:
		if want == roleFramework && pr == roleCtx {
			// gin.Context passed where a context.Context is wanted: the callee uses it for
			// values and cancellation, not to write the response.
			return false
		}
		if pr != roleWriter && pr != roleFramework {
			// io.Writer, any, an interface of the caller: fmt.Fprintf, json.NewEncoder, io.Copy
			// write through it; nothing says otherwise.
			return true
		}
		s, _, known := ck.summaryOf(call)
		if !known {
			return true // next.ServeHTTP(w, r), h(w, r): a handler writes
		}
		return has(s.Writer, i)
	case roleCtx:
		if pr != roleCtx {
			return false // ctx as any: logged or formatted, not used for work
		}
		s, local, known := ck.summaryOf(call)
		if !known {
			return true
		}
		if !local {
			// Other packages' context parameters are taken at their word, unless their fact
			// says they only read values from it.
			return !has(s.Quiet, i)
		}
		return has(s.Ctx, i)
	}
	return false
}

// requestArg records what the callee of call does with the request passed as argument i (the
// expression a): reads its body, parses its form, or does work under its context. The message
// says which, and where ("decodeEvent reads r.Body").
func (ck *checker) requestArg(call *ast.CallExpr, i int, a ast.Expr, prefix string, u *uses) {
	s, _ := ck.calleeSummary(call, i)
	if body, form := ck.requestArgUsed(call, i); body || form {
		what := ", which reads the request body"
		k := kindRead
		if !body {
			what = ", which parses the request's form from the body"
		}
		where := s.note(k, i)
		if where != "" {
			what += " (" + where + ")"
		}
		u.add(kindRead, &use{node: a, what: prefix + what, formOnly: !body, where: where})
	}
	if s != nil && has(s.Ctx, i) {
		what := ", which does work under the request's context"
		where := s.note(kindCtx, i)
		if where != "" {
			what += " (" + where + ")"
		}
		u.add(kindCtx, &use{node: a, what: prefix + what, where: where})
	}
}

// calleeSummary returns the in-package summary of call's callee when its parameter i is a request.
func (ck *checker) calleeSummary(call *ast.CallExpr, i int) (*Uses, bool) {
	info := ck.pass.TypesInfo
	sig, ok := apis.UnderOf(info, call.Fun).(*types.Signature)
	if !ok {
		return nil, false
	}
	p, variadic := paramAt(sig, i)
	if p == nil || variadic || ck.roleOf(p.Type()) != roleRequest {
		return nil, false
	}
	s, local, known := ck.summaryOf(call)
	if !known || s == nil {
		return nil, false
	}
	return s, local
}

// funcLabel names a function declaration or literal for a note.
func funcLabel(fn ast.Node) string {
	if d, ok := fn.(*ast.FuncDecl); ok {
		return d.Name.Name
	}
	return "a function literal"
}

// requestArgUsed reports whether the callee of call reads the body (body) or form (form) of its
// request argument i. Unknown callees are assumed not to: most helpers read headers and URLs.
func (ck *checker) requestArgUsed(call *ast.CallExpr, i int) (body, form bool) {
	info := ck.pass.TypesInfo
	sig, ok := apis.UnderOf(info, call.Fun).(*types.Signature)
	if !ok {
		return false, false
	}
	p, variadic := paramAt(sig, i)
	if p == nil || variadic || ck.roleOf(p.Type()) != roleRequest {
		return false, false
	}
	s, _, known := ck.summaryOf(call)
	if !known || s == nil {
		return false, false
	}
	return has(s.Body, i), has(s.Form, i)
}

type funcID struct{ pkg, name string }

func calledFunc(info *types.Info, call *ast.CallExpr) (funcID, bool) {
	f, ok := apis.CalledFunc(info, call)
	if !ok {
		return funcID{}, false
	}
	return funcID{f.Pkg, f.Name}, true
}

func calleeName(call *ast.CallExpr) string {
	if _, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		return "a function literal"
	}
	return shorten(types.ExprString(call.Fun))
}

func shorten(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

func stackAt(stack []ast.Node, up int) ast.Node {
	if len(stack)-1-up < 0 {
		return nil
	}
	return stack[len(stack)-1-up]
}
