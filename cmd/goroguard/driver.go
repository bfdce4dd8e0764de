package main

// The standalone driver: goroguard [flags] packages runs go vet -vettool=<this binary> and
// renders what the per-package vet processes print.

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/tools/go/analysis"
)

// options are the standalone command's own flags (the analyzers' flags are forwarded to go vet).
type options struct {
	json, sarif bool
	format      string
	fix, diff   bool
	test        bool
	tags        string
	context     int
}

// driverFlags registers the standalone command's own flags on fs.
func driverFlags(fs *flag.FlagSet, o *options) {
	fs.BoolVar(&o.json, "json", false, "emit JSON output (exit status 0 when there are findings)")
	fs.BoolVar(&o.sarif, "sarif", false, "emit SARIF 2.1.0 output (exit status 0 when there are findings); the same as -format sarif")
	fs.StringVar(&o.format, "format", "text", "output format: text, json or sarif")
	fs.BoolVar(&o.fix, "fix", false, "apply all suggested fixes")
	fs.BoolVar(&o.diff, "diff", false, "with -fix, don't update the files, but print a unified diff")
	fs.BoolVar(&o.test, "test", true, "also analyse test files")
	fs.StringVar(&o.tags, "tags", "", "comma-separated build tags, as for go build")
	fs.IntVar(&o.context, "c", -1, "display offending line with this many lines of context")
}

// enableFlag is an analyzer's -<name> switch: set or not, true or false.
type enableFlag struct{ set, on bool }

func (e *enableFlag) String() string {
	if e == nil || !e.set {
		return "true"
	}
	return strconv.FormatBool(e.on)
}
func (e *enableFlag) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	e.set, e.on = true, b
	return nil
}
func (e *enableFlag) IsBoolFlag() bool { return true }

// driver is one run of the standalone command.
type driver struct {
	opts      options
	self      string   // this executable, the vet tool
	vetFlags  []string // the analyzers' flags as set on the command line, for go vet
	patterns  []string
	enabled   []*analysis.Analyzer // after the -<name> switches
	all       []*analysis.Analyzer
	stdout    io.Writer
	stderr    io.Writer
	dir       string // working directory
	goVersion string // the go command's version, once asked
}

// flagSet returns the standalone command's flags: its own, each analyzer's -<name> switch and
// each analyzer's options -<name>.<option>. analyzerFlag tells the analyzers' flags, which are
// forwarded to go vet, from the driver's.
func (d *driver) flagSet() (fs *flag.FlagSet, enable map[*analysis.Analyzer]*enableFlag, analyzerFlag map[string]bool) {
	fs = flag.NewFlagSet("goroguard", flag.ContinueOnError)
	fs.SetOutput(d.stderr)
	driverFlags(fs, &d.opts)
	enable = map[*analysis.Analyzer]*enableFlag{}
	analyzerFlag = map[string]bool{}
	for _, a := range d.all {
		e := new(enableFlag)
		enable[a] = e
		fs.Var(e, a.Name, fmt.Sprintf("enable %q analysis", a.Name))
		analyzerFlag[a.Name] = true
		a.Flags.VisitAll(func(f *flag.Flag) {
			fs.Var(f.Value, a.Name+"."+f.Name, f.Usage)
			analyzerFlag[a.Name+"."+f.Name] = true
		})
	}
	fs.Usage = func() {
		fmt.Fprintf(d.stderr, "usage: goroguard [flags] packages\nRun 'goroguard help' for the analyzers and flags, 'goroguard help <analyzer>' for one analyzer's manual.\n")
	}
	return fs, enable, analyzerFlag
}

// help prints `goroguard help`: the analyzers and the standalone command's flags.
func help(stdout io.Writer) int {
	d := &driver{stdout: stdout, stderr: stdout, all: suite()}
	fs, _, _ := d.flagSet()
	fmt.Fprint(stdout, `goroguard finds goroutine lifecycle bugs and says what each one costs at run time.

Usage:
	goroguard [flags] packages                        # standalone
	go vet -vettool=$(which goroguard) [flags] packages
	go fix -fixtool=$(which goroguard) packages
	goroguard help [analyzer]

Analyzers:

`)
	for _, a := range d.all {
		summary, _ := ruleText(a)
		fmt.Fprintf(stdout, "    %-12s %s\n", a.Name, summary)
	}
	fmt.Fprint(stdout, `
By default all analyzers run. -NAME runs only the analyzers named so; -NAME=false turns one off.
Exit status: 3 when there are findings (text output), 1 on errors, 0 otherwise.

Flags:
`)
	fs.SetOutput(stdout)
	fs.PrintDefaults()
	fmt.Fprintln(stdout, "\nTo see the manual and flags of an analyzer, run 'goroguard help NAME'.")
	return 0
}

// standalone runs the command with args and returns its exit status: 0, 1 on errors, 3 when it
// reports findings (text output only).
func standalone(args []string, stdout, stderr io.Writer) int {
	d := &driver{stdout: stdout, stderr: stderr, all: suite()}
	fs, enable, analyzerFlag := d.flagSet()
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 1
	}
	d.patterns = fs.Args()
	if len(d.patterns) == 0 {
		fs.Usage()
		return 1
	}
	fs.Visit(func(f *flag.Flag) {
		if analyzerFlag[f.Name] {
			d.vetFlags = append(d.vetFlags, "-"+f.Name+"="+f.Value.String())
		}
	})
	switch {
	case d.opts.sarif:
		d.opts.format = "sarif"
	case d.opts.json:
		d.opts.format = "json"
	}
	switch d.opts.format {
	case "text", "json", "sarif":
	default:
		fmt.Fprintf(stderr, "goroguard: unknown -format %q (want text, json or sarif)\n", d.opts.format)
		return 1
	}
	if d.opts.diff && !d.opts.fix {
		fmt.Fprintln(stderr, "goroguard: -diff needs -fix")
		return 1
	}
	// -NAME switches: any set true selects only those; otherwise all but those set false.
	anyOn := false
	for _, e := range enable {
		anyOn = anyOn || (e.set && e.on)
	}
	for _, a := range d.all {
		if e := enable[a]; (anyOn && e.set && e.on) || (!anyOn && !(e.set && !e.on)) {
			d.enabled = append(d.enabled, a)
		}
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "goroguard: cannot find its own executable for go vet: %v\n", err)
		return 1
	}
	d.self = self
	d.dir, _ = os.Getwd()
	if d.opts.fix {
		return d.runFix()
	}
	return d.run()
}

// debugf prints timings to standard error when GOROGUARD_DEBUG is set.
func (d *driver) debugf(format string, args ...any) {
	if os.Getenv("GOROGUARD_DEBUG") != "" {
		fmt.Fprintf(d.stderr, "goroguard: debug: "+format+"\n", args...)
	}
}

// peakRSS returns this process's peak resident set size (Linux), for -debug output.
func peakRSS() string {
	data, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

// vetArgs returns the go vet command line for pkgs (patterns or package paths).
func (d *driver) vetArgs(pkgs []string, extra ...string) []string {
	args := []string{"vet", "-vettool=" + d.self}
	if d.opts.tags != "" {
		args = append(args, "-tags="+d.opts.tags)
	}
	args = append(args, d.vetFlags...)
	args = append(args, extra...)
	return append(args, pkgs...)
}

// vet runs go vet with extra flags on the patterns. When the go command cannot load some of the
// packages, go vet analyses nothing; vet then asks go list which packages fail to load and runs
// go vet again on the requested packages whose dependencies all load (loaderr.go). It returns
// what the last go vet printed and the packages that cannot be loaded.
func (d *driver) vet(extra ...string) (stdout []byte, failures []vetFailure, unloadable []brokenPkg, err error) {
	stdout, stderr, err := d.goVet(d.vetArgs(d.patterns, extra...))
	if err != nil {
		return nil, nil, nil, err
	}
	failures = parseVetErrors(stderr)
	if !hasGoErrors(failures) {
		return stdout, failures, nil, nil
	}
	if _, ok := d.newerGo(failures, nil); ok {
		return stdout, failures, nil, nil // go list would fail the same way
	}
	if slices.ContainsFunc(d.patterns, func(p string) bool { return strings.HasSuffix(p, ".go") }) {
		return stdout, failures, nil, nil // files, not packages: nothing to vet apart
	}
	start := time.Now()
	le, lerr := d.listLoadErrors()
	if lerr != nil || le == nil {
		if lerr != nil {
			d.debugf("listing the packages that do not load: %v", lerr)
		}
		return stdout, failures, nil, nil // not load errors: go vet's own errors stand
	}
	d.debugf("go list: %d packages do not load, %d requested packages blocked, %d to vet, in %v",
		len(le.broken), le.blocked, len(le.vettable), time.Since(start).Round(time.Millisecond))
	for _, path := range sortedKeys(le.broken) {
		e := le.broken[path]
		unloadable = append(unloadable, brokenPkg{id: path, path: path, errs: []string{e.err}, load: e})
	}
	if len(le.vettable) == 0 {
		return nil, nil, unloadable, nil
	}
	stdout, stderr, err = d.goVet(d.vetArgs(le.vettable, extra...))
	if err != nil {
		return nil, nil, nil, err
	}
	return stdout, parseVetErrors(stderr), unloadable, nil
}

// goVet runs go vet with args and returns what it printed; err is set only when it could not
// be started.
func (d *driver) goVet(args []string) (stdout, stderr []byte, err error) {
	cmd := exec.Command("go", args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		err = nil // the status is read from what it printed
	}
	return out.Bytes(), errb.Bytes(), err
}

// run is the standalone command without -fix: findings in text, JSON or SARIF.
func (d *driver) run() int {
	start := time.Now()
	stdout, failures, unloadable, err := d.vet("-json")
	if err != nil {
		fmt.Fprintf(d.stderr, "goroguard: running go vet: %v\n", err)
		return 1
	}
	d.debugf("go vet: %v", time.Since(start).Round(time.Millisecond))
	res := newResults()
	if err := res.addVetJSON(stdout); err != nil {
		fmt.Fprintf(d.stderr, "goroguard: reading go vet's output: %v\n%s", err, stdout)
		return 1
	}
	if line, ok := d.newerGo(failures, res.errorTexts()); ok {
		fmt.Fprintln(d.stderr, line)
		return 1
	}
	exit := 0
	broken := unloadable
	var notes []string // errors for SARIF's notifications
	var silent []string
	for _, f := range failures {
		if f.silent {
			silent = append(silent, f.pkg)
			exit = 1
			continue
		}
		if !f.typeErrors() {
			d.printFailure(f)
			notes = append(notes, strings.TrimSpace(f.pkg+"\n"+f.text))
			exit = 1
			continue
		}
		broken = append(broken, brokenPkg{id: f.pkg, path: basePath(f.pkg), errs: f.lines})
	}
	if len(silent) > 0 {
		note := silentFailures(silent)
		fmt.Fprint(d.stderr, note)
		notes = append(notes, strings.TrimSpace(note))
	}
	if len(broken) > 0 {
		exit = 1
		start := time.Now()
		fb, err := d.fallback(broken, res)
		d.debugf("fallback: %d packages in %v, driver peak RSS %s", fb.analysed, time.Since(start).Round(time.Millisecond), peakRSS())
		if err != nil {
			fmt.Fprintf(d.stderr, "goroguard: analysing the importers of packages that do not type-check: %v\n", err)
		}
		if line, ok := d.newerGo(nil, fb.errorTexts()); ok {
			fmt.Fprintln(d.stderr, line)
			return 1
		}
		notes = append(notes, d.reportBroken(broken, fb)...)
		if fb != nil {
			notes = append(notes, d.reportBroken(fb.failed, fb)...)
		}
	}
	if !d.opts.test {
		res.dropTests()
	}
	if res.hasErrors() {
		exit = 1
	}
	switch d.opts.format {
	case "json":
		if err := res.writeJSON(d.stdout); err != nil {
			fmt.Fprintf(d.stderr, "goroguard: %v\n", err)
			return 1
		}
		return exit
	case "sarif":
		if err := writeSARIF(d.stdout, d.dir, d.all, res, notes); err != nil {
			fmt.Fprintf(d.stderr, "goroguard: %v\n", err)
			return 1
		}
		return exit
	}
	n := res.writeText(d.stderr, d.dir, d.opts.context)
	if exit == 0 && n > 0 {
		exit = 3
	}
	return exit
}

// runFix is -fix [-diff]: go vet applies the fixes (or prints the patch); the driver only
// reports the errors. Packages that do not type-check and their importers get no fixes.
func (d *driver) runFix() int {
	extra := []string{"-fix"}
	if d.opts.diff {
		extra = append(extra, "-diff")
	}
	stdout, failures, unloadable, err := d.vet(extra...)
	if err != nil {
		fmt.Fprintf(d.stderr, "goroguard: running go vet: %v\n", err)
		return 1
	}
	d.stdout.Write(stdout)
	if line, ok := d.newerGo(failures, nil); ok {
		fmt.Fprintln(d.stderr, line)
		return 1
	}
	if len(failures) == 0 && len(unloadable) == 0 {
		return 0
	}
	broken := unloadable
	for _, f := range failures {
		if !f.typeErrors() {
			d.printFailure(f)
			continue
		}
		broken = append(broken, brokenPkg{id: f.pkg, path: basePath(f.pkg), errs: f.lines})
	}
	if len(broken) > 0 {
		d.reportBroken(broken, nil)
		fmt.Fprintln(d.stderr, "goroguard: -fix applies no fixes in those packages nor in the packages that import them")
	}
	return 1
}

// vetFailure is one block of go vet's standard error: "# <package>" and its errors, or text
// outside any package block (pkg "").
type vetFailure struct {
	pkg   string
	lines []string
	text  string
	// silent marks "pkg: tool: exit status N": the go command ran the vet tool on a package
	// (usually a dependency, for its facts) and kept the tool's output to itself.
	silent bool
}

// silentExitRE matches the line the go command prints when a vet tool run on a package fails
// and its output is not shown: "example.com/dep: /path/goroguard: exit status 1".
var silentExitRE = regexp.MustCompile(`^(\S+): \S+: exit status \d+$`)

var errPosRE = regexp.MustCompile(`^\S+\.go:\d+(:\d+)?: `)

// typeErrors reports whether the failure is a package's compile or type errors (at positions in
// its files), rather than a message of the go command or of the vet tool.
func (f vetFailure) typeErrors() bool {
	return f.pkg != "" && slices.ContainsFunc(f.lines, errPosRE.MatchString)
}

// printFailure passes a failure through as go vet printed it.
func (d *driver) printFailure(f vetFailure) {
	if f.pkg != "" {
		fmt.Fprintf(d.stderr, "# %s\n", f.pkg)
	}
	io.WriteString(d.stderr, f.text)
}

// parseVetErrors splits go vet's standard error into failures. Progress lines of the go command
// (go: downloading ...) are not failures.
func parseVetErrors(stderr []byte) []vetFailure {
	var out []vetFailure
	var cur *vetFailure
	sc := bufio.NewScanner(bytes.NewReader(stderr))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# [") && strings.HasSuffix(line, "]") && cur != nil && len(cur.lines) == 0:
			continue // "# path\n# [description]": the go command's second header line
		case strings.HasPrefix(line, "# "):
			out = append(out, vetFailure{pkg: strings.TrimPrefix(line, "# ")})
			cur = &out[len(out)-1]
			continue
		case strings.HasPrefix(line, "go: downloading ") || strings.HasPrefix(line, "go: finding ") || strings.HasPrefix(line, "go: extracting "):
			continue
		case strings.TrimSpace(line) == "":
			continue
		}
		if m := silentExitRE.FindStringSubmatch(line); m != nil && (cur == nil || cur.pkg == "") {
			out = append(out, vetFailure{pkg: m[1], silent: true, lines: []string{line}, text: line + "\n"})
			cur = nil
			continue
		}
		if cur == nil {
			out = append(out, vetFailure{})
			cur = &out[len(out)-1]
		}
		cur.lines = append(cur.lines, line)
		cur.text += line + "\n"
	}
	// Drop empty package blocks.
	kept := out[:0]
	for _, f := range out {
		if len(f.lines) > 0 {
			kept = append(kept, f)
		}
	}
	return kept
}

// basePath returns the package path of a package ID such as "p [p.test]".
func basePath(id string) string {
	p, _, _ := strings.Cut(id, " [")
	return p
}

// relPosn makes the file name of "file:line:col" relative to dir when it is inside it.
func relPosn(dir, posn string) string {
	file, rest := splitPosn(posn)
	return relFile(dir, file) + rest
}

func relFile(dir, file string) string {
	if dir != "" && filepath.IsAbs(file) {
		if rel, err := filepath.Rel(dir, file); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return file
}

// splitPosn splits "file:line:col" into the file and ":line:col".
func splitPosn(posn string) (file, rest string) {
	file = posn
	for range 2 {
		i := strings.LastIndexByte(file, ':')
		if i < 0 {
			break
		}
		if _, err := strconv.Atoi(file[i+1:]); err != nil {
			break
		}
		file = file[:i]
	}
	return file, posn[len(file):]
}

// parsePosn parses "file:line:col" (col optional).
func parsePosn(posn string) (file string, line, col int) {
	file, rest := splitPosn(posn)
	parts := strings.Split(strings.TrimPrefix(rest, ":"), ":")
	if len(parts) > 0 {
		line, _ = strconv.Atoi(parts[0])
	}
	if len(parts) > 1 {
		col, _ = strconv.Atoi(parts[1])
	}
	return file, line, col
}

// silentFailures explains, once, the packages go vet could not analyse without saying why: most
// often a dependency that does not type-check under the module's build list (version skew
// between two dependencies), and then the packages that import it.
func silentFailures(pkgs []string) string {
	slices.Sort(pkgs)
	pkgs = slices.Compact(pkgs)
	shown := pkgs
	if len(shown) > 5 {
		shown = shown[:5]
	}
	more := ""
	if len(pkgs) > len(shown) {
		more = fmt.Sprintf(" and %d more", len(pkgs)-len(shown))
	}
	return fmt.Sprintf("goroguard: go vet could not analyse %d packages and did not say why: %s%s\n"+
		"\tusually a dependency that does not type-check with the versions in go.mod, and the packages that import it;\n"+
		"\trun `go build %s` to see the errors (goroguard analysed every other package)\n",
		len(pkgs), strings.Join(shown, ", "), more, pkgs[0])
}
