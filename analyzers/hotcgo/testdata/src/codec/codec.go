// Package codec is a cgo-backed image codec: the library side of the cross-package tests. It
// reports nothing itself (no goroutines); it exports ReachesCgo facts for its functions.
package codec

/*
#include <stdlib.h>
static int decode(const unsigned char *p, int n) { int s = 0; for (int i = 0; i < n; i++) s += p[i]; return s; }
static int encode(int w, int h, int q) { return w * h * q; }
static const char *version(void) { return "1.0"; }
*/
import "C"

import "unsafe"

// Decode decodes one image in C.
func Decode(buf []byte) int { // want Decode:"reaches C.decode"
	if len(buf) == 0 {
		return 0
	}
	return int(C.decode((*C.uchar)(unsafe.Pointer(&buf[0])), C.int(len(buf))))
}

// DecodeFile reaches C through Decode.
func DecodeFile(path string) int { // want DecodeFile:"reaches C.decode"
	return Decode([]byte(path))
}

// Encoder encodes at a fixed quality.
type Encoder struct{ Quality int }

// Encode reaches C through an unexported helper.
func (e *Encoder) Encode(w, h int) int { // want Encode:"reaches C.encode"
	return encode(w, h, e.Quality)
}

func encode(w, h, q int) int { return int(C.encode(C.int(w), C.int(h), C.int(q))) }

// Version only copies a C string: C.GoString is a conversion, no fact.
func Version() string { return C.GoString(C.version()) } // want Version:"reaches C.version"

// Name is pure Go: no fact.
func Name() string { return "codec" }

// Release only frees C memory: C.free is an allocator helper, no fact.
func Release(p unsafe.Pointer) { C.free(p) }

// Codec is implemented by Encoder; calls through it are dynamic.
type Codec interface{ Encode(w, h int) int }
