// Package typeparams exercises generic code around cgo calls.
package typeparams

/*
static int weigh(int x) { return x * 2; }
*/
import "C"

import (
	"iter"
	"sync"
)

type Number interface{ ~int | ~int32 | ~int64 }

// Weigh is generic and reaches C; its instantiations resolve to the same fact.
func Weigh[T Number](x T) int { // want Weigh:"reaches C.weigh"
	return int(C.weigh(C.int(x)))
}

// Scale is a generic type whose method reaches C.
type Scale[T Number] struct{ Factor T }

func (s Scale[T]) Apply(x T) int { // want Apply:"reaches C.weigh"
	return Weigh(x * s.Factor)
}

func perItem[T Number](xs []T) {
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Go(func() { // want `goroutine started per item by sync.WaitGroup.Go calls Weigh, which calls C.weigh`
			Weigh(x)
		})
	}
	wg.Wait()
}

func perItemMethod(xs []int64) {
	s := Scale[int64]{Factor: 3}
	for _, x := range xs {
		go s.Apply(x) // want `goroutine started per item by the go statement calls Scale.Apply, which calls C.weigh`
	}
}

// An instantiated generic function spawned by name.
func perItemInstantiated(xs []int32) {
	for _, x := range xs {
		go Weigh[int32](x) // want `goroutine started per item by the go statement calls Weigh, which calls C.weigh`
	}
}

// Pattern 2 over a range-over-func iterator.
func drain[T Number](seq iter.Seq[T], done chan<- int) {
	go func() {
		n := 0
		for x := range seq { // want `loop in a goroutine calls Weigh, which calls C.weigh, on every iteration`
			n += Weigh(x)
		}
		done <- n
	}()
}

// Near miss: a call through a type parameter's method is dynamic; not followed.
type Applier[T any] interface{ Apply(T) int }

func viaConstraint[A Applier[int], T any](a A, xs []int) {
	for _, x := range xs {
		go a.Apply(x)
	}
}
