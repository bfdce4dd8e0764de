// Package stoploop holds the forgotten stop: a goroutine whose endless loop ends only when the
// spawner closes its stop channel, and a spawner that can return without closing it.
package stoploop

import (
	"context"
	"errors"
	"time"
)

type Syncer struct{ done, total int }

func (s *Syncer) fetch(ctx context.Context) error { return errors.New("unreachable") }
func (s *Syncer) reportProgress()                 {}

// Sync reports progress every second while it fetches; a failed fetch returns before the close,
// and the reporter ticks on for the life of the process.
func (s *Syncer) Sync(ctx context.Context) error {
	stop := make(chan struct{})
	ticker := time.NewTicker(time.Second)
	go func() { // want `goroutine runs a loop whose only way out is a receive from stop, but the spawner can return at line \d+ without closing it: the goroutine never ends and leaks`
		defer ticker.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
				s.reportProgress()
			}
		}
	}()
	if err := s.fetch(ctx); err != nil {
		return err
	}
	close(stop)
	return nil
}

// SyncDeferred is the near miss: the deferred close runs on every way out.
func (s *Syncer) SyncDeferred(ctx context.Context) error {
	stop := make(chan struct{})
	defer close(stop)
	ticker := time.NewTicker(time.Second)
	go func() {
		defer ticker.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
				s.reportProgress()
			}
		}
	}()
	return s.fetch(ctx)
}

// SyncWatchingContext is the near miss whose reporter also ends with the context.
func (s *Syncer) SyncWatchingContext(ctx context.Context) error {
	stop := make(chan struct{})
	ticker := time.NewTicker(time.Second)
	go func() {
		defer ticker.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-ticker.C:
				s.reportProgress()
			}
		}
	}()
	if err := s.fetch(ctx); err != nil {
		return err
	}
	close(stop)
	return nil
}

// SyncClosedOnBothPaths is the near miss that closes before each return.
func (s *Syncer) SyncClosedOnBothPaths(ctx context.Context) error {
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Second):
				s.reportProgress()
			}
		}
	}()
	if err := s.fetch(ctx); err != nil {
		close(stop)
		return err
	}
	close(stop)
	return nil
}

type conn struct{}

func (conn) ping() error             { return nil }
func (conn) exchange(b []byte) error { return nil }

// keepAlive pings until told to stop, passed as a parameter; the exchange's error path forgets
// to tell it.
func exchange(c conn, msg []byte) error {
	quit := make(chan struct{})
	go func(quit <-chan struct{}) { // want `goroutine runs a loop whose only way out is a receive from quit, but the spawner can return at line \d+ without closing it`
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				_ = c.ping()
			case <-quit:
				return
			}
		}
	}(quit)
	if err := c.exchange(msg); err != nil {
		return err
	}
	close(quit)
	return nil
}

// exchangeGivesUp is the near miss whose pinger also leaves the loop after too many failures.
func exchangeGivesUp(c conn, msg []byte) error {
	quit := make(chan struct{})
	go func() {
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		failures := 0
	loop:
		for {
			select {
			case <-t.C:
				if c.ping() != nil {
					if failures++; failures > 3 {
						break loop
					}
				}
			case <-quit:
				return
			}
		}
	}()
	if err := c.exchange(msg); err != nil {
		return err
	}
	close(quit)
	return nil
}

type server struct{ stop chan struct{} }

// startKept is the near miss that keeps the stop channel for a later Close.
func (s *server) startKept(c conn) error {
	stop := make(chan struct{})
	s.stop = stop
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Second):
				_ = c.ping()
			}
		}
	}()
	return c.exchange(nil)
}
