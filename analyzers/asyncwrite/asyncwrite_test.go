package asyncwrite_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroguard/goroguard/analyzers/asyncwrite"
)

func TestAnalyzer(t *testing.T) {
	t.Parallel()
	analysistest.Run(t, analysistest.TestData(), asyncwrite.Analyzer, "a")
}
