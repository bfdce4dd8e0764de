package ctxdone

// Orphaned channels: a channel the package makes, wherever it travels inside the package (struct
// fields, slices and maps of channels, package variables, closures, parameters and results of the
// package's own functions), whose operations all happen in this package because it is never handed
// to code outside. When such a channel is received from but nothing in the package sends on it or
// closes it, every receive blocks forever; when it is sent on but nothing receives from it, every
// send blocks once the buffer is full. The goroutine doing it leaks.
//
// The value flow is a unification (Steensgaard-style) over the package's SSA form: every
// channel-carrying value, field, package variable, parameter and result is a node; an assignment,
// a call argument, a phi or a load joins two nodes. Joining is conservative for this check: more
// joining only adds partners, never removes one. Every flow the model does not follow (a call into
// another package, a dynamic call, a conversion to an interface, a result returned by a function
// other packages can call, an exported field) marks the channel as handed out, and a handed-out
// channel is never reported.

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/goroguard/goroguard/internal/costs"
)

// maxOrphanInstrs bounds the SSA work of the orphan check in one package: past it the package is
// skipped (silence, never a guess).
const maxOrphanInstrs = 2_000_000

// checkOrphans runs the orphaned-channel check on the package, and the never-cancelled wait
// check (nevercancel.go). It builds SSA only when the package makes a channel or a cancellable
// context: every finding needs a make(chan) or a context.WithCancel of its own.
func (c *checker) checkOrphans() {
	c.checkTimerDrains() // timerdrain.go: syntax only, no SSA
	if len(c.pass.TypeErrors) > 0 {
		return
	}
	chans, cancels := c.makesChannels(), c.callsWithCancel()
	if !chans && !cancels {
		return
	}
	funcs := c.buildSSAOrNil()
	if funcs == nil {
		return
	}
	o := newOrphans(c, funcs)
	if !o.collect() {
		return
	}
	o.report()
	if cancels {
		o.checkNeverCancelled()
	}
}

// callsWithCancel reports whether some file of the package calls context.WithCancel.
func (c *checker) callsWithCancel() bool {
	for id, obj := range c.info.Uses {
		if f, ok := obj.(*types.Func); ok && f.Name() == "WithCancel" && f.Pkg() != nil && f.Pkg().Path() == "context" && id.Name == "WithCancel" {
			return true
		}
	}
	return false
}

// makesChannels reports whether some file of the package calls make with a channel type.
func (c *checker) makesChannels() bool {
	found := false
	for _, f := range c.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			if found {
				return false
			}
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			id, ok := ast.Unparen(call.Fun).(*ast.Ident)
			if !ok || id.Name != "make" {
				return true
			}
			if b, ok := c.info.Uses[id].(*types.Builtin); !ok || b.Name() != "make" {
				return true
			}
			if t := c.info.TypeOf(call.Args[0]); t != nil {
				if _, ok := t.Underlying().(*types.Chan); ok {
					found = true
				}
			}
			return true
		})
		if found {
			return true
		}
	}
	return false
}

// buildSSAOrNil builds the package's SSA. The builder is not ours: a package it cannot build is
// skipped (nil), so the orphan check stays silent there. A panic in the check itself is not
// caught here; internal/guard turns it into an error naming the analyzer and position.
func (c *checker) buildSSAOrNil() (funcs []*ssa.Function) {
	defer func() {
		if r := recover(); r != nil {
			funcs = nil
		}
	}()
	return c.buildSSA()
}

// buildSSA builds the package's SSA form the way buildssa does, and returns its source functions
// (named ones and every function literal).
func (c *checker) buildSSA() []*ssa.Function {
	prog := ssa.NewProgram(c.pass.Fset, 0)
	for _, p := range c.pass.Pkg.Imports() {
		prog.CreatePackage(p, nil, nil, true)
	}
	pkg := prog.CreatePackage(c.pass.Pkg, c.pass.Files, c.pass.TypesInfo, false)
	pkg.Build()
	var funcs []*ssa.Function
	var add func(f *ssa.Function)
	add = func(f *ssa.Function) {
		funcs = append(funcs, f)
		for _, a := range f.AnonFuncs {
			add(a)
		}
	}
	for _, file := range c.pass.Files {
		for _, decl := range file.Decls {
			d, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			obj, ok := c.info.Defs[d.Name].(*types.Func)
			if !ok {
				continue
			}
			if f := prog.FuncValue(obj); f != nil {
				add(f)
			}
		}
	}
	return funcs
}

// oNode is one node of the unification: a set of channel-carrying values that may hold the same
// channels. pointee and elem are the nodes of what a pointer points to and of a container's
// elements (-1 until needed).
type oNode struct {
	parent  int
	pointee int
	elem    int
}

type oKind uint8

const (
	oSend oKind = iota
	oRecv
	oClose
)

// oOp is one operation on a channel.
type oOp struct {
	kind  oKind
	node  int
	fn    *ssa.Function
	instr ssa.Instruction
	ch    ssa.Value
	pos   token.Pos
	// sel is the select the operation is a case of (nil for a plain operation).
	sel *ssa.Select
}

type orphans struct {
	// fields indexes field stores and loads for nevercancel.go (nil until needed).
	fields *fieldIndex
	c      *checker
	// broad is package-channels: it turns on the stranded-operation check and counts the sends
	// that fill a constant buffer nobody drains. By default only unbuffered channels that nothing
	// receives from, channels nothing sends on or closes, and self-releases are reported.
	broad bool
	pkg   *types.Package
	main  bool
	funcs []*ssa.Function
	own   map[*ssa.Function]bool

	nodes   []oNode
	byValue map[ssa.Value]int
	byField map[*types.Var]int
	byRet   map[*ssa.Function][]int

	fieldOf  map[int]*types.Var // a field node's field
	escaped  []int              // nodes marked handed out
	makes    []*ssa.MakeChan
	makeNode map[*ssa.MakeChan]int
	ops      []oOp
	invoked  map[string]bool // method names called through an interface or a method expression
	// funcVals are the nodes that hold each of the package's functions as a value, with whether the
	// value is a method value (its receiver bound).
	funcVals []funcVal
	valueFns map[*ssa.Function]bool
	selects  map[token.Pos]*ast.SelectStmt
	// loopSelects holds the selects inside a loop of their function.
	loopSelects map[*ast.SelectStmt]bool
	gaveUp      bool
	// dyn are the calls through function values, resolved to the functions their callee may hold.
	dyn    []*dynCall
	fnEsc  map[*ssa.Function]bool // functions whose value reaches code the check does not see
	tuples map[tupleKey]int
	// owner maps a channel field to the named struct type that declares it; singleton holds the
	// struct types the package keeps in package variables.
	owner     map[*types.Var]*types.Named
	singleton map[*types.Named]bool
	// goTargets are the functions go statements start (directly or through a function value).
	goTargets map[*ssa.Function]bool
	// recvOut are nodes handed out as receive-only channels: outside code may receive from them.
	recvOut []int
	calls   map[*ssa.Function][]ssa.CallInstruction
	inLoop  map[*ssa.BasicBlock]bool
}

func newOrphans(c *checker, funcs []*ssa.Function) *orphans {
	o := &orphans{
		c:         c,
		broad:     c.cfg.PackageChannels,
		pkg:       c.pass.Pkg,
		main:      c.pass.Pkg.Name() == "main",
		funcs:     funcs,
		own:       map[*ssa.Function]bool{},
		byValue:   map[ssa.Value]int{},
		byField:   map[*types.Var]int{},
		byRet:     map[*ssa.Function][]int{},
		fieldOf:   map[int]*types.Var{},
		makeNode:  map[*ssa.MakeChan]int{},
		invoked:   map[string]bool{},
		fnEsc:     map[*ssa.Function]bool{},
		tuples:    map[tupleKey]int{},
		goTargets: map[*ssa.Function]bool{},
		valueFns:  map[*ssa.Function]bool{},
		owner:     map[*types.Var]*types.Named{},
		singleton: map[*types.Named]bool{},
		calls:     map[*ssa.Function][]ssa.CallInstruction{},
		inLoop:    map[*ssa.BasicBlock]bool{},
	}
	for _, f := range funcs {
		o.own[f] = true
	}
	return o
}

// chanish reports whether values of type t can carry channels the check follows: a channel or a
// function value (whose calls the check follows to the functions it may hold), or a slice, array,
// map or pointer of such.
func chanish(t types.Type) bool {
	for i := 0; i < 8 && t != nil; i++ {
		switch u := t.Underlying().(type) {
		case *types.Chan, *types.Signature:
			return true
		case *types.Slice:
			t = u.Elem()
		case *types.Array:
			t = u.Elem()
		case *types.Map:
			t = u.Elem()
		case *types.Pointer:
			t = u.Elem()
		default:
			return false
		}
	}
	return false
}

func (o *orphans) newNode() int {
	o.nodes = append(o.nodes, oNode{parent: len(o.nodes), pointee: -1, elem: -1})
	return len(o.nodes) - 1
}

func (o *orphans) find(n int) int {
	for o.nodes[n].parent != n {
		o.nodes[n].parent = o.nodes[o.nodes[n].parent].parent
		n = o.nodes[n].parent
	}
	return n
}

// union joins a and b, and with them what they point to and contain.
func (o *orphans) union(a, b int) {
	work := [][2]int{{a, b}}
	for len(work) > 0 {
		p := work[len(work)-1]
		work = work[:len(work)-1]
		x, y := o.find(p[0]), o.find(p[1])
		if x == y {
			continue
		}
		o.nodes[y].parent = x
		nx, ny := o.nodes[x], o.nodes[y]
		if ny.pointee >= 0 {
			if nx.pointee < 0 {
				o.nodes[x].pointee = ny.pointee
			} else {
				work = append(work, [2]int{nx.pointee, ny.pointee})
			}
		}
		if ny.elem >= 0 {
			if nx.elem < 0 {
				o.nodes[x].elem = ny.elem
			} else {
				work = append(work, [2]int{nx.elem, ny.elem})
			}
		}
	}
}

func (o *orphans) pointee(n int) int {
	r := o.find(n)
	if o.nodes[r].pointee < 0 {
		p := o.newNode()
		o.nodes[r].pointee = p
	}
	return o.nodes[r].pointee
}

func (o *orphans) elem(n int) int {
	r := o.find(n)
	if o.nodes[r].elem < 0 {
		e := o.newNode()
		o.nodes[r].elem = e
	}
	return o.nodes[r].elem
}

// node returns the node of v, creating it (and, for a package variable, marking it handed out when
// other packages can reach it).
func (o *orphans) node(v ssa.Value) int {
	if n, ok := o.byValue[v]; ok {
		return n
	}
	n := o.newNode()
	o.byValue[v] = n
	switch v := v.(type) {
	case *ssa.Global:
		if v.Pkg == nil || v.Pkg.Pkg != o.pkg || (v.Object() != nil && v.Object().Exported() && !o.main) {
			o.escape(n)
		}
	case *ssa.Const:
		// nil: carries no channel.
	case *ssa.Function:
		if o.ownBody(v) {
			o.addFuncVal(funcVal{node: n, fn: v})
		} else {
			o.escape(n) // a wrapper or another package's function: its calls are not followed
		}
	case *ssa.Builtin:
		o.escape(n)
	}
	return n
}

// funcVal is a node that holds fn as a value; bound says the value is a method value whose
// receiver is already bound (fn's first parameter is not an argument of the calls).
type funcVal struct {
	node  int
	fn    *ssa.Function
	bound bool
}

// dynCall is a call through a function value.
type dynCall struct {
	call ssa.CallInstruction
	fn   *ssa.Function // the caller
	// res are the nodes of the call's results.
	res    []int
	linked map[*ssa.Function]bool
}

// closure models a function literal with its bindings, or a method value.
func (o *orphans) closure(in *ssa.MakeClosure) {
	n := o.node(in)
	cf, ok := in.Fn.(*ssa.Function)
	switch {
	case ok && o.ownBody(cf) && len(cf.FreeVars) == len(in.Bindings):
		for i, b := range in.Bindings {
			o.join(b, cf.FreeVars[i])
		}
		o.addFuncVal(funcVal{node: n, fn: cf})
		return
	case ok && strings.HasSuffix(cf.Name(), "$bound") && len(in.Bindings) == 1:
		// A method value x.m: calls run m with x as receiver.
		if m, ok := cf.Object().(*types.Func); ok {
			if target := cf.Prog.FuncValue(m); o.ownBody(target) && len(target.Params) > 0 {
				o.join(in.Bindings[0], target.Params[0])
				o.addFuncVal(funcVal{node: n, fn: target, bound: true})
				return
			}
		}
	}
	for _, b := range in.Bindings {
		o.escapeValue(b)
	}
	o.escape(n)
}

func (o *orphans) addFuncVal(fv funcVal) {
	o.funcVals = append(o.funcVals, fv)
	o.valueFns[fv.fn] = true
}

// hasValue reports whether fn is used as a value somewhere in the package.
func (o *orphans) hasValue(fn *ssa.Function) bool { return o.valueFns[fn] }

// link resolves the calls through function values to the package's functions their callees may
// hold, until nothing new is found; each new target joins arguments to parameters and results to
// results.
func (o *orphans) link() {
	for round := 0; round < 64; round++ {
		byRoot := map[int][]funcVal{}
		for _, fv := range o.funcVals {
			r := o.find(fv.node)
			byRoot[r] = append(byRoot[r], fv)
		}
		changed := false
		for _, dc := range o.dyn {
			common := dc.call.Common()
			for _, fv := range byRoot[o.find(o.node(common.Value))] {
				if dc.linked[fv.fn] {
					continue
				}
				dc.linked[fv.fn] = true
				changed = true
				o.calls[fv.fn] = append(o.calls[fv.fn], dc.call)
				if _, ok := dc.call.(*ssa.Go); ok {
					o.goTargets[fv.fn] = true
				}
				params := fv.fn.Params
				if fv.bound {
					params = params[1:]
				}
				// The graph is not typed: instances of a generic type share one field node, so
				// a function value of another shape can reach this call. Its flow is unknown.
				if len(params) != len(common.Args) || (dc.res != nil && len(dc.res) != fv.fn.Signature.Results().Len()) {
					for _, a := range common.Args {
						o.escapeValue(a)
					}
					for _, r := range dc.res {
						o.escape(r)
					}
					continue
				}
				for i, a := range common.Args {
					o.join(a, params[i])
				}
				for i, r := range dc.res {
					o.union(r, o.ret(fv.fn, i))
				}
			}
		}
		if !changed {
			return
		}
	}
}

// field returns the node of a struct field (all instances share it).
func (o *orphans) field(f *types.Var) int {
	f = originVar(f)
	if n, ok := o.byField[f]; ok {
		return n
	}
	n := o.newNode()
	o.byField[f] = n
	o.fieldOf[n] = f
	if f.Pkg() != o.pkg || (f.Exported() && !o.main) {
		o.escape(n)
	}
	return n
}

// ret returns the node of fn's i-th result.
func (o *orphans) ret(fn *ssa.Function, i int) int {
	rs := o.byRet[fn]
	if rs == nil {
		rs = make([]int, fn.Signature.Results().Len())
		for j := range rs {
			rs[j] = o.newNode()
		}
		o.byRet[fn] = rs
	}
	return rs[i]
}

// tupleNode returns the node of the i-th result of a call through a function value.
func (o *orphans) tupleNode(call ssa.Value, i int) int {
	k := tupleKey{call, i}
	if n, ok := o.tuples[k]; ok {
		return n
	}
	n := o.newNode()
	o.tuples[k] = n
	return n
}

type tupleKey struct {
	call ssa.Value
	i    int
}

func (o *orphans) escape(n int) { o.escaped = append(o.escaped, n) }

func (o *orphans) escapeValue(v ssa.Value) {
	if v == nil || !chanish(v.Type()) {
		return
	}
	if c, ok := v.Type().Underlying().(*types.Chan); ok && c.Dir() == types.RecvOnly {
		// Code that gets only the receive end can receive, but can neither send nor close.
		o.recvOut = append(o.recvOut, o.node(v))
		return
	}
	o.escape(o.node(v))
}

func (o *orphans) join(a, b ssa.Value) {
	if chanish(a.Type()) || chanish(b.Type()) {
		o.union(o.node(a), o.node(b))
	}
}

// ownBody reports whether calls to fn can be followed: a function of this package with a body.
func (o *orphans) ownBody(fn *ssa.Function) bool {
	return fn != nil && o.own[fn] && fn.Blocks != nil
}

// collect walks every instruction once. It returns false when the package is too big.
func (o *orphans) collect() bool {
	count := 0
	for _, fn := range o.funcs {
		for _, b := range fn.Blocks {
			count += len(b.Instrs)
		}
	}
	if count > maxOrphanInstrs {
		return false
	}
	for _, fn := range o.funcs {
		o.markLoops(fn)
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				o.c.pass.At(instr.Pos())
				o.instr(fn, instr)
			}
		}
	}
	o.link()
	return true
}

// settle computes the handed-out nodes: the marks spread to what marked values point to and
// contain, to the arguments and results of calls through function values that may hold code the
// check does not see, and to the parameters and results of functions other code can call.
func (o *orphans) settle() map[int]bool {
	opened := map[*ssa.Function]bool{}
	dynDone := map[*dynCall]bool{}
	for round := 0; ; round++ {
		esc := o.propagate()
		if round == 100 {
			// Too long a chain of functions opening one another: give up on the package.
			o.gaveUp = true
			return esc
		}
		changed := false
		for _, fv := range o.funcVals {
			if esc[o.find(fv.node)] && !o.fnEsc[fv.fn] {
				o.fnEsc[fv.fn] = true
				changed = true
			}
		}
		for _, dc := range o.dyn {
			if dynDone[dc] || (!esc[o.find(o.node(dc.call.Common().Value))] && len(dc.linked) > 0) {
				continue
			}
			dynDone[dc] = true
			changed = true
			for _, a := range dc.call.Common().Args {
				o.escapeValue(a)
			}
			for _, r := range dc.res {
				o.escape(r)
			}
		}
		for _, fn := range o.funcs {
			if opened[fn] || !o.open(fn) {
				continue
			}
			opened[fn] = true
			changed = true
			for _, p := range fn.Params {
				o.escapeValue(p)
			}
			// Free variables stay: unknown callers reach them only through fn's own code.
			if rs, ok := o.byRet[fn]; ok {
				for _, r := range rs {
					o.escape(r)
				}
			}
		}
		if !changed {
			return esc
		}
	}
}

// propagate spreads the handed-out marks to what marked nodes point to and contain.
func (o *orphans) propagate() map[int]bool {
	esc := map[int]bool{}
	work := append([]int(nil), o.escaped...)
	for len(work) > 0 {
		n := o.find(work[len(work)-1])
		work = work[:len(work)-1]
		if esc[n] {
			continue
		}
		esc[n] = true
		if p := o.nodes[n].pointee; p >= 0 {
			work = append(work, p)
		}
		if e := o.nodes[n].elem; e >= 0 {
			work = append(work, e)
		}
	}
	return esc
}

// open reports whether fn can be called from code the check does not see: other packages, dynamic
// calls, interfaces.
func (o *orphans) open(fn *ssa.Function) bool {
	if o.fnEsc[fn] || o.uncalled(fn) {
		return true
	}
	if fn.Parent() != nil {
		return false // a literal used only as a callee
	}
	if fn.Signature.Recv() != nil {
		return o.invoked[fn.Name()] || (token.IsExported(fn.Name()) && !o.main)
	}
	return token.IsExported(fn.Name()) && !o.main
}

// uncalled reports whether fn is an unexported named function (or any in package main) that
// nothing in the package calls or uses:
// its callers are elsewhere (the package's tests, which a non-test pass does not see, or a
// linkname), and so may be the other end of whatever it makes.
func (o *orphans) uncalled(fn *ssa.Function) bool {
	if fn.Parent() != nil || o.hasValue(fn) || len(o.calls[fn]) > 0 {
		return false
	}
	if fn.Signature.Recv() != nil && o.invoked[fn.Name()] {
		return false
	}
	name := fn.Name()
	if token.IsExported(name) && !o.main {
		return false // an API: other packages call it (and open() already says so)
	}
	return !(fn.Signature.Recv() == nil && (name == "main" || strings.HasPrefix(name, "init")))
}

// topFunc returns the named function a literal is nested in (fn itself when named).
func topFunc(fn *ssa.Function) *ssa.Function {
	for fn.Parent() != nil {
		fn = fn.Parent()
	}
	return fn
}

// generic reports whether fn is, or is nested in, a generic function or method: calls through its
// type parameters are not followed, so its channels are left alone.
func generic(fn *ssa.Function) bool {
	top := topFunc(fn)
	if top.TypeParams().Len() > 0 {
		return true
	}
	if recv := top.Signature.Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := t.(*types.Named); ok && n.TypeParams().Len() > 0 {
			return true
		}
	}
	return false
}

// markLoops records the blocks of fn that lie on a cycle: the blocks of its strongly connected
// components with more than one block, and blocks that jump to themselves (Tarjan's algorithm,
// iterative, linear in the size of the CFG).
func (o *orphans) markLoops(fn *ssa.Function) {
	n := len(fn.Blocks)
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	next := 0
	type frame struct{ b, succ int }
	for root := range fn.Blocks {
		if index[root] >= 0 {
			continue
		}
		calls := []frame{{root, 0}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			b := fn.Blocks[f.b]
			if f.succ < len(b.Succs) {
				w := b.Succs[f.succ].Index
				f.succ++
				if w == f.b {
					o.inLoop[b] = true
				}
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					calls = append(calls, frame{w, 0})
				} else if onStack[w] {
					low[f.b] = min(low[f.b], index[w])
				}
				continue
			}
			v := f.b
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				p := calls[len(calls)-1].b
				low[p] = min(low[p], low[v])
			}
			if low[v] == index[v] {
				var comp []int
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp = append(comp, w)
					if w == v {
						break
					}
				}
				if len(comp) > 1 {
					for _, w := range comp {
						o.inLoop[fn.Blocks[w]] = true
					}
				}
			}
		}
	}
}

func (o *orphans) addOp(kind oKind, fn *ssa.Function, instr ssa.Instruction, ch ssa.Value, pos token.Pos, sel *ssa.Select) {
	o.ops = append(o.ops, oOp{kind: kind, node: o.node(ch), fn: fn, instr: instr, ch: ch, pos: pos, sel: sel})
}

func (o *orphans) instr(fn *ssa.Function, instr ssa.Instruction) {
	switch in := instr.(type) {
	case *ssa.MakeChan:
		n := o.node(in)
		o.makes = append(o.makes, in)
		o.makeNode[in] = n
	case *ssa.Phi:
		if chanish(in.Type()) {
			for _, e := range in.Edges {
				o.join(in, e)
			}
		}
	case *ssa.ChangeType:
		o.join(in, in.X)
	case *ssa.Convert:
		if chanish(in.Type()) && chanish(in.X.Type()) {
			o.join(in, in.X)
		} else {
			o.escapeValue(in.X)
			o.escapeValue(in)
		}
	case *ssa.UnOp:
		switch in.Op {
		case token.ARROW:
			o.addOp(oRecv, fn, in, in.X, in.Pos(), nil)
			o.escapeValue(in) // a channel received from a channel: unknown origin
		case token.MUL:
			if chanish(in.Type()) {
				o.union(o.node(in), o.pointee(o.node(in.X)))
			}
		}
	case *ssa.Send:
		o.addOp(oSend, fn, in, in.Chan, in.Pos(), nil)
		o.escapeValue(in.X)
	case *ssa.Select:
		for _, st := range in.States {
			if st.Dir == types.SendOnly {
				o.addOp(oSend, fn, in, st.Chan, st.Pos, in)
				o.escapeValue(st.Send)
			} else {
				o.addOp(oRecv, fn, in, st.Chan, st.Pos, in)
			}
		}
	case *ssa.Store:
		if _, ok := in.Addr.(*ssa.Global); ok {
			// A struct kept in a package variable is a singleton that lives as long as the process.
			t := in.Val.Type()
			if p, ok := t.Underlying().(*types.Pointer); ok {
				t = p.Elem()
			}
			if n, ok := types.Unalias(t).(*types.Named); ok {
				o.singleton[n.Origin()] = true
			}
		}
		if chanish(in.Val.Type()) {
			o.union(o.node(in.Val), o.pointee(o.node(in.Addr)))
		}
	case *ssa.FieldAddr:
		if f := fieldVar(in.X.Type(), in.Field, true); f != nil && chanish(f.Type()) {
			o.union(o.pointee(o.node(in)), o.field(f))
			if p, ok := in.X.Type().Underlying().(*types.Pointer); ok {
				if n, ok := types.Unalias(p.Elem()).(*types.Named); ok {
					o.owner[originVar(f)] = n.Origin()
				}
			}
		}
	case *ssa.Field:
		if f := fieldVar(in.X.Type(), in.Field, false); f != nil && chanish(f.Type()) {
			o.union(o.node(in), o.field(f))
		}
	case *ssa.IndexAddr:
		if chanish(in.Type()) {
			o.union(o.pointee(o.node(in)), o.elemOf(in.X))
		}
	case *ssa.Index:
		if chanish(in.Type()) {
			o.union(o.node(in), o.elem(o.node(in.X)))
		}
	case *ssa.Lookup:
		if chanish(in.X.Type()) {
			if in.CommaOk {
				break // the Extract joins the element
			}
			o.union(o.node(in), o.elem(o.node(in.X)))
		}
	case *ssa.MapUpdate:
		if chanish(in.Value.Type()) {
			o.union(o.node(in.Value), o.elem(o.node(in.Map)))
		}
		o.escapeValue(in.Key)
	case *ssa.Slice:
		if chanish(in.Type()) {
			if _, ok := in.X.Type().Underlying().(*types.Pointer); ok {
				o.union(o.elem(o.node(in)), o.elemOf(in.X))
			} else {
				o.join(in, in.X)
			}
		}
	case *ssa.Range, *ssa.Next:
		// Next's tuple is read through Extract.
	case *ssa.Extract:
		o.extract(in)
	case *ssa.MakeInterface:
		o.escapeValue(in.X)
	case *ssa.TypeAssert:
		if !in.CommaOk {
			o.escapeValue(in)
		}
	case *ssa.MakeClosure:
		o.closure(in)
	case *ssa.Return:
		for i, r := range in.Results {
			if chanish(r.Type()) {
				o.union(o.node(r), o.ret(fn, i))
			}
		}
	case ssa.CallInstruction:
		o.call(fn, in)
	case *ssa.Alloc, *ssa.MakeSlice, *ssa.MakeMap, *ssa.BinOp, *ssa.DebugRef, *ssa.If, *ssa.Jump,
		*ssa.Panic, *ssa.RunDefers:
	default:
		// Anything the model does not follow hands the channels out.
		for _, p := range instr.Operands(nil) {
			if p != nil && *p != nil {
				o.escapeValue(*p)
			}
		}
		if v, ok := instr.(ssa.Value); ok {
			o.escapeValue(v)
		}
	}
}

// elemOf returns the element node of a slice, or of the array a pointer points to.
func (o *orphans) elemOf(x ssa.Value) int {
	if _, ok := x.Type().Underlying().(*types.Pointer); ok {
		return o.elem(o.pointee(o.node(x)))
	}
	return o.elem(o.node(x))
}

func (o *orphans) extract(in *ssa.Extract) {
	if !chanish(in.Type()) {
		return
	}
	switch t := in.Tuple.(type) {
	case *ssa.Call:
		if fn := t.Call.StaticCallee(); o.ownBody(fn) && t.Call.Method == nil {
			o.union(o.node(in), o.ret(fn, in.Index))
			return
		}
		if t.Call.StaticCallee() == nil && !t.Call.IsInvoke() && chanish(t.Call.Value.Type()) {
			o.union(o.node(in), o.tupleNode(t, in.Index))
			return
		}
	case *ssa.Lookup:
		if in.Index == 0 {
			o.union(o.node(in), o.elem(o.node(t.X)))
			return
		}
	case *ssa.Next:
		if r, ok := t.Iter.(*ssa.Range); ok && in.Index == 2 {
			if _, ok := r.X.Type().Underlying().(*types.Map); ok {
				o.union(o.node(in), o.elem(o.node(r.X)))
				return
			}
		}
	case *ssa.TypeAssert:
	}
	o.escapeValue(in)
}

func (o *orphans) call(fn *ssa.Function, call ssa.CallInstruction) {
	common := call.Common()
	if common.IsInvoke() {
		o.invoked[common.Method.Name()] = true
		for _, a := range common.Args {
			o.escapeValue(a)
		}
		if v := call.Value(); v != nil {
			o.escapeValue(v)
		}
		return
	}
	if b, ok := common.Value.(*ssa.Builtin); ok {
		switch b.Name() {
		case "close":
			if len(common.Args) == 1 {
				o.addOp(oClose, fn, call, common.Args[0], common.Pos(), nil)
			}
		case "len", "cap", "print", "println":
		case "append":
			if v := call.Value(); v != nil && len(common.Args) == 2 && chanish(v.Type()) {
				o.join(v, common.Args[0])
				if chanish(common.Args[1].Type()) {
					o.union(o.elem(o.node(v)), o.elem(o.node(common.Args[1])))
				}
			}
		case "copy":
			if len(common.Args) == 2 && chanish(common.Args[0].Type()) && chanish(common.Args[1].Type()) {
				o.union(o.elem(o.node(common.Args[0])), o.elem(o.node(common.Args[1])))
			}
		default:
			for _, a := range common.Args {
				o.escapeValue(a)
			}
		}
		return
	}
	callee := common.StaticCallee()
	if callee == nil && chanish(common.Value.Type()) {
		// A call through a function value: resolved by link.
		dc := &dynCall{call: call, fn: fn, linked: map[*ssa.Function]bool{}}
		if v := call.Value(); v != nil {
			if t, ok := v.Type().(*types.Tuple); ok {
				for i := 0; i < t.Len(); i++ {
					dc.res = append(dc.res, o.tupleNode(v, i))
				}
			} else {
				dc.res = []int{o.node(v)}
			}
		}
		o.dyn = append(o.dyn, dc)
		return
	}
	if !o.ownBody(callee) {
		for _, a := range common.Args {
			o.escapeValue(a)
		}
		if v := call.Value(); v != nil {
			o.escapeValue(v)
		}
		return
	}
	o.calls[callee] = append(o.calls[callee], call)
	if _, ok := call.(*ssa.Go); ok {
		o.goTargets[callee] = true
	}
	if len(common.Args) != len(callee.Params) {
		for _, a := range common.Args {
			o.escapeValue(a)
		}
		return
	}
	for i, a := range common.Args {
		o.join(a, callee.Params[i])
	}
	if v := call.Value(); v != nil && callee.Signature.Results().Len() == 1 && chanish(v.Type()) {
		o.union(o.node(v), o.ret(callee, 0))
	}
}

// fieldVar returns the i-th field of the struct t denotes (through a pointer when ptr).
func fieldVar(t types.Type, i int, ptr bool) *types.Var {
	if ptr {
		p, ok := t.Underlying().(*types.Pointer)
		if !ok {
			return nil
		}
		t = p.Elem()
	}
	s, ok := t.Underlying().(*types.Struct)
	if !ok || i < 0 || i >= s.NumFields() {
		return nil
	}
	return s.Field(i)
}

// orphanClass is what the package does with one set of channels.
type orphanClass struct {
	sends, recvs, closes []oOp
	makes                []*ssa.MakeChan
	field                *types.Var
	global               bool                   // the class holds a package variable
	fns                  map[*ssa.Function]bool // the functions whose values the class holds
}

func (o *orphans) report() {
	esc := o.settle()
	if o.gaveUp {
		return
	}
	recvOut := map[int]bool{}
	for _, n := range o.recvOut {
		recvOut[o.find(n)] = true
	}
	classes := map[int]*orphanClass{}
	class := func(n int) *orphanClass {
		r := o.find(n)
		if classes[r] == nil {
			classes[r] = &orphanClass{}
		}
		return classes[r]
	}
	for _, m := range o.makes {
		cl := class(o.makeNode[m])
		cl.makes = append(cl.makes, m)
	}
	for n, f := range o.fieldOf {
		if cl := class(n); cl.field == nil {
			cl.field = f
		}
	}
	for v, n := range o.byValue {
		if _, ok := v.(*ssa.Global); ok {
			class(o.pointee(n)).global = true
		}
		if fn := valueFunc(v); fn != nil && chanish(v.Type()) {
			cl := class(n)
			if cl.fns == nil {
				cl.fns = map[*ssa.Function]bool{}
			}
			cl.fns[fn] = true
		}
	}
	for _, op := range o.ops {
		cl := class(op.node)
		switch op.kind {
		case oSend:
			cl.sends = append(cl.sends, op)
		case oRecv:
			cl.recvs = append(cl.recvs, op)
		case oClose:
			cl.closes = append(cl.closes, op)
		}
	}
	orphan := map[int]bool{}        // classes whose operations nobody completes
	self := map[int]*ssa.Function{} // classes released only by a deferred close in this function
	for r, cl := range classes {
		if esc[r] || len(cl.makes) == 0 || o.outsideDriven(cl) {
			continue
		}
		// A buffer's occupancy is counted per class, and a class kept in a field is one channel
		// per struct value (a registration's errorChan, made with room for its one send, sent on
		// once per registration by a loop over all of them): by default a buffered channel counts
		// only when it is not kept in a field or package variable.
		local := cl.field == nil && !cl.global
		if len(cl.recvs) == 0 && !recvOut[r] && len(cl.sends) > 0 && (o.broad || local || o.unbuffered(cl)) && o.sendsOverflow(cl) {
			orphan[r] = true
		}
		if len(cl.sends) == 0 && len(cl.closes) == 0 && len(cl.recvs) > 0 && !o.privateBlock(cl) {
			orphan[r] = true
		}
		if f := selfRelease(cl); f != nil && len(cl.sends) == 0 {
			orphan[r] = true
			self[r] = f
		}
	}
	// stored holds the classes kept in struct fields or package variables, or in slices and maps
	// kept there.
	stored := map[int]bool{}
	var work []int
	for n := range o.fieldOf {
		work = append(work, n)
	}
	for v, n := range o.byValue {
		if _, ok := v.(*ssa.Global); ok {
			work = append(work, o.pointee(n))
		}
	}
	for len(work) > 0 {
		n := o.find(work[len(work)-1])
		work = work[:len(work)-1]
		if stored[n] {
			continue
		}
		stored[n] = true
		if p := o.nodes[n].pointee; p >= 0 {
			work = append(work, p)
		}
		if e := o.nodes[n].elem; e >= 0 {
			work = append(work, e)
		}
	}
	// Stranded operations: a goroutine's plain send (receive) on a channel whose every receive
	// (send) is a case of a select that can take another way out.
	stranded := map[int][]strandedOp{}
	for r, cl := range classes {
		if esc[r] || orphan[r] || len(cl.makes) == 0 || len(cl.closes) > 0 || o.outsideDriven(cl) {
			continue
		}
		if !stored[r] {
			// Local channels are the premature-return check's (chans.go): it knows the
			// spawner's exits, completion signals and the decoder idioms.
			continue
		}
		if cl.field != nil && o.singleton[o.owner[cl.field]] {
			// The owner is a process-wide singleton: its loop leaves when the process shuts
			// down, and what it strands then does not accumulate.
			continue
		}
		if len(cl.recvs) > 0 && !recvOut[r] && o.unbuffered(cl) {
			for _, op := range cl.sends {
				if op.sel == nil && o.inGoroutine(op.fn) && o.allLeavable(cl.recvs, op.fn) {
					if way, fired := o.couldWatch(cl.recvs, op.fn); way != nil || o.broad {
						stranded[r] = append(stranded[r], strandedOp{op, way, fired})
					}
				}
			}
		}
		if len(cl.sends) > 0 && o.unbuffered(cl) {
			// (With a buffer, a send that went through leaves a value for the receive: a
			// semaphore's release, a queue drained by len checks.)
			for _, op := range cl.recvs {
				if op.sel == nil && o.inGoroutine(op.fn) && o.allLeavable(cl.sends, op.fn) {
					if way, fired := o.couldWatch(cl.sends, op.fn); way != nil || o.broad {
						stranded[r] = append(stranded[r], strandedOp{op, way, fired})
					}
				}
			}
		}
	}
	var sroots []int
	for r := range stranded {
		sroots = append(sroots, r)
	}
	sort.Slice(sroots, func(i, j int) bool { return classes[sroots[i]].makes[0].Pos() < classes[sroots[j]].makes[0].Pos() })
	for _, r := range sroots {
		cl := classes[r]
		for _, so := range stranded[r] {
			o.reportStranded(so, cl)
		}
	}

	// Report in source order.
	var roots []int
	for r := range orphan {
		roots = append(roots, r)
	}
	sort.Slice(roots, func(i, j int) bool { return classes[roots[i]].makes[0].Pos() < classes[roots[j]].makes[0].Pos() })
	for _, r := range roots {
		cl := classes[r]
		ops := cl.recvs
		if len(cl.recvs) == 0 {
			ops = cl.sends
		}
		for _, op := range ops {
			if f := self[r]; f != nil && (op.fn != f || !deferredBefore(cl.closes, op)) {
				// Another goroutine's receive, or one on a path where this call has not
				// deferred the close (`if closing { <-done } else { defer close(done) }`): an
				// earlier call's deferred close releases it.
				continue
			}
			if op.sel != nil && !o.selectStuck(op.sel, orphan) {
				continue
			}
			if self[r] == nil && o.parksCaller(op, cl) {
				continue
			}
			o.reportOp(op, cl, self[r] != nil)
		}
	}
}

// parksCaller reports whether op is a deliberate wait forever: a plain receive, in a function
// that no go statement of the package runs, on a channel that this function makes itself and that
// no goroutine of the package ever holds. Nobody was meant to release it: the function parks its
// caller for the life of the process, the way a server's Run ends in `<-stopCh` after it started
// its listeners (argo-rollouts' dashboard server). A caller that blocks is seen at once, unlike a
// leaked goroutine. A channel a goroutine holds (a shard's done, a watcher's ready) was meant to
// be released by it, and stays reported. privateBlock is the class-wide form of this for a local
// channel that never leaves its function; this per-operation check also covers a field.
func (o *orphans) parksCaller(op oOp, cl *orphanClass) bool {
	if op.kind != oRecv || op.sel != nil || o.inGoroutine(op.fn) {
		return false
	}
	for _, m := range cl.makes {
		if m.Parent() != op.fn {
			return false
		}
	}
	root := o.find(op.node)
	for v, n := range o.byValue {
		fn := valueFunc(v)
		if fn == nil || fn == op.fn || o.find(n) != root || !(o.goTargets[fn] || o.inGoroutine(fn)) {
			continue
		}
		if !onlyCompared(v) {
			return false // a goroutine holds it
		}
	}
	return true
}

// valueFunc returns the function a value belongs to (nil for globals and constants).
func valueFunc(v ssa.Value) *ssa.Function {
	switch v := v.(type) {
	case *ssa.Parameter:
		return v.Parent()
	case *ssa.FreeVar:
		return v.Parent()
	case ssa.Instruction:
		return v.Parent()
	}
	return nil
}

// onlyCompared reports whether v's only uses compare it (`if s.stopCh == nil`): a
// function that does no more than that does not hold the channel.
func onlyCompared(v ssa.Value) bool {
	refs := v.Referrers()
	if refs == nil || len(*refs) == 0 {
		return false // a goroutine handed the channel that ignores it was meant to release it
	}
	for _, r := range *refs {
		switch r := r.(type) {
		case *ssa.DebugRef:
		case *ssa.BinOp:
			if r.Op != token.EQL && r.Op != token.NEQ {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// allLeavable reports whether every operation is a case of a select with a way out: another case
// (a done or stop channel, a default) whose body leaves the function or the loop, by a return, a
// labelled break or goto, or a call that does not return. A select whose other cases come back to
// it (a loop that keeps receiving until its workers are done) is not a way out.
//
// A case on a channel that the stranded goroutine itself signals (sends on or closes, in its own
// function or in the functions that call it) is its completion signal, not a way out: the other
// side leaves through it only after the goroutine is done.
func (o *orphans) allLeavable(ops []oOp, stranded *ssa.Function) bool {
	self := o.selfAndCallers(stranded)
	for _, op := range ops {
		if op.sel == nil {
			return false
		}
		stmt := o.selectStmt(op.sel.Pos())
		if stmt == nil {
			return false
		}
		out := false
		for _, cl := range stmt.Body.List {
			cc, ok := cl.(*ast.CommClause)
			if !ok || (cc.Comm != nil && cc.Comm.Pos() <= op.pos && op.pos < cc.Comm.End()) {
				continue // the operation's own case
			}
			if cc.Comm != nil && o.signalledBy(op.sel, cc, self) {
				continue // the stranded goroutine's own completion signal
			}
			// Outside a loop the select runs once: any other case is a way past it.
			if !o.loopSelects[stmt] || o.c.exits(cc.Body) {
				out = true
			}
		}
		if !out {
			return false
		}
	}
	return true
}

// selfAndCallers returns fn and the functions that call it, up to three calls up: a channel they
// send on or close is fn's own completion signal.
func (o *orphans) selfAndCallers(fn *ssa.Function) map[*ssa.Function]bool {
	self := map[*ssa.Function]bool{fn: true}
	frontier := []*ssa.Function{fn}
	for depth := 0; depth < 3; depth++ {
		var next []*ssa.Function
		for _, f := range frontier {
			for _, c := range o.calls[f] {
				if p := c.Parent(); p != nil && !self[p] {
					self[p] = true
					next = append(next, p)
				}
			}
		}
		frontier = next
	}
	return self
}

// signalledBy reports whether the channel a select case receives from is sent on or closed by one
// of the functions in self.
func (o *orphans) signalledBy(sel *ssa.Select, cc *ast.CommClause, self map[*ssa.Function]bool) bool {
	for _, st := range sel.States {
		if st.Dir != types.RecvOnly || st.Pos < cc.Comm.Pos() || st.Pos >= cc.Comm.End() {
			continue
		}
		r := o.find(o.node(st.Chan))
		for _, other := range o.ops {
			if (other.kind == oSend || other.kind == oClose) && self[other.fn] && o.find(other.node) == r {
				return true
			}
		}
	}
	return false
}

// selectStmt returns the select statement whose keyword is at pos.
func (o *orphans) selectStmt(pos token.Pos) *ast.SelectStmt {
	if o.selects == nil {
		o.selects = map[token.Pos]*ast.SelectStmt{}
		o.loopSelects = map[*ast.SelectStmt]bool{}
		for _, f := range o.c.pass.Files {
			var stack []ast.Node
			ast.Inspect(f, func(n ast.Node) bool {
				if n == nil {
					stack = stack[:len(stack)-1]
					return true
				}
				if s, ok := n.(*ast.SelectStmt); ok {
					o.selects[s.Select] = s
				loop:
					for i := len(stack) - 1; i >= 0; i-- {
						switch stack[i].(type) {
						case *ast.ForStmt, *ast.RangeStmt:
							o.loopSelects[s] = true
							break loop
						case *ast.FuncLit, *ast.FuncDecl:
							break loop
						}
					}
				}
				stack = append(stack, n)
				return true
			})
		}
	}
	return o.selects[pos]
}

// unbuffered reports whether every channel of the class is made without a buffer.
func (o *orphans) unbuffered(cl *orphanClass) bool {
	for _, m := range cl.makes {
		if n, ok := o.constInt(m.Size); !ok || n != 0 {
			return false
		}
	}
	return true
}

// processGoroutine reports whether fn runs as a goroutine that, by this package's own evidence,
// lives as long as the process: a goroutine of a command package, or one that package main starts
// from main, init or a function main runs once (lifetime.go). What such a goroutine is stranded
// on, it waits for only while the process exits, which is why the spawn-site checks leave these
// spawners alone (skipSpawner). An operation outside any goroutine is still reported: blocking
// there hangs the command.
func (o *orphans) processGoroutine(fn *ssa.Function) bool {
	if o.c.cfg.IncludeMain || !o.inGoroutine(fn) {
		return false
	}
	return o.c.commandPackage() || (o.main && o.startedOnce(fn, 0))
}

// startedOnce reports whether every go statement or call that runs fn sits in a function package
// main runs once, or in a function only such go statements run.
func (o *orphans) startedOnce(fn *ssa.Function, depth int) bool {
	calls := o.calls[fn]
	if depth > 3 || len(calls) == 0 {
		return false
	}
	once := o.c.runOnce()
	for _, c := range calls {
		if _, ok := c.(*ssa.Go); ok {
			if f, ok := topFunc(c.Parent()).Object().(*types.Func); !ok || !once[f] {
				return false
			}
			continue
		}
		if !o.startedOnce(c.Parent(), depth+1) {
			return false
		}
	}
	return true
}

// inGoroutine reports whether fn runs as a goroutine of its own: a go statement starts it, or it is
// called only from functions a go statement starts.
func (o *orphans) inGoroutine(fn *ssa.Function) bool {
	if o.goTargets[fn] {
		return true
	}
	calls := o.calls[fn]
	if len(calls) == 0 || o.open(fn) {
		return false
	}
	for _, c := range calls {
		if _, ok := c.(*ssa.Go); ok {
			continue
		}
		if !o.goTargets[c.Parent()] {
			return false
		}
	}
	return true
}

func (o *orphans) reportStranded(so strandedOp, cl *orphanClass) {
	op := so.op
	if !op.pos.IsValid() || strings.HasSuffix(o.c.pass.Fset.Position(op.pos).Filename, "_test.go") ||
		o.processGoroutine(op.fn) {
		return
	}
	name := o.chanName(op.ch, cl)
	var msg, rel string
	if op.kind == oRecv {
		msg = fmt.Sprintf("goroutine running %s receives from %s, but every send on it is a select case with another way out: once the sender leaves, the receive blocks forever and the goroutine leaks (%s)",
			funcLabel(op.fn), name, costs.ParkedGoroutine.Summary)
		rel = "this send can be skipped: the select has another way out"
	} else {
		msg = fmt.Sprintf("goroutine running %s sends on %s, but every receive from it is a select case with another way out: once the receiver leaves, the send blocks forever and the goroutine leaks (%s)",
			funcLabel(op.fn), name, costs.ParkedGoroutine.Summary)
		rel = "this receive can be skipped: the select has another way out"
	}
	switch {
	case so.fired.IsValid():
		msg += fmt.Sprintf("; the goroutine starts only after the cancellation the other side leaves on (%s) was seen, so nothing will ever complete the operation: do not start it, or make the operation a select on the same Done channel",
			render(so.way.Comm))
	case so.way != nil:
		what := "send"
		if op.kind == oRecv {
			what = "receive"
		}
		msg += fmt.Sprintf("; make the %s a select with a case on the way out the other side takes (%s)", what, render(so.way.Comm))
	}
	d := analysis.Diagnostic{Pos: op.pos, End: op.pos + 1, Message: msg, URL: costs.ParkedGoroutine.URL}
	others := cl.recvs
	if op.kind == oRecv {
		others = cl.sends
	}
	for i, other := range others {
		if i == 3 {
			break
		}
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: other.pos, End: other.pos + 1, Message: rel})
	}
	if so.fired.IsValid() {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: so.fired, End: so.fired + 1,
			Message: "the goroutine is started only after this receive from the same Done channel"})
	}
	if so.way != nil {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: so.way.Pos(), End: so.way.Pos() + 1,
			Message: "the other side leaves through this case; the stranded goroutine can watch the same channel"})
	}
	o.c.reportLater(d)
}

// privateBlock reports whether a never-released channel never leaves the function that makes it
// (`<-make(chan struct{})`, `block := make(chan struct{}); <-block`): the function blocks for good
// on purpose, as in a debug hook that freezes the process.
func (o *orphans) privateBlock(cl *orphanClass) bool {
	if cl.field != nil || cl.global || len(cl.makes) != 1 {
		return false
	}
	f := cl.makes[0].Parent()
	for fn := range cl.fns {
		if fn != f {
			return false
		}
	}
	return true
}

// deferredBefore reports whether a deferred close of the channel is registered on every path to
// op, in op's own function: its defer statement dominates the receive.
func deferredBefore(closes []oOp, op oOp) bool {
	for _, c := range closes {
		d, ok := c.instr.(*ssa.Defer)
		if !ok || c.fn != op.fn || op.instr == nil {
			continue
		}
		db, ob := d.Block(), op.instr.Block()
		if db == nil || ob == nil {
			continue
		}
		if db != ob {
			if db.Dominates(ob) {
				return true
			}
			continue
		}
		for _, in := range db.Instrs {
			if in == ssa.Instruction(d) {
				return true
			}
			if in == op.instr {
				break
			}
		}
	}
	return false
}

// selfRelease returns the function whose deferred close(ch) is the only release of the class (no
// other close; sends are checked by the caller), or nil. A receive in that same function waits
// for its own deferred close, which runs only after the function returns: it waits on itself.
func selfRelease(cl *orphanClass) *ssa.Function {
	if len(cl.closes) == 0 {
		return nil
	}
	var f *ssa.Function
	for _, c := range cl.closes {
		if _, ok := c.instr.(*ssa.Defer); !ok || (f != nil && c.fn != f) {
			return nil
		}
		f = c.fn
	}
	return f
}

// outsideDriven reports whether some of the class's channels are made by code that only callers
// outside the package run (an uncalled function: tests drive it), or whether generic code touches
// the class.
func (o *orphans) outsideDriven(cl *orphanClass) bool {
	for _, m := range cl.makes {
		if o.uncalled(topFunc(m.Parent())) || generic(m.Parent()) {
			return true
		}
	}
	for _, ops := range [][]oOp{cl.sends, cl.recvs, cl.closes} {
		for _, op := range ops {
			if generic(op.fn) {
				return true
			}
		}
	}
	return false
}

// selectStuck reports whether a select blocks for good: no default, and every case is an
// operation on an orphaned channel.
func (o *orphans) selectStuck(sel *ssa.Select, orphan map[int]bool) bool {
	if !sel.Blocking {
		return false
	}
	for _, st := range sel.States {
		if !orphan[o.find(o.node(st.Chan))] {
			return false
		}
	}
	return true
}

// sendsOverflow reports whether the sends on a class can exceed its buffer: every make has a known
// capacity (a constant, or a parameter that every call passes a constant for) and the sends can
// happen more often than the largest capacity.
func (o *orphans) sendsOverflow(cl *orphanClass) bool {
	capacity := int64(0)
	for _, m := range cl.makes {
		c, ok := o.constInt(m.Size)
		if !ok {
			return false
		}
		capacity = max(capacity, c)
	}
	if capacity == 0 {
		return true
	}
	// A channel made in a function and kept in locals is new in every call of that function: its
	// sends are counted per call of the maker, not over the program's life.
	var makers map[*ssa.Function]bool
	if cl.field == nil && !cl.global {
		makers = map[*ssa.Function]bool{}
		for _, m := range cl.makes {
			makers[m.Parent()] = true
		}
	}
	total := int64(0)
	memo := map[*ssa.Function]int64{}
	for _, op := range cl.sends {
		n := o.times(op.fn, makers, memo, 0)
		if o.inLoop[op.instr.Block()] {
			n = many
		}
		total += n
		if total > capacity {
			return true
		}
	}
	return false
}

const many = 1 << 30

// times estimates how many times fn runs: many when it is open, called in a loop or recursive.
// When makers is not nil, counting stops at those functions (one run each).
// memo holds the answers of this count (the same makers); a function met again on the way up
// (recursion) counts as many.
func (o *orphans) times(fn *ssa.Function, makers map[*ssa.Function]bool, memo map[*ssa.Function]int64, depth int) int64 {
	if n, ok := memo[fn]; ok {
		return n
	}
	memo[fn] = many
	n := o.timesOnce(fn, makers, memo, depth)
	memo[fn] = n
	return n
}

func (o *orphans) timesOnce(fn *ssa.Function, makers map[*ssa.Function]bool, memo map[*ssa.Function]int64, depth int) int64 {
	if makers[fn] {
		return 1
	}
	if depth > 8 {
		return many
	}
	if o.open(fn) {
		// Called by code outside the package (a callback, a goroutine wrapper): how often is
		// not known. The broad mode takes it as many; by default it counts once, so that a
		// buffer of one for a callback's single send is not called full.
		if o.broad || o.closureInLoop(fn) {
			return many
		}
		if fn.Parent() != nil {
			return o.times(fn.Parent(), makers, memo, depth+1) // once per run of its maker
		}
		return 1
	}
	calls := o.calls[fn]
	if len(calls) == 0 {
		if fn.Parent() == nil && fn.Name() != "main" && !strings.HasPrefix(fn.Name(), "init") {
			return many // called from elsewhere (a test, reflection) as far as we know
		}
		return 1
	}
	total := int64(0)
	for _, call := range calls {
		if o.inLoop[call.Block()] {
			return many
		}
		total += o.times(call.Parent(), makers, memo, depth+1)
		if total >= many {
			return many
		}
	}
	return total
}

// closureInLoop reports whether the function literal fn is made in a loop of its enclosing
// function: each iteration hands out another copy.
func (o *orphans) closureInLoop(fn *ssa.Function) bool {
	parent := fn.Parent()
	if parent == nil {
		return false
	}
	for _, b := range parent.Blocks {
		for _, in := range b.Instrs {
			if mc, ok := in.(*ssa.MakeClosure); ok && mc.Fn == fn && o.inLoop[b] {
				return true
			}
		}
	}
	return false
}

// constInt returns the value of an integer constant, or of a parameter every static call passes
// the same kind of constant for (the largest).
func (o *orphans) constInt(v ssa.Value) (int64, bool) {
	switch v := v.(type) {
	case *ssa.Const:
		if v.Value == nil {
			return 0, true
		}
		if v.Value.Kind() == constant.Int {
			n, ok := constant.Int64Val(v.Value)
			return n, ok
		}
	case *ssa.Convert:
		return o.constInt(v.X)
	case *ssa.Parameter:
		fn := v.Parent()
		if fn == nil || o.open(fn) || len(o.calls[fn]) == 0 {
			return 0, false
		}
		idx := -1
		for i, p := range fn.Params {
			if p == v {
				idx = i
			}
		}
		if idx < 0 {
			return 0, false
		}
		best := int64(0)
		for _, call := range o.calls[fn] {
			args := call.Common().Args
			if idx >= len(args) {
				return 0, false
			}
			c, ok := args[idx].(*ssa.Const)
			if !ok {
				return 0, false
			}
			n, ok := o.constInt(c)
			if !ok {
				return 0, false
			}
			best = max(best, n)
		}
		return best, true
	}
	return 0, false
}

func (o *orphans) reportOp(op oOp, cl *orphanClass, self bool) {
	if !op.pos.IsValid() {
		return
	}
	file := o.c.pass.Fset.Position(op.pos).Filename
	if strings.HasSuffix(file, "_test.go") {
		return // a test that hangs fails on its own
	}
	if o.processGoroutine(op.fn) {
		return
	}
	top := op.fn
	for top.Parent() != nil {
		top = top.Parent()
	}
	if o.main && top.Signature.Recv() == nil && (top.Name() == "main" || strings.HasPrefix(top.Name(), "init")) &&
		!o.c.cfg.IncludeMain {
		return // blocking main forever is how a program waits
	}
	name := o.chanName(op.ch, cl)
	var msg, rel string
	if op.kind == oRecv {
		msg = fmt.Sprintf("receive from %s blocks forever: nothing in this package sends on it or closes it, and it is never handed to other code; the goroutine running %s leaks (%s)",
			name, funcLabel(op.fn), costs.ParkedGoroutine.Summary)
		rel = "the channel is made here; nothing sends on it or closes it"
	} else {
		msg = fmt.Sprintf("send on %s blocks forever: nothing in this package receives from it, and it is never handed to other code; the goroutine running %s leaks (%s)",
			name, funcLabel(op.fn), costs.ParkedGoroutine.Summary)
		rel = "the channel is made here; nothing receives from it"
	}
	if self {
		msg = fmt.Sprintf("receive from %s blocks forever: its only release is the deferred close in %s itself, which runs only after this receive returns; the goroutine waits on itself and leaks (%s)",
			name, funcLabel(op.fn), costs.ParkedGoroutine.Summary)
	}
	d := analysis.Diagnostic{Pos: op.pos, End: op.pos + 1, Message: msg, URL: costs.ParkedGoroutine.URL}
	if self {
		for _, c := range cl.closes {
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: c.pos, End: c.pos + 1,
				Message: "the only close, deferred: it runs when the function returns"})
		}
	}
	for i, m := range cl.makes {
		if i == 3 {
			break
		}
		if m.Pos().IsValid() {
			d.Related = append(d.Related, analysis.RelatedInformation{Pos: m.Pos(), End: m.Pos() + 1, Message: rel})
		}
	}
	if cl.field != nil && cl.field.Pos().IsValid() {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: cl.field.Pos(), End: cl.field.Pos() + 1,
			Message: "every value in field " + cl.field.Name() + " is followed: none is handed out"})
	}
	o.c.reportLater(d)
}

// chanName names the channel an operation uses, for messages.
func (o *orphans) chanName(v ssa.Value, cl *orphanClass) string {
	switch v := v.(type) {
	case *ssa.UnOp:
		if fa, ok := v.X.(*ssa.FieldAddr); ok {
			if f := fieldVar(fa.X.Type(), fa.Field, true); f != nil {
				return "field " + f.Name()
			}
		}
		if g, ok := v.X.(*ssa.Global); ok {
			return g.Name()
		}
	case *ssa.Parameter:
		return v.Name()
	case *ssa.ChangeType:
		return o.chanName(v.X, cl)
	case *ssa.Lookup:
		if n := o.containerName(v.X); n != "" {
			return "an element of " + n
		}
	}
	if cl.field != nil {
		return "a channel of field " + cl.field.Name()
	}
	if len(cl.makes) > 0 {
		return fmt.Sprintf("the channel made at line %d", o.c.line(cl.makes[0].Pos()))
	}
	return "the channel"
}

// containerName names a slice or map loaded from a field or package variable ("" otherwise).
func (o *orphans) containerName(v ssa.Value) string {
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		if fa, ok := u.X.(*ssa.FieldAddr); ok {
			if f := fieldVar(fa.X.Type(), fa.Field, true); f != nil {
				return "field " + f.Name()
			}
		}
		if g, ok := u.X.(*ssa.Global); ok {
			return g.Name()
		}
	}
	return ""
}

// funcLabel names a function for messages: "(*T).run", "f" or "a function literal in f".
func funcLabel(fn *ssa.Function) string {
	if fn.Parent() != nil {
		top := fn
		for top.Parent() != nil {
			top = top.Parent()
		}
		return "a function literal in " + funcLabel(top)
	}
	if recv := fn.Signature.Recv(); recv != nil {
		t := recv.Type()
		star := ""
		if p, ok := t.(*types.Pointer); ok {
			t, star = p.Elem(), "*"
		}
		if n, ok := t.(*types.Named); ok {
			return "(" + star + n.Obj().Name() + ")." + fn.Name()
		}
	}
	return fn.Name()
}
