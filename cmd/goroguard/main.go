// Command goroguard runs the goroguard analyzers.
//
// Standalone:
//
//	goroguard ./...                 # report findings (exit 3 when there are any)
//	goroguard -json ./...           # JSON output
//	goroguard -fix -diff ./...      # show suggested fixes as a patch; -fix alone applies them
//	goroguard -spawnloop=false ./...  # turn one analyzer off; -ctxdone runs only ctxdone
//	goroguard help ctxdone          # an analyzer's manual and flags
//
// As a vet tool (the same binary):
//
//	go vet -vettool=$(which goroguard) ./...
//	go vet -vettool=$(which goroguard) -fix ./...
//	go fix -fixtool=$(which goroguard) ./...
package main

import (
	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/goroguard/goroguard/analyzers"
)

func main() {
	multichecker.Main(analyzers.All()...)
}
