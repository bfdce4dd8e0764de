package exclusive

import (
	"context"
	"testing"
	"time"
)

// Fine: the goroutine sends on errCh or on outCh, never both; once outCh was received the errCh
// send cannot happen any more.
func TestDequeueBlocked(t *testing.T) {
	b := &broker{}
	outCh := make(chan *eval)
	errCh := make(chan error)
	go func() {
		defer close(errCh)
		defer close(outCh)
		out, err := b.Dequeue()
		if err != nil {
			errCh <- err
			return
		}
		if out.ID == "bad" {
			errCh <- nil
			return
		}
		outCh <- out
	}()

	select {
	case out := <-outCh:
		if out == nil {
			t.Fatal("nil eval")
		}
	case err := <-errCh:
		t.Fatal(err)
	case <-time.After(time.Second):
		t.Fatal("timeout")
	}
}

// Fine in production code too: a result or an error, received through either case.
func dequeue(ctx context.Context, b *broker) (*eval, error) {
	resCh := make(chan *eval)
	errCh := make(chan error)
	go func() {
		res, err := b.Dequeue()
		if err != nil {
			errCh <- err
			return
		}
		resCh <- res
	}()
	select {
	case res := <-resCh:
		return res, nil
	case err := <-errCh:
		return nil, err
	}
}

// Reported: the goroutine sends on outCh and then on errCh on the same path; after receiving
// outCh the test leaves, and the errCh send blocks forever.
func TestDequeueBoth(t *testing.T) {
	b := &broker{}
	outCh := make(chan *eval)
	errCh := make(chan error)
	go func() { // want `goroutine sends on errCh, but the spawner can leave through case out := <-outCh and return at the end of the function without receiving from it`
		out, err := b.Dequeue()
		outCh <- out
		errCh <- err
	}()

	select {
	case out := <-outCh:
		if out == nil {
			t.Fatal("nil eval")
		}
	case err := <-errCh:
		t.Fatal(err)
	}
}

// Reported: exclusive sends, but the context case receives from neither.
func dequeueCtx(ctx context.Context, b *broker) (*eval, error) {
	resCh := make(chan *eval)
	errCh := make(chan error)
	go func() { // want `goroutine sends on errCh, but the spawner can leave through case <-ctx.Done\(\) and return at line \d+ without receiving from it`
		res, err := b.Dequeue()
		if err != nil {
			errCh <- err
			return
		}
		resCh <- res
	}()
	select {
	case res := <-resCh:
		return res, nil
	case err := <-errCh:
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
