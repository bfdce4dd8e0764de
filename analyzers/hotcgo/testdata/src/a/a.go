// Package a exercises hotcgo on a package that calls its own C code.
package a

/*
#include <stdlib.h>
#include <string.h>

static int hash(const char *p, int n) {
	int h = 0;
	for (int i = 0; i < n; i++) h = h * 31 + p[i];
	return h;
}
static int resize(int w, int h) { return w * h; }
static void blocking_io(int fd) { (void)fd; }
static int hash_all(const int *xs, int n) { int h = 0; for (int i = 0; i < n; i++) h += xs[i]; return h; }
*/
import "C"

import (
	"context"
	"net"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"
)

type Image struct {
	W, H int
	Name string
}

// Pattern 1: one goroutine per item, each calling C.

func resizeAll(imgs []Image) {
	var wg sync.WaitGroup
	for _, img := range imgs {
		wg.Add(1)
		go func() { // want `goroutine started per item by the go statement calls C.resize: each goroutine blocked in C occupies an OS thread`
			defer wg.Done()
			C.resize(C.int(img.W), C.int(img.H))
		}()
	}
	wg.Wait()
}

// A named function spawned per item, reached through a helper of the package.
func hashName(name string) int {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	return int(C.hash(cs, C.int(len(name))))
}

func store(name string, out *int) { *out = hashName(name) }

func hashAll(names []string) []int {
	out := make([]int, len(names))
	for i := range names {
		go store(names[i], &out[i]) // want `goroutine started per item by the go statement calls store, which calls C.hash`
	}
	return out
}

// errgroup.Group.Go without a limit is as unbounded as a go statement.
func hashAllGroup(ctx context.Context, names []string) error {
	g, _ := errgroup.WithContext(ctx)
	for _, name := range names {
		g.Go(func() error { // want `goroutine started per item by errgroup.Group.Go calls hashName, which calls C.hash`
			hashName(name)
			return nil
		})
	}
	return g.Wait()
}

// An accept-style loop: one goroutine per connection, each blocking in C.
func serve(conns <-chan int) {
	for {
		fd, ok := <-conns
		if !ok {
			return
		}
		go C.blocking_io(C.int(fd)) // want `goroutine started per item by the go statement calls C.blocking_io`
	}
}

// A counted loop whose goroutine indexes by the counter is per item, whatever the bound's name.
func resizeN(imgs []Image, n int) {
	for i := 0; i < n; i++ {
		go func() { // want `goroutine started per item by the go statement calls C.resize`
			C.resize(C.int(imgs[i].W), C.int(imgs[i].H))
		}()
	}
}

// Near miss: SetLimit bounds the group, so at most GOMAXPROCS goroutines are in C at once.
func hashAllLimited(ctx context.Context, names []string) error {
	g, _ := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, name := range names {
		g.Go(func() error {
			hashName(name)
			return nil
		})
	}
	return g.Wait()
}

// Near miss: a group handed in by the caller may have its limit set there; stay silent.
func hashWithGroup(g *errgroup.Group, names []string) {
	for _, name := range names {
		g.Go(func() error { hashName(name); return nil })
	}
}

// Near miss: a buffered-channel semaphore acquired before the spawn bounds the threads.
func resizeBounded(imgs []Image) {
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, img := range imgs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			C.resize(C.int(img.W), C.int(img.H))
		}()
	}
	wg.Wait()
}

// Near miss: the semaphore is acquired inside the goroutine, before the C call.
func resizeWeighted(ctx context.Context, imgs []Image) {
	sem := semaphore.NewWeighted(4)
	for _, img := range imgs {
		go func() {
			if err := sem.Acquire(ctx, 1); err != nil {
				return
			}
			defer sem.Release(1)
			C.resize(C.int(img.W), C.int(img.H))
		}()
	}
}

// Near miss: a mutex serialises the C calls: one thread in C at a time.
func resizeSerial(imgs []Image) {
	var mu sync.Mutex
	for _, img := range imgs {
		go func() {
			mu.Lock()
			defer mu.Unlock()
			C.resize(C.int(img.W), C.int(img.H))
		}()
	}
}

// Near miss: the loop waits for each goroutine before starting the next.
func resizeOneByOne(imgs []Image) {
	for _, img := range imgs {
		done := make(chan int)
		go func() { done <- int(C.resize(C.int(img.W), C.int(img.H))) }()
		<-done
	}
}

// Near miss: a fixed, small number of goroutines each calling C once.
func warmUp() {
	for i := 0; i < 4; i++ {
		go C.resize(C.int(i), 1)
	}
	for _, n := range []int{1, 2, 3} {
		go C.resize(C.int(n), 1)
	}
}

// Near miss: one goroutine per network interface: the host fixes their number.
func perInterface() {
	ifaces, err := net.Interfaces()
	if err != nil {
		return
	}
	for _, iface := range ifaces {
		go C.blocking_io(C.int(iface.Index))
	}
}

// Near miss: one goroutine, one C call.
func background(img Image) {
	go func() {
		C.resize(C.int(img.W), C.int(img.H))
	}()
}

// Near miss: a loop in the main goroutine that nothing spawns pays the crossing but grows no threads
// and is not in a goroutine.
func hashInline(names []string) (sum int) {
	for _, name := range names {
		sum += hashName(name)
	}
	return sum
}

// Near miss: goroutines per item that only convert (C.CString and C.free are allocator helpers).
func convertAll(names []string) {
	for _, name := range names {
		go func() {
			cs := C.CString(name)
			C.free(unsafe.Pointer(cs))
		}()
	}
}

// Near miss: a ticker-paced loop starts one goroutine per tick, not per item.
func poll(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			go C.blocking_io(0)
		}
	}
}

// Pattern 2: a worker pool of GOMAXPROCS goroutines (bounded: not pattern 1), each calling C once
// per job.
func workers(jobs <-chan Image, results chan<- int) {
	var wg sync.WaitGroup
	for i := 0; i < runtime.GOMAXPROCS(0); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for img := range jobs { // want `loop in a goroutine calls C.resize on every iteration: each iteration crosses from Go into C and back`
				results <- int(C.resize(C.int(img.W), C.int(img.H)))
			}
		}()
	}
	wg.Wait()
}

// Pattern 2 in a named worker function with a select over its job channel: each job is a size,
// converted to C scalars one call each (batchable).
type pool struct {
	jobs  chan int
	names chan string
	quit  chan struct{}
	out   chan int
}

func area(n int) int { return int(C.resize(C.int(n), C.int(n))) }

func (p *pool) start(n int) {
	for i := 0; i < n; i++ {
		go p.work()
		go p.workNames()
	}
}

func (p *pool) work() {
	for { // want `loop in a goroutine calls area, which calls C.resize, on every iteration: .*convert the items to C scalars`
		select {
		case n := <-p.jobs:
			p.out <- area(n)
		case <-p.quit:
			return
		}
	}
}

// Near miss: one string per job, handed to C as a pointer (one hash per name, like one signature
// per transaction): no batch form, and one goroutine's loop grows no threads, so no finding.
func (p *pool) workNames() {
	for {
		select {
		case name := <-p.names:
			p.out <- hashName(name)
		case <-p.quit:
			return
		}
	}
}

// Pattern 2: a goroutine walking a slice, one crossing per element.
func checksumAsync(xs []int32, done chan<- int) {
	go func() {
		sum := 0
		for _, x := range xs { // want `loop in a goroutine calls C.hash_all on every iteration`
			v := C.int(x)
			sum += int(C.hash_all(&v, 1))
		}
		done <- sum
	}()
}

// Near miss: a worker that calls C once per buffer received: each call already covers a batch.
type frame struct {
	seq int
	pix []byte
}

func frameWorker(frames <-chan frame, done chan<- int) {
	go func() {
		for f := range frames {
			if len(f.pix) > 0 {
				done <- int(C.hash((*C.char)(unsafe.Pointer(&f.pix[0])), C.int(len(f.pix))))
			}
		}
	}()
}

// Near miss: a single goroutine fed by a control channel (here: how long the next blocking C call
// may wait) is paced by its sender, not a pool working through jobs.
func flushUntilDone(flushes <-chan int) {
	go func() {
		for ms := range flushes {
			C.blocking_io(C.int(ms))
		}
	}()
}

// Near miss: per-tick work in a ticker loop (flush every shard once a second) runs at the ticker's
// rate, even though the inner loop ranges over a slice.
func flusher(ctx context.Context, shards []int) {
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				for _, sh := range shards {
					C.blocking_io(C.int(sh))
				}
			}
		}
	}()
}

// handle owns a C resource.
type handle struct{ fd C.int }

func (h *handle) Close() { C.blocking_io(h.fd) } // want Close:"reaches C.blocking_io"

// Near miss: a shutdown loop over handles, one call per resource: nothing to batch.
func closeAll(hs []*handle, done chan<- struct{}) {
	go func() {
		for _, h := range hs {
			h.Close()
		}
		close(done)
	}()
}

// The same loop calling C with the item as a plain argument is per-element work.
func touchAll(fds []int32, done chan<- struct{}) {
	go func() {
		for _, fd := range fds { // want `loop in a goroutine calls C.blocking_io on every iteration`
			C.blocking_io(C.int(fd))
		}
		close(done)
	}()
}

// Near miss: the batched version converts in the loop and crosses once after it.
func checksumBatched(xs []int32, done chan<- int) {
	go func() {
		buf := make([]C.int, len(xs))
		for i, x := range xs {
			buf[i] = C.int(x)
		}
		if len(buf) == 0 {
			done <- 0
			return
		}
		done <- int(C.hash_all(&buf[0], C.int(len(buf))))
	}()
}

// Near miss: an event loop that polls C on a timer: the crossing is not the cost there.
func monitor(ctx context.Context) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
				C.blocking_io(1)
			}
		}
	}()
}

// Near miss: an endless loop with no input (a blocking reader) is an event loop, not a batchable one.
func reader(fd int) {
	go func() {
		for {
			C.blocking_io(C.int(fd))
		}
	}()
}

// Near miss: a small constant number of crossings in a goroutine.
func triple() {
	go func() {
		for i := 0; i < 3; i++ {
			C.resize(C.int(i), 2)
		}
	}()
}

// Suppressed with a reason.
func suppressed(imgs []Image) {
	for _, img := range imgs {
		//goroguard:ignore hotcgo each call returns in microseconds; measured, no thread growth
		go C.resize(C.int(img.W), C.int(img.H))
	}
}
