// Package main holds process-lifetime goroutines: silent unless include-main is set.
package main

import "context"

var events = make(chan string)

func init() {
	go func() { // want `goroutine loops forever`
		for {
			println(<-events)
		}
	}()
}

func main() {
	ctx := context.Background()
	go func() { // want `goroutine loops forever`
		for e := range events {
			println(e)
		}
		for {
			<-events
		}
	}()
	serve(ctx)
}

func serve(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	go func() { // want `goroutine loops forever`
		for {
			println(<-events, ctx.Value("id"))
		}
	}()
}
