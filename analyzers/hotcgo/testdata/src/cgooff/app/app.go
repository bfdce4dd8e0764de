// Package app spawns per item a function that is cgo-backed only when cgo is enabled.
package app

import "cgooff/lib"

func MixAll(xs []int, out chan<- int) {
	for _, x := range xs {
		go func() { // want `goroutine started per item by the go statement calls lib.Mix, which calls C.mix`
			out <- lib.Mix(x)
		}()
	}
}
