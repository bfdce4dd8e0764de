// Package pipeline is a small ingestion pipeline: stages connected by channels, a fetch helper
// with a timeout, and a metrics reporter. It shows the goroutine leaks ctxdone finds: running
// `go run ./cmd/goroguard ./testdata/demo/...` reports the functions marked LEAK below.
package pipeline

import (
	"context"
	"errors"
	"log"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
)

// Record is one unit flowing through the pipeline.
type Record struct {
	ID   int
	Body string
}

// Source produces records.
type Source interface {
	Next(ctx context.Context) (Record, error)
}

// ErrTimeout is returned when a fetch takes too long.
var ErrTimeout = errors.New("pipeline: fetch timed out")

// FetchWithTimeout asks src for the next record and gives up after d.
//
// LEAK: on timeout (or cancellation) nobody receives from done, so the goroutine's send blocks
// forever and every slow fetch leaves one goroutine behind. The fix is make(chan result, 1).
func FetchWithTimeout(ctx context.Context, src Source, d time.Duration) (Record, error) {
	type result struct {
		rec Record
		err error
	}
	done := make(chan result)
	go func() {
		rec, err := src.Next(ctx)
		done <- result{rec, err}
	}()
	select {
	case r := <-done:
		return r.rec, r.err
	case <-time.After(d):
		return Record{}, ErrTimeout
	case <-ctx.Done():
		return Record{}, ctx.Err()
	}
}

// Normalize is the middle stage: it reads raw records and writes cleaned ones.
//
// Fine: it returns when ctx is done and when in is closed.
func Normalize(ctx context.Context, in <-chan Record, out chan<- Record) {
	defer close(out)
	for {
		select {
		case r, ok := <-in:
			if !ok {
				return
			}
			r.Body = strings.TrimSpace(strings.ToLower(r.Body))
			select {
			case out <- r:
			case <-ctx.Done():
				return
			}
		case <-ctx.Done():
			return
		}
	}
}

// Sink stores records.
type Sink struct {
	stored []Record
	errs   chan error
}

// consume stores records until... never: it ignores its context and has no exit.
func (s *Sink) consume(ctx context.Context, in <-chan Record) {
	for {
		r := <-in
		s.stored = append(s.stored, r)
	}
}

// Run wires the stages together.
//
// LEAK: the sink's consume loop ignores ctx, so g.Wait never returns after cancellation and
// the goroutine outlives the pipeline.
func Run(ctx context.Context, src Source, n int) error {
	g, ctx := errgroup.WithContext(ctx)
	raw := make(chan Record)
	clean := make(chan Record)
	sink := &Sink{}

	g.Go(func() error {
		defer close(raw)
		for i := 0; i < n; i++ {
			rec, err := FetchWithTimeout(ctx, src, time.Second)
			if err != nil {
				return err
			}
			select {
			case raw <- rec:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	g.Go(func() error {
		Normalize(ctx, raw, clean)
		return nil
	})
	go sink.consume(ctx, clean)
	return g.Wait()
}

// Reporter logs throughput once a second.
type Reporter struct {
	count chan int
	quit  chan struct{}
}

// Start launches the reporting loop.
//
// LEAK: when Close closes quit, the quit case only logs and the loop goes round again: a
// closed channel is always ready, so the goroutine spins forever.
func (r *Reporter) Start() {
	go func() {
		total := 0
		for {
			select {
			case n := <-r.count:
				total += n
			case <-r.quit:
				log.Printf("reporter: stopping after %d records", total)
			}
		}
	}()
}

// Close stops the reporter.
func (r *Reporter) Close() { close(r.quit) }

// Batch groups records in fixed-size batches.
//
// LEAK: batches is never closed, so the batching goroutine ranges forever once the records
// are sent.
func Batch(recs []Record, size int, flush func([]Record)) {
	batches := make(chan Record)
	go func() {
		var cur []Record
		for r := range batches {
			cur = append(cur, r)
			if len(cur) == size {
				flush(cur)
				cur = nil
			}
		}
		if len(cur) > 0 {
			flush(cur)
		}
	}()
	for _, r := range recs {
		batches <- r
	}
}

// BatchClosed is the fixed Batch: closing the channel ends the goroutine's range.
func BatchClosed(recs []Record, size int, flush func([]Record)) {
	batches := make(chan Record)
	done := make(chan struct{})
	go func() {
		defer close(done)
		var cur []Record
		for r := range batches {
			cur = append(cur, r)
			if len(cur) == size {
				flush(cur)
				cur = nil
			}
		}
		if len(cur) > 0 {
			flush(cur)
		}
	}()
	for _, r := range recs {
		batches <- r
	}
	close(batches)
	<-done
}
