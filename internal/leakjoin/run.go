package leakjoin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
)

// Experiment is the GOEXPERIMENT that turns the leak profile on.
const Experiment = "goroutineleakprofile"

// LeakAnalyzers are the analyzers whose findings predict a goroutine leak: only they make
// "static only" rows. Findings of the others appear when they sit at a leaked goroutine.
var LeakAnalyzers = []string{"ctxdone"}

// Options configures Run.
type Options struct {
	Goroguard  string    // the goroguard binary (run with -json for the static side); "" skips it
	StaticArgs []string  // analyzer flags for it (-ctxdone.package-channels, -spawnloop=false)
	Args       []string  // go test flags and packages, as the user gave them
	Dir        string    // working directory ("" = current)
	Env        []string  // environment (nil = os.Environ())
	Output     io.Writer // where go test's own output goes
}

// Result is what Run found.
type Result struct {
	Table       Table     `json:"table"`
	Findings    []Finding `json:"-"`
	Leaks       []Source  `json:"-"`
	TestsFailed bool      `json:"tests_failed"`
	Warnings    []string  `json:"warnings,omitempty"`
	Packages    int       `json:"packages"` // test binaries that reported
	Binaries    []string  `json:"-"`        // their directories
	StaticError []string  `json:"static_errors,omitempty"`
}

// valueFlags are the go test and build flags that take a value as the next argument.
var valueFlags = map[string]bool{}

func init() {
	for _, f := range strings.Fields(`run skip bench benchtime count cpu parallel timeout
		coverprofile covermode coverpkg blockprofile blockprofilerate cpuprofile memprofile
		memprofilerate mutexprofile mutexprofilefraction outputdir trace list shuffle fuzz fuzztime
		fuzzminimizetime fuzzcachedir exec o vet p tags mod modfile gcflags ldflags asmflags pkgdir
		toolexec compiler gccgoflags installsuffix overlay pgo C covermeta`) {
		valueFlags[f] = true
		valueFlags["test."+f] = true
	}
}

// SplitArgs separates the package patterns from the go test flags in args (up to -args) and
// returns the value of -tags if given.
func SplitArgs(args []string) (pkgs []string, tags string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-args" || a == "--args" {
			break
		}
		if !strings.HasPrefix(a, "-") {
			pkgs = append(pkgs, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !hasVal && valueFlags[name] && i+1 < len(args) {
			i++
			val, hasVal = args[i], true
		}
		if name == "tags" && hasVal {
			tags = val
		}
	}
	if len(pkgs) == 0 {
		pkgs = []string{"."}
	}
	return pkgs, tags
}

// hasFlag reports whether args (before -args) set the go test flag name.
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "-args" || a == "--args" {
			return false
		}
		n, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && (n == name || n == "test."+name) {
			return true
		}
	}
	return false
}

type listedPackage struct {
	Dir          string
	ImportPath   string
	Name         string
	GoFiles      []string
	TestGoFiles  []string
	XTestGoFiles []string
}

func withGOFLAGSTags(env []string, tags string) []string {
	if tags == "" {
		return env
	}
	flags := ""
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "GOFLAGS="); ok {
			flags = v
		}
	}
	return append(slices.Clone(env), "GOFLAGS="+strings.TrimSpace(flags+" -tags="+tags))
}

// WithExperiment returns env with goroutineleakprofile added to GOEXPERIMENT.
func WithExperiment(env []string) []string {
	cur := ""
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "GOEXPERIMENT="); ok {
			cur = v
		}
	}
	if slices.Contains(strings.Split(cur, ","), Experiment) {
		return env
	}
	if cur != "" {
		cur += ","
	}
	return append(slices.Clone(env), "GOEXPERIMENT="+cur+Experiment)
}

// ExperimentEnv returns env with the experiment on when the go command in dir knows it (Go 1.26),
// and env itself when it does not: a Go without the experiment either has the profile always on
// (Go 1.27 rejects the name) or not at all, and then the report says so.
func ExperimentEnv(ctx context.Context, dir string, env []string) []string {
	with := WithExperiment(env)
	if _, err := goOutput(ctx, dir, with, "env", "GOEXPERIMENT"); err != nil {
		return env
	}
	return with
}

// Run runs the analyzers and the tests, collects the leak profiles of every test binary and
// joins them.
func Run(ctx context.Context, opt Options) (*Result, error) {
	env := opt.Env
	if env == nil {
		env = os.Environ()
	}
	if opt.Output == nil {
		opt.Output = io.Discard
	}
	pkgs, tags := SplitArgs(opt.Args)
	for _, a := range opt.Args {
		if a == "-overlay" || strings.HasPrefix(a, "-overlay=") || strings.HasPrefix(a, "--overlay") {
			return nil, errors.New("goroguard test adds its own -overlay; it cannot be combined with yours")
		}
	}
	work, err := os.MkdirTemp("", "goroguard-test-")
	if err != nil {
		return nil, err
	}
	if os.Getenv("GOROGUARD_TEST_KEEP") != "" { // debugging: keep the overlay and the dumps
		fmt.Fprintf(opt.Output, "goroguard test: work directory %s\n", work)
	} else {
		defer os.RemoveAll(work)
	}
	res := &Result{}

	goroot, err := goOutput(ctx, opt.Dir, env, "env", "GOROOT")
	if err != nil {
		return nil, err
	}
	testEnv := ExperimentEnv(ctx, opt.Dir, env)
	isLib := IsLibrary(strings.TrimSpace(goroot))

	// 1. The static side first, so that leakcheck inside the tests can name findings too.
	findingsFile := filepath.Join(work, "findings.json")
	if opt.Goroguard != "" {
		cmd := exec.CommandContext(ctx, opt.Goroguard, slices.Concat([]string{"-json"}, opt.StaticArgs, pkgs)...)
		cmd.Dir, cmd.Env = opt.Dir, withGOFLAGSTags(env, tags)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		runErr := cmd.Run()
		fs, errs, perr := ParseFindings(stdout.Bytes())
		if perr != nil || (runErr != nil && stdout.Len() == 0) {
			return nil, fmt.Errorf("goroguard -json %s: %v\n%s", strings.Join(pkgs, " "), errors.Join(runErr, perr), stderr.String())
		}
		if runErr != nil && stderr.Len() > 0 {
			res.Warnings = append(res.Warnings, "the analyzers reported errors (the static side may be incomplete):\n"+strings.TrimSpace(stderr.String()))
		}
		AddWithin(fs)
		res.Findings, res.StaticError = fs, errs
		b, _ := json.Marshal(fs)
		if err := os.WriteFile(findingsFile, b, 0o644); err != nil {
			return nil, err
		}
	}

	// 2. The overlay: a generated collector per package with tests.
	listArgs := []string{"list", "-e", "-json=Dir,ImportPath,Name,GoFiles,TestGoFiles,XTestGoFiles"}
	if tags != "" {
		listArgs = append(listArgs, "-tags="+tags)
	}
	out, err := goOutput(ctx, opt.Dir, env, append(listArgs, pkgs...)...)
	if err != nil {
		return nil, err
	}
	var listed []listedPackage
	dec := json.NewDecoder(strings.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list: %v", err)
		}
		listed = append(listed, p)
	}
	overlay := map[string]string{}
	var withTests []string
	for i, p := range listed {
		if len(p.TestGoFiles)+len(p.XTestGoFiles) == 0 {
			continue
		}
		files, warn, err := instrument(p, filepath.Join(work, fmt.Sprintf("pkg%d", i)))
		if err != nil {
			return nil, err
		}
		if warn != "" {
			res.Warnings = append(res.Warnings, warn)
		}
		for k, v := range files {
			overlay[k] = v
		}
		withTests = append(withTests, p.Dir)
	}
	overlayFile := filepath.Join(work, "overlay.json")
	b, _ := json.Marshal(map[string]any{"Replace": overlay})
	if err := os.WriteFile(overlayFile, b, 0o644); err != nil {
		return nil, err
	}

	// 3. The tests, with the experiment on.
	dumps := filepath.Join(work, "dumps")
	if err := os.Mkdir(dumps, 0o755); err != nil {
		return nil, err
	}
	testEnv = append(testEnv, EnvDir+"="+dumps)
	if opt.Goroguard != "" {
		testEnv = append(testEnv, EnvFindings+"="+findingsFile)
	}
	args := []string{"test", "-overlay=" + overlayFile}
	if !hasFlag(opt.Args, "count") {
		// A cached result writes no report: run the tests. (The collector reads its environment
		// after m.Run, where go test's cache does not see it.)
		args = append(args, "-count=1")
	}
	args = append(args, opt.Args...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = opt.Dir, testEnv, opt.Output, opt.Output
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return nil, fmt.Errorf("go test: %v", err)
		}
		res.TestsFailed = true
	}

	// 4. The leaks of every binary, joined with the findings.
	ds, err := ReadDumps(dumps)
	if err != nil {
		return nil, err
	}
	reported := map[string]bool{}
	noExperiment := false
	for _, d := range ds {
		reported[filepath.Clean(d.Dir)] = true
		res.Binaries = append(res.Binaries, d.Dir)
		if !d.Experiment {
			noExperiment = true
			continue
		}
		seen := map[int64]bool{}
		for _, l := range d.Leaks(isLib) {
			if !seen[l.ID] {
				seen[l.ID] = true
				res.Leaks = append(res.Leaks, Source{Leak: l, Dir: d.Dir})
			}
		}
	}
	res.Packages = len(reported)
	if noExperiment {
		res.Warnings = append(res.Warnings, "a test binary was built without GOEXPERIMENT="+Experiment+": its leaks are unknown")
	}
	for _, dir := range withTests {
		if !reported[filepath.Clean(dir)] && !res.TestsFailed {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: no leak report (the test binary did not run to the end of its tests)", dir))
		}
	}
	res.Table = Join(res.Findings, res.Leaks, LeakAnalyzers)
	return res, nil
}

func goOutput(ctx context.Context, dir string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Env = dir, env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// CollectorFile is the name of the file added (through go test -overlay) to each package.
const CollectorFile = "zz_goroguard_leaks_test.go"

// instrument writes the files that make p's test binary report its leaks, and returns the overlay
// entries (package file → replacement). A package without TestMain gets one from the generated
// file. A package with its own TestMain keeps it: the m.Run() call in it is replaced, on the same
// line, by a call that runs the tests and then reports; a TestMain that calls
// leakcheck.VerifyTestMain reports by itself.
func instrument(p listedPackage, dir string) (map[string]string, string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", err
	}
	fset := token.NewFileSet()
	pkgName := p.Name
	var mainFile string
	var mainAST *ast.File
	var mainSrc []byte
	for _, name := range slices.Concat(p.TestGoFiles, p.XTestGoFiles) {
		path := filepath.Join(p.Dir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, "", err
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, "", nil // go test reports the syntax error itself
		}
		if pkgName == "" {
			pkgName = f.Name.Name
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "TestMain" {
				mainFile, mainAST, mainSrc = path, f, src
				pkgName = f.Name.Name
			}
		}
	}
	files := map[string]string{}
	hasMain := mainFile == ""
	if !hasMain {
		edited, ok := rewriteMRun(fset, mainAST, mainSrc)
		if !ok {
			if bytes.Contains(mainSrc, []byte("leakcheck.VerifyTestMain")) {
				return nil, "", nil
			}
			return nil, fmt.Sprintf("%s: TestMain in %s has no m.Run() call goroguard can wrap; call leakcheck.VerifyTestMain(m) there to report its leaks", p.ImportPath, filepath.Base(mainFile)), nil
		}
		rewritten := filepath.Join(dir, filepath.Base(mainFile))
		if err := os.WriteFile(rewritten, edited, 0o644); err != nil {
			return nil, "", err
		}
		files[mainFile] = rewritten
	}
	var buf bytes.Buffer
	if err := collectorTmpl.Execute(&buf, map[string]any{"Package": pkgName, "Main": hasMain, "Env": EnvDir, "Version": DumpVersion}); err != nil {
		return nil, "", err
	}
	gen := filepath.Join(dir, CollectorFile)
	if err := os.WriteFile(gen, buf.Bytes(), 0o644); err != nil {
		return nil, "", err
	}
	files[filepath.Join(p.Dir, CollectorFile)] = gen
	return files, "", nil
}

// rewriteMRun replaces each m.Run() in TestMain(m *testing.M) by goroguardLeakRun(m), keeping
// every line where it was (positions in the file must not move: leaks and findings are joined by
// line).
func rewriteMRun(fset *token.FileSet, f *ast.File, src []byte) ([]byte, bool) {
	var fd *ast.FuncDecl
	for _, d := range f.Decls {
		if x, ok := d.(*ast.FuncDecl); ok && x.Recv == nil && x.Name.Name == "TestMain" {
			fd = x
		}
	}
	if fd == nil || fd.Body == nil || len(fd.Type.Params.List) != 1 || len(fd.Type.Params.List[0].Names) != 1 {
		return nil, false
	}
	m := fd.Type.Params.List[0].Names[0].Name
	type edit struct{ start, end int }
	var edits []edit
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 0 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Run" {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && id.Name == m {
			edits = append(edits, edit{fset.Position(call.Pos()).Offset, fset.Position(call.End()).Offset})
		}
		return true
	})
	if len(edits) == 0 {
		return nil, false
	}
	out := slices.Clone(src)
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		out = slices.Concat(out[:e.start], []byte("goroguardLeakRun("+m+")"), out[e.end:])
	}
	return out, true
}

// collectorTmpl is the generated collector: standard library only (the package under test need
// not depend on goroguard), identifiers prefixed so they cannot clash with the package's. It does
// what Collect, Settle and WriteDump do.
var collectorTmpl = template.Must(template.New("collector").Parse(`// Code generated by goroguard test. DO NOT EDIT.

package {{.Package}}

import (
	goroguardbytes "bytes"
	goroguardjson "encoding/json"
	goroguardos "os"
	goroguardruntime "runtime"
	goroguardpprof "runtime/pprof"
	goroguardstrconv "strconv"
	goroguardstrings "strings"
	goroguardtesting "testing"
	goroguardtime "time"
)
{{if .Main}}
func TestMain(m *goroguardtesting.M) { goroguardos.Exit(goroguardLeakRun(m)) }
{{end}}
func goroguardLeakRun(m *goroguardtesting.M) int {
	code := m.Run()
	goroguardLeakReport()
	return code
}

func goroguardLeakReport() {
	dir := goroguardos.Getenv("{{.Env}}")
	if dir == "" {
		return
	}
	for range 10 {
		goroguardruntime.Gosched()
	}
	goroguardtime.Sleep(5 * goroguardtime.Millisecond)
	type dump struct {
		Version    int               ` + "`json:\"version\"`" + `
		Dir        string            ` + "`json:\"dir\"`" + `
		Experiment bool              ` + "`json:\"experiment\"`" + `
		Profile    string            ` + "`json:\"profile,omitempty\"`" + `
		Funcs      map[string]string ` + "`json:\"funcs,omitempty\"`" + `
		Source     string            ` + "`json:\"source\"`" + `
	}
	d := dump{Version: {{.Version}}, Source: "overlay", Funcs: map[string]string{}}
	d.Dir, _ = goroguardos.Getwd()
	if p := goroguardpprof.Lookup("goroutineleak"); p != nil {
		d.Experiment = true
		var pcs, stacks goroguardbytes.Buffer
		_ = p.WriteTo(&pcs, 1)
		_ = p.WriteTo(&stacks, 2)
		d.Profile = stacks.String()
		for _, line := range goroguardstrings.Split(pcs.String(), "\n") {
			fields := goroguardstrings.Fields(goroguardstrings.TrimPrefix(line, "#"))
			if !goroguardstrings.HasPrefix(line, "#\t0x") || len(fields) < 2 {
				continue
			}
			pc, err := goroguardstrconv.ParseUint(goroguardstrings.TrimPrefix(fields[0], "0x"), 16, 64)
			if err != nil {
				continue
			}
			name := fields[1]
			if i := goroguardstrings.LastIndex(name, "+0x"); i >= 0 {
				name = name[:i]
			}
			// An inlined function's pc reports the outer function's entry: skip those.
			if f := goroguardruntime.FuncForPC(uintptr(pc)); f != nil && f.Name() == name {
				file, line := f.FileLine(f.Entry())
				d.Funcs[name] = file + ":" + goroguardstrconv.Itoa(line)
			}
		}
	}
	f, err := goroguardos.CreateTemp(dir, "leaks-*.json")
	if err != nil {
		return
	}
	_ = goroguardjson.NewEncoder(f).Encode(d)
	_ = f.Close()
}
`))
