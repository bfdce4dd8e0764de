// Package apptest exercises package app from another package: the leaked goroutines' go
// statements are in app, the tests here.
package apptest

import (
	"context"
	"testing"
	"time"

	"example.com/leaks/app"
)

func TestFirst(t *testing.T) {
	if got := app.First(3); got != 0 && got != 1 && got != 4 {
		t.Fatalf("First = %d", got)
	}
}

func TestQueryTimeout(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if _, err := app.Query(ctx, func() int { time.Sleep(20 * time.Millisecond); return 1 }); err == nil {
		t.Fatal("want the context's error")
	}
	time.Sleep(40 * time.Millisecond) // the goroutine reaches its send
}

func TestWatch(t *testing.T) {
	app.Watch()
}
