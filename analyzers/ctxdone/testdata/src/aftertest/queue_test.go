package aftertest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Fine: the only exit that leaves the goroutine parked is the timeout branch, which fails the
// test with t.Errorf and returns.
func TestDequeueErrorfReturn(t *testing.T) {
	q := &queue{}
	ch := make(chan int)
	go func() {
		v, _ := q.Dequeue()
		ch <- v
	}()
	select {
	case v := <-ch:
		if v != 1 {
			t.Fatalf("got %d", v)
		}
	case <-time.After(time.Second):
		t.Errorf("timed out waiting for the dequeue")
		return
	}
}

// Fine: the same through a testing.TB (an interface call, which the control-flow graph does not
// know to stop the goroutine).
func waitDequeue(tb testing.TB, q *queue) int {
	ch := make(chan int)
	go func() {
		v, _ := q.Dequeue()
		ch <- v
	}()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		tb.Fatalf("timed out")
	}
	return 0
}

func TestWaitDequeue(t *testing.T) {
	if waitDequeue(t, &queue{}) != 1 {
		t.Fatal("bad")
	}
}

// Fine: require.FailNow, and require.New(t).FailNow, fail the test on the timeout branch.
func TestDequeueRequire(t *testing.T) {
	q := &queue{}
	errCh := make(chan error)
	go func() {
		_, err := q.Dequeue()
		errCh <- err
	}()
	select {
	case err := <-errCh:
		require.NoError(t, err)
	case <-time.After(time.Second):
		require.FailNow(t, "timed out")
	}
}

func TestDequeueRequireNew(t *testing.T) {
	r := require.New(t)
	q := &queue{}
	errCh := make(chan error)
	go func() {
		_, err := q.Dequeue()
		errCh <- err
	}()
	select {
	case err := <-errCh:
		r.NoError(err)
	case <-time.After(time.Second):
		r.FailNow("timed out")
	}
}

// Fine: require.True(t, false, ...) always fails.
func TestDequeueRequireTrueFalse(t *testing.T) {
	q := &queue{}
	errCh := make(chan error)
	go func() {
		_, err := q.Dequeue()
		errCh <- err
	}()
	select {
	case err := <-errCh:
		require.NoError(t, err)
	case <-time.After(time.Second):
		require.True(t, false, "timed out")
	}
}

// Reported: the timeout branch logs and carries on; the test passes and the goroutine's send on
// the unbuffered channel never completes.
func TestDequeueSoldierOn(t *testing.T) {
	q := &queue{}
	ch := make(chan int)
	go func() { // want `goroutine sends on ch, but the spawner can leave through case <-time.After\(time.Millisecond\) and return at the end of the function without receiving from it: the goroutine blocks forever and leaks \(each parked goroutine keeps`
		v, _ := q.Dequeue()
		ch <- v
	}()
	select {
	case v := <-ch:
		if v != 1 {
			t.Fatalf("got %d", v)
		}
	case <-time.After(time.Millisecond):
		t.Log("no value yet, carrying on")
	}
}

// Reported: one branch fails, but the early return of a passing test leaks too.
func TestDequeueEarlyReturn(t *testing.T) {
	q := &queue{}
	ch := make(chan int)
	go func() { // want `goroutine sends on ch, but the spawner can return at line \d+ without receiving from it`
		v, _ := q.Dequeue()
		ch <- v
	}()
	if testing.Short() {
		return // passing: the send never completes
	}
	select {
	case <-ch:
	case <-time.After(time.Second):
		t.Fatal("timed out")
	}
}

// Reported: require.NoError on an error of unknown value is a check; on its passing side the
// test returns without receiving.
func TestDequeueNoErrorIsNotAFailure(t *testing.T) {
	q := &queue{}
	ch := make(chan int)
	go func() { // want `goroutine sends on ch, but the spawner can return at the end of the function without receiving from it`
		v, _ := q.Dequeue()
		ch <- v
	}()
	_, err := q.Dequeue()
	require.NoError(t, err)
	if errors.Is(err, errors.ErrUnsupported) {
		<-ch
	}
}

// Reported: a select that runs once and always leaves through its timer case, while the
// goroutine's only send is on an unbuffered channel.
func TestDequeueTimerOnly(t *testing.T) {
	q := &queue{}
	done := make(chan struct{})
	go func() { // want `goroutine sends on done, but the spawner can leave through case <-time.After\(10 \* time.Millisecond\)`
		q.Dequeue()
		done <- struct{}{}
	}()
	select {
	case <-time.After(10 * time.Millisecond):
	}
}

// Fine: on ctx.Done(), ctx.Err() is never nil, so require.NoError(t, ctx.Err()) always fails.
func TestDequeueCtxDoneNoError(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	q := &queue{}
	errCh := make(chan error)
	go func() {
		_, err := q.Dequeue()
		errCh <- err
	}()
	select {
	case <-ctx.Done():
		require.NoError(t, ctx.Err())
		return
	case err := <-errCh:
		require.NoError(t, err)
	}
}

// Reported: the ctx.Done() branch only logs and returns; the test passes.
func TestDequeueCtxDoneLog(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	q := &queue{}
	errCh := make(chan error)
	go func() { // want `goroutine sends on errCh, but the spawner can leave through case <-ctx.Done\(\) and return at line \d+ without receiving from it`
		_, err := q.Dequeue()
		errCh <- err
	}()
	select {
	case <-ctx.Done():
		t.Log(ctx.Err())
		return
	case err := <-errCh:
		require.NoError(t, err)
	}
}
