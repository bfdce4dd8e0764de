package hotcgo_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goroguard/goroguard/analyzers/hotcgo"
)

func TestAnalyzer(t *testing.T) {
	t.Parallel()
	analysistest.Run(t, analysistest.TestData(), hotcgo.Analyzer, "a")
}
