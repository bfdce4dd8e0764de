package spawnloop_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroguard/goroguard/analyzers/spawnloop"
)

func TestAnalyzer(t *testing.T) {
	t.Parallel()
	analysistest.Run(t, analysistest.TestData(), spawnloop.Analyzer, "a")
}
