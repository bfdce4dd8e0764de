// Package docx turns an analyzer's embedded doc.go into its Analyzer.Doc, the way x/tools' passes
// do: the package comment from the line "# Analyzer <name>" on, so `goroguard help <name>` and
// pkg.go.dev show the same manual.
package docx

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// Extract returns the part of src's package comment that documents analyzer name. It panics when
// the documentation is missing: that is a build-time mistake caught by every test of the analyzer.
func Extract(src, name string) string {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", src, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		panic(fmt.Sprintf("docx: parsing doc.go of %s: %v", name, err))
	}
	return extractFrom(f, name)
}

func extractFrom(f *ast.File, name string) string {
	if f.Doc == nil {
		panic("docx: doc.go of " + name + " has no package comment")
	}
	text := f.Doc.Text()
	marker := "# Analyzer " + name
	// The heading is a whole line: "# Analyzer foo" must not match "# Analyzer foobar". Text ends
	// every line with "\n", and the index in "\n"+text is the marker's index in text.
	i := strings.Index("\n"+text, "\n"+marker+"\n")
	if i < 0 {
		panic("docx: doc.go of " + name + " has no heading \"" + marker + "\"")
	}
	text = strings.TrimSpace(text[i+len(marker):])
	// The first paragraph is "<name>: one-line summary"; drop the "<name>: " so go/analysis shows
	// the summary as the title.
	text = strings.TrimPrefix(text, name+": ")
	return text
}
