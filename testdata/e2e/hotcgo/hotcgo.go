// Package hotcgo is the end-to-end fixture of the hotcgo analyzer: a cgo package whose goroutines
// call into C per item (findings) next to bounded and batched versions (no findings).
package hotcgo

/*
static long checksum(const unsigned char *p, long n) {
	long s = 0;
	for (long i = 0; i < n; i++) s = s * 31 + p[i];
	return s;
}
static long checksum_one(long x) { return x * 2654435761L; }
*/
import "C"

import (
	"encoding/gob"
	"io"
	"runtime"
	"sync"
	"unsafe"
)

func sum(b []byte) int64 {
	if len(b) == 0 {
		return 0
	}
	return int64(C.checksum((*C.uchar)(unsafe.Pointer(&b[0])), C.long(len(b))))
}

// ChecksumAll starts one goroutine per block decoded from r, each blocked in C on its own thread.
func ChecksumAll(r io.Reader) []int64 {
	var blocks [][]byte
	if err := gob.NewDecoder(r).Decode(&blocks); err != nil {
		return nil
	}
	out := make([]int64, len(blocks))
	var wg sync.WaitGroup
	for i, b := range blocks {
		wg.Add(1)
		go func() { // e2e:want hotcgo spawnloop
			defer wg.Done()
			out[i] = sum(b)
		}()
	}
	wg.Wait()
	return out
}

// ChecksumBounded is the fix: at most GOMAXPROCS goroutines are in C at once.
func ChecksumBounded(blocks [][]byte) []int64 {
	out := make([]int64, len(blocks))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, b := range blocks {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i] = sum(b)
		}()
	}
	wg.Wait()
	return out
}

// Workers is a pool whose workers cross into C once per value received.
func Workers(values <-chan int64, out chan<- int64) {
	var wg sync.WaitGroup
	for n := 0; n < runtime.GOMAXPROCS(0); n++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range values { // e2e:want hotcgo
				out <- int64(C.checksum_one(C.long(v)))
			}
		}()
	}
	go func() { wg.Wait(); close(out) }()
}

// Once calls C a single time in a goroutine: not hot.
func Once(b []byte, out chan<- int64) {
	go func() { out <- sum(b) }()
}
