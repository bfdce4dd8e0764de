// Package b uses package c's helpers from goroutines: only the facts imported from c say which of
// them touch the handler's writer and request.
package b

import (
	"log"
	"net/http"

	"c"
)

type item struct{ Name string }

func create(w http.ResponseWriter, r *http.Request) { // want create:`uses\(writer=0 body=1\)`
	go c.WriteJSON(w, http.StatusCreated, item{Name: "x"}) // want `goroutine runs c.WriteJSON with w but handler create can return without waiting for it`
	go log.Print(c.Status(w))                              // fine: c.Status ran before the goroutine, and only inspects w
	go func() {
		var it item
		if err := c.Decode(r, &it); err != nil { // want `goroutine passes r to c.Decode, which reads the request body but handler create can return`
			log.Print(err)
		}
	}()
}

func delegate(w http.ResponseWriter, r *http.Request) { // want delegate:`uses\(writer=0\)`
	h := c.Handler{Msg: "hi"}
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(w, r) // fine: the handler waits for done below
	}()
	<-done
	go h.ServeHTTP(w, r) // want `goroutine runs h.ServeHTTP with w but handler delegate can return`
}

func statusOnly(w http.ResponseWriter, r *http.Request) {
	go func() {
		log.Print(c.Status(w)) // fine: c.Status has no fact, it does not use w
	}()
}
