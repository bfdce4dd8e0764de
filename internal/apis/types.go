// Package apis is the suite's knowledge of the standard library and common third-party APIs:
// which types are contexts, response writers, requests, wait groups and error groups. Analyzers ask
// these predicates instead of comparing strings themselves, so a new spelling (an alias, a vendored
// path) is taught in one place.
package apis

import (
	"go/ast"
	"go/types"
	"strings"
)

// IsNamed reports whether t is the named type pkgPath.name (aliases resolved).
// Vendored copies ("x/vendor/golang.org/x/sync/errgroup") match their upstream path.
func IsNamed(t types.Type, pkgPath, name string) bool {
	t = types.Unalias(t)
	n, ok := t.(*types.Named)
	if !ok {
		return false
	}
	obj := n.Obj()
	return obj.Name() == name && obj.Pkg() != nil && samePath(obj.Pkg().Path(), pkgPath)
}

// IsPointerTo reports whether t is *pkgPath.name.
func IsPointerTo(t types.Type, pkgPath, name string) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	return ok && IsNamed(p.Elem(), pkgPath, name)
}

// IsNamedOrPointer reports whether t is pkgPath.name or *pkgPath.name.
func IsNamedOrPointer(t types.Type, pkgPath, name string) bool {
	return IsNamed(t, pkgPath, name) || IsPointerTo(t, pkgPath, name)
}

func samePath(got, want string) bool {
	return got == want || strings.HasSuffix(got, "/vendor/"+want)
}

// IsContext reports whether t is context.Context, or a named interface type that embeds it
// (frameworks define such types; they are contexts for every purpose goroguard has).
func IsContext(t types.Type) bool {
	if t == nil {
		return false
	}
	if IsNamed(t, "context", "Context") {
		return true
	}
	iface, ok := t.Underlying().(*types.Interface)
	if !ok {
		return false
	}
	for i := 0; i < iface.NumEmbeddeds(); i++ {
		if IsContext(iface.EmbeddedType(i)) {
			return true
		}
	}
	return false
}

// IsResponseWriter reports whether t is net/http.ResponseWriter.
func IsResponseWriter(t types.Type) bool { return IsNamed(t, "net/http", "ResponseWriter") }

// IsRequest reports whether t is *net/http.Request.
func IsRequest(t types.Type) bool { return IsPointerTo(t, "net/http", "Request") }

// IsWaitGroup reports whether t is sync.WaitGroup or *sync.WaitGroup.
func IsWaitGroup(t types.Type) bool { return IsNamedOrPointer(t, "sync", "WaitGroup") }

// IsErrgroup reports whether t is errgroup.Group or *errgroup.Group.
func IsErrgroup(t types.Type) bool {
	return IsNamedOrPointer(t, "golang.org/x/sync/errgroup", "Group")
}

// IsChan reports whether t's underlying type is a channel, and returns it.
func IsChan(t types.Type) (*types.Chan, bool) {
	if t == nil {
		return nil, false
	}
	c, ok := t.Underlying().(*types.Chan)
	return c, ok
}

// UnderOf returns the underlying type of e, or types.Typ[types.Invalid] when the type checker
// recorded none: in a package analysed despite a missing import, an expression built from that
// package's names has no type, and Underlying on it would panic.
func UnderOf(info *types.Info, e ast.Expr) types.Type {
	if t := info.TypeOf(e); t != nil {
		return t.Underlying()
	}
	return types.Typ[types.Invalid]
}
