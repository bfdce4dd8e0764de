package leakjoin

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
)

// AddWithin sets Finding.Within from the source files: the innermost function literal or
// declaration around each finding, unless the finding sits at a go statement or at a call of a
// method named Go (errgroup, WaitGroup, conc), which start goroutines of their own. Files that do
// not parse leave Within empty.
func AddWithin(fs []Finding) {
	type parsed struct {
		fset *token.FileSet
		f    *ast.File
	}
	cache := map[string]*parsed{}
	for i := range fs {
		file, line := splitPosn(fs[i].Posn)
		col := posnColumn(fs[i].Posn)
		if line == 0 {
			continue
		}
		p, ok := cache[file]
		if !ok {
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
			if err != nil {
				f = nil
			}
			p = &parsed{fset, f}
			cache[file] = p
		}
		if p.f == nil {
			continue
		}
		fs[i].Within = within(p.fset, p.f, line, col)
	}
}

// posnColumn returns the column of file:line:col (0 when absent).
func posnColumn(p string) int {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == ':' {
			n, err := strconv.Atoi(p[i+1:])
			if err != nil {
				return 0
			}
			// Only a column if another number precedes it.
			j := i - 1
			for j >= 0 && p[j] >= '0' && p[j] <= '9' {
				j--
			}
			if j >= 0 && p[j] == ':' && j < i-1 {
				return n
			}
			return 0
		}
	}
	return 0
}

func within(fset *token.FileSet, f *ast.File, line, col int) string {
	var fn ast.Node // innermost enclosing function
	spawn := false
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		start, end := fset.Position(n.Pos()), fset.Position(n.End())
		if !contains(start, end, line, col) {
			return false
		}
		switch x := n.(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			fn = x
		case *ast.GoStmt:
			if start.Line == line && (col == 0 || start.Column == col) {
				spawn = true
			}
		case *ast.CallExpr:
			if sel, ok := x.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Go" && start.Line == line && (col == 0 || start.Column == col) {
				spawn = true
			}
		}
		return true
	})
	if fn == nil || spawn {
		return ""
	}
	p := fset.Position(fn.Pos())
	return p.Filename + ":" + strconv.Itoa(p.Line)
}

func contains(start, end token.Position, line, col int) bool {
	after := line > start.Line || (line == start.Line && (col == 0 || col >= start.Column))
	before := line < end.Line || (line == end.Line && (col == 0 || col <= end.Column))
	return after && before
}
