package app

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestFetchTimeout(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if _, err := Fetch(ctx, func() int { time.Sleep(20 * time.Millisecond); return 1 }); err == nil {
		t.Fatal("want the context's error")
	}
	time.Sleep(40 * time.Millisecond) // the goroutine reaches its send
}

func TestFetchBuffered(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	FetchBuffered(ctx, func() int { time.Sleep(20 * time.Millisecond); return 1 })
	time.Sleep(40 * time.Millisecond)
}

func TestQueue(t *testing.T) {
	q := NewQueue()
	ran := false
	q.Do(func() { ran = true })
	if !ran {
		t.Fatal("job did not run")
	}
}

// TestSpin leaves a goroutine running (sleeping in a loop) past the end of the tests.
func TestSpin(t *testing.T) {
	var stop atomic.Bool
	Spin(&stop)
	t.Cleanup(func() { _ = &stop }) // never stopped
}
