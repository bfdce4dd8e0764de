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
}

func serve(ctx context.Context) {
	go func() { // want `goroutine loops forever receiving from events and never observes ctx`
		for {
			<-events
		}
	}()
}
