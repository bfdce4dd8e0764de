//go:build cgo

// Package lib has a cgo implementation and a pure-Go fallback.
package lib

/*
static int mix(int x) { return x ^ 0x5bd1e995; }
*/
import "C"

// Mix uses C when cgo is enabled.
func Mix(x int) int { return int(C.mix(C.int(x))) } // want Mix:"reaches C.mix"
