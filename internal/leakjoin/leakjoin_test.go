package leakjoin

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testdata/leaky.txt is a debug=2 goroutineleak profile captured on go1.26.8 linux/amd64 (with
// GODEBUG=tracebackancestors=1, so it also has "[originating from goroutine N]" sections) of a
// program with a premature-return leak (main.go:17), a leak through errgroup.Go (main.go:31), one
// through sync.WaitGroup.Go (main.go:41) and a goroutine still sleeping in a loop (main.go:47).
// testdata/leaky-debug1.txt is the same program's debug=1 profile.

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseStacksCaptured(t *testing.T) {
	t.Parallel()
	gs := ParseStacks(readFile(t, "leaky.txt"))
	type want struct {
		leaked    bool
		reason    string
		top       string
		createdBy string
	}
	wants := []want{
		{false, "running", "runtime/pprof.writeGoroutineStacks /usr/local/go/src/runtime/pprof/pprof.go:819", ""},
		{true, "chan send", "main.fetch.func1 /tmp/lk15/exp/main.go:18", "main.fetch /tmp/lk15/exp/main.go:17"},
		{true, "chan send", "main.viaErrgroup.func1 /tmp/lk15/exp/main.go:32", "golang.org/x/sync/errgroup.(*Group).Go /root/go/pkg/mod/golang.org/x/sync@v0.25.0/errgroup/errgroup.go:78"},
		{true, "chan receive", "main.viaWG.func1 /tmp/lk15/exp/main.go:42", "sync.(*WaitGroup).Go /usr/local/go/src/sync/waitgroup.go:238"},
		{false, "sleep", "time.Sleep /usr/local/go/src/runtime/time.go:363", "main.busy /tmp/lk15/exp/main.go:47"},
	}
	if len(gs) != len(wants) {
		t.Fatalf("got %d goroutines, want %d: %+v", len(gs), len(wants), gs)
	}
	for i, w := range wants {
		g := gs[i]
		top := g.Frames[0].Func + " " + g.Frames[0].Pos()
		created := ""
		if g.CreatedBy != nil {
			created = g.CreatedBy.Func + " " + g.CreatedBy.Pos()
		}
		if g.Leaked != w.leaked || g.WaitReason != w.reason || top != w.top || created != w.createdBy {
			t.Errorf("goroutine %d: got leaked=%v reason=%q top=%q created=%q, want %+v", g.ID, g.Leaked, g.WaitReason, top, created, w)
		}
	}
	// The ancestors' frames are not the goroutine's own.
	if n := len(gs[2].Frames); n != 2 {
		t.Errorf("errgroup goroutine: %d frames, want 2 (ancestor frames must be skipped): %+v", n, gs[2].Frames)
	}
	if gs[1].Creator != 1 {
		t.Errorf("creator = %d, want 1", gs[1].Creator)
	}
}

func TestParseStacksRobust(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		text       string
		wantN      int
		wantLeaked int
		check      func(t *testing.T, gs []Goroutine)
	}{
		{
			name:  "empty",
			text:  "",
			wantN: 0,
		},
		{
			name:  "unknown lines are skipped",
			text:  "some banner\ngoroutine 5 [chan receive (leaked), 3 minutes]:\nfuture line we do not know\nmain.f(0x1, {0x2, 0x3})\n\t/a/b.go:10 +0x1\n\tstray location\ncreated by main.g in goroutine 1\n\t/a/b.go:9 +0x2\n",
			wantN: 1, wantLeaked: 1,
			check: func(t *testing.T, gs []Goroutine) {
				g := gs[0]
				if g.WaitReason != "chan receive" || len(g.Frames) != 1 || g.Frames[0].Pos() != "/a/b.go:10" || g.CreatedBy.Pos() != "/a/b.go:9" {
					t.Errorf("got %+v", g)
				}
			},
		},
		{
			name:  "nil chan reason with parentheses, inlined frame without offset, elided frames",
			text:  "goroutine 9 [chan send (nil chan) (leaked)]:\nmain.h(...)\n\t/a/c.go:3\n...additional frames elided...\ncreated by main.k in goroutine 2\n\t/a/c.go:1 +0x2\n",
			wantN: 1, wantLeaked: 1,
			check: func(t *testing.T, gs []Goroutine) {
				g := gs[0]
				if g.WaitReason != "chan send (nil chan)" || !g.Elided || g.Frames[0].Func != "main.h" || g.Frames[0].Line != 3 {
					t.Errorf("got %+v", g)
				}
			},
		},
		{
			name:  "GOTRACEBACK=system header and pc suffixes",
			text:  "goroutine 3 gp=0xc000 m=nil [select (leaked)]:\nmain.(*T).run(0xc000010000)\n\t/a/d.go:7 +0x20 fp=0x1 sp=0x2 pc=0x3\n",
			wantN: 1, wantLeaked: 1,
			check: func(t *testing.T, gs []Goroutine) {
				if f := gs[0].Frames[0]; f.Func != "main.(*T).run" || f.Pos() != "/a/d.go:7" {
					t.Errorf("got %+v", f)
				}
			},
		},
		{
			name:  "windows path",
			text:  "goroutine 4 [sync.Mutex.Lock (leaked)]:\nmain.f()\n\tC:/src/x.go:12 +0x1\n",
			wantN: 1, wantLeaked: 1,
			check: func(t *testing.T, gs []Goroutine) {
				if f := gs[0].Frames[0]; f.File != "C:/src/x.go" || f.Line != 12 {
					t.Errorf("got %+v", f)
				}
			},
		},
		{
			name:  "truncated profile",
			text:  "goroutine 1 [running]:\nmain.main()\n\t/a/m.go:1 +0x1\n\ngoroutine 2 [chan send (leaked)]:\nmain.f(",
			wantN: 2, wantLeaked: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			gs := ParseStacks(tt.text)
			leaked := 0
			for _, g := range gs {
				if g.Leaked {
					leaked++
				}
			}
			if len(gs) != tt.wantN || leaked != tt.wantLeaked {
				t.Fatalf("got %d goroutines (%d leaked), want %d (%d): %+v", len(gs), leaked, tt.wantN, tt.wantLeaked, gs)
			}
			if tt.check != nil {
				tt.check(t, gs)
			}
		})
	}
}

func TestParseFuncPCs(t *testing.T) {
	t.Parallel()
	pcs := ParseFuncPCs(readFile(t, "leaky-debug1.txt"))
	for _, name := range []string{"main.fetch.func1", "main.viaErrgroup.func1", "golang.org/x/sync/errgroup.(*Group).Go.func1", "sync.(*WaitGroup).Go.func1"} {
		if pcs[name] == 0 {
			t.Errorf("no pc for %s in %v", name, pcs)
		}
	}
}

// TestLocate: a goroutine started by a spawning API is placed at the first line of the user
// function handed to it (the line of the g.Go / wg.Go call for a literal); a plain go statement
// at its "created by" line.
func TestLocate(t *testing.T) {
	t.Parallel()
	gs := ParseStacks(readFile(t, "leaky.txt"))
	isLib := IsLibrary("/usr/local/go")
	funcs := map[string]string{
		"main.viaErrgroup.func1": "/tmp/lk15/exp/main.go:31",
		"main.viaWG.func1":       "/tmp/lk15/exp/main.go:41",
	}
	tests := []struct {
		name      string
		g         Goroutine
		funcs     map[string]string
		site, via string
		blocked   string
	}{
		{"go statement", gs[1], funcs, "/tmp/lk15/exp/main.go:17", "", "/tmp/lk15/exp/main.go:18"},
		{"errgroup.Go", gs[2], funcs, "/tmp/lk15/exp/main.go:31", "golang.org/x/sync/errgroup.(*Group).Go", "/tmp/lk15/exp/main.go:32"},
		{"WaitGroup.Go", gs[3], funcs, "/tmp/lk15/exp/main.go:41", "sync.(*WaitGroup).Go", "/tmp/lk15/exp/main.go:42"},
		{"errgroup.Go without function starts: the user frame", gs[2], nil, "/tmp/lk15/exp/main.go:32", "golang.org/x/sync/errgroup.(*Group).Go", "/tmp/lk15/exp/main.go:32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := Locate(tt.g, tt.funcs, isLib)
			if l.Site.Pos() != tt.site || l.Via != tt.via || l.BlockedAt.Pos() != tt.blocked {
				t.Errorf("got site %s via %q blocked %s, want %s via %q blocked %s", l.Site.Pos(), l.Via, l.BlockedAt.Pos(), tt.site, tt.via, tt.blocked)
			}
		})
	}
}

func TestIsLibrary(t *testing.T) {
	t.Parallel()
	isLib := IsLibrary("/usr/local/go")
	for file, want := range map[string]bool{
		"/usr/local/go/src/sync/waitgroup.go":                             true,
		"/root/go/pkg/mod/golang.org/x/sync@v0.25.0/errgroup/errgroup.go": true,
		"/src/app/vendor/github.com/sourcegraph/conc/waitgroup.go":        true,
		"sync/waitgroup.go": true, // -trimpath
		"golang.org/x/sync@v0.25.0/errgroup/errgroup.go": true, // -trimpath
		"/work/app/main.go":          false,
		"example.com/app/main.go":    false, // -trimpath
		"/usr/local/gopher/src/x.go": false,
		"C:/Users/me/app/main.go":    false,
		"/home/me/go/pkg/mod/github.com/sourcegraph/conc@v0.3.0/pool/pool.go":          true,
		"/usr/local/go/src/runtime/testdata/testgoroutineleakprofile/goker/grpc660.go": true,
	} {
		if got := isLib(file); got != want {
			t.Errorf("IsLibrary(%s) = %v, want %v", file, got, want)
		}
	}
}

func TestJoin(t *testing.T) {
	t.Parallel()
	gs := ParseStacks(readFile(t, "leaky.txt"))
	isLib := IsLibrary("/usr/local/go")
	funcs := map[string]string{"main.viaErrgroup.func1": "/tmp/lk15/exp/main.go:31"}
	var leaks []Source
	for _, g := range gs {
		if g.Leaked {
			leaks = append(leaks, Source{Leak: Locate(g, funcs, isLib), Dir: "/tmp/lk15/exp"})
		}
	}
	findings := []Finding{
		{Analyzer: "ctxdone", Posn: "/tmp/lk15/exp/main.go:17:2", Message: "goroutine sends on ch ..."},                    // at the go statement: confirmed
		{Analyzer: "ctxdone", Posn: "/tmp/lk15/exp/main.go:31:2", Message: "goroutine sends on ch ..."},                    // at the g.Go call: confirmed
		{Analyzer: "spawnloop", Posn: "/tmp/lk15/exp/main.go:17:2", Message: "go statement in range ..."},                  // another analyzer at a leaked go statement: attached
		{Analyzer: "ctxdone", Posn: "/tmp/lk15/exp/main.go:60:2", Message: "goroutine never exercised ..."},                // no test leaked it: static only
		{Analyzer: "spawnloop", Posn: "/tmp/lk15/exp/main.go:70:2", Message: "not a leak analyzer: not a static-only row"}, // dropped
	}
	tab := Join(findings, leaks, LeakAnalyzers)
	var got []string
	for _, r := range tab.Confirmed {
		var as []string
		for _, f := range r.Findings {
			as = append(as, f.Analyzer)
		}
		got = append(got, "confirmed "+r.Site+" "+strings.Join(as, ","))
	}
	for _, r := range tab.StaticOnly {
		got = append(got, "static "+r.Site)
	}
	for _, r := range tab.RuntimeOnly {
		got = append(got, "runtime "+r.Site+" via "+r.Via)
	}
	want := []string{
		"confirmed /tmp/lk15/exp/main.go:17 ctxdone,spawnloop",
		"confirmed /tmp/lk15/exp/main.go:31 ctxdone",
		"static /tmp/lk15/exp/main.go:60",
		"runtime /tmp/lk15/exp/main.go:42 via sync.(*WaitGroup).Go", // no function start known: the user frame
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var b strings.Builder
	tab.Write(&b, "/tmp/lk15/exp")
	for _, s := range []string{"confirmed  ", "main.go:31 (via errgroup.(*Group).Go)", "2 confirmed, 1 static only, 1 run time only"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, b.String())
		}
	}
}

func TestMatchesTrimpath(t *testing.T) {
	t.Parallel()
	l := Leak{Keys: []string{"example.com/app/a.go:10"}}
	if !Matches(Finding{Posn: "/src/app/a.go:10:3"}, l) {
		t.Error("a -trimpath profile path must match the absolute finding path ending with it")
	}
	if Matches(Finding{Posn: "/src/app/a.go:11:3"}, l) || Matches(Finding{Posn: "/src/app/b.go:10:3"}, l) {
		t.Error("another line or file must not match")
	}
}

func TestParseFindings(t *testing.T) {
	t.Parallel()
	out := `{
	"example.com/a": {"ctxdone": [{"posn": "/a/a.go:3:2", "message": "m1"}], "hotcgo": {"error": "boom"}},
	"example.com/a [example.com/a.test]": {"ctxdone": [{"posn": "/a/a.go:3:2", "message": "m1"}]}
}
{"example.com/b": {"spawnloop": [{"posn": "/a/b.go:1:1", "message": "m2"}]}}`
	fs, errs, err := ParseFindings([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].Posn != "/a/a.go:3:2" || fs[0].Line() != 3 || fs[0].File() != "/a/a.go" || fs[1].Analyzer != "spawnloop" {
		t.Errorf("findings: %+v (the test variant's duplicate must be dropped)", fs)
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "boom") {
		t.Errorf("errors: %v", errs)
	}
}

func TestSplitArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		pkgs []string
		tags string
	}{
		{nil, []string{"."}, ""},
		{[]string{"./..."}, []string{"./..."}, ""},
		{[]string{"-run", "TestX", "-v", "./a", "./b"}, []string{"./a", "./b"}, ""},
		{[]string{"-tags", "integration", "-count=2", "./..."}, []string{"./..."}, "integration"},
		{[]string{"-tags=x,y", "-timeout", "5m", "pkg", "-args", "notapkg"}, []string{"pkg"}, "x,y"},
	}
	for _, tt := range tests {
		pkgs, tags := SplitArgs(tt.args)
		if !slices.Equal(pkgs, tt.pkgs) || tags != tt.tags {
			t.Errorf("SplitArgs(%q) = %q, %q; want %q, %q", tt.args, pkgs, tags, tt.pkgs, tt.tags)
		}
	}
	if !hasFlag([]string{"-count=3"}, "count") || hasFlag([]string{"-args", "-count=3"}, "count") {
		t.Error("hasFlag")
	}
}

func TestRewriteMRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src, want string
		ok              bool
	}{
		{
			name: "os.Exit(m.Run())",
			src:  "package p\n\nfunc TestMain(m *testing.M) {\n\tsetup()\n\tos.Exit(m.Run())\n}\n",
			want: "package p\n\nfunc TestMain(m *testing.M) {\n\tsetup()\n\tos.Exit(goroguardLeakRun(m))\n}\n",
			ok:   true,
		},
		{
			name: "another parameter name, code := m.Run()",
			src:  "package p\n\nfunc TestMain(tm *testing.M) {\n\tcode := tm.Run()\n\tteardown()\n\tos.Exit(code)\n}\n",
			want: "package p\n\nfunc TestMain(tm *testing.M) {\n\tcode := goroguardLeakRun(tm)\n\tteardown()\n\tos.Exit(code)\n}\n",
			ok:   true,
		},
		{
			name: "no m.Run: a helper runs the tests",
			src:  "package p\n\nfunc TestMain(m *testing.M) { testutil.Main(m) }\n",
			ok:   false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, "x_test.go", tt.src, 0)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := rewriteMRun(fset, f, []byte(tt.src))
			if ok != tt.ok || (ok && string(got) != tt.want) {
				t.Errorf("got %v\n%s\nwant %v\n%s", ok, got, tt.ok, tt.want)
			}
			if ok && strings.Count(string(got), "\n") != strings.Count(tt.src, "\n") {
				t.Error("the rewrite must keep every line where it was")
			}
		})
	}
}

func TestWithExperiment(t *testing.T) {
	t.Parallel()
	last := func(env []string) string { return env[len(env)-1] }
	if got := last(WithExperiment([]string{"A=1"})); got != "GOEXPERIMENT=goroutineleakprofile" {
		t.Error(got)
	}
	if got := last(WithExperiment([]string{"GOEXPERIMENT=jsonv2"})); got != "GOEXPERIMENT=jsonv2,goroutineleakprofile" {
		t.Error(got)
	}
	if env := WithExperiment([]string{"GOEXPERIMENT=goroutineleakprofile"}); len(env) != 1 {
		t.Error(env)
	}
}

// TestCollectorCompiles: the generated collector is valid Go for a package with and without its
// own TestMain.
func TestCollectorCompiles(t *testing.T) {
	t.Parallel()
	for _, main := range []bool{true, false} {
		var b strings.Builder
		if err := collectorTmpl.Execute(&b, map[string]any{"Package": "p", "Main": main, "Env": EnvDir, "Version": DumpVersion}); err != nil {
			t.Fatal(err)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), CollectorFile, b.String(), 0); err != nil {
			t.Errorf("main=%v: %v\n%s", main, err, b.String())
		}
	}
}

func TestAddWithin(t *testing.T) {
	t.Parallel()
	src := `package p

func run(ch chan int, g interface{ Go(func() error) }) {
	go func() {
		ch <- 1
		<-ch
	}()
	g.Go(func() error {
		return nil
	})
}

func (s *S) loop() {
	s.c <- 1
}

type S struct{ c chan int }
`
	dir := t.TempDir()
	file := filepath.Join(dir, "p.go")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, posn, want string
	}{
		{"a send inside a goroutine's function literal", ":5:3", ":4"},
		{"at a go statement: about the goroutine it starts", ":4:2", ""},
		{"at a .Go call: about the goroutine it starts", ":8:2", ""},
		{"inside a method", ":14:2", ":13"},
		{"no line", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := []Finding{{Analyzer: "ctxdone", Posn: file + tt.posn}}
			AddWithin(fs)
			want := ""
			if tt.want != "" {
				want = file + tt.want
			}
			if fs[0].Within != want {
				t.Errorf("Within = %q, want %q", fs[0].Within, want)
			}
		})
	}
	// The join: a finding inside the goroutine's entry function matches its leak.
	l := Leak{Keys: []string{file + ":4", file + ":6"}, Entry: file + ":4"}
	f := []Finding{{Analyzer: "ctxdone", Posn: file + ":5:3"}}
	AddWithin(f)
	if !Matches(f[0], l) {
		t.Error("a finding at the send inside the leaked goroutine's function must match its leak")
	}
	other := Leak{Keys: []string{file + ":14"}, Entry: file + ":13"}
	if Matches(f[0], other) {
		t.Error("a finding in another function must not match")
	}
}

// TestJoinStaticOnlyGroups: a finding inside a goroutine's function literal joins the static-only
// row of the finding at its go statement; a finding inside a function no go statement finding
// names stays its own row.
func TestJoinStaticOnlyGroups(t *testing.T) {
	t.Parallel()
	findings := []Finding{
		{Analyzer: "ctxdone", Posn: "/a/p.go:10:2", Message: "at the go statement"},
		{Analyzer: "ctxdone", Posn: "/a/p.go:11:3", Message: "at the send inside", Within: "/a/p.go:10"},
		{Analyzer: "ctxdone", Posn: "/a/p.go:21:3", Message: "inside a method", Within: "/a/p.go:20"},
	}
	tab := Join(findings, nil, LeakAnalyzers)
	if len(tab.StaticOnly) != 2 || tab.StaticOnly[0].Site != "/a/p.go:10" || len(tab.StaticOnly[0].Findings) != 2 || tab.StaticOnly[1].Site != "/a/p.go:21" {
		t.Errorf("static only rows: %+v", tab.StaticOnly)
	}
}
