// Package thumbs makes thumbnails with package imaging. It has no cgo of its own: hotcgo finds its
// per-file goroutines through the fact that imaging.Decode reaches C.
package thumbs

import (
	"os"
	"runtime"
	"sync"

	"github.com/goroguard/goroguard/testdata/demo/imaging"
)

// Result is one decoded file or its error.
type Result struct {
	Path string
	Img  *imaging.Image
	Err  error
}

func load(path string, w, h int) Result {
	data, err := os.ReadFile(path)
	if err != nil {
		return Result{Path: path, Err: err}
	}
	img, err := imaging.Decode(data, w, h)
	return Result{Path: path, Img: img, Err: err}
}

// LoadAll starts a goroutine per file: every one of them ends up blocked in C at the same time.
func LoadAll(paths []string, w, h int) []Result {
	out := make([]Result, len(paths))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Add(1)
		go func() { // hotcgo: one thread per file while the decodes run
			defer wg.Done()
			out[i] = load(p, w, h)
		}()
	}
	wg.Wait()
	return out
}

// LoadAllBounded is the fix: a semaphore of GOMAXPROCS slots keeps that many decodes in C at once.
func LoadAllBounded(paths []string, w, h int) []Result {
	out := make([]Result, len(paths))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, p := range paths {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i] = load(p, w, h)
		}()
	}
	wg.Wait()
	return out
}
