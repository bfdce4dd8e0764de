// Package q is ordinary, correct goroutine code: no analyzer the plugin builds reports anything.
package q

import (
	"context"
	"sync"
)

// Result is one worker's answer.
type Result struct {
	ID  int
	Err error
}

// FanOut runs a fixed number of workers and waits for all of them; the result channel has room
// for every send, so no worker can block after the caller stops receiving.
func FanOut(ctx context.Context, work func(context.Context, int) error) []Result {
	const workers = 4
	results := make(chan Result, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- Result{ID: i, Err: work(ctx, i)}
		}()
	}
	wg.Wait()
	close(results)
	var out []Result
	for r := range results {
		out = append(out, r)
	}
	return out
}
