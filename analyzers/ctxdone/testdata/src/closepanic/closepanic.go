// Package closepanic holds spawners that close the channel their goroutine sends on while the
// goroutine can still send: the send panics instead of blocking.
package closepanic

import (
	"context"
	"time"
)

func compute() int { return 1 }

// Reported as a panic: the deferred close runs on the ctx.Done() exit, and the late send panics.
func fetchDeferClose(ctx context.Context) (int, error) {
	results := make(chan int)
	defer close(results)
	go func() { // want `goroutine sends on results, but the spawner can leave through case <-ctx.Done\(\) and return at line \d+ without receiving from it and its deferred close\(results\) at line \d+ runs: the late send panics with "send on closed channel" and crashes the process; receive on every path, or let the sender close it`
		results <- compute()
	}()
	select {
	case r := <-results:
		return r, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Fine: the same deferred close, but every way out receives first.
func fetchDeferCloseReceived() int {
	results := make(chan int)
	defer close(results)
	go func() {
		results <- compute()
	}()
	return <-results
}

// Reported as a panic: the close is on the timeout exit itself.
func fetchCloseOnTimeout() int {
	results := make(chan int)
	go func() { // want `goroutine sends on results, but the spawner can leave through case <-time.After\(time.Second\) and return at line \d+ without receiving from it and closes results on the way out \(line \d+\): the late send panics with "send on closed channel"`
		results <- compute()
	}()
	select {
	case r := <-results:
		return r
	case <-time.After(time.Second):
		close(results)
		return -1
	}
}

// Reported as a parked goroutine, not a panic: the close runs only after a receive, and the
// timeout exit closes nothing.
func fetchCloseAfterReceive() int {
	results := make(chan int)
	go func() { // want `goroutine sends on results, but the spawner can leave through case <-time.After\(time.Second\) and return at line \d+ without receiving from it: the goroutine blocks forever and leaks`
		results <- compute()
	}()
	select {
	case r := <-results:
		close(results)
		return r
	case <-time.After(time.Second):
		return -1
	}
}
