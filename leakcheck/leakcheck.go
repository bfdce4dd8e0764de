// Package leakcheck fails tests that leak goroutines.
//
// Built with GOEXPERIMENT=goroutineleakprofile (Go 1.26), it asks the garbage collector: after
// the tests, a GC cycle marks every goroutine blocked on a channel, mutex, wait group or condition
// variable that no live goroutine can reach, and pprof.Lookup("goroutineleak") lists them. Such a
// goroutine can never run again, so the check has no false positives: a goroutine that is merely
// still working (a server, a busy loop, a sleep) is not reported, and no ignore list is needed.
// Each leak is reported with where it is blocked, the go statement that started it (for
// errgroup.Go, WaitGroup.Go and other spawning APIs: the call that handed it the function), and,
// under `goroguard test`, the goroguard finding at that go statement.
//
//	func TestMain(m *testing.M) { leakcheck.VerifyTestMain(m) }   // the whole package
//
//	func TestFetch(t *testing.T) {
//		leakcheck.Check(t) // this test only: goroutines it started and left blocked
//		...
//	}
//
// Run the tests with the experiment on (Go 1.27 has the profile without it):
//
//	GOEXPERIMENT=goroutineleakprofile go test ./...
//
// or through `goroguard test ./...`, which also runs the analyzers and joins both.
//
// Without the experiment, leakcheck says so once and falls back to a weaker check in the style of
// go.uber.org/goleak: goroutines started during the test (or, for VerifyTestMain, any goroutine
// beside the test framework's) that are still alive after a settle time of up to one second. That
// check cannot tell a leak from a goroutine that is still working, and misses a leak that happens
// after the check.
package leakcheck

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goroguard/goroguard/internal/leakjoin"
)

// Leak is one leaked goroutine.
type Leak = leakjoin.Leak

// Available reports whether the test binary was built with GOEXPERIMENT=goroutineleakprofile,
// the exact check.
func Available() bool { return leakjoin.Available() }

// SettleTime is how long the fallback check waits for goroutines to finish.
const SettleTime = time.Second

var fallbackOnce sync.Once

// reported holds the ids of leaked goroutines Check already reported, so that VerifyTestMain
// does not report them again.
var reported sync.Map

func noteFallback(logf func(string, ...any)) {
	fallbackOnce.Do(func() {
		logf("leakcheck: built without GOEXPERIMENT=goroutineleakprofile; using the weaker check "+
			"(goroutines still alive after %v; it cannot tell a leak from a goroutine that is still working). "+
			"Run the tests with GOEXPERIMENT=goroutineleakprofile, or through goroguard test, for the exact check", SettleTime)
	})
}

// Find returns the goroutines leaked now (exact route only; nil without the experiment).
func Find() []Leak {
	if !Available() {
		return nil
	}
	leakjoin.Settle()
	return leakjoin.Collect().Leaks(nil)
}

// Check fails t with every goroutine that started during the test and is leaked when the test
// (and its subtests) are done. Call it at the start of the test. Leaks of parallel tests running at
// the same time may be attributed to this one; the go statement in the report says where they
// come from.
func Check(t testing.TB) {
	t.Helper()
	before := liveIDs()
	t.Cleanup(func() {
		t.Helper()
		if Available() {
			var leaks []Leak
			for attempt := 0; attempt < 3; attempt++ {
				leaks = newLeaks(before)
				if len(leaks) > 0 || !pendingAfter(before) {
					break
				}
				time.Sleep(time.Duration(10<<attempt) * time.Millisecond)
			}
			if len(leaks) > 0 {
				for _, l := range leaks {
					reported.Store(l.ID, true)
				}
				t.Errorf("%s", Report(leaks))
			}
			return
		}
		noteFallback(t.Logf)
		if extra := fallbackAlive(before); len(extra) > 0 {
			t.Errorf("%s", fallbackReport(extra))
		}
	})
}

// VerifyTestMain runs the tests, then fails the test binary if goroutines leaked, and exits.
// Use it as TestMain: func TestMain(m *testing.M) { leakcheck.VerifyTestMain(m) }.
// Under `goroguard test` it also hands the leak profile to goroguard.
func VerifyTestMain(m *testing.M) {
	code := m.Run()
	if Available() {
		leakjoin.Settle()
		d := leakjoin.Collect()
		if dir := os.Getenv(leakjoin.EnvDir); dir != "" {
			if err := leakjoin.WriteDump(dir, d); err != nil {
				fmt.Fprintf(os.Stderr, "leakcheck: %v\n", err)
			}
		}
		var leaks []Leak
		for _, l := range d.Leaks(nil) {
			if _, ok := reported.Load(l.ID); !ok {
				leaks = append(leaks, l)
			}
		}
		if len(leaks) > 0 {
			fmt.Fprintln(os.Stderr, Report(leaks))
			if code == 0 {
				code = 1
			}
		}
		os.Exit(code)
	}
	if dir := os.Getenv(leakjoin.EnvDir); dir != "" {
		d := leakjoin.Collect()
		_ = leakjoin.WriteDump(dir, d)
	}
	noteFallback(func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) })
	if code == 0 {
		if extra := fallbackAlive(nil); len(extra) > 0 {
			fmt.Fprintln(os.Stderr, fallbackReport(extra))
			code = 1
		}
	}
	os.Exit(code)
}

// liveIDs returns the ids of the goroutines alive now.
func liveIDs() map[int64]bool {
	ids := map[int64]bool{}
	for _, g := range leakjoin.ParseStacks(allStacks()) {
		ids[g.ID] = true
	}
	return ids
}

func allStacks() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

func newLeaks(before map[int64]bool) []Leak {
	leakjoin.Settle()
	var out []Leak
	for _, l := range leakjoin.Collect().Leaks(nil) {
		if !before[l.ID] {
			out = append(out, l)
		}
	}
	return out
}

// pendingAfter reports whether a goroutine started since before is runnable: it may be about to
// block, so the exact check is worth repeating.
func pendingAfter(before map[int64]bool) bool {
	for _, g := range leakjoin.ParseStacks(allStacks()) {
		if !before[g.ID] && !g.Leaked && g.WaitReason == "runnable" {
			return true
		}
	}
	return false
}

// Report formats leaks as leakcheck prints them.
func Report(leaks []Leak) string {
	findings := loadFindings()
	var b strings.Builder
	fmt.Fprintf(&b, "leakcheck: %d goroutine(s) leaked (goroutine leak profile: blocked forever, unreachable from any live goroutine)", len(leaks))
	for _, l := range leaks {
		fmt.Fprintf(&b, "\n\ngoroutine %d [%s] blocked at %s in %s", l.ID, l.WaitReason, l.BlockedAt.Pos(), l.BlockedAt.Func)
		switch {
		case l.Site.File == "":
		case l.Via != "":
			fmt.Fprintf(&b, "\n\tstarted through %s by the call at %s", l.Via, l.Site.Pos())
		default:
			fmt.Fprintf(&b, "\n\tstarted by the go statement at %s (in %s)", l.Site.Pos(), l.Site.Func)
		}
		for _, f := range findings {
			if leakjoin.Matches(f, l) {
				fmt.Fprintf(&b, "\n\tgoroguard %s at %s: %s", f.Analyzer, f.Posn, f.Message)
			}
		}
		for _, fr := range l.Frames {
			fmt.Fprintf(&b, "\n\t\t%s\n\t\t\t%s", fr.Func, fr.Pos())
		}
	}
	return b.String()
}

func loadFindings() []leakjoin.Finding {
	path := os.Getenv(leakjoin.EnvFindings)
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var fs []leakjoin.Finding
	_ = json.Unmarshal(b, &fs)
	return fs
}

// fallbackAlive returns the goroutines, other than the caller's, the test framework's and those in
// before, still alive after up to SettleTime.
func fallbackAlive(before map[int64]bool) []leakjoin.Goroutine {
	deadline := time.Now().Add(SettleTime)
	wait := time.Millisecond
	for {
		var extra []leakjoin.Goroutine
		gs := leakjoin.ParseStacks(allStacks())
		for i, g := range gs {
			if i == 0 || before[g.ID] || framework(g) {
				continue // the first is the calling goroutine
			}
			extra = append(extra, g)
		}
		if len(extra) == 0 || time.Now().After(deadline) {
			return extra
		}
		time.Sleep(wait)
		if wait < 100*time.Millisecond {
			wait *= 2
		}
	}
}

// framework reports goroutines of the testing package and the runtime: other tests (started by
// testing.tRunner or (*T).Run), the test timer, signal handling.
func framework(g leakjoin.Goroutine) bool {
	if len(g.Frames) > 0 {
		outer := g.Frames[len(g.Frames)-1].Func
		for _, p := range []string{"testing.", "runtime.", "os/signal.", "main.main"} {
			if strings.HasPrefix(outer, p) {
				return true
			}
		}
	}
	return g.CreatedBy != nil && strings.HasPrefix(g.CreatedBy.Func, "testing.")
}

func fallbackReport(gs []leakjoin.Goroutine) string {
	var b strings.Builder
	fmt.Fprintf(&b, "leakcheck (weaker check, no leak profile): %d goroutine(s) still alive %v after the test; each may be a leak or still working", len(gs), SettleTime)
	for _, g := range gs {
		fmt.Fprintf(&b, "\n\ngoroutine %d [%s]", g.ID, g.WaitReason)
		if g.CreatedBy != nil {
			fmt.Fprintf(&b, " created by %s at %s", g.CreatedBy.Func, g.CreatedBy.Pos())
		}
		for _, fr := range g.Frames {
			fmt.Fprintf(&b, "\n\t\t%s\n\t\t\t%s", fr.Func, fr.Pos())
		}
	}
	return b.String()
}
