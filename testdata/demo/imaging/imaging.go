// Package imaging is a small cgo-backed image codec: the pixel work happens in C (the inline
// preamble stands in for libjpeg or libvips). It shows what hotcgo reports: per-image goroutines
// that each block in C, and a worker that crosses into C once per pixel, next to the bounded
// and batched versions that it leaves alone.
package imaging

/*
#include <stdint.h>
#include <stddef.h>

// decode "decompresses" n bytes into out (a stand-in for a real codec's slow, blocking work).
static int decode(const uint8_t *in, size_t n, uint8_t *out) {
	for (size_t i = 0; i < n; i++) out[i] = in[i] ^ 0x5a;
	return (int)n;
}

// gamma_row corrects one row of pixels.
static void gamma_row(uint8_t *row, size_t n) {
	for (size_t i = 0; i < n; i++) row[i] = (uint8_t)((row[i] * row[i]) >> 8);
}

// gamma_px corrects one pixel.
static uint8_t gamma_px(uint8_t v) { return (uint8_t)((v * v) >> 8); }

// gamma_rows corrects h rows of w pixels in one call: the batched form of gamma_row.
static void gamma_rows(uint8_t *px, size_t w, size_t h) {
	for (size_t y = 0; y < h; y++) gamma_row(px + y * w, w);
}
*/
import "C"

import (
	"context"
	"errors"
	"runtime"
	"unsafe"

	"golang.org/x/sync/errgroup"
)

// Image is a grayscale image.
type Image struct {
	W, H int
	Pix  []byte
}

// Decode decodes one compressed image in C.
func Decode(data []byte, w, h int) (*Image, error) {
	if len(data) == 0 || len(data) != w*h {
		return nil, errors.New("imaging: bad size")
	}
	img := &Image{W: w, H: h, Pix: make([]byte, len(data))}
	C.decode((*C.uint8_t)(unsafe.Pointer(&data[0])), C.size_t(len(data)), (*C.uint8_t)(unsafe.Pointer(&img.Pix[0])))
	return img, nil
}

// Blob is one compressed image with its size.
type Blob struct {
	Data []byte
	W, H int
}

// DecodeAll decodes every blob in its own goroutine. With a thousand blobs, a thousand goroutines
// block in C at once and the runtime starts a thread for each.
func DecodeAll(ctx context.Context, blobs []Blob) ([]*Image, error) {
	out := make([]*Image, len(blobs))
	g, _ := errgroup.WithContext(ctx)
	for i, b := range blobs {
		g.Go(func() error { // hotcgo: one goroutine, and one thread, per blob
			img, err := Decode(b.Data, b.W, b.H)
			out[i] = img
			return err
		})
	}
	return out, g.Wait()
}

// DecodeAllBounded is the fix: at most GOMAXPROCS goroutines are in C at once.
func DecodeAllBounded(ctx context.Context, blobs []Blob) ([]*Image, error) {
	out := make([]*Image, len(blobs))
	g, _ := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, b := range blobs {
		g.Go(func() error {
			img, err := Decode(b.Data, b.W, b.H)
			out[i] = img
			return err
		})
	}
	return out, g.Wait()
}

// GammaWorker corrects images received from jobs, crossing into C once per pixel.
func GammaWorker(jobs <-chan *Image, done chan<- *Image) {
	go func() {
		defer close(done)
		for img := range jobs {
			for i, p := range img.Pix { // hotcgo: one crossing per pixel
				img.Pix[i] = uint8(C.gamma_px(C.uint8_t(p)))
			}
			done <- img
		}
	}()
}

// GammaWorkerBatched is the fix: one crossing per image, the row loop runs in C.
func GammaWorkerBatched(jobs <-chan *Image, done chan<- *Image) {
	go func() {
		defer close(done)
		for img := range jobs { // one C call per image: the image (its Pix slice) is the batch
			gammaImage(img)
			done <- img
		}
	}()
}

// gammaImage corrects a whole image in one call.
func gammaImage(img *Image) {
	if len(img.Pix) == 0 {
		return
	}
	C.gamma_rows((*C.uint8_t)(unsafe.Pointer(&img.Pix[0])), C.size_t(img.W), C.size_t(img.H))
}
