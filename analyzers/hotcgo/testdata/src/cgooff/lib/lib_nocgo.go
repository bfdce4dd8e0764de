//go:build !cgo

package lib

// Mix is the pure-Go fallback.
func Mix(x int) int { return x ^ 0x5bd1e995 }
