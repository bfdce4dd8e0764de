// Package trips is checked with a non-default configuration (max-constant-trips=4, loops=false):
// the want comments are that configuration's findings; the default configuration reports nothing.
package trips

/*
static int shard(int i) { return i; }
*/
import "C"

// Eight goroutines are "a fixed, small number" by default (16) but not with 4.
func shards() {
	for i := 0; i < 8; i++ {
		go C.shard(C.int(i)) // want `goroutine started per item by the go statement calls C.shard`
	}
}

// Two stay below either threshold.
func pair() {
	for i := 0; i < 2; i++ {
		go C.shard(C.int(i))
	}
}

// A loop of 10 crossings in a goroutine: below the default threshold, and loops=false silences
// pattern 2 altogether.
func ten() {
	go func() {
		for i := range 10 {
			C.shard(C.int(i))
		}
	}()
}
