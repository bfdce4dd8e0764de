// Package main holds process-lifetime goroutines: silent unless include-main is set.
package main

import "context"

var events = make(chan string)

func init() {
	go func() { // fine by default: init runs once, this goroutine lives as long as the process
		for {
			println(<-events)
		}
	}()
}

func main() {
	ctx := context.Background()
	go func() { // fine by default: main's goroutines live as long as the process
		for e := range events {
			println(e)
		}
		for {
			<-events
		}
	}()
	serve(ctx)
	for i := 0; i < 3; i++ {
		serveEach(ctx)
	}
	handle(ctx)
	handle(ctx)
}

// serve is called once, from main: its goroutine lives as long as the process, like main's own.
func serve(ctx context.Context) {
	go func() { // fine by default: serve runs once per process (called only from main)
		for {
			<-events
		}
	}()
}

// serveEach is the near miss: main calls it in a loop, and each call's context is cancelled
// when it returns, so its goroutines pile up.
func serveEach(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	go func() { // want `goroutine loops forever receiving from events and never observes ctx`
		for {
			println(<-events, ctx.Value("id"))
		}
	}()
}

// handle is called from two places: each call starts another goroutine, and it expects its
// context to be cancelled (it checks).
func handle(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	go func() { // want `goroutine loops forever receiving from events and never observes ctx`
		for {
			<-events
		}
	}()
}
