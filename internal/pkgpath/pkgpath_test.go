package pkgpath_test

import (
	"slices"
	"testing"

	"github.com/goroguard/goroguard/internal/pkgpath"
)

func TestBelowRoot(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path string
		want       []string
	}{
		{"github repository root", "github.com/acme/e2e", nil},
		{"github package", "github.com/kumahq/kuma/v3/test/framework", []string{"v3", "test", "framework"}},
		{"other host", "example.com/e2e/flow", []string{"flow"}},
		{"no host", "cmd/tool", []string{"tool"}},
		{"single element", "fmt", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := pkgpath.BelowRoot(tt.path); !slices.Equal(got, tt.want) {
				t.Errorf("BelowRoot(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestHas(t *testing.T) {
	t.Parallel()
	cmd := map[string]bool{"cmd": true}
	if !pkgpath.Has("github.com/containerd/nerdctl/v2/pkg/cmd/container", cmd) {
		t.Error("nerdctl's pkg/cmd/container is below a cmd directory")
	}
	if pkgpath.Has("example.com/cmd", cmd) {
		t.Error("a module named cmd is not below a cmd directory")
	}
}
