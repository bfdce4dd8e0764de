package main

// goroguard test: run the tests with Go's goroutine leak profile on, run the analyzers on the
// same packages, and print one table of confirmed, static-only and run-time-only leaks. The work
// is in internal/leakjoin; this file is the command line.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"

	"github.com/goroguard/goroguard/analyzers"
	"github.com/goroguard/goroguard/internal/leakjoin"
)

const testUsage = `usage: goroguard test [-json] [-static=false] [analyzer flags] [go test flags] [packages]

Runs go test on the packages with GOEXPERIMENT=goroutineleakprofile, collects the goroutines
each test binary leaked (blocked forever, unreachable: the garbage collector's verdict, no false
positives), runs the goroguard analyzers on the same packages and prints one table:

  confirmed      a finding and a run-time leak at the same go statement
  static only    a finding no test made leak (not exercised, or a gap in the tests)
  run time only  a leak no analyzer reported

Nothing in the packages needs to change: each test binary gets a generated file (go test
-overlay) that reports its leaks after its tests; a package with its own TestMain keeps it, with
its m.Run() call wrapped on the same line. go test's output goes to standard error with -json.

Exit status: 1 when go test fails or on errors, 3 when the table has any row, 0 otherwise
(with -json: 0 unless go test fails or on errors).

  -json          print the table as JSON
  -static=false  only the run-time side (no analyzers)

Analyzer flags (-ctxdone.package-channels, -spawnloop=false, ...) go to the analyzers; all other
flags go to go test. Options of an analyzer that take a value must be written -name=value.
`

// isAnalyzerFlag reports whether a is -<analyzer>, -<analyzer>=bool or -<analyzer>.<option>[=v]
// for an analyzer of the suite.
func isAnalyzerFlag(a string) bool {
	if !strings.HasPrefix(a, "-") {
		return false
	}
	name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
	name, _, _ = strings.Cut(name, ".")
	return slices.Contains(analyzers.Names(), name)
}

// testSubcommand runs `goroguard test ...` and exits when the command line asks for it, and
// returns otherwise. main calls it first.
func testSubcommand() {
	if len(os.Args) < 2 || os.Args[1] != "test" {
		return
	}
	os.Exit(runTest(os.Args[2:], os.Stdout, os.Stderr))
}

func runTest(args []string, stdout, stderr io.Writer) int {
	asJSON, runStatic := false, true
	for len(args) > 0 {
		switch args[0] {
		case "-json", "--json":
			asJSON = true
		case "-static=false", "--static=false":
			runStatic = false
		case "-static=true", "--static=true", "-static", "--static":
			runStatic = true
		case "-h", "-help", "--help":
			fmt.Fprint(stdout, testUsage)
			return 0
		default:
			goto done
		}
		args = args[1:]
	}
done:
	// Analyzer switches and options (-ctxdone.package-channels, -spawnloop=false) go to the
	// analyzers, everything else to go test.
	var static, rest []string
	for _, a := range args {
		if a == "-args" || a == "--args" {
			rest = append(rest, args[len(static)+len(rest):]...)
			break
		}
		if isAnalyzerFlag(a) {
			static = append(static, a)
		} else {
			rest = append(rest, a)
		}
	}
	opt := leakjoin.Options{Args: rest, StaticArgs: static, Output: stdout}
	if asJSON {
		opt.Output = stderr
	}
	if runStatic {
		self, err := os.Executable()
		if err != nil {
			fmt.Fprintf(stderr, "goroguard test: %v\n", err)
			return 1
		}
		opt.Goroguard = self
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := leakjoin.Run(ctx, opt)
	if err != nil {
		fmt.Fprintf(stderr, "goroguard test: %v\n", err)
		return 1
	}
	for _, e := range res.StaticError {
		fmt.Fprintf(stderr, "goroguard test: analyzer error: %s\n", e)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "goroguard test: %s\n", w)
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "\t")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "goroguard test: %v\n", err)
			return 1
		}
		if res.TestsFailed {
			return 1
		}
		return 0
	}
	wd, _ := os.Getwd()
	fmt.Fprintln(stdout)
	res.Table.Write(stdout, wd)
	switch {
	case res.TestsFailed:
		return 1
	case len(res.Table.Confirmed)+len(res.Table.StaticOnly)+len(res.Table.RuntimeOnly) > 0:
		return 3
	}
	return 0
}
