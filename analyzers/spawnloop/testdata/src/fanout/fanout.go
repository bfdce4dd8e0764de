// Package fanout is a library whose functions spawn goroutines: spawnloop records that in facts
// so that callers in other packages are checked at the call.
package fanout

import "sync"

type Event struct{ Name string }

// Publish delivers an event asynchronously: one goroutine on every call.
func Publish(e Event) { // want Publish:"spawns per call"
	go deliver(e)
}

// PublishSync waits for its goroutine: calling it in a loop starts one goroutine at a time.
func PublishSync(e Event) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		deliver(e)
	}()
	<-done
}

// PublishAll starts one goroutine per event of its parameter.
func PublishAll(events []Event) { // want PublishAll:"spawns per item of events"
	var wg sync.WaitGroup
	for _, e := range events {
		wg.Go(func() { deliver(e) }) // unknown origin here: callers that pass input are reported at the call
	}
	wg.Wait()
}

// Notify starts one goroutine per event and returns at once.
func Notify(events []Event) { // want Notify:"spawns per item of events"
	for _, e := range events {
		go deliver(e) // unknown origin here
	}
}

// Forward passes its parameter on to PublishAll: it spawns per item of it too.
func Forward(batch []Event) { // want Forward:"spawns per item of batch"
	PublishAll(batch)
}

func deliver(Event) {}
