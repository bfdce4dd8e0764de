// Command gopls builds gopls with goroguard's analyzers added, so an editor that talks to gopls
// shows goroguard's diagnostics (and quick fixes) as you type. gopls has no way to load
// third-party analyzers at run time (golang/go#59869), so they are compiled in: the build adds one
// file to gopls's internal/settings package through `go build -overlay`; no gopls source is copied
// or edited.
//
//	go run ./editors/gopls -o ~/go/bin/gopls-goroguard
//
// It builds the gopls release for the Go that runs it: gopls v0.24.0 with Go 1.27, v0.23.0 with
// Go 1.26 (GOTOOLCHAIN=go1.27.3 in the environment selects Go 1.27 through the module proxy).
// -gopls-version picks another release. gopls is built with the golang.org/x/tools version its own
// go.mod requires.
//
// Then point the editor's gopls path at the result. Each analyzer can be turned off with the gopls
// setting "analyses": {"spawnloop": false}.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	out := flag.String("o", "gopls-goroguard", "where to write the gopls binary")
	gopls := flag.String("gopls-version", "", "the gopls release to build (default: the one for the Go running the build, v0.24.0 for Go 1.27, v0.23.0 for Go 1.26)")
	flag.Parse()
	built, err := Build(*out, *gopls, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gopls build:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "built gopls %s with goroguard's analyzers: %s\n", built, *out)
}
