//go:build goroguard_noop

package main

// The benchmark's floor (scripts/bench-driver.sh): built with -tags goroguard_noop, the binary
// runs one analyzer that does nothing, through the same driver and the same go vet protocol, so
// that what remains is the cost of loading, parsing, type-checking and writing each package's
// types.

import "golang.org/x/tools/go/analysis"

var noop = &analysis.Analyzer{
	Name: "noop",
	Doc:  "noop: does nothing (the benchmark's floor)",
	Run:  func(*analysis.Pass) (any, error) { return nil, nil },
}

func init() {
	suite = func() []*analysis.Analyzer { return []*analysis.Analyzer{noop} }
}
