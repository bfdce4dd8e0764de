package spawnloop

import (
	_ "embed"
	"flag"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"

	"github.com/goroguard/goroguard/internal/docx"
	"github.com/goroguard/goroguard/internal/guard"
)

//go:embed doc.go
var doc string

// Name is the analyzer's name: its flag prefix, its directive key and its golangci-lint settings key.
const Name = "spawnloop"

// Config is spawnloop's configuration. Each field is both a flag (-spawnloop.<name>) and a golangci-lint
// setting of the same name (the json tag).
type Config struct{}

// Default returns the configuration used by Analyzer.
func Default() Config { return Config{} }

// RegisterFlags binds c's fields to fs, with c's current values as defaults.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {}

// Analyzer is spawnloop with the default configuration (Bazel nogo and vet use this variable).
var Analyzer = New(Default())

// New returns a spawnloop analyzer that owns a copy of cfg; its flags change only that copy.
func New(cfg Config) *analysis.Analyzer {
	c := cfg
	a := &analysis.Analyzer{
		Name:     Name,
		Doc:      docx.Extract(doc, Name),
		URL:      "https://pkg.go.dev/github.com/goroguard/goroguard/analyzers/spawnloop",
		Requires: []*analysis.Analyzer{inspect.Analyzer},
	}
	c.RegisterFlags(&a.Flags)
	a.Run = guard.Run(Name, func(pass *guard.Pass) (any, error) { return run(pass, &c) })
	return a
}

func run(pass *guard.Pass, c *Config) (any, error) {
	return nil, nil
}
