package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// GoplsVersion is the gopls release the analyzers are built into; its x/tools pin is the oldest
// x/tools the analyzers must compile against (testdata/goplspin checks that in CI).
const GoplsVersion = "v0.23.0"

//go:embed zz_goroguard.go.in
var registration []byte

// Build writes a gopls binary with goroguard's analyzers to out, logging go commands to log.
func Build(out string, log io.Writer) error {
	out, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	root, err := goroguardRoot()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "gopls-goroguard-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	src, err := moduleDir("golang.org/x/tools/gopls@"+GoplsVersion, work, log)
	if err != nil {
		return err
	}
	toolsPin, err := requiredVersion(filepath.Join(src, "go.mod"), "golang.org/x/tools")
	if err != nil {
		return err
	}
	// go build -overlay refuses paths inside GOMODCACHE, but accepts them through a symlink.
	if err := os.Symlink(src, filepath.Join(work, "gopls-src")); err != nil {
		return err
	}
	files := map[string]string{
		"go.mod": fmt.Sprintf(`module goroguard.local/gopls

go 1.26.0

require (
	golang.org/x/tools/gopls %s
	github.com/goroguard/goroguard v0.0.0
)

replace golang.org/x/tools/gopls => ./gopls-src

replace github.com/goroguard/goroguard => %s

// gopls imports x/tools internals: it must build with its own pin, not goroguard's newer x/tools.
replace golang.org/x/tools => golang.org/x/tools %s
`, GoplsVersion, root, toolsPin),
		// go mod tidy does not see overlay imports: this file keeps the analyzers' module required.
		"tools.go":        "//go:build tools\n\npackage tools\n\nimport (\n\t_ \"github.com/goroguard/goroguard/analyzers\"\n\t_ \"golang.org/x/tools/gopls\"\n)\n",
		"zz_goroguard.go": string(registration),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(work, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {
		filepath.Join(work, "gopls-src", "internal", "settings", "zz_goroguard.go"): filepath.Join(work, "zz_goroguard.go"),
	}})
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(work, "overlay.json"), overlay, 0o644); err != nil {
		return err
	}
	if err := run(work, log, "go", "mod", "tidy"); err != nil {
		return err
	}
	return run(work, log, "go", "build", "-overlay", filepath.Join(work, "overlay.json"), "-o", out, "golang.org/x/tools/gopls")
}

// goroguardRoot finds the checkout this command runs from.
func goroguardRoot() (string, error) {
	b, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/goroguard/goroguard").Output()
	if err != nil {
		return "", fmt.Errorf("run this from a goroguard checkout: %v", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// moduleDir downloads a module through the module proxy and returns its directory in the cache.
func moduleDir(modVersion, work string, log io.Writer) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", modVersion)
	cmd.Dir = work
	cmd.Stderr = log
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s: %v", modVersion, err)
	}
	var m struct{ Dir, Error string }
	if err := json.Unmarshal(b, &m); err != nil {
		return "", err
	}
	if m.Error != "" || m.Dir == "" {
		return "", fmt.Errorf("go mod download %s: %s", modVersion, m.Error)
	}
	return m.Dir, nil
}

// requiredVersion reads the version of module path that go.mod requires.
func requiredVersion(gomod, path string) (string, error) {
	b, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?` + regexp.QuoteMeta(path) + `\s+(v\S+)`).FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("%s does not require %s", gomod, path)
	}
	return string(m[1]), nil
}

func run(dir string, log io.Writer, name string, args ...string) error {
	fmt.Fprintln(log, "+", name, strings.Join(args, " "))
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = log, log
	// The temporary module has no VCS; GOFLAGS from the environment (e.g. -mod=vendor) must not apply.
	cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return nil
}
