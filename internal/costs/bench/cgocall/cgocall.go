//go:build cgo

// Package cgocall holds the C functions the cost benchmarks call: an empty function, to time the
// Go-to-C crossing, and a sleep, to make goroutines block inside C. Built without cgo
// (CGO_ENABLED=0), the package still compiles and Available is false.
package cgocall

/*
#include <unistd.h>

static void goroguard_noop(void) {}

static void goroguard_sleep_us(unsigned int us) { usleep(us); }
*/
import "C"

// Available reports whether the package was built with cgo, so that the functions really cross into C.
const Available = true

// Noop calls an empty C function: the cost of the call is the cost of the crossing.
func Noop() { C.goroguard_noop() }

// SleepMicros blocks the calling goroutine, and its OS thread, in C's usleep for us microseconds.
func SleepMicros(us int) { C.goroguard_sleep_us(C.uint(us)) }
