// Package withmain has its own TestMain: goroguard test wraps its m.Run() call.
package withmain

// Leak starts a goroutine that waits forever on a channel nobody can reach.
func Leak() {
	ch := make(chan int)
	go func() {
		ch <- 1
	}()
}
