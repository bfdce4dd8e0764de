// Package customctx has its own framework context type, configured through handler-types.
package customctx

import "net/http"

// Ctx is the framework's per-request context; the framework pools it.
type Ctx struct {
	W http.ResponseWriter
	R *http.Request
}

func (c *Ctx) Send(s string) { c.W.Write([]byte(s)) }

func handle(c *Ctx) { // want handle:`uses\(writer=0\)`
	go c.Send("late") // want `goroutine calls c.Send but handler handle can return without waiting for it: the framework recycles the context`
}
