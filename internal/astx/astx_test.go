package astx

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/ast/inspector"
)

// subject is only parsed, never type-checked. Targets are named identifiers; loops and go
// statements carry labels and function literals start with `_ = "name"` so the tests can name
// what they expect.
const subject = `package p

var pkgVar = topLevel

var pkgLit = func() {
	_ = "varLit"
	use(inVarLit)
}

func ext(extParam int)

func loops(xs []int) {
	use(beforeLoop)
L1:
	for i := initStmt(); cond(i); post(i) {
		use(inFor)
	L2:
		for range xs {
			use(inNestedRange)
		}
	L3:
		for j := nestedInit(); ; {
			use(j)
		}
	L4:
		for _, x := range rangeX {
			use(x)
		}
		f := func() {
			_ = "lit1"
			use(inLit)
		L5:
			for {
				use(inLoopInLit)
			}
		}
	G1:
		go func() {
			_ = "lit2"
			use(inGo)
			func() {
				_ = "lit3"
				use(inNestedLit)
			}()
		G2:
			go func() {
				_ = "lit4"
				use(inInnerGo)
			}()
		}()
	G3:
		go work(goArg)
	G4:
		go func(int) { _ = "lit5"; use(inGoWithArg) }(litArg)
	G5:
		go (func() { _ = "lit6"; use(inParenGo) })()
		defer func() { _ = "lit7"; use(inDefer) }()
		run(func() { _ = "lit8"; use(inCallback) })
		_ = f
	}
	use(afterLoop)
}
`

type parsed struct {
	file   *ast.File
	in     *inspector.Inspector
	labels map[ast.Stmt]string // labelled statement → label
	byName map[string]ast.Node // "L1" → statement, "lit1" → literal, "func loops" → declaration
}

var load = sync.OnceValues(func() (*parsed, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "p.go", subject, 0)
	if err != nil {
		return nil, err
	}
	p := &parsed{file: f, in: inspector.New([]*ast.File{f}), labels: map[ast.Stmt]string{}, byName: map[string]ast.Node{}}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.LabeledStmt:
			p.labels[n.Stmt] = n.Label.Name
			p.byName[n.Label.Name] = n.Stmt
		case *ast.FuncLit:
			if name := litName(n); name != "" {
				p.byName[name] = n
			}
		case *ast.FuncDecl:
			p.byName["func "+n.Name.Name] = n
		}
		return true
	})
	return p, nil
})

// litName returns "x" for a literal whose first statement is `_ = "x"`.
func litName(lit *ast.FuncLit) string {
	if len(lit.Body.List) == 0 {
		return ""
	}
	as, ok := lit.Body.List[0].(*ast.AssignStmt)
	if !ok || len(as.Rhs) != 1 {
		return ""
	}
	bl, ok := as.Rhs[0].(*ast.BasicLit)
	if !ok {
		return ""
	}
	s, _ := strconv.Unquote(bl.Value)
	return s
}

// describe names a node the way the test cases spell their expectations.
func (p *parsed) describe(n ast.Node) string {
	switch n := n.(type) {
	case nil:
		return ""
	case *ast.FuncDecl:
		return "func " + n.Name.Name
	case *ast.FuncLit:
		return "literal " + litName(n)
	case *ast.ForStmt:
		return "for " + p.labels[n]
	case *ast.RangeStmt:
		return "range " + p.labels[n]
	case *ast.GoStmt:
		return "go " + p.labels[n]
	}
	return "unexpected node"
}

// stackTo returns the inspector stack (ending with the node itself) of the target: an identifier
// by name, or with a "node:" prefix a labelled statement, literal or declaration by name.
func (p *parsed) stackTo(t *testing.T, target string) []ast.Node {
	t.Helper()
	var match func(ast.Node) bool
	if name, ok := strings.CutPrefix(target, "node:"); ok {
		want, ok := p.byName[name]
		if !ok {
			t.Fatalf("no node named %q in the subject", name)
		}
		match = func(n ast.Node) bool { return n == want }
	} else {
		match = func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			return ok && id.Name == target
		}
	}
	var found [][]ast.Node
	p.in.WithStack(nil, func(n ast.Node, push bool, stack []ast.Node) bool {
		if push && match(n) {
			found = append(found, append([]ast.Node(nil), stack...))
		}
		return true
	})
	if len(found) != 1 {
		t.Fatalf("target %q occurs %d times in the subject, want once", target, len(found))
	}
	if top := found[0][len(found[0])-1]; !match(top) {
		t.Fatalf("stack of %q does not end with the target", target)
	}
	return found[0]
}

func mustLoad(t *testing.T) *parsed {
	t.Helper()
	p, err := load()
	if err != nil {
		t.Fatalf("parsing the subject: %v", err)
	}
	return p
}

func TestEnclosing(t *testing.T) {
	t.Parallel()
	p := mustLoad(t)
	tests := []struct {
		name     string
		target   string
		wantFunc string
		wantLoop string
		wantGo   string
	}{
		{"package-level variable initializer", "topLevel", "", "", ""},
		{"function literal in a package-level variable", "inVarLit", "literal varLit", "", ""},
		{"parameter of a declaration without body", "extParam", "func ext", "", ""},
		{"statement before any loop", "beforeLoop", "func loops", "", ""},
		{"statement after the loop", "afterLoop", "func loops", "", ""},
		{"for body", "inFor", "func loops", "for L1", ""},
		{"for init runs once", "initStmt", "func loops", "", ""},
		{"for condition is not the body", "cond", "func loops", "", ""},
		{"for post statement is not the body", "post", "func loops", "", ""},
		{"range body of a nested loop is the inner loop", "inNestedRange", "func loops", "range L2", ""},
		{"init of a nested loop is in the outer loop's body", "nestedInit", "func loops", "for L1", ""},
		{"range expression of a nested loop is in the outer loop's body", "rangeX", "func loops", "for L1", ""},
		{"the loop statement itself is not inside itself", "node:L2", "func loops", "for L1", ""},
		{"function literal body in a loop is not in the loop", "inLit", "literal lit1", "", ""},
		{"loop inside a function literal", "inLoopInLit", "literal lit1", "for L5", ""},
		{"function literal itself is evaluated in the loop", "node:lit1", "literal lit1", "for L1", ""},
		{"go statement in a loop", "node:G1", "func loops", "for L1", ""},
		{"go statement's literal is in its go statement", "node:lit2", "literal lit2", "for L1", "go G1"},
		{"body of a go literal", "inGo", "literal lit2", "", "go G1"},
		{"literal called inside a go literal still runs in that goroutine", "inNestedLit", "literal lit3", "", "go G1"},
		{"innermost of nested go statements", "inInnerGo", "literal lit4", "", "go G2"},
		{"argument of a go statement with a named function", "goArg", "func loops", "for L1", ""},
		{"argument of a go literal is evaluated by the spawner", "litArg", "func loops", "for L1", ""},
		{"body of a go literal with parameters", "inGoWithArg", "literal lit5", "", "go G4"},
		{"body of a parenthesized go literal", "inParenGo", "literal lit6", "", "go G5"},
		{"deferred literal is not a go statement", "inDefer", "literal lit7", "", ""},
		{"callback literal is not a go statement", "inCallback", "literal lit8", "", ""},
		{"function declaration itself", "node:func loops", "func loops", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stack := p.stackTo(t, tt.target)
			if got := p.describe(EnclosingFunc(stack)); got != tt.wantFunc {
				t.Errorf("EnclosingFunc(%s) = %q, want %q", tt.target, got, tt.wantFunc)
			}
			if got := p.describe(EnclosingLoop(stack)); got != tt.wantLoop {
				t.Errorf("EnclosingLoop(%s) = %q, want %q", tt.target, got, tt.wantLoop)
			}
			gotGo := ""
			if g := EnclosingGo(stack); g != nil { // a nil *ast.GoStmt is not a nil ast.Node
				gotGo = p.describe(g)
			}
			if got := gotGo; got != tt.wantGo {
				t.Errorf("EnclosingGo(%s) = %q, want %q", tt.target, got, tt.wantGo)
			}
		})
	}
}

func TestEnclosingShortStacks(t *testing.T) {
	t.Parallel()
	loop := &ast.ForStmt{Body: &ast.BlockStmt{}}
	lit := &ast.FuncLit{Type: &ast.FuncType{}, Body: &ast.BlockStmt{}}
	tests := []struct {
		name  string
		stack []ast.Node
	}{
		{"nil stack", nil},
		{"only a loop", []ast.Node{loop}},
		{"only a literal", []ast.Node{lit}},
		{"literal under a call without go", []ast.Node{&ast.CallExpr{Fun: lit}, lit}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := EnclosingLoop(tt.stack); got != nil {
				t.Errorf("EnclosingLoop = %T, want nil", got)
			}
			if got := EnclosingGo(tt.stack); got != nil {
				t.Errorf("EnclosingGo = %v, want nil", got)
			}
		})
	}
	if got := EnclosingFunc(nil); got != nil {
		t.Errorf("EnclosingFunc(nil) = %T, want nil", got)
	}
}

func TestFuncBodyAndType(t *testing.T) {
	t.Parallel()
	p := mustLoad(t)
	decl := p.byName["func loops"].(*ast.FuncDecl)
	ext := p.byName["func ext"].(*ast.FuncDecl)
	lit := p.byName["lit1"].(*ast.FuncLit)
	tests := []struct {
		name     string
		fn       ast.Node
		wantBody *ast.BlockStmt
		wantType *ast.FuncType
	}{
		{"declaration", decl, decl.Body, decl.Type},
		{"declaration without body", ext, nil, ext.Type},
		{"function literal", lit, lit.Body, lit.Type},
		{"not a function", p.byName["L1"], nil, nil},
		{"nil node", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := FuncBody(tt.fn); got != tt.wantBody {
				t.Errorf("FuncBody = %p, want %p", got, tt.wantBody)
			}
			if got := FuncType(tt.fn); got != tt.wantType {
				t.Errorf("FuncType = %p, want %p", got, tt.wantType)
			}
		})
	}
	if ext.Type == nil || decl.Body == nil || lit.Body == nil {
		t.Fatal("subject lost its shape: expected non-nil syntax to compare against")
	}
}

func TestUnparen(t *testing.T) {
	t.Parallel()
	x := ast.NewIdent("x")
	tests := []struct {
		name string
		in   ast.Expr
	}{
		{"bare", x},
		{"once", &ast.ParenExpr{X: x}},
		{"twice", &ast.ParenExpr{X: &ast.ParenExpr{X: x}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Unparen(tt.in); got != x {
				t.Errorf("Unparen = %v, want the identifier", got)
			}
		})
	}
}

func TestStmtListAndLoopBody(t *testing.T) {
	t.Parallel()
	block := &ast.BlockStmt{List: []ast.Stmt{&ast.EmptyStmt{}}}
	tests := []struct {
		name     string
		node     ast.Node
		wantList int
		wantBody *ast.BlockStmt
	}{
		{"block", block, 1, nil},
		{"case clause", &ast.CaseClause{Body: []ast.Stmt{&ast.EmptyStmt{}, &ast.EmptyStmt{}}}, 2, nil},
		{"select clause", &ast.CommClause{Body: []ast.Stmt{&ast.EmptyStmt{}}}, 1, nil},
		{"for loop", &ast.ForStmt{Body: block}, 0, block},
		{"range loop", &ast.RangeStmt{Body: block}, 0, block},
		{"other statement", &ast.IfStmt{Body: block}, 0, nil},
		{"nil", nil, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := len(StmtList(tt.node)); got != tt.wantList {
				t.Errorf("StmtList: %d statements, want %d", got, tt.wantList)
			}
			if got := LoopBody(tt.node); got != tt.wantBody {
				t.Errorf("LoopBody = %p, want %p", got, tt.wantBody)
			}
		})
	}
}
