// Package p checks the plugin's wiring through golangci-lint's registry: the finding below comes
// from the shared directive handling, which every analyzer the plugin builds goes through.
package p

import "sync"

// Drain runs a fixed number of workers over a closed channel of jobs and waits for them.
func Drain(jobs <-chan func()) {
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range jobs {
				job()
			}
		}()
	}
	/* want `//goroguard:ignore directive for spawnloop needs a reason` */ //goroguard:ignore spawnloop
	wg.Wait()
}
