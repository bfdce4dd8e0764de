package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goroguard/goroguard/analyzers"
)

// GolangciVersion is the golangci-lint release the plugin is built and tested against.
const GolangciVersion = "v2.15.0"

// GolangciModule is golangci-lint's module path.
const GolangciModule = "github.com/golangci/golangci-lint/v2"

var (
	gclModule   once
	gclCustom   once
	gclUpstream once
)

// goCmd runs a go command in dir for the harness's builds; it returns the combined output as part
// of the error.
func goCmd(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = GoEnv("GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("go %s (in %s): %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return string(out), nil
}

// golangciModuleDir writes, once per process, the module that `golangci-lint custom` would
// generate, without git: it requires golangci-lint and goroguard (replaced by the checkout), its
// main.go calls golangci-lint's commands.Execute and plugins.go blank-imports the plugin. The build
// version stays "(devel)": golangci-lint salts its cache with it, and a fixed string would serve
// stale results after an analyzer change.
func golangciModuleDir(t testing.TB) string {
	t.Helper()
	work := WorkDir(t)
	r := Root(t)
	return gclModule.get(t, func() (string, error) {
		dir := filepath.Join(work, "customgcl")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		files := map[string]string{
			"go.mod": fmt.Sprintf(`module example.com/customgcl

go 1.26.0

require (
	%s %s
	%s v0.0.0
)

replace %s => %s
`, GolangciModule, GolangciVersion, ModulePath, ModulePath, r),
			"main.go": `// Command customgcl is golangci-lint with the goroguard plugin, built the way
// "golangci-lint custom" builds it.
package main

import (
	"fmt"
	"os"
	"runtime"

	"github.com/golangci/golangci-lint/v2/pkg/commands"
	"github.com/golangci/golangci-lint/v2/pkg/exitcodes"
)

func main() {
	info := commands.BuildInfo{GoVersion: runtime.Version(), Version: "(devel)", Commit: "(e2e)", Date: "(unknown)"}
	if err := commands.Execute(info); err != nil {
		fmt.Fprintf(os.Stderr, "The command is terminated due to an error: %v\n", err)
		os.Exit(exitcodes.Failure)
	}
}
`,
			"plugins.go": "package main\n\nimport _ \"" + ModulePath + "/plugin\"\n",
		}
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				return "", err
			}
		}
		start := time.Now()
		if _, err := goCmd(dir, "mod", "tidy"); err != nil {
			return "", err
		}
		t.Logf("go mod tidy of the custom golangci-lint module: %v", time.Since(start).Round(time.Millisecond))
		return dir, nil
	})
}

// Golangci returns the path of a golangci-lint GolangciVersion that includes the goroguard plugin,
// built once per process from the module proxy (no git, no network beyond the proxy).
func Golangci(t testing.TB) string {
	t.Helper()
	dir := golangciModuleDir(t)
	return gclCustom.get(t, func() (string, error) {
		bin := filepath.Join(dir, "custom-gcl")
		start := time.Now()
		if _, err := goCmd(dir, "build", "-o", bin, "."); err != nil {
			return "", err
		}
		t.Logf("built golangci-lint %s with the goroguard plugin in %v", GolangciVersion, time.Since(start).Round(time.Millisecond))
		return bin, nil
	})
}

// UpstreamGolangci returns the path of the plain golangci-lint GolangciVersion, built once per
// process from the module proxy (it shares the build cache with Golangci).
func UpstreamGolangci(t testing.TB) string {
	t.Helper()
	dir := golangciModuleDir(t)
	return gclUpstream.get(t, func() (string, error) {
		bin := filepath.Join(dir, "golangci-lint")
		start := time.Now()
		if _, err := goCmd(dir, "build", "-o", bin, GolangciModule+"/cmd/golangci-lint"); err != nil {
			return "", err
		}
		t.Logf("built golangci-lint %s in %v", GolangciVersion, time.Since(start).Round(time.Millisecond))
		return bin, nil
	})
}

// GolangciSourceRepo makes a local git repository from the module proxy's copy of golangci-lint
// GolangciVersion, tagged like the real one, and returns its file URL: `golangci-lint custom`
// clones https://github.com/golangci/golangci-lint.git, which GitSubstitute redirects here.
func GolangciSourceRepo(t testing.TB) string {
	t.Helper()
	dir := golangciModuleDir(t)
	out, err := goCmd(dir, "mod", "download", "-json", GolangciModule+"@"+GolangciVersion)
	if err != nil {
		t.Fatal(err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal([]byte(out), &info); err != nil || info.Dir == "" {
		t.Fatalf("go mod download -json %s@%s: %v %s\n%s", GolangciModule, GolangciVersion, err, info.Error, out)
	}
	repo := filepath.Join(t.TempDir(), "golangci-lint")
	if err := CopyDir(repo, info.Dir); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=goroguard e2e", "-c", "user.email=e2e@example.invalid", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"}, args...)...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "golangci-lint "+GolangciVersion+" from the Go module proxy")
	git("tag", GolangciVersion)
	return "file://" + repo
}

// GitSubstitute returns the environment that makes git fetch url instead of golangci-lint's
// GitHub repository (git's url.<base>.insteadOf setting, passed through the environment, which
// `golangci-lint custom` forwards to git).
func GitSubstitute(url string) []string {
	return []string{
		"GIT_CONFIG_COUNT=1",
		"GIT_CONFIG_KEY_0=url." + url + ".insteadOf",
		"GIT_CONFIG_VALUE_0=https://github.com/golangci/golangci-lint.git",
	}
}

// GolangciReport is the part of golangci-lint's JSON output the tests read.
type GolangciReport struct {
	Issues []struct {
		FromLinter string
		Text       string
		Pos        struct {
			Filename     string
			Line, Column int
		}
	}
}

// RelatedSuffix marks the issues golangci-lint makes of a diagnostic's related information:
// "<analyzer>(related information): <message>" at the related position.
const RelatedSuffix = "(related information)"

// ParseGolangciJSON parses golangci-lint's --output.json.path file. golangci-lint shows a plugin's
// findings as "<analyzer>: <message>" under the linter name goroguard; the analyzer is read from
// that prefix. The issues golangci-lint makes of related information are returned separately.
func ParseGolangciJSON(dir string, data []byte) (findings, related []Finding, err error) {
	var rep GolangciReport
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, nil, fmt.Errorf("parsing golangci-lint JSON: %v\n%s", err, data)
	}
	for _, is := range rep.Issues {
		f := GolangciFinding(dir, is.FromLinter, is.Pos.Filename, is.Pos.Line, is.Text)
		f.Col = is.Pos.Column
		if name, ok := strings.CutSuffix(f.Analyzer, RelatedSuffix); ok {
			f.Analyzer = name
			related = append(related, f)
			continue
		}
		findings = append(findings, f)
	}
	return findings, related, nil
}

// GolangciFinding makes a Finding of a golangci-lint issue (from its JSON or SARIF output).
func GolangciFinding(dir, linter, file string, line int, text string) Finding {
	f := Finding{Key: Key{File: relFile(dir, file), Line: line}, Message: text}
	name, msg, ok := strings.Cut(text, ": ")
	switch {
	case linter != "goroguard":
		f.Analyzer = "linter " + linter
	case ok && slices.Contains(analyzers.Names(), strings.TrimSuffix(name, RelatedSuffix)):
		f.Analyzer, f.Message = name, msg
	default:
		f.Analyzer = "?"
	}
	return f
}
