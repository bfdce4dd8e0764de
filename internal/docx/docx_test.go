package docx

import (
	"fmt"
	"strings"
	"testing"
)

func TestExtract(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		analyzer string
		src      string
		want     string
	}{
		{
			name:     "summary prefix is dropped and later sections are kept",
			analyzer: "foo",
			src: `// Package foo defines an Analyzer that reports things.
//
// # Analyzer foo
//
// foo: reports things
//
// Longer description
// over two lines.
//
// # Options
//
//	-flag  does something
package foo
`,
			want: "reports things\n\nLonger description\nover two lines.\n\n# Options\n\n\t-flag  does something",
		},
		{
			name:     "text before the heading is left out",
			analyzer: "foo",
			src:      "// Intro paragraph.\n//\n// # Analyzer foo\n//\n// foo: summary\npackage foo\n",
			want:     "summary",
		},
		{
			name:     "paragraph without the name prefix is kept whole",
			analyzer: "foo",
			src:      "// # Analyzer foo\n//\n// Reports things.\npackage foo\n",
			want:     "Reports things.",
		},
		{
			name:     "another analyzer's name prefix is not dropped",
			analyzer: "foo",
			src:      "// # Analyzer foo\n//\n// bar: summary\npackage foo\n",
			want:     "bar: summary",
		},
		{
			name:     "name prefix without a space is not dropped",
			analyzer: "foo",
			src:      "// # Analyzer foo\n//\n// foo:summary\npackage foo\n",
			want:     "foo:summary",
		},
		{
			name:     "heading of the second analyzer in a shared doc",
			analyzer: "bar",
			src:      "// # Analyzer foo\n//\n// foo: first\n//\n// # Analyzer bar\n//\n// bar: second\npackage p\n",
			want:     "second",
		},
		{
			name:     "heading is found despite a longer analyzer name that shares its prefix",
			analyzer: "foo",
			src:      "// # Analyzer foobar\n//\n// foobar: other\n//\n// # Analyzer foo\n//\n// foo: mine\npackage p\n",
			want:     "mine",
		},
		{
			name:     "block comment",
			analyzer: "foo",
			src:      "/*\nPackage foo.\n\n# Analyzer foo\n\nfoo: in a block comment\n*/\npackage foo\n",
			want:     "in a block comment",
		},
		{
			name:     "CRLF line endings",
			analyzer: "foo",
			src:      "// # Analyzer foo\r\n//\r\n// foo: summary\r\n//\r\n// Details.\r\npackage foo\r\n",
			want:     "summary\n\nDetails.",
		},
		{
			name:     "declarations after the package clause are ignored",
			analyzer: "foo",
			src:      "// # Analyzer foo\n//\n// foo: summary\npackage foo\n\nthis is not Go at all\n",
			want:     "summary",
		},
		{
			name:     "heading at the end of the comment yields an empty manual",
			analyzer: "foo",
			src:      "// Package foo.\n//\n// # Analyzer foo\npackage foo\n",
			want:     "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Extract(tt.src, tt.analyzer); got != tt.want {
				t.Errorf("Extract(%q) =\n%q\nwant\n%q", tt.analyzer, got, tt.want)
			}
		})
	}
}

func TestExtractPanics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		analyzer  string
		src       string
		wantPanic string // prefix of the panic message
	}{
		{
			name:      "no comment at all",
			analyzer:  "foo",
			src:       "package foo\n",
			wantPanic: "docx: doc.go of foo has no package comment",
		},
		{
			name:      "comment separated from the package clause by a blank line",
			analyzer:  "foo",
			src:       "// # Analyzer foo\n//\n// foo: summary\n\npackage foo\n",
			wantPanic: "docx: doc.go of foo has no package comment",
		},
		{
			name:      "package comment without the heading",
			analyzer:  "foo",
			src:       "// Package foo does things.\n//\n// foo: summary\npackage foo\n",
			wantPanic: `docx: doc.go of foo has no heading "# Analyzer foo"`,
		},
		{
			name:      "heading for a different analyzer",
			analyzer:  "foo",
			src:       "// # Analyzer bar\n//\n// bar: summary\npackage foo\n",
			wantPanic: `docx: doc.go of foo has no heading "# Analyzer foo"`,
		},
		{
			name:      "heading for an analyzer whose name extends the wanted one",
			analyzer:  "foo",
			src:       "// # Analyzer foobar\n//\n// foobar: summary\npackage foo\n",
			wantPanic: `docx: doc.go of foo has no heading "# Analyzer foo"`,
		},
		{
			name:      "heading in a comment that is not the package comment",
			analyzer:  "foo",
			src:       "// Package foo.\npackage foo\n\n// # Analyzer foo\n//\n// foo: summary\nvar x int\n",
			wantPanic: `docx: doc.go of foo has no heading "# Analyzer foo"`,
		},
		{
			name:      "source that does not parse",
			analyzer:  "foo",
			src:       "// # Analyzer foo\nfunc main() {}\n",
			wantPanic: "docx: parsing doc.go of foo: ",
		},
		{
			name:      "empty source",
			analyzer:  "foo",
			src:       "",
			wantPanic: "docx: parsing doc.go of foo: ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got string
			func() {
				defer func() {
					if r := recover(); r != nil {
						got = fmt.Sprint(r)
					}
				}()
				doc := Extract(tt.src, tt.analyzer)
				t.Errorf("Extract(%q) = %q, want a panic", tt.analyzer, doc)
			}()
			if !strings.HasPrefix(got, tt.wantPanic) {
				t.Errorf("Extract(%q) panicked with %q, want a message starting with %q", tt.analyzer, got, tt.wantPanic)
			}
		})
	}
}
