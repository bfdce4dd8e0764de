package spawnloop

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/goroguard/goroguard/internal/apis"
)

// kind classifies a loop by how many goroutines it can start.
type kind int

const (
	silent    kind = iota // bounded, or not a collection of work items: never reported
	unbounded             // one iteration per item of input: decoded, listed, scanned, received
	trips                 // a constant number of iterations
	accept                // an accept loop (reported only with report-accept-loops)
	unknown               // data of unknown origin (a parameter, a field): only with report-unknown-sources
)

// source describes what a loop iterates over.
type source struct {
	kind  kind
	desc  string // "range over parameter items", "sc.Scan loop", ...
	trips int64
	// param is the 1-based index of the parameter the items come from, owner the stack index of
	// the function that declares it (0 when the items are not a parameter).
	param     int
	paramName string
	owner     int
	// ch is the channel the items are received from (types.ExprString), "" for other sources:
	// a receive on any other channel before the spawn gates the loop (gatedByReceive).
	ch string
}

func silentSrc() source { return source{kind: silent} }

// classifyLoop classifies the loop at stack[li] for a spawn at node.
func (c *checker) classifyLoop(stack []ast.Node, li, fnIdx int, node ast.Node, depth int) source {
	if depth > 6 {
		return silentSrc()
	}
	switch l := stack[li].(type) {
	case *ast.RangeStmt:
		return c.classifyRange(l, stack, fnIdx, depth)
	case *ast.ForStmt:
		return c.classifyFor(l, stack, li, fnIdx, node, depth)
	}
	return silentSrc()
}

func (c *checker) classifyRange(rs *ast.RangeStmt, stack []ast.Node, fnIdx, depth int) source {
	info := c.pass.TypesInfo
	t := info.TypeOf(rs.X)
	if t == nil {
		return silentSrc()
	}
	var elem types.Type
	switch u := t.Underlying().(type) {
	case *types.Basic:
		if u.Info()&types.IsInteger != 0 {
			return c.classifyCount(rs.X, stack, fnIdx, "range over ", depth)
		}
		return silentSrc()
	case *types.Chan:
		// A channel delivers as many items as its senders produce. A loop that does not bind the
		// value (for range ch) reacts to signals; signal and component channels are not data.
		if rs.Key == nil || isBlank(rs.Key) || isSignal(u.Elem()) || isComponent(u.Elem()) {
			return silentSrc()
		}
		if isConn(u.Elem()) {
			return source{kind: accept, desc: "accept loop on channel " + short(rs.X), ch: types.ExprString(rs.X)}
		}
		s := c.prefixed(c.classifyChan(rs.X, stack, fnIdx, depth), "range over ")
		s.ch = types.ExprString(rs.X)
		return s
	case *types.Array:
		return arraySource(u)
	case *types.Pointer:
		if a, ok := u.Elem().Underlying().(*types.Array); ok {
			return arraySource(a)
		}
		return silentSrc()
	case *types.Slice:
		elem = u.Elem()
	case *types.Map:
		elem = u.Elem()
	case *types.Signature:
		// Range over an iterator: follow the standard adapters to the collection they walk.
		call, ok := ast.Unparen(rs.X).(*ast.CallExpr)
		if !ok || len(call.Args) != 1 || !isAdapter(info, call) {
			return silentSrc()
		}
		at := info.TypeOf(call.Args[0])
		if at == nil {
			return silentSrc()
		}
		switch au := at.Underlying().(type) {
		case *types.Slice:
			elem = au.Elem()
		case *types.Map:
			elem = au.Elem()
		default:
			return silentSrc()
		}
		if isComponent(elem) {
			return silentSrc()
		}
		return c.prefixed(c.classifyData(call.Args[0], stack, fnIdx, depth), "range over ")
	default:
		return silentSrc()
	}
	if isComponent(elem) {
		return silentSrc() // start-up fan-out over the program's own components
	}
	return c.prefixed(c.classifyData(rs.X, stack, fnIdx, depth), "range over ")
}

func (c *checker) prefixed(s source, prefix string) source {
	if s.kind == unbounded || s.kind == unknown {
		s.desc = prefix + s.desc
	}
	return s
}

// adapters turn a collection into an iterator over its items.
var adapters = []apis.Func{
	{Pkg: "slices", Name: "Values"}, {Pkg: "slices", Name: "All"}, {Pkg: "slices", Name: "Backward"},
	{Pkg: "maps", Name: "Keys"}, {Pkg: "maps", Name: "Values"}, {Pkg: "maps", Name: "All"},
}

// copiers return a collection with the same items as their argument.
var copiers = []apis.Func{
	{Pkg: "slices", Name: "Clone"}, {Pkg: "slices", Name: "Collect"}, {Pkg: "slices", Name: "Sorted"},
	{Pkg: "maps", Name: "Clone"}, {Pkg: "maps", Name: "Keys"}, {Pkg: "maps", Name: "Values"},
	{Pkg: "slices", Name: "Values"},
}

func isAdapter(info *types.Info, call *ast.CallExpr) bool {
	return apis.IsFuncCall(info, call, adapters...)
}

// classifyCount classifies a loop bounded by the integer expression e.
func (c *checker) classifyCount(e ast.Expr, stack []ast.Node, fnIdx int, prefix string, depth int) source {
	info := c.pass.TypesInfo
	e = ast.Unparen(e)
	if tv, ok := info.Types[e]; ok && tv.Value != nil {
		if n, exact := constant.Int64Val(constant.ToInt(tv.Value)); exact {
			return source{kind: trips, trips: n}
		}
		return silentSrc()
	}
	call, ok := e.(*ast.CallExpr)
	if !ok {
		// A count held in a variable is the worker-pool shape (for range workers, for i := 0;
		// i < n; i++): the program chose the number, not the input.
		return silentSrc()
	}
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok && len(call.Args) == 1 {
		if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "len" {
			at := info.TypeOf(call.Args[0])
			if at == nil {
				return silentSrc()
			}
			switch u := at.Underlying().(type) {
			case *types.Slice:
				if isComponent(u.Elem()) {
					return silentSrc()
				}
			case *types.Map:
				if isComponent(u.Elem()) {
					return silentSrc()
				}
			case *types.Array:
				return arraySource(u)
			default:
				return silentSrc()
			}
			return c.prefixed(c.classifyData(call.Args[0], stack, fnIdx, depth), prefix)
		}
	}
	return silentSrc() // runtime.GOMAXPROCS(0), runtime.NumCPU() and other counts
}

// classifyData classifies the collection e: a parameter (or a field of one), decoded input, the
// result of a data-producing call, a fixed literal, or unknown (silent).
func (c *checker) classifyData(e ast.Expr, stack []ast.Node, fnIdx, depth int) source {
	info := c.pass.TypesInfo
	if depth > 6 {
		return silentSrc()
	}
	e = ast.Unparen(e)
	if d, ok := inputField(info, e); ok {
		if !c.cfg.ReportUnknownSources {
			return silentSrc() // the files of a package directory: a listing (see dirListing)
		}
		return source{kind: unbounded, desc: d}
	}
	if d, ok := requestField(info, e); ok {
		return source{kind: unbounded, desc: d}
	}
	switch x := e.(type) {
	case *ast.CompositeLit:
		return source{kind: trips, trips: int64(len(x.Elts))}
	case *ast.CallExpr:
		if tv, ok := info.Types[x.Fun]; ok && tv.IsType() && len(x.Args) == 1 {
			return c.classifyData(x.Args[0], stack, fnIdx, depth+1) // conversion
		}
		if f, ok := apis.CalledFunc(info, x); ok {
			if d, ok := dataFuncs[f]; ok {
				if d == descGlob && len(x.Args) > 0 && ownPattern(info, x.Args[len(x.Args)-1]) {
					return silentSrc() // the program's own file names (leftover temporary files)
				}
				if dirListing(d) && !c.cfg.ReportUnknownSources {
					return silentSrc()
				}
				return source{kind: unbounded, desc: d + " " + short(x)}
			}
			if i, ok := splitFuncs[f]; ok && i < len(x.Args) {
				if d, ok := c.classifyText(x.Args[i], stack, fnIdx, depth+1); ok {
					return source{kind: unbounded, desc: "split of " + d}
				}
				return silentSrc()
			}
			for _, cp := range copiers {
				if f == cp && len(x.Args) >= 1 {
					return c.classifyData(x.Args[0], stack, fnIdx, depth+1)
				}
			}
		}
		if m, _, ok := apis.CalledMethod(info, x); ok {
			if d, ok := dataMethods[m]; ok {
				if dirListing(d) && !c.cfg.ReportUnknownSources {
					return silentSrc()
				}
				return source{kind: unbounded, desc: d + " " + short(x)}
			}
			if d, ok := chanMethods[m]; ok {
				return source{kind: unbounded, desc: d + " " + short(x)}
			}
		}
		// A listing query of another process (pods, namespaces, images, containers) lists state
		// whose size the deployment decides, not a request: held-out projects showed these are
		// fan-out over cluster state, so they count only in the broad mode.
		if c.cfg.ReportUnknownSources && isListQuery(info, x) {
			return source{kind: unbounded, desc: "listing " + short(x.Fun)}
		}
		if fn, ok := typeutil.Callee(info, x).(*types.Func); ok && fn.Pkg() == c.pass.Pkg {
			if d, ok := c.resultInput(fn, depth+1); ok {
				return source{kind: unbounded, desc: d}
			}
		}
	case *ast.Ident:
		return c.classifyVar(x, x, stack, fnIdx, depth)
	}
	// A selector chain, index, slice or getter call: classify by its root variable.
	if root := rootIdent(info, e); root != nil && root != e {
		return c.classifyVar(root, e, stack, fnIdx, depth)
	}
	return silentSrc()
}

// classifyVar classifies the collection e whose root variable is id.
func (c *checker) classifyVar(id *ast.Ident, e ast.Expr, stack []ast.Node, fnIdx, depth int) source {
	info := c.pass.TypesInfo
	v, _ := info.Uses[id].(*types.Var)
	if v == nil || v.IsField() || v.Pkg() == nil || v.Parent() == v.Pkg().Scope() {
		return silentSrc() // package-level tables are the program's own
	}
	if owner, idx, variadic := paramOf(info, v, stack); owner >= 0 {
		if d, ok := c.inputParam(v, e, stack[owner]); ok {
			return source{kind: unbounded, desc: d}
		}
		if variadic {
			// f(a, b, c): variadic arguments are usually listed by the caller.
			return silentSrc()
		}
		if isConfigType(v.Type()) || startupFunc(stack[owner]) || topologyName(e) {
			return silentSrc() // configuration-defined components started once, cluster topology
		}
		if e != id && c.internalState(v.Type()) {
			// A field of a parameter whose type is an unexported struct of this package
			// (entity *eventEntity, entity.activeEvents) is the program's own state passed
			// around, like a receiver's field: not known to come from input.
			return silentSrc()
		}
		desc := "parameter " + id.Name
		if e != id {
			desc = "parameter field " + short(e)
		}
		s := source{kind: unknown, desc: desc, param: idx, paramName: id.Name, owner: owner}
		// An unexported function's callers are all in this package: one of them may show that
		// the argument is input. An exported function's parameters stay unknown.
		if decl, ok := stack[owner].(*ast.FuncDecl); ok && !decl.Name.IsExported() {
			if d, ok := c.fromCallers(decl, idx, depth+1); ok {
				s.kind = unbounded
				s.desc += " (" + d + ")"
			}
		}
		return s
	}
	body := outerBody(stack)
	if body == nil {
		return silentSrc()
	}
	if isConfigType(v.Type()) || (e != id && topologyName(e)) {
		// Configuration decoded from a file, or the cluster's members listed in it: the
		// deployment's sets, not input (extra silencing by name, as for parameters).
		return silentSrc()
	}
	if d, ok := c.isDecoded(v, body); ok {
		return source{kind: unbounded, desc: short(e) + " " + d}
	}
	defs, ok := definitions(info, v, body)
	if !ok {
		return silentSrc()
	}
	if len(defs) != 1 || isAppend(info, defs[0]) {
		if d, ok := c.appendedInput(v, defs, stack, fnIdx, depth); ok {
			return source{kind: unbounded, desc: short(e) + " (" + d + ")"}
		}
		return silentSrc()
	}
	s := c.classifyData(defs[0], stack, fnIdx, depth+1)
	if s.kind == unbounded && e != id && s.param == 0 {
		s.desc = short(e) + " from " + s.desc
	}
	return s
}

// paramOf returns the stack index of the function whose parameter v is, v's 1-based position in
// its parameter list and whether it is variadic; owner is -1 when v is no parameter (receivers
// are not parameters: their fields are the program's state).
func paramOf(info *types.Info, v *types.Var, stack []ast.Node) (owner, idx int, variadic bool) {
	for i := len(stack) - 1; i >= 0; i-- {
		var ft *ast.FuncType
		switch f := stack[i].(type) {
		case *ast.FuncDecl:
			ft = f.Type
		case *ast.FuncLit:
			ft = f.Type
		default:
			continue
		}
		if ft.Params == nil {
			continue
		}
		n := 0
		for _, field := range ft.Params.List {
			_, isVariadic := field.Type.(*ast.Ellipsis)
			for _, name := range field.Names {
				n++
				if info.Defs[name] == v {
					return i, n, isVariadic
				}
			}
			if len(field.Names) == 0 {
				n++
			}
		}
	}
	return -1, 0, false
}

// configSuffixes name the types of configuration values: what a function reads from one is what
// the program was configured with, a handful of components, not input data.
var configSuffixes = []string{"Config", "Configuration", "Conf", "Cfg", "Options", "Opts", "Settings", "Flags"}

func isConfigType(t types.Type) bool {
	t = types.Unalias(t)
	if p, ok := t.(*types.Pointer); ok {
		t = types.Unalias(p.Elem())
	}
	if s, ok := t.Underlying().(*types.Slice); ok {
		t = types.Unalias(s.Elem())
		if p, ok := t.(*types.Pointer); ok {
			t = types.Unalias(p.Elem())
		}
	}
	n, ok := t.(*types.Named)
	if !ok {
		return false
	}
	for _, s := range configSuffixes {
		if strings.HasSuffix(n.Obj().Name(), s) {
			return true
		}
	}
	return false
}

// startupNames are the functions that start a program's components: a loop over their parameters
// starts configured components once.
var startupNames = map[string]bool{
	"main": true, "init": true, "Start": true, "start": true, "Run": true, "run": true,
	"Serve": true, "serve": true, "Init": true, "Setup": true, "setup": true, "Bootstrap": true,
}

func startupFunc(n ast.Node) bool {
	d, ok := n.(*ast.FuncDecl)
	return ok && startupNames[d.Name.Name]
}

// rootIdent returns the variable at the root of a selector chain, index, slice expression or
// argument-less method call (a getter such as req.GetItems()).
func rootIdent(info *types.Info, e ast.Expr) *ast.Ident {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			return x
		case *ast.SelectorExpr:
			if id, ok := x.X.(*ast.Ident); ok {
				if _, isPkg := info.Uses[id].(*types.PkgName); isPkg {
					return nil
				}
			}
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.SliceExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.CallExpr:
			// Only protobuf-style getters (GetItems()) are followed: other argument-less methods
			// compute something (ctxt.SrcDirs()) whose size is not the parameter's.
			sel, ok := ast.Unparen(x.Fun).(*ast.SelectorExpr)
			if !ok || len(x.Args) != 0 || !strings.HasPrefix(sel.Sel.Name, "Get") {
				return nil
			}
			if _, isMethod := info.Selections[sel]; !isMethod {
				return nil
			}
			e = sel.X
		default:
			return nil
		}
	}
}

// outerBody returns the body of the outermost function on stack.
func outerBody(stack []ast.Node) *ast.BlockStmt {
	for _, n := range stack {
		switch f := n.(type) {
		case *ast.FuncDecl:
			return f.Body
		case *ast.FuncLit:
			return f.Body
		}
	}
	return nil
}

// definitions returns the expressions assigned to the local v within body; ok is false when v is
// also defined in a way that cannot be followed (range variables, type switches, address taken).
func definitions(info *types.Info, v *types.Var, body *ast.BlockStmt) (defs []ast.Expr, ok bool) {
	ok = true
	ast.Inspect(body, func(n ast.Node) bool {
		if !ok {
			return false
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				id, isID := ast.Unparen(l).(*ast.Ident)
				if !isID || (info.Defs[id] != v && info.Uses[id] != v) {
					continue
				}
				switch {
				case len(n.Rhs) == len(n.Lhs):
					defs = append(defs, n.Rhs[i])
				case len(n.Rhs) == 1:
					defs = append(defs, n.Rhs[0])
				default:
					ok = false
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if info.Defs[id] != v {
					continue
				}
				switch {
				case len(n.Values) == len(n.Names):
					defs = append(defs, n.Values[i])
				case len(n.Values) == 1:
					defs = append(defs, n.Values[0])
				}
			}
		case *ast.RangeStmt:
			for _, l := range []ast.Expr{n.Key, n.Value} {
				if id, isID := l.(*ast.Ident); isID && l != nil && (info.Defs[id] == v || info.Uses[id] == v) {
					ok = false
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if id, isID := ast.Unparen(n.X).(*ast.Ident); isID && info.Uses[id] == v {
					ok = false
				}
			}
		}
		return true
	})
	return defs, ok
}

// isDecoded reports whether the local v (or a field of it) is filled by a decoder in body:
// json.Unmarshal(data, &v), dec.Decode(&v), and says by which call.
func (c *checker) isDecoded(v *types.Var, body *ast.BlockStmt) (string, bool) {
	info := c.pass.TypesInfo
	found := false
	desc := ""
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if found || !ok {
			return !found
		}
		arg := -1
		if f, ok := apis.CalledFunc(info, call); ok {
			if i, ok := decodeFuncs[f]; ok {
				arg = i
			}
		} else if m, _, ok := apis.CalledMethod(info, call); ok {
			if i, ok := decodeMethods[m]; ok {
				arg = i
			} else if isDecoderMethod(info, call) {
				arg = 0
			}
		}
		if arg < 0 || arg >= len(call.Args) {
			return true
		}
		a := ast.Unparen(call.Args[arg])
		if u, ok := a.(*ast.UnaryExpr); ok && u.Op == token.AND {
			a = u.X
		}
		if r := rootIdent(info, a); r != nil && info.Uses[r] == v {
			found = true
			desc = "decoded by " + short(call.Fun)
			if len(call.Args) > 0 && arg != 0 {
				desc = "decoded from " + short(call.Args[0])
			} else if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
				if inner, ok := ast.Unparen(sel.X).(*ast.CallExpr); ok && len(inner.Args) > 0 {
					desc = "decoded from " + short(inner.Args[0])
				}
			}
		}
		return true
	})
	return desc, found
}

func isAppend(info *types.Info, e ast.Expr) bool { return apis.IsBuiltinCall(info, e, "append") }

// isDecoderMethod recognises a decoder by its method's shape: Decode(v any) error (rlp streams,
// p2p messages, codec decoders, any type following encoding/json's Decoder).
func isDecoderMethod(info *types.Info, call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Name() != "Decode" {
		return false
	}
	sig := fn.Type().(*types.Signature)
	if sig.Recv() == nil || sig.Params().Len() != 1 || sig.Results().Len() != 1 || !isErrorType(sig.Results().At(0).Type()) {
		return false
	}
	it, ok := sig.Params().At(0).Type().Underlying().(*types.Interface)
	return ok && it.NumMethods() == 0
}

// classifyFor classifies a three-clause or condition-only for loop.
func (c *checker) classifyFor(fs *ast.ForStmt, stack []ast.Node, li, fnIdx int, node ast.Node, depth int) source {
	info := c.pass.TypesInfo
	// for sc.Scan(), for rows.Next(): a cursor over input of unknown length.
	if call, ok := ast.Unparen(fs.Cond).(*ast.CallExpr); ok {
		if m, _, ok := apis.CalledMethod(info, call); ok {
			if d, ok := cursorMethods[m]; ok {
				return source{kind: unbounded, desc: "loop over " + d + " " + short(call.Fun)}
			}
		}
	}
	// for i := 0; i < n; i++ and for i := n; i > 0; i--: a counted loop.
	if bound, init, ok := countedBound(info, fs); ok {
		s := c.classifyCount(bound, stack, fnIdx, "counted loop over ", depth)
		if s.kind == trips && init != nil {
			if tv, ok := info.Types[init]; ok && tv.Value != nil {
				if n, exact := constant.Int64Val(constant.ToInt(tv.Value)); exact {
					s.trips -= n
				}
			}
		}
		return s
	}
	// Endless or condition loops: what produces each iteration's item before the spawn?
	for i := li + 1; i < len(stack); i++ {
		cc, ok := stack[i].(*ast.CommClause)
		if !ok || cc.Comm == nil {
			continue
		}
		switch comm := cc.Comm.(type) {
		case *ast.AssignStmt:
			if s, ok := c.receiveSource(comm, stack, fnIdx, depth); ok {
				return s
			}
		case *ast.ExprStmt:
			return silentSrc() // case <-tick: a signal, not an item
		}
	}
	result := silentSrc()
	pos := node.Pos()
	ast.Inspect(fs.Body, func(n ast.Node) bool {
		if n == nil || n.Pos() >= pos || result.kind == accept {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr)
			if ok && acceptNames[sel.Sel.Name] {
				if _, isMethod := info.Selections[sel]; isMethod {
					result = source{kind: accept, desc: "accept loop on " + short(n.Fun)}
					return false
				}
			}
			if m, _, ok := apis.CalledMethod(info, n); ok && packetReads[m] {
				result = source{kind: accept, desc: "packet read loop on " + short(n.Fun)}
				return false
			}
			if result.kind == silent && (c.isRead(info, n) || c.readsInput(n, 0)) {
				result = source{kind: unbounded, desc: "loop reading one item per " + short(n.Fun) + " call"}
			}
		case *ast.AssignStmt:
			if result.kind == silent {
				if s, ok := c.receiveSource(n, stack, fnIdx, depth); ok {
					result = s
				}
			}
		}
		return true
	})
	return result
}

// readsInput reports whether call is to a function of this package that reads one item of input:
// its body (outside function literals) makes a read call of the tables, io.ReadFull or
// binary.Read, or calls such a function in turn (two levels): c.readMessage(buf) reading a frame.
func (c *checker) readsInput(call *ast.CallExpr, depth int) bool {
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || depth > 2 {
		return false
	}
	decl := c.declOf(fn)
	if decl == nil {
		return false
	}
	if v, ok := c.readers[fn]; ok {
		return v
	}
	c.readers[fn] = false
	found := false
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			found = c.isRead(c.pass.TypesInfo, n) || c.readsInput(n, depth+1)
		}
		return !found
	})
	c.readers[fn] = found
	return found
}

func (c *checker) isRead(info *types.Info, call *ast.CallExpr) bool {
	if m, recv, ok := apis.CalledMethod(info, call); ok {
		if readMethods[m] || packetReads[m] {
			return true
		}
		// Recv on a gRPC stream (the receiver has the stream's RecvMsg method) counts only with
		// report-unknown-sources: the peer is another component of the same system, and on the
		// held-out runs it paced its requests every time (a scheduler or query frontend that sends
		// the next request only after the reply to the last; 0 of 10 such findings wanted).
		if m.Name == "Recv" && hasMethod(info.TypeOf(recv), "RecvMsg") {
			return c.cfg.ReportUnknownSources
		}
	}
	f, ok := apis.CalledFunc(info, call)
	return ok && readFuncs[f]
}

func hasMethod(t types.Type, name string) bool {
	if t == nil {
		return false
	}
	ms := types.NewMethodSet(t)
	if _, isPtr := t.Underlying().(*types.Pointer); !isPtr && !types.IsInterface(t) {
		ms = types.NewMethodSet(types.NewPointer(t))
	}
	for i := 0; i < ms.Len(); i++ {
		if ms.At(i).Obj().Name() == name {
			return true
		}
	}
	return false
}

// receiveSource recognises m := <-ch (and m, ok := <-ch) receiving a work item, and classifies
// the channel.
func (c *checker) receiveSource(as *ast.AssignStmt, stack []ast.Node, fnIdx, depth int) (source, bool) {
	info := c.pass.TypesInfo
	if len(as.Rhs) != 1 || len(as.Lhs) == 0 || isBlank(as.Lhs[0]) {
		return source{}, false
	}
	u, ok := ast.Unparen(as.Rhs[0]).(*ast.UnaryExpr)
	if !ok || u.Op != token.ARROW {
		return source{}, false
	}
	ch, ok := apis.IsChan(info.TypeOf(u.X))
	if !ok || isSignal(ch.Elem()) || isComponent(ch.Elem()) {
		return source{}, false
	}
	if isConn(ch.Elem()) {
		return source{kind: accept, desc: "accept loop on channel " + short(u.X), ch: types.ExprString(u.X)}, true
	}
	s := c.prefixed(c.classifyChan(u.X, stack, fnIdx, depth), "receive loop on ")
	s.ch = types.ExprString(u.X)
	return s, true
}

// countedBound recognises a counted loop and returns the bound and the initial value.
func countedBound(info *types.Info, fs *ast.ForStmt) (bound, init ast.Expr, ok bool) {
	cond, isBin := ast.Unparen(fs.Cond).(*ast.BinaryExpr)
	if !isBin || fs.Post == nil {
		return nil, nil, false
	}
	var v *ast.Ident
	dec := false
	switch p := fs.Post.(type) {
	case *ast.IncDecStmt:
		v, _ = p.X.(*ast.Ident)
		dec = p.Tok == token.DEC
	case *ast.AssignStmt:
		if len(p.Lhs) == 1 {
			v, _ = p.Lhs[0].(*ast.Ident)
			dec = p.Tok == token.SUB_ASSIGN
		}
	}
	if v == nil {
		return nil, nil, false
	}
	obj := info.ObjectOf(v)
	isVar := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && info.ObjectOf(id) == obj
	}
	var initExpr ast.Expr
	if as, ok := fs.Init.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 && isVar(as.Lhs[0]) {
		initExpr = as.Rhs[0]
	}
	if dec {
		// for i := n; i > 0; i--: the count is the initial value.
		if initExpr == nil {
			return nil, nil, false
		}
		return initExpr, nil, true
	}
	switch {
	case isVar(cond.X) && (cond.Op == token.LSS || cond.Op == token.LEQ || cond.Op == token.NEQ):
		return cond.Y, initExpr, true
	case isVar(cond.Y) && (cond.Op == token.GTR || cond.Op == token.GEQ):
		return cond.X, initExpr, true
	}
	return nil, nil, false
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// short renders e for a message, cut to a readable length.
func short(e ast.Expr) string {
	s := types.ExprString(e)
	if len(s) > 48 {
		s = s[:45] + "..."
	}
	return s
}

// topologyWords name the members of a cluster: fan-out over the hosts, peers or endpoints a
// function is given is bounded by the deployment, not by input data.
var topologyWords = []string{"member", "endpoint", "host", "peer", "replica", "broker", "addr", "server", "cluster"}

// topologyName reports whether the last name of e (items, req.Endpoints, c.GetPeers()) is one of
// topologyWords.
func topologyName(e ast.Expr) bool {
	var name string
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		name = x.Name
	case *ast.SelectorExpr:
		name = x.Sel.Name
	case *ast.CallExpr:
		if sel, ok := ast.Unparen(x.Fun).(*ast.SelectorExpr); ok {
			name = sel.Sel.Name
		}
	}
	name = strings.ToLower(name)
	for _, w := range topologyWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// isConn reports whether items of type t are network connections: a loop that receives them and
// spawns is an accept loop fed through a channel. Besides the standard connection types, a type
// whose method set has Read, Write, Close and RemoteAddr is a connection (a wrapper embedding one),
// and a struct (or pointer to one) with a field of such a type carries a connection (the result of
// a handshake: struct{ c conn; hello Hello }).
func isConn(t types.Type) bool {
	if isConnType(t) {
		return true
	}
	if t == nil {
		return false
	}
	u := types.Unalias(t)
	if p, ok := u.Underlying().(*types.Pointer); ok {
		u = p.Elem()
	}
	st, ok := u.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := 0; i < st.NumFields(); i++ {
		if isConnType(st.Field(i).Type()) {
			return true
		}
	}
	return false
}

// connMethods make a type a connection by its method set.
var connMethods = []string{"Read", "Write", "Close", "RemoteAddr"}

func isConnType(t types.Type) bool {
	if t == nil {
		return false
	}
	if apis.IsNamed(t, "net", "Conn") || apis.IsPointerTo(t, "net", "TCPConn") ||
		apis.IsPointerTo(t, "net", "UnixConn") || apis.IsPointerTo(t, "crypto/tls", "Conn") {
		return true
	}
	ms := types.NewMethodSet(t)
	if _, isPtr := t.Underlying().(*types.Pointer); !isPtr && !types.IsInterface(t) {
		ms = types.NewMethodSet(types.NewPointer(t))
	}
	for _, name := range connMethods {
		found := false
		for i := 0; i < ms.Len(); i++ {
			if ms.At(i).Obj().Name() == name {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// isListQuery recognises a listing query of an API client: a method named List, List... or ...List
// whose first argument is a context.Context (client.ContainerList(ctx, opts), pods.List(ctx, opts),
// svc.ListObjects(ctx, in)). The context marks a call to another process; what it lists (containers,
// pods, objects, keys) is data whose count the program does not choose.
func isListQuery(info *types.Info, call *ast.CallExpr) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || len(call.Args) == 0 {
		return false
	}
	if _, isMethod := info.Selections[sel]; !isMethod {
		return false
	}
	name := sel.Sel.Name
	if !strings.HasPrefix(name, "List") && !strings.HasSuffix(name, "List") {
		return false
	}
	if len(name) > 4 && strings.HasPrefix(name, "List") && !isUpper(name[4]) {
		return false // Listen, Listener
	}
	return apis.IsContext(info.TypeOf(call.Args[0]))
}

func isUpper(b byte) bool { return 'A' <= b && b <= 'Z' }

// internalState reports whether t (or what it points to) is an unexported named struct type of the
// package being analysed.
func (c *checker) internalState(t types.Type) bool {
	t = types.Unalias(t)
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = types.Unalias(p.Elem())
	}
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() != c.pass.Pkg || n.Obj().Exported() {
		return false
	}
	_, isStruct := n.Underlying().(*types.Struct)
	return isStruct
}

// arraySource is the source of a range over an array. An array of values holds exactly its length
// in items: a constant trip count. An array of pointers, interfaces, maps, channels, functions or
// slices is a fixed-size table whose empty slots are nil (`allocators [4096]*Allocator`, most of
// them unused): its length bounds the items, but how many are in use is not known, so it counts
// only in the broad mode, like a slice of unknown origin.
func arraySource(a *types.Array) source {
	switch a.Elem().Underlying().(type) {
	case *types.Pointer, *types.Interface, *types.Map, *types.Chan, *types.Signature, *types.Slice:
		return source{kind: unknown, desc: fmt.Sprintf("a table of %d slots", a.Len())}
	}
	return source{kind: trips, trips: a.Len()}
}
