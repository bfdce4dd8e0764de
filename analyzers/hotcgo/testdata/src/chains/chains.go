// Package chains exercises how far a goroutine's reach into C is followed by default (MaxCalls
// short, unconditional static calls) and when the advice to batch is given, in the shapes of a
// blockchain client: signatures checked per transaction, a node record re-signed on a cache miss.
package chains

/*
#include <string.h>
static int recover_pub(const unsigned char *sig, const unsigned char *msg, unsigned char *out) {
	memcpy(out, msg, 32); return sig[0] != 0;
}
static int sign(const unsigned char *msg, const unsigned char *key, unsigned char *sig) {
	memcpy(sig, msg, 32); return key[0] != 0;
}
static long mix(long x) { return x * 2654435761L; }
*/
import "C"

import (
	"errors"
	"sync"
	"unsafe"
)

var errBadSig = errors.New("bad signature")

// Tx is a transaction with its signature.
type Tx struct {
	Hash [32]byte
	Sig  []byte
	from *[32]byte
}

// recoverPub is the cgo wrapper: its C call is on its unconditional path (after guards that return
// an error), like secp256k1.RecoverPubkey.
func recoverPub(msg, sig []byte) ([]byte, error) {
	if len(msg) != 32 || len(sig) != 65 {
		return nil, errBadSig
	}
	out := make([]byte, 32)
	if C.recover_pub((*C.uchar)(unsafe.Pointer(&sig[0])), (*C.uchar)(unsafe.Pointer(&msg[0])), (*C.uchar)(unsafe.Pointer(&out[0]))) == 0 {
		return nil, errBadSig
	}
	return out, nil
}

// Ecrecover calls recoverPub unconditionally: one call away from C.
func Ecrecover(hash [32]byte, sig []byte) ([]byte, error) { // want Ecrecover:"reaches C.recover_pub unconditionally through 1 call"
	msg := hash[:]
	return recoverPub(msg, sig)
}

// EcrecoverTx only forwards to Ecrecover: a forwarder adds no distance.
func EcrecoverTx(tx *Tx) ([]byte, error) { return Ecrecover(tx.Hash, tx.Sig) } // want EcrecoverTx:"reaches C.recover_pub unconditionally through 1 call"

// CheckTx does more than forward: it is three calls away from C.
func CheckTx(tx *Tx) error { // want CheckTx:"reaches C.recover_pub in its own code"
	_, err := Ecrecover(tx.Hash, tx.Sig)
	return err
}

// Per-transaction goroutines through the forwarder: still two calls (reported).
func VerifyAllTx(txs []*Tx, errs chan<- error) {
	for _, tx := range txs {
		go func() { // want `goroutine started per item by the go statement calls EcrecoverTx, which calls C.recover_pub`
			_, err := EcrecoverTx(tx)
			errs <- err
		}()
	}
}

// Near miss: through CheckTx the C call is three unconditional calls away: not the goroutine's
// own work by default (see package deep for the flag).
func CheckAll(txs []*Tx, errs chan<- error) {
	for _, tx := range txs {
		go func() { errs <- CheckTx(tx) }()
	}
}

// Sender caches the sender: C is reached only on a cache miss.
func Sender(tx *Tx) ([]byte, error) { // want Sender:"reaches C.recover_pub in its own code"
	if tx.from != nil {
		return tx.from[:], nil
	}
	return Ecrecover(tx.Hash, tx.Sig)
}

// VerifyAll checks one signature per transaction, one goroutine each. The signature check is two
// short unconditional calls away (VerifyAll's goroutine → Ecrecover → recoverPub → C): reported as
// a thread problem, without advice to batch (one signature per transaction has no batch form).
func VerifyAll(txs []*Tx) {
	var wg sync.WaitGroup
	for _, tx := range txs {
		wg.Add(1)
		go func() { // want `goroutine started per item by the go statement calls Ecrecover, which calls C.recover_pub: each goroutine blocked in C occupies an OS thread, so the process's threads grow with the input; bound the goroutines \(a semaphore of runtime.GOMAXPROCS\(0\)\) \(`
			defer wg.Done()
			Ecrecover(tx.Hash, tx.Sig)
		}()
	}
	wg.Wait()
}

// Near miss: the same goroutines call Sender, which reaches C only when its cache misses: the
// crossing is conditional, not the goroutine's work as such.
func SendersAll(txs []*Tx) {
	var wg sync.WaitGroup
	for _, tx := range txs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			Sender(tx)
		}()
	}
	wg.Wait()
}

// The record re-signed only on a cache miss (a node's signed record).
type LocalNode struct {
	mu   sync.Mutex
	cur  []byte
	key  [32]byte
	seq  uint64
	dirt bool
}

func (ln *LocalNode) sign() {
	sig := make([]byte, 65)
	C.sign((*C.uchar)(unsafe.Pointer(&ln.key[0])), (*C.uchar)(unsafe.Pointer(&ln.key[0])), (*C.uchar)(unsafe.Pointer(&sig[0])))
	ln.cur = sig
}

// Node returns the cached record and signs a new one only when it was invalidated.
func (ln *LocalNode) Node() []byte { // want Node:"reaches C.sign in its own code"
	if n := ln.cur; n != nil {
		return n
	}
	ln.mu.Lock()
	defer ln.mu.Unlock()
	ln.sign()
	return ln.cur
}

// Self is one more call in front of Node.
func (ln *LocalNode) Self() []byte { return ln.Node() } // want Self:"reaches C.sign only through long or conditional calls"

// Near miss: a goroutine per ping that asks for the node's record: the signature happens on a
// cache miss only, several calls down.
func PingAll(ln *LocalNode, peers []string, out chan<- []byte) {
	for range peers {
		go func() { out <- ln.Self() }()
	}
}

// Near miss: a bare return before the call makes it conditional too (nothing says the input was
// rejected; a "nothing to do" exit).
func (ln *LocalNode) refresh() {
	if !ln.dirt {
		return
	}
	ln.sign()
}

func RefreshAll(nodes []*LocalNode) {
	for _, ln := range nodes {
		go ln.refreshLater()
	}
}

func (ln *LocalNode) refreshLater() { ln.refreshOnce() }

func (ln *LocalNode) refreshOnce() { ln.refresh() }

// Mix converts its item to a C scalar: one call per item that a batch (an array, one call) could
// replace.
func Mix(x int64) int64 { return int64(C.mix(C.long(x))) } // want Mix:"reaches C.mix unconditionally, with scalars"

// MixAll: a goroutine per item, each calling C with a scalar: reported, and here batching is
// possible in principle, so the message says so.
func MixAll(xs []int64, out []int64) {
	var wg sync.WaitGroup
	for i, x := range xs {
		wg.Add(1)
		go func() { // want `goroutine started per item by the go statement calls Mix, which calls C.mix: .*bound the goroutines \(a semaphore of runtime.GOMAXPROCS\(0\)\) or batch the items into one C call`
			defer wg.Done()
			out[i] = Mix(x)
		}()
	}
	wg.Wait()
}

// Pattern 2 with a scalar per item: reported with the advice to batch.
func MixWorker(xs []int64, done chan<- int64) {
	go func() {
		var s int64
		for _, x := range xs { // want `loop in a goroutine calls Mix, which calls C.mix, on every iteration: .*batch them into one C call per batch`
			s += Mix(x)
		}
		done <- s
	}()
}

// Near miss: one signature check per transaction in a worker's loop. Every item needs its own
// call and no batch form exists; one goroutine grows no threads: no finding.
func VerifyWorker(txs []*Tx, done chan<- int) {
	go func() {
		n := 0
		for _, tx := range txs {
			if _, err := Ecrecover(tx.Hash, tx.Sig); err == nil {
				n++
			}
		}
		done <- n
	}()
}

// applyTx runs a transaction; the signature is checked only for some kinds, and deep inside.
func applyTx(tx *Tx, kind int) int {
	switch kind {
	case 0:
		return len(tx.Sig)
	default:
		return execute(tx)
	}
}

func execute(tx *Tx) int {
	if len(tx.Sig) == 0 {
		return 0
	}
	return charge(tx)
}

func charge(tx *Tx) int {
	if _, err := Sender(tx); err != nil {
		return -1
	}
	return 1
}

// Near miss by default: a goroutine per transaction of a block trace, where C is reached only
// through a long, data-dependent chain (applyTx → execute → charge → Sender → Ecrecover →
// recoverPub → C). With -hotcgo.deep it is reported (package deep).
func TraceBlock(txs []*Tx) []int {
	out := make([]int, len(txs))
	var wg sync.WaitGroup
	for i, tx := range txs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = applyTx(tx, i%2)
		}()
	}
	wg.Wait()
	return out
}

// Result carries a recovered key or the error.
type Result struct {
	Key []byte
	Err error
}

// recoverOne's early return carries the error inside a struct: a guard, so the call after it is
// on the unconditional path.
func recoverOne(tx *Tx) Result {
	if len(tx.Sig) == 0 {
		return Result{Err: errBadSig}
	}
	k, err := recoverPub(tx.Hash[:], tx.Sig)
	return Result{Key: k, Err: err}
}

func RecoverAll(txs []*Tx) []Result {
	out := make([]Result, len(txs))
	var wg sync.WaitGroup
	for i, tx := range txs {
		wg.Add(1)
		go func() { // want `goroutine started per item by the go statement calls recoverOne, which calls C.recover_pub`
			defer wg.Done()
			out[i] = recoverOne(tx)
		}()
	}
	wg.Wait()
	return out
}
