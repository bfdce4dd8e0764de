package bench_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/goroguard/goroguard/internal/costs/bench"
)

// The claims tests check, on every `go test`, what docs/costs.md says about the claims commonly
// repeated about goroutines. Where a value is specific to a Go release, the test pins it for the
// release the documentation was measured on and only logs it on others.

const documentedRelease = "go1.26"

func onDocumentedRelease() bool {
	return strings.HasPrefix(runtime.Version(), documentedRelease) && runtime.GOARCH == "amd64" && runtime.GOOS == "linux"
}

// TestClaimGStructSize: "the g struct is about 300 bytes". Reads the size of runtime.g from the
// DWARF of this test binary, or, as `go test` strips DWARF, of an empty program built by the same
// toolchain.
func TestClaimGStructSize(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"runtime.g", "runtime.sudog", "runtime.hchan"}
	sizes, err := bench.RuntimeTypeSizes(exe, names...)
	if err != nil {
		if testing.Short() {
			t.Skip(err)
		}
		dir := t.TempDir()
		exe = filepath.Join(dir, "empty")
		writeModule(t, dir, "package main\n\nfunc main() {}\n")
		if out, err := goBuild(t, dir, "-o", exe, "."); err != nil {
			t.Fatalf("building an empty program: %v\n%s", err, out)
		}
		if sizes, err = bench.RuntimeTypeSizes(exe, names...); err != nil {
			t.Fatal(err)
		}
	}
	g := sizes["runtime.g"]
	t.Logf("%s %s/%s: runtime.g %d B (size class %d), runtime.sudog %d B (size class %d), runtime.hchan %d B",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, g, bench.SizeClass(g), sizes["runtime.sudog"], bench.SizeClass(sizes["runtime.sudog"]), sizes["runtime.hchan"])
	if onDocumentedRelease() && (g != 456 || sizes["runtime.sudog"] != 104) {
		t.Errorf("docs/costs.md says runtime.g is 456 B and runtime.sudog 104 B on %s linux/amd64; DWARF says %d and %d", documentedRelease, g, sizes["runtime.sudog"])
	}
}

// TestClaimStackMapping: "since Go 1.21 goroutine stacks use MAP_GROWSDOWN guard pages".
func TestClaimStackMapping(t *testing.T) {
	r, err := bench.RunHere(bench.Spec{Case: bench.CaseStackMap})
	if err != nil {
		t.Skip(err)
	}
	for _, n := range r.Notes {
		t.Log(n)
	}
	if v, _ := r.Get("goroutine-stack-growsdown"); v != 0 {
		t.Errorf("a goroutine stack is in a MAP_GROWSDOWN mapping; docs/costs.md says it is not")
	}
	if v, _ := r.Get("goroutine-stack-in-heap-mapping"); v != 1 {
		t.Errorf("a goroutine stack is not in the same mapping as heap objects; docs/costs.md says it is")
	}
}

// TestClaimRuntimeSourceHasNoGrowsdown: the runtime never asks for MAP_GROWSDOWN; the constant
// only appears in package syscall's generated tables.
func TestClaimRuntimeSourceHasNoGrowsdown(t *testing.T) {
	dir := filepath.Join(runtime.GOROOT(), "src", "runtime")
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Skip("runtime source not available")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "GROWSDOWN") {
			t.Errorf("%s mentions GROWSDOWN; docs/costs.md says the runtime does not use it", f)
		}
	}
}

// TestClaimLinknameStackalloc: "go:linkname to runtime.stackalloc gives a goroutine a custom stack
// size". Builds a program that pulls runtime.stackalloc with go:linkname: the linker refuses it;
// with -checklinkname=0 it links, and the call dies because stackalloc must run on the system stack.
func TestClaimLinknameStackalloc(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	dir := t.TempDir()
	writeModule(t, dir, `package main

import (
	"fmt"
	_ "unsafe"
)

type stack struct{ lo, hi uintptr }

//go:linkname stackalloc runtime.stackalloc
func stackalloc(n uint32) stack

func main() {
	s := stackalloc(64 << 10)
	fmt.Printf("got stack [%#x, %#x)\n", s.lo, s.hi)
}
`)
	build := func(args ...string) (string, error) {
		return goBuild(t, dir, append([]string{"-o", filepath.Join(dir, "prog")}, args...)...)
	}
	out, err := build(".")
	t.Logf("go build: %v\n%s", err, out)
	if err == nil || !strings.Contains(out, "invalid reference to runtime.stackalloc") {
		t.Fatalf("expected the linker to refuse the linkname pull of runtime.stackalloc")
	}
	out, err = build("-ldflags=-checklinkname=0", ".")
	if err != nil {
		t.Fatalf("go build -ldflags=-checklinkname=0: %v\n%s", err, out)
	}
	run, err := exec.Command(filepath.Join(dir, "prog")).CombinedOutput()
	first, _, _ := strings.Cut(string(run), "\n")
	t.Logf("with -checklinkname=0 the program exits with %v: %s", err, first)
	if err == nil || !strings.Contains(string(run), "system stack code on user stack") {
		t.Errorf("expected stackalloc to throw on the user stack, got: %s", first)
	}
}

// writeModule writes a one-file main module into dir.
func writeModule(t *testing.T, dir, main string) {
	t.Helper()
	for name, content := range map[string]string{"go.mod": "module prog\n\ngo 1.23\n", "main.go": main} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// goBuild runs `go build args...` in dir with the toolchain running the test.
func goBuild(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		t.Skip("go command not found")
	}
	cmd := exec.Command(goTool, append([]string{"build"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	return string(out), err
}
