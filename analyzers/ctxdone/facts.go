package ctxdone

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/inspector"

	"github.com/goroguard/goroguard/internal/apis"
)

// ForeverFact marks a function whose body reaches a loop that never ends and parks on channel
// operations: a goroutine running it never finishes. `go s.loop(ctx)` and `go lib.Pump(ch)` are
// reported at the go statement through this fact, in any package.
type ForeverFact struct {
	// Ops names the channel operations the loop blocks on ("receiving from s.in").
	Ops string
	// Ctx names the context in scope of the loop that the loop ignores ("" when none).
	Ctx string
	// Spin names a channel the loop receives from that is closed in the function's package: once
	// it is closed the loop spins forever ("" when none).
	Spin string
}

// AFact marks ForeverFact as an analysis fact.
func (*ForeverFact) AFact() {}

func (f *ForeverFact) String() string {
	s := "forever(" + f.Ops
	if f.Ctx != "" {
		s += "; ignores " + f.Ctx
	}
	if f.Spin != "" {
		s += "; spins on closed " + f.Spin
	}
	return s + ")"
}

// Need says what the other end must do so that a goroutine's operations on a channel complete.
type Need uint8

const (
	needNone Need = iota
	// NeedRecv: the goroutine sends; someone must receive each send (or the buffer must hold it).
	NeedRecv
	// NeedClose: the goroutine ranges over the channel (or receives in a loop until it is closed).
	NeedClose
	// NeedSendOrClose: the goroutine receives once.
	NeedSendOrClose
)

// ParamUse is what a function does with one of its channel parameters.
type ParamUse struct {
	Index int
	Need  Need
	// Sends counts the plain send statements on the parameter (-1 when one is in a loop).
	Sends int
	// Final says the function sends on or closes the parameter only as its last action: once
	// the caller has received from it, the function has returned (a completion signal).
	Final bool
	// ErrOnly says every send on the parameter runs only on a read error other than EOF or
	// closed (the stream-decoder idiom, decoder.go): a caller that closes the source the
	// function reads does not need to receive.
	ErrOnly bool `json:",omitempty"`
}

// ChanParamsFact records, for a function with channel parameters, the parameters on which it
// blocks until the caller does its part: `go worker(ch)` in another package then needs the
// caller to receive from ch, or to close it.
type ChanParamsFact struct {
	Params []ParamUse
}

// AFact marks ChanParamsFact as an analysis fact.
func (*ChanParamsFact) AFact() {}

func (f *ChanParamsFact) String() string {
	var parts []string
	for _, p := range f.Params {
		parts = append(parts, fmt.Sprintf("%d:%s", p.Index, p.describe()))
	}
	return "chanparams(" + strings.Join(parts, ",") + ")"
}

func (p ParamUse) describe() string {
	s := p.describeNeed()
	if p.Final {
		if p.Need == needNone {
			s = "final"
		} else {
			s += "+final"
		}
	}
	if p.ErrOnly {
		s += "+erronly"
	}
	return s
}

func (p ParamUse) describeNeed() string {
	switch p.Need {
	case NeedRecv:
		if p.Sends < 0 {
			return "sends"
		}
		return fmt.Sprintf("sends=%d", p.Sends)
	case NeedClose:
		return "drains"
	case NeedSendOrClose:
		return "receives"
	}
	return "none"
}

// param returns the use of parameter i, if recorded.
func (f *ChanParamsFact) param(i int) (ParamUse, bool) {
	for _, p := range f.Params {
		if p.Index == i {
			return p, true
		}
	}
	return ParamUse{}, false
}

// exportFacts computes both facts for every function declared in the package.
func (c *checker) exportFacts(insp *inspector.Inspector) {
	insp.Preorder([]ast.Node{(*ast.FuncDecl)(nil)}, func(n ast.Node) {
		decl := n.(*ast.FuncDecl)
		if decl.Body == nil {
			return
		}
		fn, ok := c.info.Defs[decl.Name].(*types.Func)
		if !ok {
			return
		}
		c.pass.At(decl.Pos())
		if fl := c.topForever(decl.Body); fl != nil {
			name, _ := c.ctxFor(fl.stmt.Pos(), decl)
			f := &ForeverFact{Ops: fl.ops, Ctx: name}
			if fl.spin != nil {
				f.Spin = render(fl.spin)
			}
			c.pass.ExportObjectFact(fn, f)
		}
		sig, _ := fn.Type().(*types.Signature)
		if sig == nil {
			return
		}
		var uses []ParamUse
		for i := 0; i < sig.Params().Len(); i++ {
			p := sig.Params().At(i)
			if sig.Variadic() && i == sig.Params().Len()-1 {
				break
			}
			if _, isChan := apis.IsChan(p.Type()); !isChan || p.Name() == "" || p.Name() == "_" {
				continue
			}
			u := c.summarize(decl, p)
			need, sends := u.need()
			final := c.endsWith(decl, p)
			if need != needNone || final {
				uses = append(uses, ParamUse{Index: i, Need: need, Sends: sends, Final: final,
					ErrOnly: need == NeedRecv && u.errSends > 0 && u.sends == 0})
			}
		}
		if len(uses) > 0 {
			c.pass.ExportObjectFact(fn, &ChanParamsFact{Params: uses})
		}
	})
}
