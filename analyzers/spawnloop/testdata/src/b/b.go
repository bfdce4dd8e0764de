// Package b calls fanout's spawners from loops.
package b

import (
	"bufio"
	"io"

	"fanout"
)

// Relay publishes one event per line read: fanout.Publish starts a goroutine on every call.
func Relay(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fanout.Publish(fanout.Event{Name: sc.Text()}) // want `call to Publish in sc.Scan loop starts one goroutine per item \(Publish starts a goroutine on every call\)`
	}
}

// RelaySync is the near miss: PublishSync waits for its goroutine.
func RelaySync(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fanout.PublishSync(fanout.Event{Name: sc.Text()})
	}
}

// RelayBatches forwards each batch received: every batch fans out again.
func RelayBatches(batches <-chan []fanout.Event) {
	for batch := range batches {
		fanout.Forward(batch) // want `call to Forward in range over channel batches starts one goroutine per item of its parameter batch for every item`
	}
}

// RelayTwice calls Publish a constant number of times: bounded.
func RelayTwice(e fanout.Event) {
	for range 2 {
		fanout.Publish(e)
	}
}
