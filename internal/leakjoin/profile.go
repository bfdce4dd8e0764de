// Package leakjoin reads Go's goroutine leak profile and joins the leaks it lists with goroguard's
// static findings. It is the shared core of the leakcheck package (checks inside a test binary)
// and of `goroguard test` (runs the tests, collects every binary's leaks, runs the analyzers and
// prints one table).
//
// The leak profile exists when a binary is built with GOEXPERIMENT=goroutineleakprofile (Go 1.26):
// pprof.Lookup("goroutineleak").WriteTo first runs a GC cycle that marks every goroutine blocked on
// a channel, mutex, wait group or condition variable that no live goroutine can reach as leaked.
// At debug=2 it writes every goroutine's stack, as runtime.Stack(buf, true) does, with
// " (leaked)" after the wait reason of the leaked ones:
//
//	goroutine 7 [chan send (leaked)]:
//	main.fetch.func1()
//		/src/main.go:18 +0x1e
//	created by main.fetch in goroutine 1
//		/src/main.go:17 +0x6b
//
// At debug=1 it lists only the leaked goroutines, aggregated by stack, with program counters;
// Collect uses those to learn the first line of each function on a leaked stack, which is where a
// function literal passed to errgroup.Go or WaitGroup.Go starts: the line of the call.
package leakjoin

import (
	"bufio"
	"regexp"
	"strconv"
	"strings"
)

// Frame is one frame of a goroutine's stack: the function and the file:line it is at.
type Frame struct {
	Func string `json:"func"`
	File string `json:"file"`
	Line int    `json:"line"`
}

// Pos returns "file:line".
func (f Frame) Pos() string { return f.File + ":" + strconv.Itoa(f.Line) }

// Goroutine is one goroutine of a debug=2 profile or runtime.Stack dump.
type Goroutine struct {
	ID         int64   `json:"id"`
	WaitReason string  `json:"wait_reason"` // "chan send", "select", "sync.Mutex.Lock", "running", ...
	Leaked     bool    `json:"leaked"`      // the header said "(leaked)"
	Frames     []Frame `json:"frames"`      // innermost first
	CreatedBy  *Frame  `json:"created_by,omitempty"`
	Creator    int64   `json:"creator,omitempty"` // the goroutine that ran the go statement
	Elided     bool    `json:"elided,omitempty"`  // the traceback elided frames
}

var headerRE = regexp.MustCompile(`^goroutine (\d+)(?: [^\[]*)? \[(.*)\]:\s*$`)

// ParseStacks parses the text of a debug=2 goroutine or goroutineleak profile (the format of
// runtime.Stack with all=true). Lines it does not know are skipped, so a future format with extra
// lines still yields the goroutines it can read.
func ParseStacks(text string) []Goroutine {
	var out []Goroutine
	var cur *Goroutine
	// pendingFunc is a function line waiting for its location line; inCreated says the pending
	// line was "created by"; inAncestor skips tracebackancestors sections.
	var pendingFunc string
	havePending, inCreated, inAncestor := false, false, false
	flush := func() {
		if cur != nil {
			out = append(out, *cur)
		}
		cur = nil
		havePending, inCreated, inAncestor = false, false, false
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if m := headerRE.FindStringSubmatch(line); m != nil {
			flush()
			id, _ := strconv.ParseInt(m[1], 10, 64)
			reason, leaked := parseStatus(m[2])
			cur = &Goroutine{ID: id, WaitReason: reason, Leaked: leaked}
			continue
		}
		if cur == nil || inAncestor {
			if strings.TrimSpace(line) == "" {
				flush()
			}
			continue
		}
		switch {
		case strings.TrimSpace(line) == "":
			flush()
		case strings.HasPrefix(line, "[originating from goroutine"):
			inAncestor, havePending = true, false
		case strings.HasPrefix(line, "...") && strings.Contains(line, "elided"):
			cur.Elided = true
			havePending = false
		case strings.HasPrefix(line, "\t"):
			if !havePending {
				continue
			}
			file, ln, ok := parseLocation(line)
			havePending = false
			if !ok {
				continue
			}
			fr := Frame{Func: pendingFunc, File: file, Line: ln}
			if inCreated {
				cur.CreatedBy = &fr
				inCreated = false
			} else {
				cur.Frames = append(cur.Frames, fr)
			}
		case strings.HasPrefix(line, "created by "):
			rest := strings.TrimPrefix(line, "created by ")
			if i := strings.LastIndex(rest, " in goroutine "); i >= 0 {
				cur.Creator, _ = strconv.ParseInt(strings.TrimSpace(rest[i+len(" in goroutine "):]), 10, 64)
				rest = rest[:i]
			}
			pendingFunc, havePending, inCreated = strings.TrimSpace(rest), true, true
		default:
			if fn, ok := parseFuncLine(line); ok {
				pendingFunc, havePending, inCreated = fn, true, false
			} else {
				havePending = false
			}
		}
	}
	flush()
	return out
}

// parseStatus splits "chan send (leaked), 2 minutes" into the wait reason and the leaked mark.
func parseStatus(s string) (reason string, leaked bool) {
	// The wait reason comes first; ", N minutes", ", locked to thread" and the like follow.
	if i := strings.Index(s, ", "); i >= 0 {
		s = s[:i]
	}
	for _, mark := range []string{" (leaked)", " (scan)", " (durable)"} {
		if strings.Contains(s, mark) {
			if mark == " (leaked)" {
				leaked = true
			}
			s = strings.Replace(s, mark, "", 1)
		}
	}
	return strings.TrimSpace(s), leaked
}

// parseFuncLine reads "pkg.(*T).m(0x1, {0x2, 0x3})" or "pkg.f(...)" and returns "pkg.(*T).m".
func parseFuncLine(line string) (string, bool) {
	if strings.HasPrefix(line, " ") || !strings.HasSuffix(line, ")") {
		return "", false
	}
	depth := 0
	for i := len(line) - 1; i >= 0; i-- {
		switch line[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				name := line[:i]
				if name == "" || strings.ContainsAny(name, " \t") {
					return "", false
				}
				return name, true
			}
		}
	}
	return "", false
}

// parseLocation reads "\t/path/file.go:18 +0x1e" (the offset is absent for some frames).
func parseLocation(line string) (file string, ln int, ok bool) {
	s := strings.TrimSpace(line)
	if i := strings.LastIndex(s, " +0x"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndex(s, " fp="); i >= 0 { // GOTRACEBACK=system adds fp= sp= pc=
		s = s[:i]
	}
	i := strings.LastIndex(s, ":")
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return "", 0, false
	}
	return s[:i], n, true
}

// ParseFuncPCs reads the program counters of a debug=1 profile: lines
// "#\t0x4de47d\tmain.fetch.func1+0x1d\t/src/main.go:18". It returns function name → one pc in it.
func ParseFuncPCs(text string) map[string]uintptr {
	out := map[string]uintptr{}
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "#\t0x") {
			continue
		}
		f := strings.Fields(line[1:])
		if len(f) < 2 {
			continue
		}
		pc, err := strconv.ParseUint(strings.TrimPrefix(f[0], "0x"), 16, 64)
		if err != nil {
			continue
		}
		name := f[1]
		if i := strings.LastIndex(name, "+0x"); i >= 0 {
			name = name[:i]
		}
		if _, ok := out[name]; !ok {
			out[name] = uintptr(pc)
		}
	}
	return out
}
