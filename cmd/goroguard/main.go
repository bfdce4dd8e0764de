// Command goroguard runs the goroguard analyzers.
//
// Standalone:
//
//	goroguard ./...                 # report findings (exit 3 when there are any)
//	goroguard -json ./...           # JSON output
//	goroguard -sarif ./...          # SARIF 2.1.0 output (or -format sarif)
//	goroguard -fix -diff ./...      # show suggested fixes as a patch; -fix alone applies them
//	goroguard -spawnloop=false ./...  # turn one analyzer off; -ctxdone runs only ctxdone
//	goroguard -tags integration ./...  # build tags, as for go build
//	goroguard help ctxdone          # an analyzer's manual and flags
//
// As a vet tool (the same binary):
//
//	go vet -vettool=$(which goroguard) ./...
//	go vet -vettool=$(which goroguard) -fix ./...
//	go fix -fixtool=$(which goroguard) ./...
//
// The standalone command is a driver of the go command's own vet protocol: it runs
// go vet -vettool=<this binary> -json, so every package is analysed in its own short-lived
// process in dependency order, from the facts and types of its imports (the build cache keeps
// them between runs), and renders the results itself (driver.go). Packages that do not
// type-check, and the packages that import them, which go vet cannot analyse, are analysed
// again through go/packages and the x/tools checker, as far as their types allow (fallback.go).
// When the go command cannot load some packages (a missing module, an embed pattern without
// files), go vet analyses nothing: the driver then vets the packages whose dependencies all load
// and hands the others to the same fallback (loaderr.go).
package main

import (
	"os"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/goroguard/goroguard/analyzers"
)

// suite returns the analyzers this binary runs; a benchmark build (-tags goroguard_noop) replaces
// them with one analyzer that does nothing, the floor of the driver's cost.
var suite = analyzers.All

func main() {
	testSubcommand() // goroguard test ...: runs and exits (testcmd.go)
	args := os.Args[1:]
	if len(args) == 1 && args[0] == "help" {
		os.Exit(help(os.Stdout))
	}
	if toolMode(args) {
		// go vet's side of the protocol (-V=full, -flags, unit.cfg), an analyzer's manual and the
		// usage: the stock multichecker, exactly as go vet expects it.
		multichecker.Main(suite()...)
		return
	}
	os.Exit(standalone(args, os.Stdout, os.Stderr))
}

// toolMode reports whether the command line is go vet's protocol (-V=full, -flags, a unit.cfg),
// help, or empty, all of which the stock multichecker serves.
func toolMode(args []string) bool {
	if len(args) == 0 || args[0] == "help" {
		return true
	}
	for _, a := range args {
		switch strings.TrimPrefix(a, "-") {
		case "-V=full", "V=full", "-flags", "flags", "V", "-V":
			return true
		}
	}
	return strings.HasSuffix(args[len(args)-1], ".cfg")
}

// analyzerNames returns the names of the suite's analyzers.
func analyzerNames(as []*analysis.Analyzer) []string {
	var names []string
	for _, a := range as {
		names = append(names, a.Name)
	}
	return names
}
