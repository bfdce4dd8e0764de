// Package cmap is the concurrent-map shape (orcaman/concurrent-map Items over IterBuffered): the
// "spawns per call" fact must hold only for functions whose goroutines outlive the call.
package cmap

import "sync"

const shardCount = 32

type shard[K comparable, V any] struct {
	sync.RWMutex
	items map[K]V
}

type Tuple[K comparable, V any] struct {
	Key K
	Val V
}

type Map[K comparable, V any] struct{ shards []*shard[K, V] }

// IterBuffered returns a channel fed by a goroutine that outlives the call: spawns per call.
func (m Map[K, V]) IterBuffered() <-chan Tuple[K, V] { // want IterBuffered:"spawns per call"
	chans := snapshot(m)
	total := 0
	for _, c := range chans {
		total += cap(c)
	}
	ch := make(chan Tuple[K, V], total)
	go fanIn(chans, ch)
	return ch
}

// snapshot starts a fan-out over the shards and waits for it: per item of its parameter (all at
// once), but not per call.
func snapshot[K comparable, V any](m Map[K, V]) []chan Tuple[K, V] { // want snapshot:"spawns per item of m"
	chans := make([]chan Tuple[K, V], shardCount)
	var wg sync.WaitGroup
	wg.Add(shardCount)
	for index, sh := range m.shards {
		go func(index int, sh *shard[K, V]) {
			sh.RLock()
			chans[index] = make(chan Tuple[K, V], len(sh.items))
			wg.Done()
			for k, v := range sh.items {
				chans[index] <- Tuple[K, V]{k, v}
			}
			sh.RUnlock()
			close(chans[index])
		}(index, sh)
	}
	wg.Wait()
	return chans
}

func fanIn[K comparable, V any](chans []chan Tuple[K, V], out chan Tuple[K, V]) {
	var wg sync.WaitGroup
	wg.Add(len(chans))
	for _, ch := range chans {
		go func(ch chan Tuple[K, V]) {
			for t := range ch {
				out <- t
			}
			wg.Done()
		}(ch)
	}
	wg.Wait()
	close(out)
}

// Items ranges over IterBuffered's channel until fanIn closes it: every goroutine underneath has
// finished when Items returns, so Items does not spawn per call (no fact).
func (m Map[K, V]) Items() map[K]V {
	tmp := make(map[K]V)
	for item := range m.IterBuffered() {
		tmp[item.Key] = item.Val
	}
	return tmp
}

// First receives one value from the iterator: the near miss of Items that does not drain, and
// still no fact, since a receive per goroutine is a wait.
func (m Map[K, V]) First() (Tuple[K, V], bool) {
	t, ok := <-m.IterBuffered()
	return t, ok
}

// Snapshot keeps the channel and returns it to its caller: the goroutine outlives the call.
func (m Map[K, V]) Snapshot() <-chan Tuple[K, V] { // want Snapshot:"spawns per call"
	ch := m.IterBuffered()
	return ch
}

// Refresh starts a goroutine and defers the wait for it: nothing outlives the call (no fact).
func (m Map[K, V]) Refresh() {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = len(m.shards)
	}()
}

// Touch starts a goroutine and returns without waiting: spawns per call.
func (m Map[K, V]) Touch() { // want Touch:"spawns per call"
	go func() { _ = len(m.shards) }()
}
