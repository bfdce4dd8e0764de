// Package app has no cgo of its own: it reaches C only through package codec's facts.
package app

import (
	"context"
	"sync"

	"codec"

	"golang.org/x/sync/errgroup"
)

// Per-item goroutines calling an exported cgo-backed function of another package.
func DecodeAll(bufs [][]byte) []int {
	out := make([]int, len(bufs))
	var wg sync.WaitGroup
	for i, b := range bufs {
		wg.Add(1)
		go func() { // want `goroutine started per item by the go statement calls codec.Decode, which calls C.decode`
			defer wg.Done()
			out[i] = codec.Decode(b)
		}()
	}
	wg.Wait()
	return out
}

// Per-item goroutines calling a method of another package's type.
func EncodeAll(ctx context.Context, enc *codec.Encoder, sizes [][2]int) error {
	g, _ := errgroup.WithContext(ctx)
	for _, s := range sizes {
		g.Go(func() error { // want `goroutine started per item by errgroup.Group.Go calls codec.Encoder.Encode, which calls C.encode`
			enc.Encode(s[0], s[1])
			return nil
		})
	}
	return g.Wait()
}

// A transitive fact: ProcessAll reaches C through DecodeFile, through Decode.
func ProcessAll(paths []string) (n int) { // want ProcessAll:"reaches C.decode"
	for _, p := range paths {
		n += codec.DecodeFile(p)
	}
	return n
}

// Per-item spawn of a function of another package that reaches C through a third function.
func ProcessEach(paths []string) {
	for _, p := range paths {
		go codec.DecodeFile(p) // want `goroutine started per item by the go statement calls codec.DecodeFile, which calls C.decode`
	}
}

// Worker pool of a fixed size: pattern 2 on the job loop, through the other package. Each job is a
// small item (a size pair), so the crossing is a real share of the work.
func Workers(n int, enc *codec.Encoder, jobs <-chan [2]int, out chan<- int) {
	for w := 0; w < n; w++ {
		go func() {
			for s := range jobs { // want `loop in a goroutine calls codec.Encoder.Encode, which calls C.encode, on every iteration`
				out <- enc.Encode(s[0], s[1])
			}
		}()
	}
}

// Near miss: each job is a whole buffer; one C call per buffer is already the batched form.
func DecodeWorkers(n int, jobs <-chan []byte, out chan<- int) {
	for w := 0; w < n; w++ {
		go func() {
			for b := range jobs {
				out <- codec.Decode(b)
			}
		}()
	}
}

// Near miss: the call goes through an interface; its target is unknown (like database/sql calling a
// cgo driver), so it is not followed.
func EncodeVia(c codec.Codec, sizes [][2]int) {
	for _, s := range sizes {
		go c.Encode(s[0], s[1])
	}
}

// Near miss: pure-Go functions of a cgo package.
func Names(items []string) {
	for range items {
		go codec.Name()
	}
}

// Near miss: per-item goroutines that only free C memory (an allocator helper).
func ReleaseAll(ps [][]byte) {
	for _, p := range ps {
		go codec.Release(nil)
		_ = p
	}
}

// Near miss: a loop of the main goroutine: no goroutine, no report.
func DecodeInline(bufs [][]byte) (n int) { // want DecodeInline:"reaches C.decode"
	for _, b := range bufs {
		n += codec.Decode(b)
	}
	return n
}
