package main

// The findings of one run, in the JSON form of the go/analysis drivers, and their text and JSON
// renderings.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// jsonDiag is a diagnostic in the -json schema of the go/analysis drivers (go vet, multichecker).
type jsonDiag struct {
	Category       string        `json:"category,omitempty"`
	Posn           string        `json:"posn"`
	End            string        `json:"end"`
	Message        string        `json:"message"`
	SuggestedFixes []jsonFix     `json:"suggested_fixes,omitempty"`
	Related        []jsonRelated `json:"related,omitempty"`
}

type jsonFix struct {
	Message string     `json:"message"`
	Edits   []jsonEdit `json:"edits"`
}

// jsonEdit replaces the bytes [Start, End) of Filename with New.
type jsonEdit struct {
	Filename string `json:"filename"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	New      string `json:"new"`
}

type jsonRelated struct {
	Posn    string `json:"posn"`
	End     string `json:"end"`
	Message string `json:"message"`
}

type jsonError struct {
	Err string `json:"error"`
}

// pkgResult is one analyzer's result on one package: diagnostics or an error.
type pkgResult struct {
	diags []jsonDiag
	err   string
}

// results are the findings by package ID and analyzer.
type results struct {
	byPkg map[string]map[string]*pkgResult
	seen  map[string]bool // analyzer, position and message of every diagnostic kept
}

func newResults() *results {
	return &results{byPkg: map[string]map[string]*pkgResult{}, seen: map[string]bool{}}
}

// add records a result; a diagnostic already reported (the same finding through two variants of
// a package, or by go vet and the fallback) is kept once.
func (r *results) add(pkg, analyzer string, diags []jsonDiag, err string) {
	m := r.byPkg[pkg]
	if m == nil {
		m = map[string]*pkgResult{}
		r.byPkg[pkg] = m
	}
	pr := m[analyzer]
	if pr == nil {
		pr = &pkgResult{}
		m[analyzer] = pr
	}
	if err != "" {
		pr.err = err
	}
	for _, d := range diags {
		key := analyzer + "\x00" + d.Posn + "\x00" + d.Message
		if r.seen[key] {
			continue
		}
		r.seen[key] = true
		pr.diags = append(pr.diags, d)
	}
}

// addVetJSON adds go vet -json's standard output: a sequence of
// {"package": {"analyzer": [diagnostics] or {"error": "..."}}} objects.
func (r *results) addVetJSON(out []byte) error {
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var tree map[string]map[string]json.RawMessage
		if err := dec.Decode(&tree); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		for _, pkg := range sortedKeys(tree) {
			for _, name := range sortedKeys(tree[pkg]) {
				raw := bytes.TrimSpace(tree[pkg][name])
				if bytes.HasPrefix(raw, []byte("{")) {
					var e jsonError
					if err := json.Unmarshal(raw, &e); err != nil {
						return err
					}
					r.add(pkg, name, nil, e.Err)
					continue
				}
				var diags []jsonDiag
				if err := json.Unmarshal(raw, &diags); err != nil {
					return fmt.Errorf("diagnostics of %s on %s: %v", name, pkg, err)
				}
				r.add(pkg, name, diags, "")
			}
		}
	}
}

// errorTexts returns the analyzer errors.
func (r *results) errorTexts() []string {
	if r == nil {
		return nil
	}
	var out []string
	for _, pkg := range sortedKeys(r.byPkg) {
		for _, name := range sortedKeys(r.byPkg[pkg]) {
			if e := r.byPkg[pkg][name].err; e != "" {
				out = append(out, pkg+": "+name+": "+e)
			}
		}
	}
	return out
}

func (r *results) hasErrors() bool { return len(r.errorTexts()) > 0 }

// dropTests removes what -test=false leaves out: test packages and findings in test files.
func (r *results) dropTests() {
	for pkg, m := range r.byPkg {
		path := basePath(pkg)
		if strings.HasSuffix(path, "_test") || (strings.HasSuffix(path, ".test") && !strings.Contains(pkg, " [")) {
			delete(r.byPkg, pkg)
			continue
		}
		for _, pr := range m {
			pr.diags = slices.DeleteFunc(pr.diags, func(d jsonDiag) bool {
				file, _ := splitPosn(d.Posn)
				return strings.HasSuffix(file, "_test.go")
			})
		}
	}
}

// finding is a diagnostic with its package and analyzer.
type finding struct {
	pkg, analyzer string
	jsonDiag
}

// findings returns every diagnostic in file, line, column order.
func (r *results) findings() []finding {
	var out []finding
	for pkg, m := range r.byPkg {
		for name, pr := range m {
			for _, d := range pr.diags {
				out = append(out, finding{pkg, name, d})
			}
		}
	}
	slices.SortFunc(out, func(a, b finding) int {
		af, al, ac := parsePosn(a.Posn)
		bf, bl, bc := parsePosn(b.Posn)
		return cmp.Or(cmp.Compare(af, bf), cmp.Compare(al, bl), cmp.Compare(ac, bc),
			cmp.Compare(a.analyzer, b.analyzer), cmp.Compare(a.Message, b.Message))
	})
	return out
}

// writeJSON writes one JSON tree, in the schema of the go/analysis drivers' -json: package ID →
// analyzer → diagnostics or {"error": ...}. Packages without findings or errors are left out.
func (r *results) writeJSON(w io.Writer) error {
	tree := map[string]map[string]any{}
	for pkg, m := range r.byPkg {
		for name, pr := range m {
			var v any
			switch {
			case pr.err != "":
				v = jsonError{pr.err}
			case len(pr.diags) > 0:
				diags := slices.Clone(pr.diags)
				slices.SortStableFunc(diags, func(a, b jsonDiag) int {
					af, al, ac := parsePosn(a.Posn)
					bf, bl, bc := parsePosn(b.Posn)
					return cmp.Or(cmp.Compare(af, bf), cmp.Compare(al, bl), cmp.Compare(ac, bc))
				})
				v = diags
			default:
				continue
			}
			if tree[pkg] == nil {
				tree[pkg] = map[string]any{}
			}
			tree[pkg][name] = v
		}
	}
	data, err := json.MarshalIndent(tree, "", "\t")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	_, err = w.Write(data)
	return err
}

// writeText prints every finding as "file:line:col: message [analyzer]", its related
// information as "file:line:col: \tmessage" below it, and the analyzer errors; file names are
// relative to dir when inside it. It returns the number of findings.
func (r *results) writeText(w io.Writer, dir string, context int) int {
	for _, e := range r.errorTexts() {
		fmt.Fprintf(w, "goroguard: %s\n", e)
	}
	fs := r.findings()
	for _, f := range fs {
		fmt.Fprintf(w, "%s: %s [%s]\n", relPosn(dir, f.Posn), f.Message, f.analyzer)
		printContext(w, f.Posn, f.End, context)
		for _, rel := range f.Related {
			fmt.Fprintf(w, "%s: \t%s\n", relPosn(dir, rel.Posn), rel.Message)
			printContext(w, rel.Posn, rel.End, context)
		}
	}
	return len(fs)
}

// printContext prints the lines from posn to end with n lines of context (n < 0: none).
func printContext(w io.Writer, posn, end string, n int) {
	if n < 0 {
		return
	}
	file, line, _ := parsePosn(posn)
	_, endLine, _ := parsePosn(end)
	endLine = max(endLine, line)
	data, err := os.ReadFile(file)
	if err != nil {
		return
	}
	lines := strings.Split(string(data), "\n")
	for i := line - n; i <= endLine+n; i++ {
		if 1 <= i && i <= len(lines) {
			fmt.Fprintf(w, "%d\t%s\n", i, lines[i-1])
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
