package fanin

import (
	"sync"

	"golang.org/x/sync/errgroup"
)

// ---- a closer goroutine that closes done after wg.Wait() ----

// collectAll is fine: every worker's deferred wg.Done runs after its send, so done is closed
// only after every send was received, and the loop leaves only through done.
func collectAll(items []string, handle func(string) error) []error {
	var wg sync.WaitGroup
	errCh := make(chan error)
	done := make(chan struct{})
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := handle(it); err != nil {
				errCh <- err
			}
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	var errs []error
	for {
		select {
		case err := <-errCh:
			errs = append(errs, err)
		case <-done:
			return errs
		}
	}
}

// firstFailure returns on the first error: the workers that fail after it block forever on
// their send, and the closer in wg.Wait with them.
func firstFailure(items []string, handle func(string) error) error {
	var wg sync.WaitGroup
	errCh := make(chan error)
	done := make(chan struct{})
	for _, it := range items {
		wg.Add(1)
		go func() { // want `goroutines send on errCh, but the spawner receives only one value before it can leave through case err := <-errCh and return at line \d+`
			defer wg.Done()
			if err := handle(it); err != nil {
				errCh <- err
			}
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case err := <-errCh:
		return err
	case <-done:
		return nil
	}
}

// doneFirst is the near miss of collectAll: the worker signals the group before it sends, so
// done can close while a send is still pending, and leaving through done strands it.
func doneFirst(items []string, handle func(string) error) []error {
	var wg sync.WaitGroup
	errCh := make(chan error)
	done := make(chan struct{})
	for _, it := range items {
		wg.Add(1)
		go func() { // want `goroutines send on errCh, but the spawner can leave through case <-done and return`
			err := handle(it)
			wg.Done()
			if err != nil {
				errCh <- err
			}
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	var errs []error
	for {
		select {
		case err := <-errCh:
			errs = append(errs, err)
		case <-done:
			return errs
		}
	}
}

// collectGroup is collectAll with an errgroup: Wait returns after every function returned.
func collectGroup(items []string, handle func(string) error) []error {
	var g errgroup.Group
	errCh := make(chan error)
	done := make(chan struct{})
	for _, it := range items {
		g.Go(func() error {
			if err := handle(it); err != nil {
				errCh <- err
			}
			return nil
		})
	}
	go func() {
		g.Wait()
		close(done)
	}()
	var errs []error
	for {
		select {
		case err := <-errCh:
			errs = append(errs, err)
		case <-done:
			return errs
		}
	}
}

// ---- a closer goroutine that sends one value after wg.Wait() ----

// mergeAll is fine: the closer sends one value once every worker is done, so receiving it proves
// every send was received, like a close would.
func mergeAll(shards []int, fetch func(int) (string, error)) ([]string, error) {
	var wg sync.WaitGroup
	resCh := make(chan string)
	finished := make(chan bool)
	for _, sh := range shards {
		wg.Add(1)
		go func(sh int) {
			defer wg.Done()
			if r, err := fetch(sh); err == nil {
				resCh <- r
			}
		}(sh)
	}
	go func() {
		wg.Wait()
		finished <- true
	}()
	var out []string
	for {
		select {
		case r := <-resCh:
			out = append(out, r)
		case <-finished:
			return out, nil
		}
	}
}

// mergeFirstError is mergeAll returning on the first error: the shards that fail later block on
// their send, and the closer blocks on its own send after wg.Wait.
func mergeFirstError(shards []int, fetch func(int) error) error {
	var wg sync.WaitGroup
	errCh := make(chan error)
	finished := make(chan bool)
	for _, sh := range shards {
		wg.Add(1)
		go func(sh int) { // want `goroutines send on errCh, but the spawner receives only one value before it can leave through case err := <-errCh and return at line \d+`
			defer wg.Done()
			if err := fetch(sh); err != nil {
				errCh <- err
			}
		}(sh)
	}
	go func() { // want `goroutine sends on finished, but the spawner can leave through case err := <-errCh and return`
		wg.Wait()
		finished <- true
	}()
	select {
	case err := <-errCh:
		return err
	case <-finished:
		return nil
	}
}

// signalTwice is the near miss of mergeAll: its closer sends twice, so one receipt is no proof
// the group is done.
func signalTwice(shards []int, fetch func(int) (string, error)) []string {
	var wg sync.WaitGroup
	resCh := make(chan string)
	finished := make(chan bool, 2)
	for _, sh := range shards {
		wg.Add(1)
		go func(sh int) { // want `goroutines send on resCh, but the spawner can leave through case <-finished and return`
			defer wg.Done()
			if r, err := fetch(sh); err == nil {
				resCh <- r
			}
		}(sh)
	}
	go func() {
		finished <- true
		wg.Wait()
		finished <- true
	}()
	var out []string
	for {
		select {
		case r := <-resCh:
			out = append(out, r)
		case <-finished:
			return out
		}
	}
}
