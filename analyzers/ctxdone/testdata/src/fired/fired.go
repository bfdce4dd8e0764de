// Package fired holds goroutines started only once their spawner has seen a context cancelled,
// that then wait on channels whose partners leave on that same cancellation: reported by default.
package fired

import "context"

// ---- a drain started on cancellation, partners that leave on the same context ----

// Batch hands one result per slot from a producer to a consumer. On cancellation the consumer
// starts a goroutine to take the results it will not wait for; the producer leaves on the same
// ctx, so the drain waits for a send that never comes.
type Batch struct {
	slots []chan int
}

func NewBatch(n int) *Batch {
	b := &Batch{}
	for i := 0; i < n; i++ {
		b.slots = append(b.slots, make(chan int))
	}
	return b
}

func (b *Batch) produce(ctx context.Context) {
	for i, ch := range b.slots {
		select {
		case ch <- i:
		case <-ctx.Done():
			return
		}
	}
}

func (b *Batch) consume(ctx context.Context) int {
	sum := 0
	done := ctx.Done()
	for _, ch := range b.slots {
		select {
		case v := <-ch:
			sum += v
		case <-done:
			go func() {
				for _, ch := range b.slots {
					<-ch // want `goroutine running a function literal in \(\*Batch\).consume receives from .*; the goroutine starts only after the cancellation the other side leaves on \(<-ctx.Done\(\)\) was seen`
				}
			}()
			return sum
		}
	}
	return sum
}

func Run() int {
	b := NewBatch(4)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go b.produce(ctx)
	return b.consume(ctx)
}

// ---- near miss: the producer leaves on a different context ----

// Relay's sender watches its own shutdown context, not the request's: a drain started when the
// request is cancelled may still receive what the sender sends later. Neither side can tell.
type Relay struct {
	out chan int
}

func (r *Relay) send(shutdown context.Context, v int) {
	select {
	case r.out <- v:
	case <-shutdown.Done():
	}
}

func (r *Relay) await(req context.Context) int {
	select {
	case v := <-r.out:
		return v
	case <-req.Done():
		go func() {
			<-r.out // fine: the sender leaves on another context, which may still be live
		}()
		return 0
	}
}

func StartRelay(shutdown, req context.Context) int {
	r := &Relay{out: make(chan int)}
	go r.send(shutdown, 1)
	return r.await(req)
}

// ---- near miss: the goroutine is started before any cancellation is seen ----

// Prefetch starts its reader up front; it and the writer share a context, but the reader runs
// while the writer may still send.
type Prefetch struct {
	data chan []byte
}

func (p *Prefetch) fill(ctx context.Context) {
	select {
	case p.data <- []byte("x"):
	case <-ctx.Done():
	}
}

func (p *Prefetch) start(ctx context.Context) {
	go func() {
		buf := <-p.data // fine for this rule: started before the cancellation (reported only with package-channels)
		_ = buf
	}()
	<-ctx.Done()
}

func StartPrefetch(ctx context.Context) {
	p := &Prefetch{data: make(chan []byte)}
	go p.fill(ctx)
	p.start(ctx)
}

// ---- near miss: the producer closes its channels when it leaves ----

// Stream's producer closes each slot on the way out, so a drain started on cancellation ends.
type Stream struct {
	slots []chan int
}

func (s *Stream) produce(ctx context.Context) {
	defer func() {
		for _, ch := range s.slots {
			close(ch)
		}
	}()
	for i, ch := range s.slots {
		select {
		case ch <- i:
		case <-ctx.Done():
			return
		}
	}
}

func (s *Stream) consume(ctx context.Context) {
	for _, ch := range s.slots {
		select {
		case <-ch:
		case <-ctx.Done():
			go func() {
				for _, ch := range s.slots {
					<-ch // fine: the producer closes every slot when it leaves
				}
			}()
			return
		}
	}
}

func RunStream() {
	s := &Stream{slots: []chan int{make(chan int), make(chan int)}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.produce(ctx)
	s.consume(ctx)
}
