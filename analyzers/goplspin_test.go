package analyzers_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// goplsPins are the gopls releases goroguard is built into (editors/gopls: v0.23.0 for Go 1.26,
// v0.24.0 for Go 1.27) and the golang.org/x/tools version each requires. gopls is built with x/tools
// internals, so it must get its own pin, and an analyzer that uses an API newer than a pin breaks
// every gopls build of that release. testdata/goplspin/<gopls> replaces x/tools with the pin and
// imports every analyzer.
var goplsPins = []struct{ gopls, tools string }{
	{"v0.23.0", "v0.47.1-0.20260707181000-a299dadba899"},
	{"v0.24.0", "v0.51.1-0.20261014163302-24a65270771e"},
}

// TestBuildsAgainstGoplsPins builds every analyzer against each pin, with the Go that gopls release
// needs: the pin modules run with GOTOOLCHAIN=auto, so testdata/goplspin/v0.24.0 (go 1.27.0,
// toolchain go1.27.3) is built by go1.27.3, fetched from the module proxy, even when the tests run
// under Go 1.26. Both pins are therefore checked by every full run, under either Go.
func TestBuildsAgainstGoplsPins(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the analyzers against two more x/tools versions; skipped with -short")
	}
	root, err := filepath.Abs(filepath.Join("..", "testdata", "goplspin"))
	if err != nil {
		t.Fatal(err)
	}
	// Every pin module is in the table, and every entry has its module.
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var dirs, want []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	for _, p := range goplsPins {
		want = append(want, p.gopls)
	}
	if !slices.Equal(dirs, want) {
		t.Errorf("testdata/goplspin has modules %v, want one per gopls release in goplsPins: %v", dirs, want)
	}

	for _, p := range goplsPins {
		t.Run("gopls "+p.gopls, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(root, p.gopls)
			// GOTOOLCHAIN=auto: use go.mod's toolchain line when it is newer than this go. The pin's
			// module graph is recorded in its go.sum; refuse to rewrite it silently.
			env := append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=auto", "GOFLAGS=-mod=readonly")
			goCmd := func(dir string, args ...string) string {
				t.Helper()
				cmd := exec.Command("go", args...)
				cmd.Dir = dir
				cmd.Env = env
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("go %s (in %s): %v\n%s", strings.Join(args, " "), dir, err, out)
				}
				return string(out)
			}

			// The pin is the one gopls itself requires (its go.mod, from the module proxy).
			var mod struct{ GoMod string }
			if err := json.Unmarshal([]byte(goCmd(t.TempDir(), "list", "-m", "-json", "golang.org/x/tools/gopls@"+p.gopls)), &mod); err != nil {
				t.Fatal(err)
			}
			gomod, err := os.ReadFile(mod.GoMod)
			if err != nil {
				t.Fatal(err)
			}
			m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?golang\.org/x/tools\s+(v\S+)`).FindSubmatch(gomod)
			if m == nil || string(m[1]) != p.tools {
				t.Fatalf("gopls %s's go.mod (%s) does not require golang.org/x/tools %s, the pin goplsPins gives", p.gopls, mod.GoMod, p.tools)
			}

			// The replace is in force, so this cannot pass by building against goroguard's x/tools.
			if got := goCmd(dir, "list", "-m", "golang.org/x/tools"); !strings.Contains(got, "=> golang.org/x/tools "+p.tools) {
				t.Fatalf("testdata/goplspin/%s does not build against x/tools %s: %s", p.gopls, p.tools, got)
			}
			goVersion := strings.TrimSpace(goCmd(dir, "env", "GOVERSION"))
			cmd := exec.Command("go", "build", "./...")
			cmd.Dir = dir
			cmd.Env = env
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("analyzers do not build against gopls %s's x/tools pin %s (with %s):\n%s\n"+
					"An API newer than the pin cannot be used. After a change of goroguard's requirements, update the pin module: cd testdata/goplspin/%s && GOTOOLCHAIN=auto go mod tidy",
					p.gopls, p.tools, goVersion, out, p.gopls)
			}
			t.Logf("built against gopls %s's x/tools %s with %s", p.gopls, p.tools, goVersion)
		})
	}
}
