// Package e2e is the shared harness of goroguard's end-to-end tests: it builds the binaries once
// per test process, copies the test module testdata/e2e to a scratch directory, reads the
// expected findings from the module's markers, runs commands, parses the findings each entry point
// prints and compares them with the markers.
//
// # Markers
//
// A trailing comment on a line of testdata/e2e says which findings that line must get:
//
//	go process(item) // e2e:want spawnloop
//	for { // e2e:want-option spawnloop      (only with a non-default option, see the test)
//	// e2e:want+1 spawnloop                 (the finding is on the next line, e.g. a directive)
//
// Several names on one marker mean several findings on that line; every word up to the first
// that is not a lowercase name must be an analyzer of the registry (a note may follow in
// parentheses). Comparisons are exact, as a
// multiset of file:line:analyzer: a missing finding and an unexpected one both fail.
//
// Every analyzer of the registry must have at least one marker in testdata/e2e/<analyzer>/, so
// that no entry point can silently drop an analyzer (CheckCoverage).
package e2e

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goroguard/goroguard/analyzers"
)

// ModulePath is the goroguard module's path.
const ModulePath = "github.com/goroguard/goroguard"

var (
	workDir  string // process-wide scratch directory for binaries, removed by Main
	rootOnce sync.Once
	root     string
	rootErr  error
)

// Main runs a test package's tests with a process-wide scratch directory for the binaries the
// harness builds, and removes it afterwards. Call it from TestMain.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "goroguard-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	workDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// WorkDir returns the process-wide scratch directory (see Main).
func WorkDir(t testing.TB) string {
	t.Helper()
	if workDir == "" {
		t.Fatal("e2e: the test package must call e2e.Main from TestMain")
	}
	return workDir
}

// Root returns the directory of the goroguard checkout (the module root).
func Root(t testing.TB) string {
	t.Helper()
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			rootErr = err
			return
		}
		for {
			data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
			if err == nil && regexp.MustCompile(`(?m)^module\s+`+regexp.QuoteMeta(ModulePath)+`\s*$`).Match(data) {
				root = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				rootErr = fmt.Errorf("e2e: no go.mod of %s above the working directory", ModulePath)
				return
			}
			dir = parent
		}
	})
	if rootErr != nil {
		t.Fatal(rootErr)
	}
	return root
}

// ModuleDir returns the directory of the end-to-end test module, testdata/e2e.
func ModuleDir(t testing.TB) string {
	return filepath.Join(Root(t), "testdata", "e2e")
}

// CopyModule copies the end-to-end test module to a fresh temporary directory (so that -fix edits
// the copy, never the repository) and returns the copy's path.
func CopyModule(t testing.TB) string {
	t.Helper()
	dst := t.TempDir()
	if err := CopyDir(dst, ModuleDir(t)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// CopyDir copies the regular files of the tree src into dst.
func CopyDir(dst, src string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, info.Mode().Perm()|0o200)
		}
		return nil // symlinks and other special files are not part of a test module
	})
}

// once is a build that runs at most once per process; its result is shared by every test.
type once struct {
	once sync.Once
	path string
	err  error
}

func (o *once) get(t testing.TB, build func() (string, error)) string {
	t.Helper()
	o.once.Do(func() { o.path, o.err = build() })
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.path
}

var goroguardBin once

// Goroguard returns the path of the goroguard binary, built once per test process from the
// checkout into the process's scratch directory. A fresh binary per process also keeps go vet's
// result cache honest: vet keys its cache by the tool's content.
func Goroguard(t testing.TB) string {
	t.Helper()
	dir := WorkDir(t)
	r := Root(t)
	return goroguardBin.get(t, func() (string, error) {
		bin := filepath.Join(dir, "goroguard")
		start := time.Now()
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/goroguard")
		cmd.Dir = r
		cmd.Env = GoEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("building cmd/goroguard: %v\n%s", err, out)
		}
		t.Logf("built cmd/goroguard in %v", time.Since(start).Round(time.Millisecond))
		return bin, nil
	})
}

// GoEnv returns the environment for go commands run by the tests: the test's own environment
// without a go.work that could pull the scratch modules into another workspace.
func GoEnv(extra ...string) []string {
	env := append(os.Environ(), "GOWORK=off")
	return append(env, extra...)
}

// Result is what a command printed and its exit status.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// Output returns stdout and stderr together, for error messages and text parsing.
func (r Result) Output() string { return r.Stdout + r.Stderr }

// Run runs name with args in dir and returns its output and exit status; it fails the test only
// when the command cannot be started. env entries are added to GoEnv().
func Run(t testing.TB, dir string, env []string, name string, args ...string) Result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = GoEnv(env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := Result{Stdout: stdout.String(), Stderr: stderr.String()}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
		}
		res.Code = ee.ExitCode()
	}
	t.Logf("%s %s: exit %d in %v", filepath.Base(name), strings.Join(args, " "), res.Code, time.Since(start).Round(time.Millisecond))
	return res
}

// Key is one expected or actual finding: file (slash-separated, relative to the module root),
// line and analyzer.
type Key struct {
	File     string
	Line     int
	Analyzer string
}

func (k Key) String() string { return fmt.Sprintf("%s:%d:%s", k.File, k.Line, k.Analyzer) }

// Finding is a finding reported by an entry point.
type Finding struct {
	Key
	Col     int
	Message string
	Fixes   []Fix // suggested fixes, when the output format carries them
}

// Fix is a suggested fix from the JSON output of the go/analysis drivers; ParseJSON makes the
// edits' file names relative to the module root, like Key.File.
type Fix struct {
	Message string `json:"message"`
	Edits   []struct {
		Filename string `json:"filename"`
		Start    int    `json:"start"`
		End      int    `json:"end"`
		New      string `json:"new"`
	} `json:"edits"`
}

// Want is a multiset of expected findings.
type Want map[Key]int

// Keys returns the multiset's keys in order, each as often as it is expected.
func (w Want) Keys() []Key {
	var keys []Key
	for k, n := range w {
		for range n {
			keys = append(keys, k)
		}
	}
	sortKeys(keys)
	return keys
}

// Clone returns a copy of w.
func (w Want) Clone() Want {
	c := Want{}
	for k, n := range w {
		c[k] = n
	}
	return c
}

// Markers are the expectations read from a test module.
type Markers struct {
	// Want are the findings expected with the default configuration (e2e:want, e2e:want+1).
	Want Want
	// Option are the findings expected only with a non-default option (e2e:want-option).
	Option Want
}

var markerRE = regexp.MustCompile(`//\s*e2e:(want-option|want\+1|want)\s+(.*)$`)
var nameRE = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

// ReadMarkers reads the markers of every .go file under dir.
func ReadMarkers(t testing.TB, dir string) Markers {
	t.Helper()
	m, err := readMarkers(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func readMarkers(dir string) (Markers, error) {
	m := Markers{Want: Want{}, Option: Want{}}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		line := 0
		for sc.Scan() {
			line++
			sub := markerRE.FindStringSubmatch(sc.Text())
			if sub == nil {
				continue
			}
			var names []string
			for _, field := range strings.FieldsFunc(sub[2], func(r rune) bool { return r == ' ' || r == '\t' || r == ',' }) {
				if !nameRE.MatchString(field) {
					break
				}
				names = append(names, field)
			}
			if len(names) == 0 {
				return fmt.Errorf("%s:%d: marker e2e:%s names no analyzer", rel, line, sub[1])
			}
			for _, n := range names {
				if !slices.Contains(analyzers.Names(), n) {
					return fmt.Errorf("%s:%d: marker e2e:%s names %q, which is not an analyzer of the registry (%s)", rel, line, sub[1], n, strings.Join(analyzers.Names(), ", "))
				}
				k := Key{File: filepath.ToSlash(rel), Line: line, Analyzer: n}
				switch sub[1] {
				case "want":
					m.Want[k]++
				case "want+1":
					k.Line++
					m.Want[k]++
				case "want-option":
					m.Option[k]++
				}
			}
		}
		return sc.Err()
	})
	return m, err
}

// CheckCoverage fails the test for every analyzer of the registry that has no e2e:want marker in
// its own package testdata/e2e/<analyzer>/: an entry point that dropped that analyzer would go
// unnoticed.
func CheckCoverage(t testing.TB, want Want) {
	t.Helper()
	for _, name := range analyzers.Names() {
		found := false
		for k := range want {
			if k.Analyzer == name && strings.HasPrefix(k.File, name+"/") {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("analyzer %s has no `// e2e:want %s` marker in testdata/e2e/%s/: every analyzer of the registry must be checked end to end", name, name, name)
		}
	}
}

// Compare fails the test unless got equals want exactly, as a multiset of file:line:analyzer.
func Compare(t testing.TB, label string, want Want, got []Finding) {
	t.Helper()
	compare(t, label, want, got, func(k Key) Key { return k })
}

// CompareLines is Compare for output formats that do not name the analyzer (the plain text of the
// go/analysis drivers): it compares file:line only, each line as often as it is expected.
func CompareLines(t testing.TB, label string, want Want, got []Finding) {
	t.Helper()
	compare(t, label, want, got, func(k Key) Key { k.Analyzer = "*"; return k })
}

func compare(t testing.TB, label string, want Want, got []Finding, norm func(Key) Key) {
	t.Helper()
	left := Want{}
	for k, n := range want {
		left[norm(k)] += n
	}
	var unexpected []string
	for _, f := range got {
		k := norm(f.Key)
		if left[k] > 0 {
			left[k]--
			continue
		}
		unexpected = append(unexpected, fmt.Sprintf("%s: %s", k, f.Message))
	}
	var missing []string
	for _, k := range left.Keys() {
		missing = append(missing, k.String())
	}
	slices.Sort(unexpected)
	if len(missing) > 0 || len(unexpected) > 0 {
		t.Errorf("%s: findings differ from the e2e markers\nmissing (marked, not reported):\n\t%s\nunexpected (reported, not marked):\n\t%s",
			label, strings.Join(orNone(missing), "\n\t"), strings.Join(orNone(unexpected), "\n\t"))
	}
}

func orNone(s []string) []string {
	if len(s) == 0 {
		return []string{"(none)"}
	}
	return s
}

func sortKeys(keys []Key) {
	slices.SortFunc(keys, func(a, b Key) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Analyzer, b.Analyzer))
	})
}

// Filter returns the findings for which keep is true.
func Filter(fs []Finding, keep func(Finding) bool) []Finding {
	var out []Finding
	for _, f := range fs {
		if keep(f) {
			out = append(out, f)
		}
	}
	return out
}

// Without returns want without the findings of the named analyzers.
func (w Want) Without(names ...string) Want {
	out := Want{}
	for k, n := range w {
		if !slices.Contains(names, k.Analyzer) {
			out[k] = n
		}
	}
	return out
}

// Plus returns the union (multiset sum) of w and other.
func (w Want) Plus(other Want) Want {
	out := w.Clone()
	for k, n := range other {
		out[k] += n
	}
	return out
}

// relFile makes a reported file name relative to the module directory dir, slash-separated.
func relFile(dir, file string) string {
	if filepath.IsAbs(file) {
		if rel, err := filepath.Rel(dir, file); err == nil {
			file = rel
		} else if real, err2 := filepath.EvalSymlinks(dir); err2 == nil {
			if rel, err := filepath.Rel(real, file); err == nil {
				file = rel
			}
		}
	}
	return filepath.ToSlash(filepath.Clean(file))
}

// parsePosn splits "file:line:col" (col optional).
func parsePosn(dir, posn string) (file string, line, col int, ok bool) {
	rest := posn
	nums := []int{}
	for range 2 {
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			break
		}
		n, err := strconv.Atoi(rest[i+1:])
		if err != nil {
			break
		}
		nums = append([]int{n}, nums...)
		rest = rest[:i]
	}
	if len(nums) == 0 {
		return "", 0, 0, false
	}
	line = nums[0]
	if len(nums) > 1 {
		col = nums[1]
	}
	return relFile(dir, rest), line, col, true
}

var textRE = regexp.MustCompile(`^(\S.*?\.go):(\d+):(?:(\d+):)? (.*)$`)

var analyzerSuffixRE = regexp.MustCompile(` \[([a-z][a-z0-9]*)\]$`)

// ParseText parses the plain output of the standalone goroguard ("file:line:col: message
// [analyzer]") and of go vet ("file:line:col: message", where the analyzer is not part of the
// output and is left empty). Related information, printed as "file:line:col: \tmessage" after
// its finding, is skipped; ParseRelated returns it.
func ParseText(dir, out string) []Finding {
	fs, _ := parseText(dir, out)
	return fs
}

// ParseRelated returns the related information of the plain output, each with the analyzer of
// the finding it belongs to (empty when the output does not name it).
func ParseRelated(dir, out string) []Finding {
	_, rel := parseText(dir, out)
	return rel
}

func parseText(dir, out string) (fs, related []Finding) {
	analyzer := ""
	for _, line := range strings.Split(out, "\n") {
		m := textRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		c, _ := strconv.Atoi(m[3])
		f := Finding{Key: Key{File: relFile(dir, m[1]), Line: n}, Col: c, Message: m[4]}
		if msg, ok := strings.CutPrefix(m[4], "\t"); ok {
			// a finding's related information ("posn: \tmessage")
			f.Message, f.Analyzer = msg, analyzer
			related = append(related, f)
			continue
		}
		analyzer = ""
		if sub := analyzerSuffixRE.FindStringSubmatch(f.Message); sub != nil && slices.Contains(analyzers.Names(), sub[1]) {
			analyzer = sub[1]
			f.Analyzer, f.Message = sub[1], strings.TrimSuffix(f.Message, sub[0])
		}
		fs = append(fs, f)
	}
	return fs, related
}

// ParseJSON parses the -json output of the go/analysis drivers and of go vet: a sequence of
// {"package": {"analyzer": [diagnostics] or {"error": "..."}}} objects, possibly between
// "# package" header lines. Analyzer errors are returned as errors.
func ParseJSON(dir, out string) ([]Finding, []string, error) {
	var body strings.Builder
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		body.WriteString(line)
		body.WriteByte('\n')
	}
	dec := json.NewDecoder(strings.NewReader(body.String()))
	var fs []Finding
	var errs []string
	for {
		var tree map[string]map[string]json.RawMessage
		if err := dec.Decode(&tree); err != nil {
			if err.Error() == "EOF" {
				break
			}
			return nil, nil, fmt.Errorf("parsing JSON output: %v\n%s", err, out)
		}
		for pkg, byAnalyzer := range tree {
			for name, raw := range byAnalyzer {
				if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
					var e struct {
						Err string `json:"error"`
					}
					if err := json.Unmarshal(raw, &e); err != nil {
						return nil, nil, err
					}
					errs = append(errs, fmt.Sprintf("%s: %s: %s", pkg, name, e.Err))
					continue
				}
				var diags []struct {
					Posn    string `json:"posn"`
					Message string `json:"message"`
					Fixes   []Fix  `json:"suggested_fixes"`
				}
				if err := json.Unmarshal(raw, &diags); err != nil {
					return nil, nil, fmt.Errorf("parsing diagnostics of %s in %s: %v", name, pkg, err)
				}
				for _, d := range diags {
					for i := range d.Fixes {
						for j := range d.Fixes[i].Edits {
							e := &d.Fixes[i].Edits[j]
							e.Filename = relFile(dir, e.Filename)
						}
					}
					file, line, col, ok := parsePosn(dir, d.Posn)
					if !ok {
						return nil, nil, fmt.Errorf("bad position %q in JSON output", d.Posn)
					}
					fs = append(fs, Finding{Key: Key{File: file, Line: line, Analyzer: name}, Col: col, Message: d.Message, Fixes: d.Fixes})
				}
			}
		}
	}
	slices.SortFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Analyzer, b.Analyzer))
	})
	return fs, errs, nil
}

// NoErrors fails the test if an analyzer reported an error.
func NoErrors(t testing.TB, label string, errs []string) {
	t.Helper()
	for _, e := range errs {
		t.Errorf("%s: analyzer error: %s", label, e)
	}
}

// FirstMarked returns the first marker line (in file order) of the analyzer in its own package,
// for tests that edit the module around a finding; ok is false when there is none.
func FirstMarked(want Want, analyzer string) (Key, bool) {
	var keys []Key
	for k := range want {
		if k.Analyzer == analyzer && strings.HasPrefix(k.File, analyzer+"/") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return Key{}, false
	}
	sortKeys(keys)
	return keys[0], true
}

// EditLine replaces line k.Line of k.File under dir with edit(old).
func EditLine(t testing.TB, dir string, k Key, edit func(old string) string) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(k.File))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	if k.Line < 1 || k.Line > len(lines) {
		t.Fatalf("%s has no line %d", k.File, k.Line)
	}
	lines[k.Line-1] = edit(lines[k.Line-1])
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}

// StripMarker removes the e2e marker comment from a line.
func StripMarker(line string) string {
	if loc := markerRE.FindStringIndex(line); loc != nil {
		return strings.TrimRight(line[:loc[0]], " \t")
	}
	return line
}

// Indent returns the leading white space of line.
func Indent(line string) string {
	return line[:len(line)-len(strings.TrimLeft(line, " \t"))]
}
