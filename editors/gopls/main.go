// Command gopls builds gopls v0.23.0 with goroguard's analyzers added, so an editor that talks to
// gopls shows goroguard's diagnostics (and quick fixes) as you type. gopls has no way to load
// third-party analyzers at run time (golang/go#59869), so they are compiled in: the build adds one
// file to gopls's internal/settings package through `go build -overlay`; no gopls source is copied
// or edited.
//
//	go run ./editors/gopls -o ~/go/bin/gopls-goroguard
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
	flag.Parse()
	if err := Build(*out, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gopls build:", err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, "built", *out)
}
