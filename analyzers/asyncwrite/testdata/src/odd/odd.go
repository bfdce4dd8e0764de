// Package odd holds code shapes that must not crash asyncwrite or make it report.
package odd

import (
	"context"
	"net/http"
)

// Unnamed parameters: nothing can be used.
func unnamed(http.ResponseWriter, *http.Request) {
	go func() {}()
}

// Blank parameters.
func blank(_ http.ResponseWriter, _ *http.Request) {
	go func() {}()
}

// A writer reassigned inside the handler is no longer known to be the response.
func reassigned(w http.ResponseWriter, r *http.Request, other http.ResponseWriter) { // want reassigned:`uses\(writer=2\)`
	w = other
	go func() {
		w.WriteHeader(http.StatusOK) // fine (cannot tell): w was reassigned
	}()
}

// A context variable assigned both a request context and a detached one stays unknown.
func mixed(w http.ResponseWriter, r *http.Request, detach bool) { // want mixed:`uses\(writer=0\)`
	ctx := r.Context()
	if detach {
		ctx = context.WithoutCancel(ctx)
	}
	go use(ctx) // fine (cannot tell): ctx may be detached
	w.WriteHeader(http.StatusOK)
}

func use(ctx context.Context) { _, _ = http.NewRequestWithContext(ctx, "GET", "/", nil) }

// A go statement calling a function value, a method expression and a conversion.
type hf func(http.ResponseWriter, *http.Request)

func values(w http.ResponseWriter, r *http.Request) { // want values:`uses\(writer=0\)`
	var f hf = func(http.ResponseWriter, *http.Request) {}
	go f(w, r) // want `goroutine runs f with w`
	go (*http.Request).Context(r)
	go func() {}()
	go panic("x")
}

// A handler whose body never returns normally.
func forever(w http.ResponseWriter, r *http.Request) { // want forever:`uses\(writer=0\)`
	go func() {
		w.Write(nil) // fine: the handler never returns
	}()
	for {
	}
}

// A handler that panics after spawning: no normal return.
func panics(w http.ResponseWriter, r *http.Request) { // want panics:`uses\(writer=0\)`
	go func() {
		w.Write(nil) // fine: the handler cannot return normally
	}()
	panic("unreachable")
}

// Recursion between helpers must terminate.
func ping(w http.ResponseWriter, n int) { // want ping:`uses\(writer=0\)`
	if n > 0 {
		pong(w, n-1)
	}
}

func pong(w http.ResponseWriter, n int) { // want pong:`uses\(writer=0\)`
	if n > 0 {
		ping(w, n-1)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// Nested goroutines in a handler.
func nested(w http.ResponseWriter, r *http.Request) { // want nested:`uses\(writer=0\)`
	go func() {
		go func() {
			w.Write(nil) // want `goroutine calls w.Write`
		}()
	}()
}

// Labeled loops, goto and select with default.
func control(w http.ResponseWriter, r *http.Request) { // want control:`uses\(writer=0\)`
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Write(nil) // want `goroutine calls w.Write but handler control can return`
	}()
outer:
	for i := 0; i < 3; i++ {
		select {
		case <-done:
			break outer
		default:
			if i == 2 {
				goto end
			}
		}
	}
end:
}
