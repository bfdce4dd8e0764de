// Package suppress exercises the //goroguard:ignore directive end to end, under go vet, the
// goroguard binary and golangci-lint alike: a directive on the finding's line or on the line above
// suppresses it, a directive for another analyzer does not, and a directive without a reason is
// itself reported and suppresses nothing. The shape is spawnloop's: one goroutine per event
// decoded from input, whose count the sender decides.
package suppress

import (
	"encoding/json"
	"log"
)

// Event is a message for the subscribers.
type Event struct {
	ID      int
	Payload []byte
}

func deliver(e Event) {
	log.Printf("event %d: %d bytes", e.ID, len(e.Payload))
}

// decode reads the events a client sent.
func decode(data []byte) []Event {
	var events []Event
	_ = json.Unmarshal(data, &events)
	return events
}

// PublishAbove is suppressed by a directive on the line above the finding.
func PublishAbove(data []byte) {
	for _, e := range decode(data) {
		//goroguard:ignore spawnloop callers pass at most a handful of events
		go deliver(e)
	}
}

// PublishSameLine is suppressed by a directive on the finding's line.
func PublishSameLine(data []byte) {
	for _, e := range decode(data) {
		go deliver(e) //goroguard:ignore spawnloop callers pass at most a handful of events
	}
}

// PublishOther has a directive for another analyzer: the spawnloop finding stays.
func PublishOther(data []byte) {
	for _, e := range decode(data) {
		//goroguard:ignore ctxdone deliver never blocks
		go deliver(e) // e2e:want spawnloop
	}
}

// PublishNoReason has a directive without a reason: the directive is reported, and the finding
// stays.
func PublishNoReason(data []byte) {
	for _, e := range decode(data) {
		// e2e:want+1 spawnloop
		//goroguard:ignore spawnloop
		go deliver(e) // e2e:want spawnloop
	}
}
