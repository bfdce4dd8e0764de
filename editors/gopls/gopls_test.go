package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/goroguard/goroguard/internal/costs"
	"github.com/goroguard/goroguard/internal/e2e"
)

func TestMain(m *testing.M) { e2e.Main(m) }

var (
	goplsOnce    sync.Once
	goplsBin     string
	goplsVersion string
	goplsErr     error
)

// gopls builds gopls with goroguard's analyzers once per test process, exactly as users do: the
// gopls release for the Go running the tests (v0.23.0 under Go 1.26, v0.24.0 under
// GOTOOLCHAIN=go1.27.3; .ci/run runs the tests under both).
func gopls(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds gopls (about a minute cold); skipped with -short")
	}
	goplsOnce.Do(func() {
		goplsBin = filepath.Join(e2e.WorkDir(t), "gopls")
		goplsVersion, goplsErr = Build(goplsBin, "", io.Discard)
	})
	if goplsErr != nil {
		t.Fatalf("building gopls with goroguard: %v", goplsErr)
	}
	want, err := DefaultGopls(runtime.Version())
	if err != nil {
		t.Fatal(err)
	}
	if goplsVersion != want {
		t.Fatalf("built gopls %s under %s, want %s", goplsVersion, runtime.Version(), want)
	}
	t.Logf("gopls %s with goroguard, built with %s", goplsVersion, runtime.Version())
	return goplsBin
}

// TestDefaultGopls: the gopls built for each Go release.
func TestDefaultGopls(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ goVersion, want string }{
		{"go1.26.8", "v0.23.0"},
		{"go1.26", "v0.23.0"},
		{"go1.26rc1", "v0.23.0"},
		{"go1.27.3", "v0.24.0"},
		{"go1.27.0", "v0.24.0"},
		{"go1.28.1", "v0.24.0"},                          // a newer Go: the newest release goroguard knows
		{"devel go1.28-0123456789 Tue Dec 1", "v0.24.0"}, // a development Go
		{"go1.25.9", ""},                                 // older than every release: an error
	} {
		t.Run(tc.goVersion, func(t *testing.T) {
			t.Parallel()
			got, err := DefaultGopls(tc.goVersion)
			if tc.want == "" {
				if err == nil || !strings.Contains(err.Error(), tc.goVersion) {
					t.Errorf("DefaultGopls(%q) = %q, %v; want an error naming the version", tc.goVersion, got, err)
				}
				return
			}
			if got != tc.want || err != nil {
				t.Errorf("DefaultGopls(%q) = %q, %v; want %s", tc.goVersion, got, err, tc.want)
			}
		})
	}
}

// TestCheckGo: -gopls-version with a gopls that needs a newer Go than the one running the build
// fails before the build, naming both versions and the fix.
func TestCheckGo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, gopls, goDirective, goVersion string
		ok                                  bool
	}{
		{"v0.24.0 with go1.26.8", "v0.24.0", "1.27.0", "go1.26.8", false},
		{"v0.24.0 with go1.27.3", "v0.24.0", "1.27.0", "go1.27.3", true},
		{"v0.23.0 with go1.27.3", "v0.23.0", "1.26.0", "go1.27.3", true},
		{"v0.23.0 with go1.26.8", "v0.23.0", "1.26.0", "go1.26.8", true},
		{"a development Go", "v0.24.0", "1.27.0", "devel go1.28-0123456789", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := checkGo(tc.gopls, tc.goDirective, tc.goVersion)
			if tc.ok {
				if err != nil {
					t.Errorf("checkGo: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("checkGo accepts it")
			}
			for _, s := range []string{tc.gopls, "go" + tc.goDirective, tc.goVersion, "GOTOOLCHAIN=go" + tc.goDirective} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("the error does not say %q: %v", s, err)
				}
			}
		})
	}
}

// TestReleasesHavePinChecks: every gopls release the builder knows has its compile check in
// testdata/goplspin (run by analyzers/goplspin_test.go).
func TestReleasesHavePinChecks(t *testing.T) {
	t.Parallel()
	for _, r := range releases {
		mod := filepath.Join(e2e.Root(t), "testdata", "goplspin", r.Gopls, "go.mod")
		data, err := os.ReadFile(mod)
		if err != nil {
			t.Errorf("gopls %s (for %s) has no compile check against its x/tools pin: %v", r.Gopls, r.Go, err)
			continue
		}
		if !strings.Contains(string(data), "gopls "+r.Gopls) {
			t.Errorf("%s does not say which gopls it pins for", mod)
		}
	}
}

// checkRE matches `gopls check` output: "file:line[:col[-endline:endcol|-endcol]]: message".
var checkRE = regexp.MustCompile(`^(\S+\.go):(\d+)(?::\d+(?:-\d+(?::\d+)?)?)?: (.*)$`)

// parseCheck keeps goroguard's own findings: gopls prints its own analyzers' findings too, with no
// analyzer name, so goroguard's are told by their messages: one that goroguard itself reports on
// the module (ours, from the standalone binary), one that ends with a measured cost figure, or the
// directive it is about. Related information ("- ...") is skipped.
func parseCheck(dir, out string, ours map[string]bool) []e2e.Finding {
	var fs []e2e.Finding
	for _, line := range strings.Split(out, "\n") {
		m := checkRE.FindStringSubmatch(line)
		if m == nil || strings.HasPrefix(m[3], "- ") || !ours[m[3]] && !isGoroguard(m[3]) {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		rel, err := filepath.Rel(dir, m[1])
		if err != nil {
			rel = m[1]
		}
		fs = append(fs, e2e.Finding{Key: e2e.Key{File: filepath.ToSlash(rel), Line: n}, Message: m[3]})
	}
	return fs
}

// goroguardMessages returns the messages of the findings goroguard's standalone binary reports on
// the module dir.
func goroguardMessages(t *testing.T, dir string) map[string]bool {
	t.Helper()
	r := e2e.Run(t, dir, nil, e2e.Goroguard(t), "-json", "./...")
	fs, errs, err := e2e.ParseJSON(dir, r.Stdout)
	if err != nil {
		t.Fatalf("goroguard -json (exit %d): %v\n%s", r.Code, err, r.Stderr)
	}
	for _, e := range errs {
		t.Logf("goroguard -json: %s", e)
	}
	msgs := make(map[string]bool)
	for _, f := range fs {
		msgs[f.Message] = true
	}
	return msgs
}

func isGoroguard(msg string) bool {
	if strings.HasPrefix(msg, "//goroguard:ignore") {
		return true
	}
	for _, f := range costs.All() {
		if strings.HasSuffix(msg, "("+f.Summary+")") {
			return true
		}
	}
	return false
}

// TestGoplsCheck: gopls built with the analyzers reports every analyzer's findings on the e2e
// module, at the marked lines (gopls check prints no analyzer names, so lines are compared).
func TestGoplsCheck(t *testing.T) {
	t.Parallel()
	bin := gopls(t)
	dir := e2e.CopyModule(t)
	want := e2e.ReadMarkers(t, dir).Want
	e2e.CheckCoverage(t, want)
	var files []string
	for k := range want {
		files = append(files, filepath.Join(dir, filepath.FromSlash(k.File)))
	}
	files = uniq(files)
	r := e2e.Run(t, dir, nil, bin, append([]string{"check"}, files...)...)
	if r.Code != 0 {
		t.Fatalf("gopls check: exit %d\n%s", r.Code, r.Output())
	}
	e2e.CompareLines(t, "gopls check", want, parseCheck(dir, r.Output(), goroguardMessages(t, dir)))
}

// TestGoplsQuickFix: the premature-return leak's suggested fix is offered as a quick fix and
// applies the buffer.
func TestGoplsQuickFix(t *testing.T) {
	t.Parallel()
	bin := gopls(t)
	dir := e2e.CopyModule(t)
	k, ok := e2e.FirstMarked(e2e.ReadMarkers(t, dir).Want, "ctxdone")
	if !ok {
		t.Fatal("no ctxdone marker in testdata/e2e/ctxdone")
	}
	file := filepath.Join(dir, filepath.FromSlash(k.File))
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// The finding spans the go statement; gopls offers the fixes of diagnostics that contain the
	// requested range, so ask over the "go" keyword of the marked line.
	line := strings.Split(string(data), "\n")[k.Line-1]
	col := strings.Index(line, "go ") + 1
	if col == 0 {
		t.Fatalf("%s: the marked line has no go statement: %q", k, line)
	}
	loc := fmt.Sprintf("%s:%d:%d-%d:%d", file, k.Line, col, k.Line, col+2)
	r := e2e.Run(t, dir, nil, bin, "codeaction", "-kind=quickfix", "-exec", "-diff", loc)
	if !regexp.MustCompile(`(?m)^\+.*make\(chan \w+, 1\)`).MatchString(r.Stdout) {
		t.Errorf("gopls offers no buffering quick fix at %s (exit %d):\n%s", loc, r.Code, r.Output())
	}
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
