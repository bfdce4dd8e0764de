// Package never holds goroutines that range over a channel nobody closes (pattern 3).
package never

import (
	"context"
	"errors"
	"fmt"
)

type item struct{ id int }

func process(it item) {}

// produce never closes items: the consumer ranges forever once the sends stop.
func produce(n int) {
	items := make(chan item)
	go func() { // want `goroutine waits for items to be closed, but items is never closed: the goroutine blocks forever once the spawner stops sending`
		for it := range items {
			process(it)
		}
	}()
	for i := 0; i < n; i++ {
		items <- item{i}
	}
}

// produceClosed is fine: the producer closes items when done.
func produceClosed(n int) {
	items := make(chan item)
	go func() {
		for it := range items {
			process(it)
		}
	}()
	for i := 0; i < n; i++ {
		items <- item{i}
	}
	close(items)
}

// produceEarly closes items on the normal path only.
func produceEarly(ctx context.Context, n int) error {
	items := make(chan item)
	go func() { // want `goroutine ranges over items, but the spawner can return at line \d+ without closing it`
		for it := range items {
			process(it)
		}
	}()
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		items <- item{i}
	}
	close(items)
	return nil
}

// produceDefer is fine: the deferred close runs on every way out.
func produceDefer(ctx context.Context, n int) error {
	items := make(chan item)
	defer close(items)
	go func() {
		for it := range items {
			process(it)
		}
	}()
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		items <- item{i}
	}
	return nil
}

// consume is a named consumer; its fact says it drains its parameter.
func consume(in <-chan item) { // want consume:"chanparams\\(0:drains\\)"
	for it := range in {
		process(it)
	}
}

// startConsumer hands the channel to a named consumer and never closes it.
func startConsumer(n int) {
	ch := make(chan item, 16)
	go consume(ch) // want `goroutine waits for ch to be closed, but ch is never closed`
	for i := 0; i < n; i++ {
		ch <- item{i}
	}
}

// handedOn is fine for this check: the channel is passed to another function, which may close
// it.
func handedOn(n int) {
	ch := make(chan item)
	go consume(ch)
	feed(ch, n)
}

func feed(ch chan<- item, n int) { // want feed:"chanparams\\(0:sends\\)"
	for i := 0; i < n; i++ {
		ch <- item{i}
	}
	close(ch)
}

// returned is fine: the caller gets the channel and is responsible for closing it.
func returned() chan<- item {
	ch := make(chan item)
	go func() {
		for it := range ch {
			fmt.Println(it)
		}
	}()
	return ch
}

// producerConsumer is fine: the producer goroutine closes what the consumer ranges over.
func producerConsumer(n int) {
	ch := make(chan item)
	done := make(chan struct{})
	go func() {
		defer close(ch)
		for i := 0; i < n; i++ {
			ch <- item{i}
		}
	}()
	go func() {
		defer close(done)
		for it := range ch {
			process(it)
		}
	}()
	<-done
}

// closedFirst is fine: the channel is filled and closed before the workers start ranging.
func closedFirst(items []item, workers int) {
	jobs := make(chan item, len(items))
	for _, it := range items {
		jobs <- it
	}
	close(jobs)
	for i := 0; i < workers; i++ {
		go func() {
			for it := range jobs {
				process(it)
			}
		}()
	}
}

// connect returns its channel through the named result kill (a bare return mentions no
// variable): the caller receives from it, so the goroutine's send is not this function's
// business.
func connect(conns []string) (kill chan bool, err error) {
	kill = make(chan bool)
	for _, c := range conns {
		if c == "" {
			err = errBad
			return
		}
		go func() {
			kill <- true
		}()
	}
	return
}

// connectLocal keeps its channel local and returns early on a bad address: a goroutine
// already started blocks on its send.
func connectLocal(conns []string) error {
	kill := make(chan bool)
	for _, c := range conns {
		if c == "" {
			return errBad
		}
		go func() { // want `goroutines send on kill, but the spawner can return at line \d+ without receiving from it`
			kill <- true
		}()
	}
	for range conns {
		<-kill
	}
	return nil
}

var errBad = errors.New("bad address")
