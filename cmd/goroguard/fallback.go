package main

// Packages that do not type-check. go vet reports such a package's errors and silently skips
// every package that imports it (their vet runs need its facts and types). The driver reports
// the package once, with what to do about it, and analyses the packages go vet skipped through
// go/packages and the x/tools checker, which type-check as far as they can: the importers are
// analysed from source, their other dependencies from export data (so without those packages'
// facts, which live in go vet's cache), and the broken packages themselves are not analysed.

import (
	"bytes"
	"fmt"
	"go/build/constraint"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// brokenPkg is a package go vet could not analyse because it does not type-check, or because the
// go command cannot load it (load set).
type brokenPkg struct {
	id, path string
	errs     []string // go vet's error lines
	load     *loadErr // why it cannot be loaded (loaderr.go)
}

// fallbackResult is what the fallback found out.
type fallbackResult struct {
	analysed    int               // packages analysed by the fallback
	importers   map[string]int    // broken package path → importers analysed despite it
	hints       map[string]string // broken package path → what the user can do
	done        map[string]bool   // packages analysed by the fallback
	failed      []brokenPkg       // requested packages with errors of their own, not analysed
	blocked     map[string]int    // broken package path → importers the go command could not load either
	blockedSeen map[string]bool
	errs        []string
}

func (f *fallbackResult) importersOf(path string) int {
	if f == nil {
		return 0
	}
	return f.importers[path]
}

func (f *fallbackResult) blockedBy(path string) int {
	if f == nil {
		return 0
	}
	return f.blocked[path]
}

func (f *fallbackResult) errorTexts() []string {
	if f == nil {
		return nil
	}
	return f.errs
}

// fallback analyses the requested packages that go vet skipped because they import, directly or
// not, one of the broken packages, and adds their findings to res.
func (d *driver) fallback(broken []brokenPkg, res *results) (*fallbackResult, error) {
	fb := &fallbackResult{importers: map[string]int{}, hints: map[string]string{}, done: map[string]bool{},
		blocked: map[string]int{}, blockedSeen: map[string]bool{}}
	isBroken := map[string]bool{}
	for _, b := range broken {
		isBroken[b.path] = true
	}
	// Which requested packages depend on a broken one? (go list is cheap; no type checking.)
	args := []string{"list", "-e"}
	if d.opts.tags != "" {
		args = append(args, "-tags="+d.opts.tags)
	}
	if d.opts.test {
		args = append(args, "-test")
	}
	args = append(args, "-f", "{{.ImportPath}}{{range .Deps}} {{.}}{{end}}")
	args = append(args, d.patterns...)
	cmd := exec.Command("go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && len(out) == 0 {
		return fb, fmt.Errorf("go list: %v\n%s", err, stderr.Bytes())
	}
	var roots []string
	depsOn := map[string][]string{} // root → broken packages it depends on
	for _, line := range strings.Split(string(out), "\n") {
		fields := splitListLine(line)
		if len(fields) == 0 || strings.HasSuffix(fields[0], ".test") {
			continue
		}
		root := basePath(fields[0])
		var hits []string
		for _, dep := range fields[1:] {
			if p := basePath(dep); isBroken[p] && !slices.Contains(hits, p) {
				hits = append(hits, p)
			}
		}
		if len(hits) == 0 && !isBroken[root] {
			continue
		}
		if !slices.Contains(roots, root) {
			roots = append(roots, root)
		}
		for _, h := range hits {
			if !slices.Contains(depsOn[root], h) {
				depsOn[root] = append(depsOn[root], h)
			}
		}
	}
	if len(roots) == 0 {
		return fb, nil
	}
	slices.Sort(roots)

	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
			packages.NeedTypes | packages.NeedTypesSizes | packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedModule,
		Tests: d.opts.test,
	}
	if d.opts.tags != "" {
		cfg.BuildFlags = []string{"-tags=" + d.opts.tags}
	}
	pkgs, err := packages.Load(cfg, roots...)
	if err != nil {
		return fb, err
	}
	// Analyse each package once: the test variant "p [p.test]" covers p.
	hasTestVariant := map[string]bool{}
	for _, p := range pkgs {
		if p.ID != p.PkgPath && strings.HasSuffix(p.ID, "["+p.PkgPath+".test]") {
			hasTestVariant[p.PkgPath] = true
		}
	}
	var ok, analyse []*packages.Package
	for _, p := range pkgs {
		switch {
		case strings.HasSuffix(p.PkgPath, ".test") && p.Name == "main":
			continue // the generated test main
		case len(p.Errors) > 0 && onlyLoadErrors(p):
			// Its own code type-checks; only imports failed (a package the go command cannot
			// load, or one whose export data could not be built because of it), or a
			// //go:embed pattern matches no files. go/types gives what comes from the failed
			// imports invalid types and reports nothing more: analysed with the rest of its
			// types.
			d.debugf("fallback: %s: analysed despite %v", p.ID, p.Errors)
		case len(p.Errors) > 0:
			d.debugf("fallback: %s: %v", p.ID, p.Errors)
			if !isBroken[p.PkgPath] && len(depsOn[p.PkgPath]) > 0 && onlyListErrors(p) {
				// The go command's errors, caused by the broken packages it depends on
				// (reported on their own): counted there.
				if !fb.blockedSeen[p.PkgPath] {
					fb.blockedSeen[p.PkgPath] = true
					for _, b := range depsOn[p.PkgPath] {
						fb.blocked[b]++
					}
				}
				continue
			}
			if !isBroken[p.PkgPath] && !slices.ContainsFunc(fb.failed, func(b brokenPkg) bool { return b.path == p.PkgPath }) {
				// A requested package with errors of its own, which go vet never reached
				// because one of its imports is broken: say so too.
				var errs, imports []string
				for _, e := range p.Errors {
					text := e.Msg
					if e.Pos != "" && e.Pos != "-" {
						text = relPosn(d.dir, e.Pos) + ": " + e.Msg
					}
					if strings.HasPrefix(e.Msg, "could not import ") {
						imports = append(imports, text)
					} else {
						errs = append(errs, text)
					}
				}
				fb.failed = append(fb.failed, brokenPkg{id: p.ID, path: p.PkgPath, errs: append(errs, imports...)})
			}
			// The package's own errors: it is one of the broken packages (or a requested package
			// that does not type-check for the same reason). Not analysed; say what may help.
			if _, ok := fb.hints[p.PkgPath]; !ok {
				fb.hints[p.PkgPath] = tagHint(p, d.patterns)
			}
			continue
		}
		ok = append(ok, p)
		if !(p.ID == p.PkgPath && hasTestVariant[p.PkgPath]) {
			analyse = append(analyse, p)
		}
	}
	// Facts flow only between the packages loaded from source, along their imports; the other
	// dependencies come from export data and have no syntax to analyse.
	inSet := map[*packages.Package]bool{}
	for _, p := range ok {
		inSet[p] = true
	}
	for _, p := range ok {
		p.IllTyped = false // its own code type-checks; a dependency's errors only blur some types
		imports := map[string]*packages.Package{}
		for path, imp := range p.Imports {
			if inSet[imp] {
				imports[path] = imp
			}
		}
		p.Imports = imports
	}
	if len(analyse) == 0 {
		return fb, nil
	}
	graph, err := checker.Analyze(d.enabled, analyse, nil)
	if err != nil {
		return fb, err
	}
	fb.analysed = len(analyse)
	for _, p := range analyse {
		fb.done[p.PkgPath] = true
		for _, b := range depsOn[p.PkgPath] {
			fb.importers[b]++
		}
	}
	for _, act := range graph.Roots {
		if act.Err != nil {
			fb.errs = append(fb.errs, act.Err.Error())
			res.add(act.Package.ID, act.Analyzer.Name, nil, act.Err.Error())
			continue
		}
		res.add(act.Package.ID, act.Analyzer.Name, toJSON(act.Package.Fset, act.Diagnostics), "")
	}
	return fb, nil
}

// onlyListErrors reports whether every error of p is the go command's.
func onlyListErrors(p *packages.Package) bool {
	for _, e := range p.Errors {
		if e.Kind != packages.ListError {
			return false
		}
	}
	return true
}

// onlyLoadErrors reports whether every error of p is a type error for an import that failed or
// go list's error for a //go:embed pattern: its own code type-checks.
func onlyLoadErrors(p *packages.Package) bool {
	for _, e := range p.Errors {
		switch {
		case e.Kind == packages.TypeError && strings.HasPrefix(e.Msg, "could not import "):
		case e.Kind == packages.ListError && embedRE.MatchString(strings.TrimPrefix(e.Msg, e.Pos+": ")):
		default:
			return false
		}
	}
	return true
}

// splitListLine splits a line of go list -f '{{.ImportPath}}{{range .Deps}} {{.}}{{end}}', whose
// package IDs may contain " [p.test]".
func splitListLine(line string) []string {
	var out []string
	for _, f := range strings.Fields(line) {
		if strings.HasPrefix(f, "[") && len(out) > 0 {
			out[len(out)-1] += " " + f
			continue
		}
		out = append(out, f)
	}
	return out
}

// toJSON converts diagnostics to the -json schema.
func toJSON(fset *token.FileSet, diags []analysis.Diagnostic) []jsonDiag {
	var out []jsonDiag
	for _, d := range diags {
		jd := jsonDiag{Category: d.Category, Posn: fset.Position(d.Pos).String(), Message: d.Message}
		if d.End.IsValid() {
			jd.End = fset.Position(d.End).String()
		}
		for _, f := range d.SuggestedFixes {
			jf := jsonFix{Message: f.Message}
			for _, e := range f.TextEdits {
				file := fset.File(e.Pos)
				if file == nil {
					continue
				}
				end := e.End
				if !end.IsValid() {
					end = e.Pos
				}
				jf.Edits = append(jf.Edits, jsonEdit{Filename: file.Name(), Start: file.Offset(e.Pos), End: file.Offset(end), New: string(e.NewText)})
			}
			jd.SuggestedFixes = append(jd.SuggestedFixes, jf)
		}
		for _, r := range d.Related {
			jr := jsonRelated{Posn: fset.Position(r.Pos).String(), Message: r.Message}
			if r.End.IsValid() {
				jr.End = fset.Position(r.End).String()
			}
			jd.Related = append(jd.Related, jr)
		}
		out = append(out, jd)
	}
	return out
}

// notTags are the build constraint words that are not user tags: operating systems,
// architectures, compilers, cgo, Go versions, ignore.
var notTags = strings.Fields(`aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris
	wasip1 windows zos unix 386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32
	mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm gc gccgo cgo ignore tools`)

// tagHint says which build tags the package's excluded files need, if any: the likely fix for a
// package that does not type-check with the default tags.
func tagHint(p *packages.Package, patterns []string) string {
	// The package's own left-out files, then those of the imports its errors name (a type error
	// in the use of a package whose build-tagged variant the build would select).
	ignored := slices.Clone(p.IgnoredFiles)
	var errText strings.Builder
	for _, e := range p.Errors {
		errText.WriteString(e.Msg + "\n")
	}
	for _, path := range sortedKeys(p.Imports) {
		if imp := p.Imports[path]; strings.Contains(errText.String(), `"`+imp.PkgPath+`"`) || strings.Contains(errText.String(), imp.PkgPath+".") {
			ignored = append(ignored, imp.IgnoredFiles...)
		}
	}
	var tags, files []string
	for _, f := range ignored {
		if !strings.HasSuffix(f, ".go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		expr := buildConstraint(data)
		if expr == nil {
			continue
		}
		var mine []string
		constraint.Expr.Eval(expr, func(tag string) bool {
			if !slices.Contains(notTags, tag) && !strings.HasPrefix(tag, "go1.") && !slices.Contains(mine, tag) {
				mine = append(mine, tag)
			}
			return true
		})
		if len(mine) > 0 {
			files = append(files, filepath.Base(f))
			for _, t := range mine {
				if !slices.Contains(tags, t) {
					tags = append(tags, t)
				}
			}
		}
	}
	if len(tags) == 0 {
		return "fix the errors, or pass the build tags your build uses with -tags"
	}
	slices.Sort(tags)
	if len(files) > 3 {
		files = append(files[:3], "...")
	}
	return fmt.Sprintf("files left out by build constraints (%s) use the tags %s: if your build sets them, pass them, e.g. goroguard -tags=%s %s",
		strings.Join(files, ", "), strings.Join(tags, ", "), strings.Join(tags, ","), strings.Join(patterns, " "))
}

// buildConstraint returns the file's //go:build expression, or nil.
func buildConstraint(src []byte) constraint.Expr {
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "//") && !constraint.IsGoBuild(line) {
			continue
		}
		if constraint.IsGoBuild(line) {
			expr, err := constraint.Parse(line)
			if err != nil {
				return nil
			}
			return expr
		}
		if !strings.HasPrefix(line, "//") {
			return nil // past the header
		}
	}
	return nil
}

// reportBroken prints one error per broken package: its first error, what the user can do, and
// whether its importers were analysed.
func (d *driver) reportBroken(broken []brokenPkg, fb *fallbackResult) (summaries []string) {
	seen := map[string]bool{}
	for _, b := range broken {
		if seen[b.path] {
			continue
		}
		seen[b.path] = true
		if b.load != nil {
			summaries = append(summaries, d.reportUnloadable(b, fb))
			continue
		}
		first := ""
		if len(b.errs) > 0 {
			first = strings.TrimSpace(b.errs[0])
		}
		more := ""
		if n := len(b.errs) - 1; n == 1 {
			more = " (and 1 more error)"
		} else if n > 1 {
			more = fmt.Sprintf(" (and %d more errors)", n)
		}
		fmt.Fprintf(d.stderr, "goroguard: package %s does not type-check, so it was not analysed:\n\t%s%s\n", b.path, first, more)
		hint := "fix the errors, or pass the build tags your build uses with -tags"
		if fb != nil && fb.hints[b.path] != "" {
			hint = fb.hints[b.path]
		}
		fmt.Fprintf(d.stderr, "\t%s\n", hint)
		summaries = append(summaries, fmt.Sprintf("package %s does not type-check, so it was not analysed: %s%s; %s", b.path, first, more, hint))
		if n := fb.importersOf(b.path); n == 1 {
			fmt.Fprintf(d.stderr, "\tthe requested package that imports it was analysed without its facts\n")
		} else if n > 1 {
			fmt.Fprintf(d.stderr, "\tthe %d requested packages that import it were analysed without its facts\n", n)
		}
		d.reportBlocked(b.path, fb)
	}
	return summaries
}

// reportUnloadable prints the error for a package the go command cannot load: the cause, the go
// command's error, what to do, and what became of the requested packages that import it.
func (d *driver) reportUnloadable(b brokenPkg, fb *fallbackResult) string {
	e := b.load
	detail := e.err
	if e.pos != "" {
		detail = relPosn(d.dir, e.pos) + ": " + detail
	}
	detail = strings.ReplaceAll(strings.TrimSpace(detail), "\n", "\n\t")
	// Outside a module go/packages loads nothing either, whatever it says.
	done := fb != nil && fb.done[b.path] && e.cause != "nomodule"
	head := fmt.Sprintf("package %s cannot be loaded (%s), so it was not analysed", b.path, e.what())
	if done {
		head = fmt.Sprintf("package %s cannot be loaded (%s), so go vet could not analyse it", b.path, e.what())
	}
	fmt.Fprintf(d.stderr, "goroguard: %s:\n\t%s\n\t%s\n", head, detail, e.hint())
	// What became of the package and of the requested packages that import it.
	n := fb.importersOf(b.path)
	importers := fmt.Sprintf("the %d requested packages that import it were", n)
	if n == 1 {
		importers = "the requested package that imports it was"
	}
	switch {
	case done && n == 0:
		fmt.Fprintf(d.stderr, "\tits Go code was analysed through go/packages\n")
	case done:
		fmt.Fprintf(d.stderr, "\tits Go code was analysed through go/packages, and %s analysed with it\n", importers)
	case n > 0 && e.cause == "module":
		fmt.Fprintf(d.stderr, "\t%s analysed without it, as far as the missing types allow\n", importers)
	case n > 0:
		fmt.Fprintf(d.stderr, "\t%s analysed without its facts\n", importers)
	}
	d.reportBlocked(b.path, fb)
	return fmt.Sprintf("%s: %s; %s", head, strings.ReplaceAll(detail, "\n\t", " "), e.hint())
}

// reportBlocked says how many requested packages that import the broken package path the go
// command could not load either (their errors are the go command's, caused by a broken package).
func (d *driver) reportBlocked(path string, fb *fallbackResult) {
	if m := fb.blockedBy(path); m == 1 {
		fmt.Fprintf(d.stderr, "\tthe requested package that imports it could not be loaded either, so it was not analysed\n")
	} else if m > 1 {
		fmt.Fprintf(d.stderr, "\t%d requested packages that import it could not be loaded either, so they were not analysed\n", m)
	}
}
