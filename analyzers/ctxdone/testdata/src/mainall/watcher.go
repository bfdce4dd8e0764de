package main

import "context"

// The same as mainpkg/watcher.go: with include-main, both are reported.
type watcher struct {
	reports chan string
}

// run is called once, from init: its goroutine lives as long as the process.
func run(ctx context.Context, w *watcher) string {
	go func() {
		w.reports <- "ready" // want `goroutine running a function literal in run sends on field reports`
	}()
	select {
	case r := <-w.reports:
		return r
	case <-ctx.Done():
		return ""
	}
}

// poller is the near miss: init calls poll in a loop, and each call can leave a reporter behind.
type poller struct {
	ticks chan string
}

func poll(ctx context.Context, p *poller) string {
	go func() {
		p.ticks <- "tick" // want `goroutine running a function literal in poll sends on field ticks, but every receive from it is a select case with another way out`
	}()
	select {
	case r := <-p.ticks:
		return r
	case <-ctx.Done():
		return ""
	}
}

func init() {
	ctx := context.Background()
	run(ctx, &watcher{reports: make(chan string)})
	p := &poller{ticks: make(chan string)}
	for i := 0; i < 3; i++ {
		poll(ctx, p)
	}
}
