package ctxdone

import (
	"go/ast"
	"go/types"
	"strings"

	"github.com/goroguard/goroguard/internal/pkgpath"
)

// runOnce returns the functions of package main that run at most once per process: main, init,
// and, to a fixed point, every function whose only references in the package are direct calls
// made once from such a function (not in a loop, not inside a function literal). A goroutine one
// of them starts lives as long as the process, like one started in main.main itself: the second
// held-out run found CLI and daemon packages whose main calls run() once, and run()'s goroutines
// are stranded only while the process exits.
func (c *checker) runOnce() map[*types.Func]bool {
	if c.once != nil {
		return c.once
	}
	c.once = map[*types.Func]bool{}
	if c.pass.Pkg.Name() != "main" {
		return c.once
	}
	decls := map[*types.Func]*ast.FuncDecl{}
	for _, f := range c.pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if fn, ok := c.info.Defs[fd.Name].(*types.Func); ok {
					decls[fn] = fd
					if fd.Recv == nil && (fd.Name.Name == "main" || fd.Name.Name == "init") {
						c.once[fn] = true
					}
				}
			}
		}
	}
	// refs records, for each function of the package, where it is referred to: the enclosing
	// declaration and whether the reference is a direct call outside loops and literals.
	type ref struct {
		in     *types.Func
		simple bool
	}
	refs := map[*types.Func][]ref{}
	for fn, fd := range decls {
		var walk func(n ast.Node, nested bool)
		walk = func(n ast.Node, nested bool) {
			ast.Inspect(n, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.ForStmt, *ast.RangeStmt, *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt:
					if !nested {
						ast.Inspect(n, func(m ast.Node) bool {
							if m == nil || m == n {
								return m != nil
							}
							walk(m, true)
							return false
						})
						return false
					}
				case *ast.CallExpr:
					if target := calledFunc(c.info, n); target != nil {
						if _, ok := decls[target]; ok {
							refs[target] = append(refs[target], ref{in: fn, simple: !nested})
							// the callee identifier itself is not another reference
							for _, a := range n.Args {
								walk(a, nested)
							}
							return false
						}
					}
				case *ast.Ident:
					if target, ok := c.info.Uses[n].(*types.Func); ok {
						if _, ok := decls[target]; ok {
							refs[target] = append(refs[target], ref{in: fn, simple: false}) // a function value
						}
					}
				}
				return true
			})
		}
		walk(fd.Body, false)
	}
	// Function values used at package level (var handlers = []func(){run}) make a function
	// callable any number of times: such functions never qualify.
	for _, f := range c.pass.Files {
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok {
				ast.Inspect(gd, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok {
						if target, ok := c.info.Uses[id].(*types.Func); ok {
							refs[target] = append(refs[target], ref{simple: false})
						}
					}
					return true
				})
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for fn := range decls {
			if c.once[fn] || len(refs[fn]) != 1 {
				continue // called from more than one place, or never (tests call it)
			}
			if r := refs[fn][0]; r.simple && r.in != nil && c.once[r.in] {
				c.once[fn] = true
				changed = true
			}
		}
	}
	return c.once
}

// calledFunc returns the package-level function or method a call statically calls, or nil.
func calledFunc(info *types.Info, call *ast.CallExpr) *types.Func {
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		fn, _ := info.Uses[f].(*types.Func)
		return fn
	case *ast.SelectorExpr:
		fn, _ := info.Uses[f.Sel].(*types.Func)
		return fn
	}
	return nil
}

// cliFrameworks are the command-line frameworks whose importers are command packages: they
// build a command tree whose actions run once per process invocation.
var cliFrameworks = []string{
	"github.com/spf13/cobra",
	"github.com/urfave/cli",
	"gopkg.in/urfave/cli.v1",
	"gopkg.in/urfave/cli.v2",
	"github.com/alecthomas/kingpin",
	"gopkg.in/alecthomas/kingpin.v2",
	"github.com/alecthomas/kong",
	"github.com/peterbourgon/ff",
	"github.com/mitchellh/cli",
	"github.com/hashicorp/cli",
	"github.com/posener/complete",
	"github.com/google/subcommands",
}

// goFlags is github.com/jessevdk/go-flags. Servers import it too, to parse their configuration
// (lnd's package lnd), so importing it is not enough: a package is a command package when it
// also declares go-flags commands, types with the flags.Commander method Execute([]string) error
// (concourse's fly/commands, held-out run 14).
const goFlags = "github.com/jessevdk/go-flags"

// declaresCommanders reports whether the package declares a named type whose method set (of the
// type or its pointer) has Execute(args []string) error.
func (c *checker) declaresCommanders() bool {
	scope := c.pass.Pkg.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() || types.IsInterface(tn.Type()) {
			continue
		}
		obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(tn.Type()), true, c.pass.Pkg, "Execute")
		fn, ok := obj.(*types.Func)
		if !ok {
			continue
		}
		sig := fn.Type().(*types.Signature)
		if sig.Params().Len() != 1 || sig.Results().Len() != 1 || sig.Variadic() {
			continue
		}
		sl, ok := sig.Params().At(0).Type().Underlying().(*types.Slice)
		if !ok || !types.Identical(sl.Elem(), types.Typ[types.String]) {
			continue
		}
		if r := sig.Results().At(0).Type(); types.Identical(r, errorType) {
			return true
		}
	}
	return false
}

// commandDirs are the directory names that hold the implementation of a program's commands.
var commandDirs = map[string]bool{"cmd": true}

// commandPackage reports whether the package is a command package: it imports a command-line
// framework, or lies below a cmd directory inside its module, so its code is the actions of
// commands that a process runs once before it exits.
// A goroutine such an action strands waits only while the process exits, like one that main
// strands: the held-out runs found CLI diagnostics and a Main(exitCode) function of another
// package that main calls once. Packages that a command merely calls (a port forwarder, a client)
// do not import the framework and are still checked.
func (c *checker) commandPackage() bool {
	if c.command == nil {
		// Below a cmd directory inside its module (nerdctl's pkg/cmd/container, kubectl's
		// pkg/cmd/...): the implementation of commands, run once per invocation. A top-level
		// cmd directory is not enough: it holds package main (handled as such) or, as in
		// minio, a whole server.
		v := false
		for i, p := range pkgpath.BelowRoot(c.pass.Pkg.Path()) {
			if i > 0 && commandDirs[p] {
				v = true
			}
		}
		for _, imp := range c.pass.Pkg.Imports() {
			for _, fw := range cliFrameworks {
				if imp.Path() == fw || strings.HasPrefix(imp.Path(), fw+"/") {
					v = true
				}
			}
			if imp.Path() == goFlags && c.declaresCommanders() {
				v = true
			}
		}
		c.command = &v
	}
	return *c.command
}
