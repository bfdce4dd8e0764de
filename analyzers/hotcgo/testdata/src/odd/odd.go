// Package odd exercises odd but valid code: cgo's pointer-check wrappers, errno results, deferred C
// calls, recursion, function values, labels, nested goroutines. The analyzer must not crash and must
// stay precise.
package odd

/*
#include <errno.h>
#include <stdlib.h>
static int fill(void *p, int n) { (void)p; errno = 0; return n; }
static void touch(void *p) { (void)p; }
static int id(int x) { return x; }
*/
import "C"

import (
	"sync"
	"unsafe"
)

// Pointer arguments make cmd/cgo wrap the call in a checking function literal; the wrapper runs
// in place and the call is still found.
func fillAll(bufs [][]byte) {
	for _, b := range bufs {
		go func() { // want `goroutine started per item by the go statement calls C.fill`
			C.fill(unsafe.Pointer(&b[0]), C.int(len(b)))
		}()
	}
}

// The errno form n, err := C.f() is a call of _C2func_f.
func fillErrno(bufs [][]byte, errs chan<- error) {
	for _, b := range bufs {
		go func() { // want `goroutine started per item by the go statement calls C.fill`
			_, err := C.fill(unsafe.Pointer(&b[0]), C.int(len(b)))
			errs <- err
		}()
	}
}

// A deferred C call with a pointer argument (a nested wrapper) in a goroutine per element: found
// through both wrappers.
func deferred(ptrs []*byte) {
	for _, b := range ptrs {
		go func() { // want `goroutine started per item by the go statement calls C.touch: .*bound the goroutines \(a semaphore of runtime.GOMAXPROCS\(0\)\) \(`
			defer C.touch(unsafe.Pointer(b))
		}()
	}
}

// Near miss: the same deferred call in a per-element loop of one goroutine. Each element is its own
// pointer: no batch form in general, and one goroutine grows no threads.
func deferredLoop(ptrs []*byte) {
	go func() {
		for _, b := range ptrs {
			func() {
				defer C.touch(unsafe.Pointer(b))
			}()
		}
	}()
}

// Mutual recursion reaching C terminates.
func even(n int) bool {
	if n == 0 {
		return C.id(1) == 1
	}
	return odd(n - 1)
}

func odd(n int) bool {
	if n == 0 {
		return false
	}
	return even(n - 1)
}

func recurse(ns []int) {
	for _, n := range ns {
		go even(n) // want `goroutine started per item by the go statement calls even, which calls C.id`
	}
}

// Near miss: a function value's target is unknown.
func viaValue(ns []int, f func(int) bool) {
	for _, n := range ns {
		go f(n)
	}
	g := even
	for _, n := range ns {
		go g(n)
	}
}

// Near miss: a stored callback is not run by the function that stores it.
type registry struct {
	mu  sync.Mutex
	fns []func()
}

func (r *registry) register(ns []int) {
	for _, n := range ns {
		r.fns = append(r.fns, func() { C.id(C.int(n)) })
	}
	go r.runNothing()
}

func (r *registry) runNothing() {}

// Near miss: a goroutine that starts goroutines runs no C itself; the inner spawn is not per item.
func nested(ns []int) {
	for _, n := range ns {
		go func() {
			go C.id(C.int(n)) // one goroutine per outer goroutine: the outer one is per item, and runs no C
		}()
	}
}

// Labels, select with default, and break/continue do not confuse the loop search.
func labelled(ns []int, stop <-chan struct{}) {
outer:
	for _, n := range ns {
		select {
		case <-stop:
			break outer
		default:
		}
		if n < 0 {
			continue outer
		}
		go C.id(C.int(n)) // want `goroutine started per item by the go statement calls C.id`
	}
}

// Near miss: a goroutine's arguments are evaluated by the spawner, in the spawner's goroutine.
func argsEvaluatedBySpawner(ns []int, out chan<- int) {
	for _, n := range ns {
		go func(v C.int) { out <- int(v) }(C.id(C.int(n)))
	}
}

// Empty and trivial shapes.
func empty() {
	go func() {}()
	for {
		break
	}
}

var pkgLevel = func() int { return int(C.id(1)) }()
