// Package odd holds unusual code that must not crash spawnloop.
package odd

import "sync"

// A go statement at package level cannot exist, but a func literal in a package variable can.
var start = func(items []int) {
	for _, it := range items {
		go func() { _ = it }() // a parameter of a function literal: unknown origin, silent
	}
}

// Labeled loops, goto, and a break of the outer loop right after the spawn.
func labeled(items [][]int) {
outer:
	for _, row := range items {
		for _, x := range row {
			if x < 0 {
				go func() { _ = x }()
				break outer
			}
		}
	}
}

// A spawn in a nested function literal inside the loop runs when the literal is called: not a
// per-iteration spawn that spawnloop can see.
func nested(items []int) {
	for _, it := range items {
		f := func() { go func() { _ = it }() }
		_ = f
	}
}

// Empty loops, loops without bodies that spawn, and method values.
func empty(ch chan int, wg *sync.WaitGroup) {
	for range ch {
	}
	for {
		break
	}
	for i := 0; ; i++ {
		if i > 3 {
			break
		}
		wg.Go(func() {})
	}
	g := wg.Go
	for _, x := range []int{} {
		g(func() { _ = x })
	}
}

// Range over a string and over a function iterator that spawnloop does not know.
func strs(s string, seq func(func(int) bool)) {
	for _, r := range s {
		go func() { _ = r }()
	}
	for x := range seq {
		go func() { _ = x }()
	}
}

// A go statement in an unterminated type-switch, select with default after the spawn.
func selects(items []int, quit chan struct{}) { // want selects:"spawns per item of items"
	for _, it := range items {
		go func() { _ = it }() // unknown origin: silent by default
		select {
		case <-quit:
			return
		default:
		}
	}
}
