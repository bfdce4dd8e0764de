package leakcheck

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goroguard/goroguard/internal/leakjoin"
)

// fakeT records what Check reports; its cleanups run when the fake test ends.
type fakeT struct {
	testing.TB
	mu       sync.Mutex
	errs     []string
	logs     []string
	cleanups []func()
}

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, sprintf(format, args...))
}
func (f *fakeT) Logf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, sprintf(format, args...))
}
func (f *fakeT) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeT) end() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func sprintf(format string, args ...any) string {
	return strings.TrimSpace(fmt.Sprintf(format, args...))
}

// runFake runs body as a test under Check and returns what Check reported.
func runFake(body func()) (errs []string, logs []string) {
	f := &fakeT{}
	Check(f)
	body()
	f.end()
	return f.errs, f.logs
}

// leakSend starts a goroutine that blocks forever on a send nobody can receive.
func leakSend() {
	ch := make(chan int)
	go func() {
		ch <- 1 // the leaked goroutine waits here
	}()
}

// TestProfileRoute checks the exact route: it needs a binary built with the experiment, so
// without one it runs itself again with GOEXPERIMENT=goroutineleakprofile.
func TestProfileRoute(t *testing.T) {
	t.Parallel()
	if !Available() {
		if os.Getenv("LEAKCHECK_REEXEC") != "" {
			t.Fatal("the experiment is still off after re-running with GOEXPERIMENT=goroutineleakprofile")
		}
		cmd := exec.Command("go", "test", "-count=1", "-run", "^TestProfileRoute$", "-v", ".")
		env := leakjoin.ExperimentEnv(context.Background(), "", os.Environ())
		if len(env) == len(os.Environ()) {
			t.Skip("this Go has no goroutine leak profile")
		}
		cmd.Env = append(env, "LEAKCHECK_REEXEC=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestProfileRoute") {
			t.Fatalf("under GOEXPERIMENT=goroutineleakprofile: %v\n%s", err, out)
		}
		return
	}
	sendLine := lineOf(t, "ch <- 1 // the leaked goroutine waits here")
	wgLine := lineOf(t, "wg.Go(func() { <-ch })")
	tests := []struct {
		name string
		body func(stop *atomic.Bool)
		want []string // substrings of the one error; none means no error
	}{
		{
			name: "a goroutine blocked forever on a send is a leak",
			body: func(*atomic.Bool) { leakSend() },
			want: []string{"1 goroutine(s) leaked", "[chan send] blocked at", fmt.Sprintf("leakcheck_test.go:%d in github.com/goroguard/goroguard/leakcheck.leakSend.func1", sendLine), "started by the go statement at", fmt.Sprintf("leakcheck_test.go:%d (in github.com/goroguard/goroguard/leakcheck.leakSend)", sendLine-1)},
		},
		{
			name: "a goroutine through WaitGroup.Go is placed at the wg.Go call",
			body: func(*atomic.Bool) {
				var wg sync.WaitGroup
				ch := make(chan int)
				wg.Go(func() { <-ch })
			},
			want: []string{"[chan receive]", "started through sync.(*WaitGroup).Go by the call at", fmt.Sprintf("leakcheck_test.go:%d", wgLine)},
		},
		{
			name: "no goroutine left: no error",
			body: func(*atomic.Bool) {
				done := make(chan int, 1)
				go func() { done <- 1 }()
				<-done
			},
		},
		{
			name: "a goroutine still working (not blocked) is not a leak",
			body: func(stop *atomic.Bool) {
				go func() {
					for !stop.Load() {
						time.Sleep(time.Millisecond)
					}
				}()
			},
		},
		{
			name: "a goroutine blocked on a channel still reachable is not a leak",
			body: func(stop *atomic.Bool) {
				go func() { <-reachable }()
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: Check attributes every new leak to the test that checks.
			var stop atomic.Bool
			defer stop.Store(true)
			errs, _ := runFake(func() { tt.body(&stop) })
			if len(tt.want) == 0 {
				if len(errs) > 0 {
					t.Fatalf("unexpected report:\n%s", strings.Join(errs, "\n"))
				}
				return
			}
			if len(errs) != 1 {
				t.Fatalf("got %d reports, want 1:\n%s", len(errs), strings.Join(errs, "\n"))
			}
			t.Logf("the report:\n%s", errs[0])
			for _, w := range tt.want {
				if !strings.Contains(errs[0], w) {
					t.Errorf("report lacks %q:\n%s", w, errs[0])
				}
			}
		})
	}
	if len(Find()) == 0 {
		t.Error("Find: the leaks of the cases above are still leaked")
	}
	close(reachable)
}

// lineOf returns the line of this file that contains marker (once: the marker's own line).
func lineOf(t *testing.T, marker string) int {
	t.Helper()
	b, err := os.ReadFile("leakcheck_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, marker) && !strings.Contains(l, "lineOf(") {
			return i + 1
		}
	}
	t.Fatalf("no line contains %q", marker)
	return 0
}

// reachable is a package variable: a goroutine waiting on it can still be released.
var reachable = make(chan int)

// TestFallbackRoute checks the weaker check of binaries built without the experiment. It is not
// parallel, and neither are its cases: the fallback counts every goroutine that appears during
// the test, so it runs before the parallel tests start.
func TestFallbackRoute(t *testing.T) {
	if Available() {
		t.Skip("built with the experiment: the fallback is not used")
	}
	t.Run("a goroutine still alive after the settle time is reported, labelled as the weaker check", func(t *testing.T) {
		release := make(chan int)
		defer close(release)
		errs, logs := runFake(func() {
			go func() { <-release }()
		})
		if len(errs) != 1 || !strings.Contains(errs[0], "weaker check") || !strings.Contains(errs[0], "leakcheck_test.go") {
			t.Errorf("got %q", errs)
		}
		_ = logs // the "built without the experiment" note is logged once per process
	})
	t.Run("a goroutine that ends within the settle time is not reported", func(t *testing.T) {
		errs, _ := runFake(func() {
			go func() { time.Sleep(50 * time.Millisecond) }()
		})
		if len(errs) != 0 {
			t.Errorf("got %q", errs)
		}
	})
}
