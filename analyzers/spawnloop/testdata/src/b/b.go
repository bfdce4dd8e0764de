// Package b calls fanout's spawners from loops.
package b

import (
	"bufio"
	"encoding/json"
	"io"
	"os"

	"fanout"
)

// Relay publishes one event per line read: fanout.Publish starts a goroutine on every call.
func Relay(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fanout.Publish(fanout.Event{Name: sc.Text()}) // want `call to Publish in loop over lines scanned by sc.Scan starts one goroutine per item \(Publish starts a goroutine on every call\)`
	}
}

// RelaySync is the near miss: PublishSync waits for its goroutine.
func RelaySync(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fanout.PublishSync(fanout.Event{Name: sc.Text()})
	}
}

// RelayBatches forwards each batch received from a channel of unknown origin: silent by default
// (Forward waits for each batch, so this is no nested fan-out either).
func RelayBatches(batches <-chan []fanout.Event) {
	for batch := range batches {
		fanout.Forward(batch)
	}
}

// RelayDecoded decodes batches from a stream and forwards each: Forward waits for its
// goroutines, so one batch runs at a time, but each batch is input of any size.
func RelayDecoded(r io.Reader) {
	dec := json.NewDecoder(r)
	for {
		var batch []fanout.Event
		if err := dec.Decode(&batch); err != nil {
			return
		}
		fanout.Forward(batch) // want `call to Forward passes batch decoded by dec.Decode as its parameter batch, and Forward starts one goroutine per item of it`
	}
}

// NotifyDecoded decodes batches and hands each to Notify, which does not wait: every decoded
// batch fans out while the next is decoded, a nested fan-out over input.
func NotifyDecoded(r io.Reader) {
	dec := json.NewDecoder(r)
	for {
		var batch []fanout.Event
		if err := dec.Decode(&batch); err != nil {
			return
		}
		fanout.Notify(batch) // want `call to Notify in loop reading one item per dec.Decode call starts one goroutine per item of its parameter events for every item`
	}
}

// ForwardFile passes the events decoded from a file to fanout.Forward, which starts one goroutine
// per event: reported at the call.
func ForwardFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var events []fanout.Event
	if err := json.Unmarshal(data, &events); err != nil {
		return err
	}
	fanout.Forward(events) // want `call to Forward passes events decoded from data as its parameter batch`
	return nil
}

// ForwardBatch passes a batch the caller cut (a sub-slice with an upper bound): near miss of
// ForwardFile.
func ForwardBatch(data []byte) {
	var events []fanout.Event
	if json.Unmarshal(data, &events) != nil {
		return
	}
	for i := 0; i < len(events); i += 64 {
		fanout.Forward(events[i:min(i+64, len(events))])
	}
}

// RelayTwice calls Publish a constant number of times: bounded.
func RelayTwice(e fanout.Event) {
	for range 2 {
		fanout.Publish(e)
	}
}
