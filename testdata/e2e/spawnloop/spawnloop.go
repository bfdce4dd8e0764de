// Package spawnloop holds spawnloop's end-to-end cases: per-item spawns over input, each beside a
// bounded near miss.
package spawnloop

import (
	"bufio"
	"encoding/json"
	"io"
	"runtime"
	"sync"
)

type Item struct{ ID int }

func process(Item) {}

// ProcessAll starts one goroutine per item decoded from r.
func ProcessAll(r io.Reader) {
	var items []Item
	if err := json.NewDecoder(r).Decode(&items); err != nil {
		return
	}
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() { // e2e:want spawnloop
			defer wg.Done()
			process(it)
		}()
	}
	wg.Wait()
}

// ProcessAllBounded acquires a semaphore slot before each spawn: fine.
func ProcessAllBounded(items []Item) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, it := range items {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			process(it)
		}()
	}
	wg.Wait()
}

// Consume starts one goroutine per job decoded from the stream.
func Consume(r io.Reader) {
	dec := json.NewDecoder(r)
	var wg sync.WaitGroup
	for {
		var j Item
		if dec.Decode(&j) != nil {
			break
		}
		wg.Go(func() { process(j) }) // e2e:want spawnloop
	}
	wg.Wait()
}

// StartWorkers is a worker pool of GOMAXPROCS goroutines reading a shared channel: fine.
func StartWorkers(jobs <-chan Item) {
	for range runtime.GOMAXPROCS(0) {
		go func() {
			for j := range jobs {
				process(j)
			}
		}()
	}
}

// Lines starts one goroutine per line of input.
func Lines(r io.Reader, handle func(string)) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		go handle(line) // e2e:want spawnloop
	}
}

// Fixed fans out over a constant list: fine.
func Fixed(handle func(string)) {
	for _, name := range []string{"alpha", "beta", "gamma"} {
		go handle(name)
	}
}
