package analyzers_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goplsToolsPin is the golang.org/x/tools version gopls v0.23.0 requires.
const goplsToolsPin = "v0.47.1-0.20260707181000-a299dadba899"

// TestBuildsAgainstGoplsPin builds every analyzer against the golang.org/x/tools that gopls v0.23.0
// pins (testdata/goplspin/go.mod replaces x/tools with it). gopls is built with x/tools internals, so
// an analyzer that uses an API newer than that pin would break every gopls build that includes it.
func TestBuildsAgainstGoplsPin(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the analyzers against a second x/tools; skipped with -short")
	}
	dir, err := filepath.Abs(filepath.Join("..", "testdata", "goplspin"))
	if err != nil {
		t.Fatal(err)
	}
	// Check the replace is in force, so this test cannot pass by building against v0.52.0.
	list := exec.Command("go", "list", "-m", "golang.org/x/tools")
	list.Dir = dir
	got, err := list.CombinedOutput()
	if err != nil || !strings.Contains(string(got), "=> golang.org/x/tools "+goplsToolsPin) {
		t.Fatalf("testdata/goplspin does not build against %s: %s %v", goplsToolsPin, got, err)
	}
	cmd := exec.Command("go", "build", "./...")
	cmd.Dir = dir
	// The pin's module graph is recorded in testdata/goplspin/go.sum; refuse to rewrite it silently.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("analyzers do not build against gopls v0.23.0's x/tools pin:\n%s", out)
	}
}
