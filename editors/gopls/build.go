package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"go/version"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// releases are the gopls releases goroguard is built into, newest first, each with the Go release
// it is the gopls for. The analyzers are checked to compile against each one's x/tools pin
// (testdata/goplspin/<gopls>, built by analyzers/goplspin_test.go).
var releases = []struct{ Go, Gopls string }{
	{"go1.27", "v0.24.0"},
	{"go1.26", "v0.23.0"},
}

// DefaultGopls returns the gopls release to build with a go command of version goVersion (as
// `go env GOVERSION` prints it): the one for that Go release, the newest for a newer or development
// Go, and an error for a Go older than every release's.
func DefaultGopls(goVersion string) (string, error) {
	lang := version.Lang(goVersion)
	if lang == "" { // a development build: "devel go1.28-..."
		return releases[0].Gopls, nil
	}
	for _, r := range releases {
		if version.Compare(lang, r.Go) >= 0 {
			return r.Gopls, nil
		}
	}
	oldest := releases[len(releases)-1]
	return "", fmt.Errorf("goroguard's gopls build needs %s or newer (gopls %s), and the go command here is %s", oldest.Go, oldest.Gopls, goVersion)
}

// checkGo reports whether goVersion can build a gopls whose go.mod says `go goDirective`, with the
// fix when it cannot.
func checkGo(gopls, goDirective, goVersion string) error {
	need := "go" + goDirective
	if version.Lang(goVersion) == "" || version.Compare(goVersion, need) >= 0 {
		return nil
	}
	return fmt.Errorf("gopls %s needs %s or newer, and the go command here is %s: run the build with a newer Go, for example GOTOOLCHAIN=%s in the environment (the go command fetches it from the module proxy), or leave out -gopls-version to build the gopls for %s", gopls, need, goVersion, need, goVersion)
}

//go:embed zz_goroguard.go.in
var registration []byte

// Build writes a gopls binary with goroguard's analyzers to out, logging go commands to log, and
// returns the gopls version it built: goplsVersion, or when that is empty the gopls release for
// the Go that runs the build (DefaultGopls). gopls is built with the x/tools version its own
// go.mod requires.
func Build(out, goplsVersion string, log io.Writer) (string, error) {
	out, err := filepath.Abs(out)
	if err != nil {
		return "", err
	}
	root, err := goroguardRoot()
	if err != nil {
		return "", err
	}
	work, err := os.MkdirTemp("", "gopls-goroguard-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work)

	// The go command that runs the build (GOTOOLCHAIN in the environment may select another Go
	// than the one running this program).
	goVersion, err := output(work, "go", "env", "GOVERSION")
	if err != nil {
		return "", err
	}
	if f := strings.Fields(goVersion); len(f) > 1 && f[0] != "devel" {
		goVersion = f[0] // "go1.27.3 X:experiment"
	}
	if goplsVersion == "" {
		if goplsVersion, err = DefaultGopls(goVersion); err != nil {
			return "", err
		}
	}
	fmt.Fprintf(log, "building gopls %s with %s\n", goplsVersion, goVersion)

	// gopls's go.mod first (go mod download refuses a module that needs a newer Go, with a less
	// helpful message than checkGo's).
	modInfo, err := goModule(work, log, "list", "-m", "-json", "golang.org/x/tools/gopls@"+goplsVersion)
	if err != nil {
		return "", err
	}
	gomod, err := os.ReadFile(modInfo.GoMod)
	if err != nil {
		return "", err
	}
	toolsPin, err := requiredVersion(gomod, "golang.org/x/tools")
	if err != nil {
		return "", fmt.Errorf("gopls %s: %v", goplsVersion, err)
	}
	goDirective := "1.26.0" // goroguard's own go.mod
	if m := regexp.MustCompile(`(?m)^go\s+(\S+)`).FindSubmatch(gomod); m != nil && version.Compare("go"+string(m[1]), "go"+goDirective) > 0 {
		goDirective = string(m[1])
	}
	if err := checkGo(goplsVersion, goDirective, goVersion); err != nil {
		return "", err
	}
	modInfo, err = goModule(work, log, "mod", "download", "-json", "golang.org/x/tools/gopls@"+goplsVersion)
	if err != nil {
		return "", err
	}
	src := modInfo.Dir
	// go build -overlay refuses paths inside GOMODCACHE, but accepts them through a symlink.
	if err := os.Symlink(src, filepath.Join(work, "gopls-src")); err != nil {
		return "", err
	}
	files := map[string]string{
		"go.mod": fmt.Sprintf(`module goroguard.local/gopls

go %s

require (
	golang.org/x/tools/gopls %s
	github.com/goroguard/goroguard v0.0.0
)

replace golang.org/x/tools/gopls => ./gopls-src

replace github.com/goroguard/goroguard => %s

// gopls imports x/tools internals: it must build with its own pin, not goroguard's newer x/tools.
replace golang.org/x/tools => golang.org/x/tools %s
`, goDirective, goplsVersion, root, toolsPin),
		// go mod tidy does not see overlay imports: this file keeps the analyzers' module required.
		"tools.go":        "//go:build tools\n\npackage tools\n\nimport (\n\t_ \"github.com/goroguard/goroguard/analyzers\"\n\t_ \"golang.org/x/tools/gopls\"\n)\n",
		"zz_goroguard.go": string(registration),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(work, name), []byte(content), 0o644); err != nil {
			return "", err
		}
	}
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {
		filepath.Join(work, "gopls-src", "internal", "settings", "zz_goroguard.go"): filepath.Join(work, "zz_goroguard.go"),
	}})
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(work, "overlay.json"), overlay, 0o644); err != nil {
		return "", err
	}
	if err := run(work, log, "go", "mod", "tidy"); err != nil {
		return "", err
	}
	if err := run(work, log, "go", "build", "-overlay", filepath.Join(work, "overlay.json"), "-o", out, "golang.org/x/tools/gopls"); err != nil {
		return "", err
	}
	return goplsVersion, nil
}

// goroguardRoot finds the checkout this command runs from.
func goroguardRoot() (string, error) {
	b, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/goroguard/goroguard").Output()
	if err != nil {
		return "", fmt.Errorf("run this from a goroguard checkout: %v", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// goModule runs `go list -m -json` or `go mod download -json` on one module in dir (through the
// module proxy) and returns what it prints.
func goModule(dir string, log io.Writer, args ...string) (m struct{ Dir, GoMod, Error string }, err error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Stderr = log
	b, runErr := cmd.Output()
	if err := json.Unmarshal(b, &m); err != nil && runErr == nil {
		return m, fmt.Errorf("go %s: %v", strings.Join(args, " "), err)
	}
	switch {
	case m.Error != "":
		return m, fmt.Errorf("go %s: %s", strings.Join(args, " "), m.Error)
	case runErr != nil:
		return m, fmt.Errorf("go %s: %v", strings.Join(args, " "), runErr)
	}
	return m, nil
}

// requiredVersion reads the version of module path that the go.mod text gomod requires.
func requiredVersion(gomod []byte, path string) (string, error) {
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?` + regexp.QuoteMeta(path) + `\s+(v\S+)`).FindSubmatch(gomod)
	if m == nil {
		return "", fmt.Errorf("go.mod does not require %s", path)
	}
	return string(m[1]), nil
}

// output runs a command in dir and returns its trimmed standard output.
func output(dir, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	b, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			err = fmt.Errorf("%v\n%s", err, ee.Stderr)
		}
		return "", fmt.Errorf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(b)), nil
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
