package main

import (
	"strings"
	"testing"
)

// TestClassifyLoadErr: go list's errors for packages that cannot be loaded, read into a cause, the
// module at fault and a fix.
func TestClassifyLoadErr(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		pos, err      string
		cause, module string
		hint          string // a part of the fix
	}{
		{"proxy 403", "graphql/schema/introspection.go:15:2", "graphql/schema/introspection.go:15:2: github.com/x/gqlgen@v1.0.0: reading https://proxy.golang.org/github.com/x/gqlgen/@v/v1.0.0.zip: 403 Forbidden\n\tserver response: This module version is not available.",
			"module", "github.com/x/gqlgen@v1.0.0", "GOPRIVATE"},
		{"replace to a missing directory", "u.go:6:2", "u.go:6:2: example.com/gone@v1.0.0: replacement directory ./gone does not exist",
			"module", "example.com/gone@v1.0.0", "replace directive"},
		{"proxy off", "u.go:6:2", "u.go:6:2: module lookup disabled by GOPROXY=off", "module", "", "GOPROXY=off"},
		{"missing go.sum entry", "u.go:6:2", "u.go:6:2: missing go.sum entry for module providing package example.com/gone/lib (imported by example.com/m/u); to add:\n\tgo get example.com/m/u",
			"module", "", "go mod tidy"},
		{"embed without files", "web/web.go:26:12", "web/web.go:26:12: pattern all:dist/*: no matching files found", "embed", "", "all:dist/* at web/web.go:26:12 matches no files"},
		{"embed of an empty directory", "e.go:3:12", "e.go:3:12: pattern d: cannot embed directory d: contains no embeddable files", "embed", "", "fix the //go:embed pattern d"},
		{"no go.mod", "", "pattern ./...: directory prefix . does not contain main module or its selected dependencies", "nomodule", "", "go mod init"},
		{"no go.mod, Go 1.27 wording", "", "go: go.mod file not found in current directory or any parent directory; see 'go help modules'", "nomodule", "", "a directory with a go.mod file"},
		{"other", "", "no Go files in /tmp/x", "", "", "cannot load"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := classify(&listErr{Pos: tc.pos, Err: tc.err})
			if e.cause != tc.cause || e.module != tc.module {
				t.Errorf("cause %q, module %q; want %q, %q", e.cause, e.module, tc.cause, tc.module)
			}
			if e.pos != tc.pos || strings.HasPrefix(e.err, tc.pos+":") && tc.pos != "" {
				t.Errorf("pos %q, err %q: want the position %q apart", e.pos, e.err, tc.pos)
			}
			if h := e.hint(); !strings.Contains(h, tc.hint) {
				t.Errorf("hint %q does not say %q", h, tc.hint)
			}
		})
	}
}

func TestSilentVetFailures(t *testing.T) {
	t.Parallel()
	stderr := "example.com/dep/a: /tmp/gg: exit status 1\nexample.com/dep/b: /tmp/gg: exit status 1\n# example.com/app\napp.go:3:2: undefined: x\n"
	got := parseVetErrors([]byte(stderr))
	if len(got) != 3 || !got[0].silent || got[0].pkg != "example.com/dep/a" || !got[1].silent || got[2].silent || got[2].pkg != "example.com/app" {
		t.Fatalf("parseVetErrors = %+v", got)
	}
	note := silentFailures([]string{got[1].pkg, got[0].pkg})
	for _, want := range []string{"could not analyse 2 packages", "example.com/dep/a, example.com/dep/b", "go build example.com/dep/a"} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q does not contain %q", note, want)
		}
	}
}
