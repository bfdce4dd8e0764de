// Package typeparams exercises generic code.
package typeparams

import (
	"encoding/json"
	"maps"
	"slices"
	"sync"
)

// ForEach applies f to every item concurrently: one goroutine per item of a generic parameter.
func ForEach[T any](items []T, f func(T)) { // want ForEach:"spawns per item of items"
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() { // unknown origin: silent by default
			defer wg.Done()
			f(it)
		}()
	}
	wg.Wait()
}

// ForEachKey ranges over an iterator of a parameter map.
func ForEachKey[K comparable, V any](m map[K]V, f func(K)) { // want ForEachKey:"spawns per item of m"
	for k := range maps.Keys(m) {
		go f(k) // unknown origin: silent by default
	}
}

// ForEachSorted ranges over a sorted copy of a parameter.
func ForEachSorted(m map[string]int) { // want ForEachSorted:"spawns per item of m"
	for _, k := range slices.Sorted(maps.Keys(m)) {
		go use(k) // unknown origin: silent by default
	}
}

func use(string) {}

type Set[T comparable] struct{ items map[T]struct{} }

// Each ranges over the set's own items (the receiver's state): not reported.
func (s *Set[T]) Each(f func(T)) {
	for it := range s.items {
		go f(it)
	}
}

// Apply calls the generic spawner per item of a channel of unknown origin: silent by default, and
// no nested fan-out since ForEach waits for each batch.
func Apply(batches <-chan []int) {
	for b := range batches {
		ForEach(b, func(int) {})
	}
}

// ApplyDecoded passes decoded input to the generic spawner: reported at the call, through the
// fact of ForEach (an exported function, whose own loop is silent).
func ApplyDecoded(data []byte) {
	var ids []int
	if json.Unmarshal(data, &ids) != nil {
		return
	}
	ForEach(ids, func(int) {}) // want `call to ForEach passes ids decoded from data as its parameter items, and ForEach starts one goroutine per item of it`
}

// ApplyConst instantiates the generic spawner in a constant loop: bounded.
func ApplyConst() {
	for i := range 3 {
		ForEach([]int{i}, func(int) {})
	}
}
