//go:build !cgo

package cgocall

// Available reports whether the package was built with cgo. Without cgo the functions below panic:
// callers check Available first and report the measurement as unavailable.
const Available = false

// Noop would call an empty C function; without cgo it panics.
func Noop() { panic("cgocall: built without cgo") }

// SleepMicros would block in C's usleep; without cgo it panics.
func SleepMicros(us int) { panic("cgocall: built without cgo") }
