// Package nocgo has goroutines per item but no cgo and no cgo-backed import: the analyzer exits
// early and reports nothing.
package nocgo

import (
	"strings"
	"sync"
)

func upper(xs []string) []string {
	out := make([]string, len(xs))
	var wg sync.WaitGroup
	for i, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = strings.ToUpper(x)
		}()
	}
	wg.Wait()
	return out
}
