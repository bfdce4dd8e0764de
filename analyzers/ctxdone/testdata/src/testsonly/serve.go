// Package testsonly checks the include-tests flag: with it off, leaks in _test.go files are
// not reported and leaks in the package's own files still are.
package testsonly

import "time"

func compute() int { return 1 }

func fetch() int {
	ch := make(chan int)
	go func() { ch <- compute() }() // want `goroutine sends on ch, but the spawner can leave through case <-time.After\(time.Second\)`
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		return -1
	}
}
