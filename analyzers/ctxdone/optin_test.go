package ctxdone_test

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroguard/goroguard/analyzers/ctxdone"
)

// TestOptInBringsBack checks that the goroutines left out by default are reported once their flag
// is set: test helpers with include-tests, command packages with include-main, loops on contexts
// nothing shows cancelled with loops-any-context, Serve errors with server-errors. The testdata carry
// `// want` only for the default configuration, so here every extra finding is "unexpected":
// countingT collects them, and the test checks they are exactly the ones the flag brings back.
func TestOptInBringsBack(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cfg   ctxdone.Config
		pkg   string
		files []string // the files of the findings the flag brings back, one each
	}{
		{"include-tests reports test helpers and doubles", ctxdone.Config{IncludeTests: true}, "helpers", []string{"fake_watcher.go", "helper.go"}},
		{"include-main reports command packages", ctxdone.Config{IncludeMain: true}, "cmdpkg", []string{"cmd.go", "prompt.go"}},
		{"loops-any-context reports loops on contexts nothing shows cancelled", ctxdone.Config{LoopsAnyContext: true}, "loops", []string{"quiet.go", "quiet.go", "quiet.go", "quiet.go"}},
		{"server-errors reports Serve errors stranded at shutdown", ctxdone.Config{ServerErrors: true}, "serverstop", []string{"serverstop.go", "serverstop.go", "serverstop.go"}},
		{"server-errors reports ListenAndServe's error after Shutdown", ctxdone.Config{ServerErrors: true}, "premature", []string{"premature.go"}},
		{"server-errors reports a proxy's Serve error (package and test variant)", ctxdone.Config{ServerErrors: true, IncludeTests: true}, "decoder", []string{"server.go", "server.go"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ct := &countingT{}
			analysistest.Run(ct, analysistest.TestData(), ctxdone.New(tt.cfg), tt.pkg)
			var extra []string
			for _, e := range ct.errs {
				if strings.Contains(e, "unexpected diagnostic") {
					extra = append(extra, e)
				}
			}
			sort.Strings(extra)
			ok := len(extra) == len(tt.files)
			for i := 0; ok && i < len(extra); i++ {
				ok = strings.Contains(extra[i], filepath.Join(tt.pkg, tt.files[i])+":")
			}
			if !ok {
				t.Errorf("want one extra finding in each of %s in %s, got %d:\n%s", tt.files, tt.pkg, len(extra), strings.Join(ct.errs, "\n"))
			}
		})
	}
}
