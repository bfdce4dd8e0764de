package hotcgo

import (
	_ "embed"
	"flag"
	"go/types"
	"reflect"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"

	"github.com/goroguard/goroguard/internal/docx"
	"github.com/goroguard/goroguard/internal/guard"
)

//go:embed doc.go
var doc string

// Name is the analyzer's name: its flag prefix, its directive key and its golangci-lint settings key.
const Name = "hotcgo"

// Config is hotcgo's configuration. Each field is both a flag (-hotcgo.<name>) and a golangci-lint
// setting of the same name (the json tag).
type Config struct {
	// MaxConstantTrips is the largest constant trip count of a loop that is still "a fixed, small
	// number": a loop that runs at most this many times (a constant bound, an array, a literal
	// list) neither spawns goroutines per item nor crosses into C per item.
	MaxConstantTrips int `json:"max-constant-trips"`
	// Loops enables the second pattern: a cgo call on every iteration of a loop that runs in a
	// spawned goroutine (including worker pools that call C once per job).
	Loops bool `json:"loops"`
	// Deep also counts calls into C that a goroutine reaches only through a long or conditional
	// chain of static calls (more than MaxCalls calls, or a call off its caller's unconditional
	// path: a signature check deep inside transaction execution, a record re-signed on a cache
	// miss). Off by default: such a crossing is incidental next to the work around it.
	Deep bool `json:"deep"`
}

// Default returns the configuration used by Analyzer.
func Default() Config { return Config{MaxConstantTrips: 16, Loops: true} }

// RegisterFlags binds c's fields to fs, with c's current values as defaults.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.IntVar(&c.MaxConstantTrips, "max-constant-trips", c.MaxConstantTrips,
		"loops with a constant trip count up to this value are a fixed, small number of iterations and are not reported")
	fs.BoolVar(&c.Loops, "loops", c.Loops,
		"report cgo calls on every iteration of a loop that runs in a spawned goroutine (worker pools included)")
	fs.BoolVar(&c.Deep, "deep", c.Deep,
		"also count calls into C reached only through long or conditional chains of static calls (more than 2 calls, or off a caller's unconditional path)")
}

// Analyzer is hotcgo with the default configuration (Bazel nogo and vet use this variable).
var Analyzer = New(Default())

// New returns a hotcgo analyzer that owns a copy of cfg; its flags change only that copy.
func New(cfg Config) *analysis.Analyzer {
	c := cfg
	a := &analysis.Analyzer{
		Name:      Name,
		Doc:       docx.Extract(doc, Name),
		URL:       "https://pkg.go.dev/github.com/goroguard/goroguard/analyzers/hotcgo",
		Requires:  []*analysis.Analyzer{inspect.Analyzer},
		FactTypes: []analysis.Fact{new(ReachesCgo)},
		// The result is unused by other analyzers; declaring it keeps the driver honest about types.
		ResultType: reflect.TypeFor[*Result](),
	}
	c.RegisterFlags(&a.Flags)
	a.Run = guard.Run(Name, func(pass *guard.Pass) (any, error) { return run(pass, &c) })
	return a
}

// Result is what a pass of hotcgo computed: the functions of the package that reach a cgo call.
// Tests and tools may read it; other analyzers use the facts instead.
type Result struct {
	// Reaches maps each function of the package that reaches a cgo call to the C function reached.
	Reaches map[*types.Func]string
}

// ReachesCgo is the fact attached to an exported function that, when called, executes a call into C
// in the calling goroutine: directly (a C.f call in its body) or through static calls to functions
// of its own or other packages that do.
type ReachesCgo struct {
	// C names the C function reached at any depth, "C.f", for messages in the importing package.
	C string
	// Near names the C function reached on a short unconditional chain (see MaxCalls): the
	// function's unconditional path calls it directly (Hops 0) or calls, unconditionally, a
	// function that does (Hops 1). "" when there is none.
	Near string
	// Hops is the number of static calls between the function and the C call of Near.
	Hops int
	// Scalar says Near's C call takes only C scalars (a batch form is possible in principle).
	Scalar bool
	// Own names the C function reached when the function is a goroutine's own code (go F(x)): a C
	// call anywhere in its body, or a call anywhere in it of a function with a Near reach.
	Own string
	// OwnScalar says Own's C call takes only C scalars.
	OwnScalar bool
}

// AFact marks ReachesCgo as a fact.
func (*ReachesCgo) AFact() {}

func (f *ReachesCgo) String() string {
	s := "reaches " + f.C
	switch {
	case f.Near != "" && f.Hops == 0:
		s += " unconditionally"
	case f.Near != "":
		s += " unconditionally through " + strconv.Itoa(f.Hops) + " call"
		if f.Hops > 1 {
			s += "s"
		}
	case f.Own != "":
		s += " in its own code"
	default:
		s += " only through long or conditional calls"
	}
	if f.Scalar || f.OwnScalar {
		s += ", with scalars"
	}
	return s
}

func run(pass *guard.Pass, c *Config) (any, error) {
	res := &Result{Reaches: map[*types.Func]string{}}
	if !mayReachCgo(pass) {
		return res, nil // no cgo here and no import that reaches C: nothing to find or export
	}
	a := newChecker(pass, c)
	a.summarize()
	a.exportFacts()
	for fn, r := range a.reach {
		res.Reaches[fn] = r.c
	}
	a.reportSpawns()
	if c.Loops {
		a.reportLoops()
	}
	return res, nil
}

// mayReachCgo is the early exit: the package uses cgo itself, or a function of one of its direct
// imports carries a ReachesCgo fact. Static calls reach only functions of directly imported
// packages (and methods of their types), so direct imports are enough. The facts visible here are
// few (only functions that reach C have one), so the scan is cheap.
//
// A package processed by cgo imports runtime/cgo from _cgo_gotypes.go (cmd/cgo's translation), or,
// type-checked in UsesCgo mode (gopls), has the pseudo-package "C" among its imports and a file
// importing "C" (and _cgo_gotypes.go may be missing from its files).
func mayReachCgo(pass *guard.Pass) bool {
	direct := map[*types.Package]bool{}
	for _, imp := range pass.Pkg.Imports() {
		if imp.Path() == "runtime/cgo" || imp.Path() == "C" {
			return true
		}
		direct[imp] = true
	}
	for _, f := range pass.Files {
		for _, spec := range f.Imports {
			if spec.Path != nil && spec.Path.Value == `"C"` {
				return true
			}
		}
	}
	for _, f := range pass.AllObjectFacts() {
		if f.Object != nil && direct[f.Object.Pkg()] {
			return true
		}
	}
	// A cgo-processed package imports runtime/cgo from _cgo_gotypes.go; be robust against drivers
	// that present the files differently and look for cmd/cgo's declarations too.
	for _, name := range pass.Pkg.Scope().Names() {
		if strings.HasPrefix(name, "_Cfunc_") || strings.HasPrefix(name, "_C2func_") {
			return true
		}
	}
	return false
}

// exportFacts attaches ReachesCgo to every exported function or method of the package that reaches
// C: only those can be called statically from another package.
func (a *checker) exportFacts() {
	for _, fn := range a.order {
		r, ok := a.reach[fn]
		if !ok || !fn.Exported() {
			continue
		}
		f := &ReachesCgo{C: r.c}
		if n, ok := a.near[fn]; ok {
			f.Near, f.Hops, f.Scalar = n.c, n.hops, n.scalar
		}
		if o, ok := a.ownReach(fn); ok && !o.deep {
			f.Own, f.OwnScalar = o.c, o.scalar
		}
		a.pass.ExportObjectFact(fn, f)
	}
}
