package leakcheck_test

import (
	"testing"

	"github.com/goroguard/goroguard/leakcheck"
)

// The whole package: after all its tests, fail the test binary if goroutines leaked.
func ExampleVerifyTestMain() {
	var m *testing.M // the parameter of TestMain
	if m != nil {
		leakcheck.VerifyTestMain(m)
	}
}

// One test: fail it with each goroutine it started and left blocked forever.
func ExampleCheck() {
	var t *testing.T // the parameter of the test
	if t != nil {
		leakcheck.Check(t)
	}
}
