package leakjoin

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// EnvDir names the environment variable `goroguard test` sets for the test binaries: the
// directory each binary writes its Dump to (a JSON file per binary) when its tests are done.
const EnvDir = "GOROGUARD_LEAKDIR"

// EnvFindings names the environment variable `goroguard test` sets to a JSON file of the static
// findings ([]Finding), so that leakcheck can name the finding at a leak's go statement.
const EnvFindings = "GOROGUARD_FINDINGS"

// DumpVersion is the version of the Dump format; the generated collector writes the same.
const DumpVersion = 1

// Dump is what one test binary reports: the debug=2 profile taken after its tests, and the first
// line of each function on a leaked stack.
type Dump struct {
	Version    int               `json:"version"`
	Dir        string            `json:"dir"` // the package directory (the test binary's working directory)
	Experiment bool              `json:"experiment"`
	Profile    string            `json:"profile,omitempty"` // debug=2 text
	Funcs      map[string]string `json:"funcs,omitempty"`   // function → "file:line" of its first line
	Source     string            `json:"source,omitempty"`  // "overlay" or "leakcheck"
}

// Available reports whether this binary was built with GOEXPERIMENT=goroutineleakprofile.
func Available() bool { return pprof.Lookup("goroutineleak") != nil }

// Settle gives goroutines that are about to block a chance to get there: it yields and sleeps a
// little, so that a goroutine started just before the check is parked, not runnable.
func Settle() {
	for range 10 {
		runtime.Gosched()
	}
	time.Sleep(5 * time.Millisecond)
	for range 10 {
		runtime.Gosched()
	}
}

// Collect runs the leak detection and returns this process's Dump (Experiment false, and nothing
// else, when the binary was built without the experiment).
func Collect() Dump {
	d := Dump{Version: DumpVersion, Source: "leakcheck"}
	d.Dir, _ = os.Getwd()
	p := pprof.Lookup("goroutineleak")
	if p == nil {
		return d
	}
	d.Experiment = true
	var pcs, stacks bytes.Buffer
	_ = p.WriteTo(&pcs, 1) // runs the leak-detecting GC; lists leaked stacks with pcs
	_ = p.WriteTo(&stacks, 2)
	d.Profile = stacks.String()
	d.Funcs = FuncStarts(ParseFuncPCs(pcs.String()))
	return d
}

// FuncStarts maps function names to the file:line of their entry, from one pc in each.
func FuncStarts(pcs map[string]uintptr) map[string]string {
	out := map[string]string{}
	for name, pc := range pcs {
		f := runtime.FuncForPC(pc)
		if f == nil || f.Name() != name {
			continue // an inlined function's pc reports the outer function's entry
		}
		file, line := f.FileLine(f.Entry())
		if file != "" && line > 0 {
			out[name] = file + ":" + strconv.Itoa(line)
		}
	}
	return out
}

// WriteDump writes d as a new JSON file in dir.
func WriteDump(dir string, d Dump) error {
	f, err := os.CreateTemp(dir, "leaks-*.json")
	if err != nil {
		return err
	}
	if err := json.NewEncoder(f).Encode(d); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadDumps reads every Dump written to dir.
func ReadDumps(dir string) ([]Dump, error) {
	names, err := filepath.Glob(filepath.Join(dir, "leaks-*.json"))
	if err != nil {
		return nil, err
	}
	var out []Dump
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var d Dump
		if err := json.Unmarshal(b, &d); err != nil {
			continue // a binary killed while writing: skip its partial file
		}
		out = append(out, d)
	}
	return out, nil
}

// Leak is one leaked goroutine, located.
type Leak struct {
	Goroutine
	// Site is where the goroutine was started in user code: the go statement, or for a goroutine
	// started by a spawning API (errgroup.Group.Go, sync.WaitGroup.Go, conc) the first line of
	// the function handed to it, which for a function literal is the line of the call.
	Site Frame `json:"site"`
	// Via is the spawning API's function when the go statement is inside a library.
	Via string `json:"via,omitempty"`
	// BlockedAt is the innermost frame in user code: where the goroutine waits.
	BlockedAt Frame `json:"blocked_at"`
	// Keys are the file:line positions a static finding about this goroutine can sit at: the
	// site, and the first line and current line of each user function on its stack.
	Keys []string `json:"-"`
	// Entry is the first line of the goroutine's outermost user function (its entry point) when
	// known: a finding inside that function's body is about this goroutine (see Finding.Within).
	Entry string `json:"-"`
}

// Leaks returns the leaked goroutines of a Dump, located. isLib says whether a file belongs to
// a library (standard library, module cache) rather than the code under test.
func (d Dump) Leaks(isLib func(file string) bool) []Leak {
	if isLib == nil {
		isLib = IsLibrary("")
	}
	var out []Leak
	for _, g := range ParseStacks(d.Profile) {
		if !g.Leaked {
			continue
		}
		out = append(out, Locate(g, d.Funcs, isLib))
	}
	return out
}

// Locate finds a leaked goroutine's site in user code (see Leak).
func Locate(g Goroutine, funcs map[string]string, isLib func(string) bool) Leak {
	l := Leak{Goroutine: g}
	start := func(fr Frame) (Frame, bool) {
		pos, ok := funcs[fr.Func]
		if !ok {
			return Frame{}, false
		}
		i := strings.LastIndex(pos, ":")
		n, err := strconv.Atoi(pos[i+1:])
		if i < 0 || err != nil {
			return Frame{}, false
		}
		return Frame{Func: fr.Func, File: pos[:i], Line: n}, true
	}
	var user []Frame
	for _, fr := range g.Frames {
		if !isLib(fr.File) {
			user = append(user, fr)
		}
	}
	if len(user) > 0 {
		l.BlockedAt = user[0]
	} else if len(g.Frames) > 0 {
		l.BlockedAt = g.Frames[0]
	}
	switch {
	case g.CreatedBy == nil:
	case !isLib(g.CreatedBy.File):
		l.Site = *g.CreatedBy
	case len(user) > 0:
		// Started by a library: errgroup.(*Group).Go, sync.(*WaitGroup).Go, a pool. The user's
		// function is the outermost user frame; its first line is the call for a literal.
		outer := user[len(user)-1]
		l.Via = g.CreatedBy.Func
		if s, ok := start(outer); ok {
			l.Site = s
		} else {
			l.Site = outer
		}
	default:
		l.Site = *g.CreatedBy
	}
	add := func(f Frame) {
		if f.File != "" {
			l.Keys = append(l.Keys, f.Pos())
		}
	}
	add(l.Site)
	if len(user) > 0 {
		if s, ok := start(user[len(user)-1]); ok {
			l.Entry = s.Pos()
		}
	}
	for _, fr := range user {
		add(fr)
		if s, ok := start(fr); ok {
			add(s)
		}
	}
	return l
}

// IsLibrary returns the predicate "this file is not code under test": files in GOROOT, in the
// module cache (a path element with "@v"), or vendored. goroot may be "" (runtime.GOROOT is used).
// Paths written with -trimpath ("runtime/proc.go", "golang.org/x/sync@v0.25.0/...") are handled:
// a relative path whose first element has no dot is the standard library.
func IsLibrary(goroot string) func(string) bool {
	if goroot == "" {
		goroot = runtime.GOROOT() //nolint:staticcheck // only a hint; -trimpath paths are handled below
	}
	goroot = filepath.ToSlash(filepath.Clean(goroot))
	return func(file string) bool {
		f := filepath.ToSlash(file)
		if goroot != "" && goroot != "." && strings.HasPrefix(f, goroot+"/src/") {
			return true
		}
		if strings.Contains(f, "/vendor/") || strings.Contains(f, "@v") {
			return true
		}
		if !strings.HasPrefix(f, "/") && !(len(f) > 2 && f[1] == ':') {
			first, _, _ := strings.Cut(f, "/")
			return !strings.Contains(first, ".")
		}
		return false
	}
}
