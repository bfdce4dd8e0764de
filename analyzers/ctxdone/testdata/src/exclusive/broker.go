// Package exclusive holds eval-queue tests whose goroutine sends once, on either errCh or
// outCh: receiving from either completes it.
package exclusive

type eval struct{ ID string }

type broker struct{}

func (b *broker) Dequeue() (*eval, error) { return &eval{}, nil }
