// Package guard wraps every goroguard analyzer's run function with the behaviour the whole suite
// shares, so that no analyzer re-implements it:
//
//   - a panic inside an analyzer becomes an error naming the analyzer, the package and the last
//     position the analyzer marked, never a crash of vet, gopls or golangci-lint;
//   - diagnostics inside generated files are dropped (cgo's translated files are not "generated"
//     for this purpose: their positions map back to the user's source);
//   - a //goroguard:ignore directive on the line of a finding, or on the line above, suppresses it,
//     and a directive without a reason is itself reported.
package guard

import (
	"fmt"
	"go/token"
	"runtime/debug"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// Pass is the analysis.Pass an analyzer body sees: Report already filters suppressed and generated
// findings, and At records the position shown if the body panics.
type Pass struct {
	*analysis.Pass
	name string
	at   token.Pos
}

// At records the node the analyzer is working on, so an internal error can name a position.
func (p *Pass) At(pos token.Pos) { p.at = pos }

// Run returns an analysis run function that calls body through the suite's shared behaviour.
// name is the analyzer's name, used as the directive key and in error messages.
func Run(name string, body func(*Pass) (any, error)) func(*analysis.Pass) (any, error) {
	return func(pass *analysis.Pass) (result any, err error) {
		filtered := *pass
		sup := newSuppressor(pass, name)
		filtered.Report = func(d analysis.Diagnostic) {
			if sup.keep(d) {
				pass.Report(d)
			}
		}
		p := &Pass{Pass: &filtered, name: name}
		defer func() {
			if r := recover(); r != nil {
				result, err = nil, internalError(p, r, debug.Stack())
			}
		}()
		sup.reportMalformed()
		return body(p)
	}
}

// internalError turns a recovered panic into an error a user can act on and a developer can fix.
func internalError(p *Pass, r any, stack []byte) error {
	where := "package " + p.Pkg.Path()
	if p.at.IsValid() {
		where = p.Fset.Position(p.at).String()
	}
	return fmt.Errorf("goroguard: internal error in analyzer %s at %s: %v (please report this with the code at that position)\n%s",
		p.name, where, r, trimStack(stack))
}

// trimStack keeps the frames that are goroguard's own, which is what a bug report needs.
func trimStack(stack []byte) string {
	var keep []string
	lines := strings.Split(string(stack), "\n")
	for i := 0; i+1 < len(lines); i++ {
		if strings.Contains(lines[i], "goroguard/") && !strings.Contains(lines[i], "internal/guard.") {
			keep = append(keep, lines[i], lines[i+1])
			i++
		}
		if len(keep) >= 16 {
			break
		}
	}
	return strings.Join(keep, "\n")
}
