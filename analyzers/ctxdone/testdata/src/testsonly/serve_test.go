package testsonly

import (
	"testing"
	"time"
)

// Not reported with include-tests=false: the same leak in a test file.
func TestFetch(t *testing.T) {
	ch := make(chan int)
	go func() { ch <- compute() }()
	select {
	case <-ch:
	case <-time.After(time.Second):
		t.Log("slow")
	}
}
