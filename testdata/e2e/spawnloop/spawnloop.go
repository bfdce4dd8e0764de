// Package spawnloop holds spawnloop's end-to-end cases: per-item spawns over input, each beside a
// bounded near miss.
package spawnloop

import (
	"bufio"
	"io"
	"runtime"
	"sync"
)

type Item struct{ ID int }

func process(Item) {}

// ProcessAll starts one goroutine per item of its parameter.
func ProcessAll(items []Item) {
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

// Consume starts one goroutine per job received.
func Consume(jobs <-chan Item) {
	var wg sync.WaitGroup
	for j := range jobs {
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
