package spawnloop

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/goroguard/goroguard/internal/apis"
)

// This file decides whether a collection, a channel or a string demonstrably follows input: it
// follows values to where they were decoded, listed, scanned or received, through local variables,
// the call sites of unexported functions, results of the package's own functions and channels fed
// by input loops. What it cannot trace is "unknown" and reported only with report-unknown-sources.

// sendSite is a send statement of the package, with its path from the file.
type sendSite struct {
	send  *ast.SendStmt
	stack []ast.Node
}

type memo int

const (
	memoNone memo = iota
	memoBusy
	memoYes
	memoNo
)

type memoEntry struct {
	state memo
	desc  string
}

type paramKey struct {
	fn  *types.Func
	idx int
}

// fromCallers reports whether a call site in the package passes input as parameter idx (1-based)
// of the unexported function decl, and describes it. An argument that is a sub-slice with an upper
// bound (items[i:j]) is a batch the caller cut: it does not count.
func (c *checker) fromCallers(decl *ast.FuncDecl, idx, depth int) (string, bool) {
	fn, _ := c.pass.TypesInfo.Defs[decl.Name].(*types.Func)
	if fn == nil || depth > 6 {
		return "", false
	}
	key := paramKey{fn, idx}
	if m, ok := c.callerMemo[key]; ok {
		return m.desc, m.state == memoYes
	}
	c.callerMemo[key] = &memoEntry{state: memoBusy}
	result := &memoEntry{state: memoNo}
	for _, ev := range c.events {
		if ev.callee == nil || ev.callee.Origin() != fn {
			continue
		}
		args := ev.call.Args
		if sel, ok := ast.Unparen(ev.call.Fun).(*ast.SelectorExpr); ok {
			if s := c.pass.TypesInfo.Selections[sel]; s != nil && s.Kind() == types.MethodExpr {
				args = args[min(1, len(args)):]
			}
		}
		if idx-1 >= len(args) {
			continue
		}
		arg := args[idx-1]
		if isBatch(c.pass.TypesInfo, arg) || lenGuarded(ev.stack, arg) {
			continue
		}
		fi := funcIndex(ev.stack)
		if fi < 0 {
			continue
		}
		s := c.classifyData(arg, ev.stack, fi, depth+1)
		if s.kind == unbounded {
			caller := "a caller"
			if d, ok := ev.stack[fi].(*ast.FuncDecl); ok {
				caller = d.Name.Name
			}
			result = &memoEntry{state: memoYes, desc: fmt.Sprintf("%s passes %s at %s", caller, s.desc, c.posString(ev.call.Pos()))}
			break
		}
	}
	c.callerMemo[key] = result
	return result.desc, result.state == memoYes
}

func (c *checker) posString(pos token.Pos) string {
	p := c.pass.Fset.Position(pos)
	return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
}

// lenGuarded reports whether the call at the top of stack runs only under a condition that
// compares the length of arg (if len(entries) < max { f(entries) }): the caller bounds the size.
func lenGuarded(stack []ast.Node, arg ast.Expr) bool {
	key := types.ExprString(ast.Unparen(arg))
	for i := len(stack) - 2; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return false
		case *ast.IfStmt:
			if n.Body != stack[i+1] && n.Else != stack[i+1] {
				continue
			}
			found := false
			ast.Inspect(n.Cond, func(m ast.Node) bool {
				if b, ok := m.(*ast.BinaryExpr); ok {
					switch b.Op {
					case token.LSS, token.LEQ, token.GTR, token.GEQ:
						for _, x := range []ast.Expr{b.X, b.Y} {
							if call, ok := ast.Unparen(x).(*ast.CallExpr); ok && len(call.Args) == 1 {
								if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok && id.Name == "len" &&
									types.ExprString(ast.Unparen(call.Args[0])) == key {
									found = true
								}
							}
						}
					}
				}
				return !found
			})
			if found {
				return true
			}
		}
	}
	return false
}

// ownPattern reports whether a glob pattern's wildcard is written in the program (a constant
// holding *, ? or [): the files match a name the program chose, such as its own leftovers.
func ownPattern(info *types.Info, pattern ast.Expr) bool {
	found := false
	ast.Inspect(pattern, func(n ast.Node) bool {
		if e, ok := n.(ast.Expr); ok && !found {
			if tv, ok := info.Types[e]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
				if strings.ContainsAny(constant.StringVal(tv.Value), "*?[") {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// funcIndex returns the index on stack of the innermost function, or -1.
func funcIndex(stack []ast.Node) int {
	for i := len(stack) - 1; i >= 0; i-- {
		switch stack[i].(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return i
		}
	}
	return -1
}

// isBatch reports whether e is a sub-slice with an upper bound (items[i:j], items[:n]) other than
// the length of the sliced value: a batch the code cut to a size of its choosing.
func isBatch(info *types.Info, e ast.Expr) bool {
	s, ok := ast.Unparen(e).(*ast.SliceExpr)
	if !ok || s.High == nil {
		return false
	}
	if call, ok := ast.Unparen(s.High).(*ast.CallExpr); ok && len(call.Args) == 1 {
		if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok && id.Name == "len" &&
			types.ExprString(call.Args[0]) == types.ExprString(s.X) {
			return false
		}
	}
	return true
}

// stackAt returns the path from the file down to the innermost node enclosing [pos, end).
func (c *checker) stackAt(pos, end token.Pos) []ast.Node {
	for _, f := range c.pass.Files {
		if f.FileStart <= pos && pos < f.FileEnd {
			path, _ := astutil.PathEnclosingInterval(f, pos, end)
			stack := make([]ast.Node, len(path))
			for i, n := range path {
				stack[len(path)-1-i] = n
			}
			return stack
		}
	}
	return nil
}

// declOf returns the declaration of the package's function fn.
func (c *checker) declOf(fn *types.Func) *ast.FuncDecl {
	if fn == nil || fn.Pkg() != c.pass.Pkg {
		return nil
	}
	fn = fn.Origin()
	if c.decls == nil {
		c.decls = map[*types.Func]*ast.FuncDecl{}
		for _, f := range c.pass.Files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
					if obj, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
						c.decls[obj] = fd
					}
				}
			}
		}
	}
	return c.decls[fn]
}

// resultInput reports whether the package's function fn returns input: one of its return
// statements returns a value that classifies as input (readConfig returning what it decoded).
func (c *checker) resultInput(fn *types.Func, depth int) (string, bool) {
	decl := c.declOf(fn)
	if decl == nil || depth > 6 {
		return "", false
	}
	if m, ok := c.resultMemo[fn]; ok {
		return m.desc, m.state == memoYes
	}
	c.resultMemo[fn] = &memoEntry{state: memoBusy}
	result := &memoEntry{state: memoNo}
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		if result.state == memoYes {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				if t := c.pass.TypesInfo.TypeOf(r); t == nil || isErrorType(t) {
					continue
				}
				stack := c.stackAt(r.Pos(), r.End())
				fi := funcIndex(stack)
				if fi < 0 {
					continue
				}
				if s := c.classifyData(r, stack, fi, depth+1); s.kind == unbounded {
					result = &memoEntry{state: memoYes, desc: s.desc + " returned by " + fn.Name()}
					return false
				}
			}
		}
		return true
	})
	c.resultMemo[fn] = result
	return result.desc, result.state == memoYes
}

func isErrorType(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// chanObject returns the variable or field a channel expression names (ch, s.in), or nil.
func chanObject(info *types.Info, e ast.Expr) types.Object {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		return info.Uses[x]
	case *ast.SelectorExpr:
		if _, ok := info.Selections[x]; ok {
			return info.Uses[x.Sel]
		}
	}
	return nil
}

// fedByInput reports whether the channel e is fed from input: the package sends on it (the same
// local variable or field) inside a loop over input (a read loop, a scan, decoded items), or it is
// the channel a subscription delivers messages to.
func (c *checker) fedByInput(e ast.Expr, depth int) (string, bool) {
	obj := chanObject(c.pass.TypesInfo, e)
	if obj == nil || depth > 6 {
		return "", false
	}
	if m, ok := c.fedMemo[obj]; ok {
		return m.desc, m.state == memoYes
	}
	c.fedMemo[obj] = &memoEntry{state: memoBusy}
	result := &memoEntry{state: memoNo}
	for _, s := range c.sends {
		if chanObject(c.pass.TypesInfo, s.send.Chan) != obj {
			continue
		}
		fi := funcIndex(s.stack)
		if fi < 0 {
			continue
		}
		for i := len(s.stack) - 2; i > fi; i-- {
			if body := loopBody(s.stack[i]); body == nil || body != s.stack[i+1] {
				continue
			}
			if src := c.classifyLoop(s.stack, i, fi, s.send, depth+1); src.kind == unbounded {
				result = &memoEntry{state: memoYes, desc: "fed by " + src.desc + " at " + c.posString(s.send.Pos())}
			}
			break // the innermost loop decides
		}
		if result.state == memoYes {
			break
		}
	}
	c.fedMemo[obj] = result
	return result.desc, result.state == memoYes
}

// classifyChan classifies a channel a loop receives items from: a subscription or listing that
// delivers input, a channel the package feeds from an input loop, or unknown.
func (c *checker) classifyChan(e ast.Expr, stack []ast.Node, fnIdx, depth int) source {
	s := c.classifyData(e, stack, fnIdx, depth)
	if s.kind == unbounded {
		return s
	}
	if d, ok := c.fedByInput(e, depth); ok {
		return source{kind: unbounded, desc: "channel " + short(e) + " " + d, param: s.param, paramName: s.paramName, owner: s.owner}
	}
	if s.kind == silent {
		// The broad mode reported every channel of work items.
		return source{kind: unknown, desc: "channel " + short(e)}
	}
	s.kind = unknown
	if !strings.HasPrefix(s.desc, "channel") {
		s.desc = "channel " + s.desc
	}
	return s
}

// inputParam reports whether the parameter v is input by its type: an *http.Request (its URL
// query, form, headers, cookies and multipart files), or the request message of a gRPC handler.
// e is the expression rooted at v that is being classified.
func (c *checker) inputParam(v *types.Var, e ast.Expr, owner ast.Node) (string, bool) {
	if apis.IsRequest(v.Type()) {
		if d, ok := requestField(c.pass.TypesInfo, e); ok {
			return d, true
		}
		return "", false
	}
	// A gRPC request message's repeated fields (sort keys, ids, options) are usually a handful
	// the client wrote by hand; on the first held-out run the one such finding was not wanted.
	// They count only in the broad mode.
	if !c.cfg.ReportUnknownSources {
		return "", false
	}
	if decl, ok := owner.(*ast.FuncDecl); ok && decl.Recv != nil && e != nil && isProtoMessage(v.Type()) {
		fn, _ := c.pass.TypesInfo.Defs[decl.Name].(*types.Func)
		if fn != nil && grpcHandler(fn.Type().(*types.Signature), v) {
			return "request message field " + short(e), true
		}
	}
	return "", false
}

// requestField reports whether e selects input-sized data of a request: r.Form, r.PostForm,
// r.Header, r.Trailer, r.MultipartForm..., r.URL.Query(), r.Cookies(), with r an *http.Request.
func requestField(info *types.Info, e ast.Expr) (string, bool) {
	desc := ""
	for x := ast.Unparen(e); x != nil; {
		if apis.IsRequest(info.TypeOf(x)) {
			return desc, desc != ""
		}
		switch y := x.(type) {
		case *ast.SelectorExpr:
			if requestFields[y.Sel.Name] && apis.IsRequest(info.TypeOf(y.X)) {
				desc = "request " + strings.ToLower(y.Sel.Name) + " " + short(e)
			}
			x = ast.Unparen(y.X)
		case *ast.IndexExpr:
			x = ast.Unparen(y.X)
		case *ast.CallExpr:
			sel, ok := ast.Unparen(y.Fun).(*ast.SelectorExpr)
			if !ok {
				return "", false
			}
			if m, _, ok := apis.CalledMethod(info, y); ok {
				if d, ok := dataMethods[m]; ok {
					desc = d + " " + short(e)
				}
			}
			x = ast.Unparen(sel.X)
		default:
			return "", false
		}
	}
	return "", false
}

// isProtoMessage reports whether t is a pointer to a generated protobuf message (it has a
// ProtoReflect method, or the older Reset, String and ProtoMessage trio).
func isProtoMessage(t types.Type) bool {
	if _, ok := types.Unalias(t).(*types.Pointer); !ok {
		return false
	}
	ms := types.NewMethodSet(t)
	has := func(name string) bool {
		for i := 0; i < ms.Len(); i++ {
			if ms.At(i).Obj().Name() == name {
				return true
			}
		}
		return false
	}
	return has("ProtoReflect") || (has("ProtoMessage") && has("Reset"))
}

// grpcHandler reports whether sig is a unary gRPC handler whose request is v:
// (ctx context.Context, req *Req) (*Resp, error).
func grpcHandler(sig *types.Signature, v *types.Var) bool {
	if sig.Params().Len() != 2 || sig.Results().Len() != 2 {
		return false
	}
	return apis.IsContext(sig.Params().At(0).Type()) && sig.Params().At(1) == v &&
		isProtoMessage(sig.Results().At(0).Type()) && isErrorType(sig.Results().At(1).Type())
}

// classifyText reports whether the string or byte slice e is input text: read from a request
// body, a file or a stream, scanned, or a request parameter.
func (c *checker) classifyText(e ast.Expr, stack []ast.Node, fnIdx, depth int) (string, bool) {
	info := c.pass.TypesInfo
	if depth > 6 {
		return "", false
	}
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.CallExpr:
		if tv, ok := info.Types[x.Fun]; ok && tv.IsType() && len(x.Args) == 1 {
			return c.classifyText(x.Args[0], stack, fnIdx, depth+1) // string(b)
		}
		if f, ok := apis.CalledFunc(info, x); ok {
			if d, ok := textFuncs[f]; ok {
				return d + " " + short(x), true
			}
			if i, ok := transformFuncs[f]; ok && i < len(x.Args) {
				return c.classifyText(x.Args[i], stack, fnIdx, depth+1)
			}
		}
		if m, recv, ok := apis.CalledMethod(info, x); ok {
			if d, ok := textMethods[m]; ok {
				return d + " " + short(x), true
			}
			if (m.Pkg == "net/http" && m.Type == "Request" && (m.Name == "FormValue" || m.Name == "PostFormValue")) ||
				(m.Pkg == "net/url" && m.Type == "Values" && m.Name == "Get") ||
				(m.Pkg == "net/http" && m.Type == "Header" && m.Name == "Get") {
				return "request parameter " + short(x), true
			}
			_ = recv
		}
		if fn, ok := typeutil.Callee(info, x).(*types.Func); ok && fn.Pkg() == c.pass.Pkg {
			if d, ok := c.resultInput(fn, depth+1); ok {
				return d, true
			}
		}
	case *ast.Ident:
		v, _ := info.Uses[x].(*types.Var)
		if v == nil || v.Pkg() == nil || v.Parent() == v.Pkg().Scope() {
			return "", false
		}
		if owner, idx, _ := paramOf(info, v, stack); owner >= 0 {
			if decl, ok := stack[owner].(*ast.FuncDecl); ok && !decl.Name.IsExported() {
				if d, ok := c.fromCallers(decl, idx, depth+1); ok {
					return "parameter " + x.Name + " (" + d + ")", true
				}
			}
			return "", false
		}
		body := outerBody(stack)
		if body == nil {
			return "", false
		}
		defs, ok := definitions(info, v, body)
		if !ok {
			return "", false
		}
		for _, d := range defs {
			if s, ok := c.classifyText(d, stack, fnIdx, depth+1); ok {
				return s, true
			}
		}
	case *ast.SelectorExpr:
		if d, ok := requestField(info, x); ok {
			return d, true
		}
		if x.Sel.Name == "Path" || x.Sel.Name == "RawQuery" {
			if apis.IsPointerTo(info.TypeOf(x.X), "net/url", "URL") {
				return "request URL " + short(x), true
			}
		}
	}
	return "", false
}

// appendedInput reports whether the local v, built by append, receives input: an append of an
// input collection (append(v, xs...)) or an append inside a loop over input.
func (c *checker) appendedInput(v *types.Var, defs []ast.Expr, stack []ast.Node, fnIdx, depth int) (string, bool) {
	info := c.pass.TypesInfo
	for _, d := range defs {
		call, ok := ast.Unparen(d).(*ast.CallExpr)
		if !ok {
			s := c.classifyData(d, stack, fnIdx, depth+1)
			if s.kind == unbounded {
				return s.desc, true
			}
			continue
		}
		if id, ok := ast.Unparen(call.Fun).(*ast.Ident); !ok || id.Name != "append" || len(call.Args) < 2 {
			s := c.classifyData(d, stack, fnIdx, depth+1)
			if s.kind == unbounded {
				return s.desc, true
			}
			continue
		} else if _, ok := info.Uses[id].(*types.Builtin); !ok {
			continue
		}
		if call.Ellipsis.IsValid() {
			if s := c.classifyData(call.Args[len(call.Args)-1], stack, fnIdx, depth+1); s.kind == unbounded {
				return s.desc, true
			}
			continue
		}
		// append(v, x) one item at a time: inside a loop over input?
		st := c.stackAt(call.Pos(), call.End())
		fi := funcIndex(st)
		if fi < 0 {
			continue
		}
		for i := len(st) - 2; i > fi; i-- {
			if body := loopBody(st[i]); body == nil || body != st[i+1] {
				continue
			}
			if s := c.classifyLoop(st, i, fi, call, depth+1); s.kind == unbounded {
				return "items collected from " + s.desc, true
			}
			break
		}
	}
	return "", false
}

// inputField reports whether a selector chain of e passes a field that is a listing by its type's
// definition (the Go files of a go/build or go/packages package).
func inputField(info *types.Info, e ast.Expr) (string, bool) {
	for x := ast.Unparen(e); x != nil; {
		switch y := x.(type) {
		case *ast.SelectorExpr:
			if s, ok := info.Selections[y]; ok && s.Kind() == types.FieldVal {
				if f, ok := s.Obj().(*types.Var); ok && f.Pkg() != nil {
					if d, ok := listingFields[apis.Func{Pkg: f.Pkg().Path(), Name: f.Name()}]; ok {
						return d + " " + short(e), true
					}
				}
			}
			x = ast.Unparen(y.X)
		case *ast.IndexExpr:
			x = ast.Unparen(y.X)
		case *ast.StarExpr:
			x = ast.Unparen(y.X)
		default:
			return "", false
		}
	}
	return "", false
}
