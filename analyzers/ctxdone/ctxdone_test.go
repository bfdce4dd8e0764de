package ctxdone_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroguard/goroguard/analyzers/ctxdone"
)

func TestAnalyzer(t *testing.T) {
	t.Parallel()
	analysistest.Run(t, analysistest.TestData(), ctxdone.Analyzer, "a")
}
