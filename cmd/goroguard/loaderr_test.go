package main_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/goroguard/goroguard/internal/e2e"
)

// unloadableModule has a package whose //go:embed pattern matches no files (web), a package that
// imports it (app), a package that imports a package of a module the go command cannot get
// (uses), one that imports web and has a type error of its own (bad), and an unrelated package
// (other); app, uses and other have a leak.
func unloadableModule(replace string) map[string]string {
	return map[string]string{
		"go.mod":         "module example.com/loadfail\n\ngo 1.26\n\nrequire example.com/gone v1.0.0\n" + replace,
		"web/web.go":     "package web\n\nimport \"embed\"\n\n// Dist is built by the front end's build step.\n//\n//go:embed all:dist/*\nvar Dist embed.FS\n\nfunc Size() int { return 1 }\n",
		"app/app.go":     "package app\n\nimport (\n\t\"context\"\n\n\t\"example.com/loadfail/web\"\n)\n\n" + fmt.Sprintf(leak, "", "web.Size()"),
		"uses/uses.go":   "package uses\n\nimport (\n\t\"context\"\n\n\t\"example.com/gone/lib\"\n)\n\n" + fmt.Sprintf(leak, "", "lib.Value()"),
		"bad/bad.go":     "package bad\n\nimport \"example.com/loadfail/web\"\n\nvar S string = web.Size()\n",
		"other/other.go": "package other\n\nimport \"context\"\n\n" + fmt.Sprintf(leak, "", "1"),
	}
}

// TestUnloadablePackages: when the go command cannot load some packages (a module it cannot get,
// an embed pattern without files), go vet analyses nothing; the driver reports each such package
// once, with its cause and fix, and still analyses every other package, the importers included.
func TestUnloadablePackages(t *testing.T) {
	t.Parallel()
	bin := e2e.Goroguard(t)
	for _, tc := range []struct {
		name    string
		replace string // a line added to go.mod
		args    []string
		module  string // what the module error must say
	}{
		{"proxy off, text", "", []string{"./..."}, "GOPROXY=off"},
		{"proxy off, json", "", []string{"-json", "./..."}, "GOPROXY=off"},
		{"replace to a missing directory", "\nreplace example.com/gone => ./gone\n", []string{"./..."}, "replace"},
		{"fix", "", []string{"-fix", "-diff", "./..."}, "GOPROXY=off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := writeModule(t, unloadableModule(tc.replace))
			want := e2e.ReadMarkers(t, dir).Want
			// GOPROXY=off and -mod=mod: the go command looks example.com/gone up and fails at once.
			r := e2e.Run(t, dir, []string{"GOPROXY=off", "GOFLAGS=-mod=mod"}, bin, tc.args...)
			if r.Code != 1 {
				t.Errorf("exit %d, want 1\n%s", r.Code, r.Output())
			}
			switch tc.args[0] {
			case "-json":
				fs, errs, err := e2e.ParseJSON(dir, r.Stdout)
				if err != nil {
					t.Fatal(err)
				}
				e2e.NoErrors(t, tc.name, errs)
				e2e.Compare(t, "goroguard "+strings.Join(tc.args, " "), want, fs)
			case "-fix":
				// No fixes to apply here; the other packages are still vetted and the errors said.
			default:
				e2e.Compare(t, "goroguard "+strings.Join(tc.args, " "), want, e2e.ParseText(dir, r.Output()))
			}
			for _, c := range []struct{ pkg, cause, fix string }{
				{"example.com/loadfail/web", "a //go:embed pattern matches no files", "run that step first"},
				{"example.com/gone/lib", "module example.com/gone@v1.0.0 is missing", tc.module},
			} {
				head := "goroguard: package " + c.pkg + " cannot be loaded (" + c.cause + ")"
				if n := strings.Count(r.Stderr, head); n != 1 {
					t.Errorf("want one error %q, got %d:\n%s", head, n, r.Stderr)
				}
				if !strings.Contains(r.Stderr, c.fix) {
					t.Errorf("the error about %s does not say %q:\n%s", c.pkg, c.fix, r.Stderr)
				}
			}
			if bad := "goroguard: package example.com/loadfail/bad does not type-check"; tc.args[0] != "-fix" && strings.Count(r.Stderr, bad) != 1 {
				t.Errorf("want one error %q:\n%s", bad, r.Stderr)
			}
			for _, noise := range []string{"failed prerequisites", "analysis skipped", "\nweb/web.go:"} {
				if strings.Contains(r.Output(), noise) {
					t.Errorf("output has %q:\n%s", noise, r.Output())
				}
			}
		})
	}
}
