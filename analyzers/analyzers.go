// Package analyzers is the suite's one registry: every entry point (the goroguard binary, go vet,
// the golangci-lint plugin, gopls builds, Bazel nogo) takes its analyzers from here, so none of
// them can silently drop one.
package analyzers

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/goroguard/goroguard/analyzers/asyncwrite"
	"github.com/goroguard/goroguard/analyzers/ctxdone"
	"github.com/goroguard/goroguard/analyzers/hotcgo"
	"github.com/goroguard/goroguard/analyzers/spawnloop"
)

// All returns the suite's analyzers with their default configuration.
func All() []*analysis.Analyzer {
	return []*analysis.Analyzer{ctxdone.Analyzer, asyncwrite.Analyzer, spawnloop.Analyzer, hotcgo.Analyzer}
}

// Names returns the analyzers' names, in registry order.
func Names() []string {
	var names []string
	for _, a := range All() {
		names = append(names, a.Name)
	}
	return names
}

// Config configures every analyzer; the json names are the golangci-lint settings keys and equal
// the analyzers' flag names.
type Config struct {
	Ctxdone    ctxdone.Config    `json:"ctxdone"`
	Asyncwrite asyncwrite.Config `json:"asyncwrite"`
	Spawnloop  spawnloop.Config  `json:"spawnloop"`
	Hotcgo     hotcgo.Config     `json:"hotcgo"`
}

// Default returns the default configuration of every analyzer.
func Default() Config {
	return Config{
		Ctxdone:    ctxdone.Default(),
		Asyncwrite: asyncwrite.Default(),
		Spawnloop:  spawnloop.Default(),
		Hotcgo:     hotcgo.Default(),
	}
}

// Build returns fresh analyzer instances configured by cfg, leaving out the analyzers named in
// disable. An unknown name in disable is an error, so a typo cannot leave an analyzer running.
func Build(cfg Config, disable []string) ([]*analysis.Analyzer, error) {
	known := []string{ctxdone.Name, asyncwrite.Name, spawnloop.Name, hotcgo.Name}
	for _, d := range disable {
		if !slices.Contains(known, d) {
			return nil, fmt.Errorf("goroguard: unknown analyzer %q in disable (known: %s)", d, strings.Join(known, ", "))
		}
	}
	all := []*analysis.Analyzer{
		ctxdone.New(cfg.Ctxdone),
		asyncwrite.New(cfg.Asyncwrite),
		spawnloop.New(cfg.Spawnloop),
		hotcgo.New(cfg.Hotcgo),
	}
	var out []*analysis.Analyzer
	for _, a := range all {
		if !slices.Contains(disable, a.Name) {
			out = append(out, a)
		}
	}
	return out, nil
}
