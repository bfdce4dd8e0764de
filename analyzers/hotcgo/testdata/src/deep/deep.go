// Package deep is analysed with -hotcgo.deep: its want comments are that configuration's findings,
// and the default configuration reports nothing here (TestConfig). The C call is reached only
// through long or conditional chains of static calls.
package deep

/*
#include <string.h>
static int recover_pub(const unsigned char *sig, unsigned char *out) { memcpy(out, sig, 32); return 1; }
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

type Tx struct {
	Sig  []byte
	from []byte
}

func recoverPub(sig []byte) []byte {
	out := make([]byte, 32)
	C.recover_pub((*C.uchar)(unsafe.Pointer(&sig[0])), (*C.uchar)(unsafe.Pointer(&out[0])))
	return out
}

// sender recovers the sender on a cache miss only.
func sender(tx *Tx) []byte {
	if tx.from != nil {
		return tx.from
	}
	tx.from = recoverPub(tx.Sig)
	return tx.from
}

func applyTx(tx *Tx, kind int) int {
	if kind == 0 {
		return 0
	}
	return execute(tx)
}

func execute(tx *Tx) int { return charge(tx) }

func charge(tx *Tx) int { return len(sender(tx)) }

// A goroutine per transaction whose C call is six calls down and conditional: reported only with
// the deep flag, as a thread problem, without batch advice.
func TraceBlock(txs []*Tx) []int {
	out := make([]int, len(txs))
	var wg sync.WaitGroup
	for i, tx := range txs {
		wg.Add(1)
		go func() { // want `goroutine started per item by the go statement calls applyTx, which reaches C.recover_pub through further calls: .*bound the goroutines \(a semaphore of runtime.GOMAXPROCS\(0\)\) \(`
			defer wg.Done()
			out[i] = applyTx(tx, i%2)
		}()
	}
	wg.Wait()
	return out
}

// Near miss even with the flag: the goroutines are bounded by a semaphore.
func TraceBlockBounded(txs []*Tx) []int {
	out := make([]int, len(txs))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, tx := range txs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i] = applyTx(tx, i%2)
		}()
	}
	wg.Wait()
	return out
}

// Near miss even with the flag: a worker's loop over transactions reaching C deep down is never a
// batching finding (the signature has no batch form).
func TraceWorker(txs []*Tx, done chan<- int) {
	go func() {
		n := 0
		for _, tx := range txs {
			n += applyTx(tx, 1)
		}
		done <- n
	}()
}
