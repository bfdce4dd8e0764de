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
