package decoder

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// Fine: the stream-decoder idiom. The decoder returns on EOF or "closed" and sends on errCh only
// on another decode error; the test closes both ends of the pipe on its way out, so the pending
// Decode fails with one of those and the decoder returns without sending. The frames send is
// received on every way out (the loop leaves only after a frame).
func TestStreamDecoder(t *testing.T) {
	p1, p2 := net.Pipe()
	defer p1.Close()
	defer p2.Close()

	errCh := make(chan error)
	frames := make(chan *frame)

	go handler(p2)
	go func() {
		dec := json.NewDecoder(p1)
		for {
			var f frame
			if err := dec.Decode(&f); err != nil {
				if err == io.EOF || strings.Contains(err.Error(), "closed") {
					return
				}
				errCh <- fmt.Errorf("error decoding: %v", err)
			}
			frames <- &f
		}
	}()

	timeout := time.After(3 * time.Second)
OUTER:
	for {
		select {
		case <-timeout:
			t.Fatal("timeout")
		case err := <-errCh:
			t.Fatal(err)
		case f := <-frames:
			if f.Data == "x" {
				break OUTER
			}
		}
	}
}

// Fine: the same with errors.Is(err, net.ErrClosed) and the decoder made by the test.
func TestStreamDecoderErrorsIs(t *testing.T) {
	p1, p2 := net.Pipe()
	defer p2.Close()

	errCh := make(chan error)
	frames := make(chan *frame)
	dec := json.NewDecoder(p1)

	go handler(p2)
	go func() {
		for {
			var f frame
			err := dec.Decode(&f)
			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrClosedPipe) {
				return
			}
			if err != nil {
				errCh <- err
				return
			}
			frames <- &f
		}
	}()

	select {
	case err := <-errCh:
		t.Fatal(err)
	case <-frames:
	}
	p1.Close()
}

// Reported: this decoder sends every error, io.EOF included, on errCh. Once the test has
// taken its frame and left, closing the pipe makes Decode fail and the send blocks forever.
func TestStreamDecoderSendsEOF(t *testing.T) {
	p1, p2 := net.Pipe()
	defer p1.Close()
	defer p2.Close()

	errCh := make(chan error)
	frames := make(chan *frame)

	go handler(p2)
	go func() { // want `goroutine sends on errCh, but the spawner can leave through case f := <-frames and return at the end of the function without receiving from it: the goroutine blocks forever and leaks`
		dec := json.NewDecoder(p1)
		for {
			var f frame
			if err := dec.Decode(&f); err != nil {
				errCh <- err
				return
			}
			frames <- &f
		}
	}()

	select {
	case err := <-errCh:
		t.Fatal(err)
	case f := <-frames:
		if f.Data != "x" {
			t.Fatalf("bad frame %v", f)
		}
	}
}

// Reported: the test stops reading after a moment with no error, while the handler keeps
// streaming: the decoder blocks on its per-frame send, which closing the pipe does not release.
func TestStreamDecoderStopsReading(t *testing.T) {
	p1, p2 := net.Pipe()
	defer p1.Close()
	defer p2.Close()

	errCh := make(chan error)
	frames := make(chan *frame)

	go handler(p2)
	go func() { // want `goroutines send on frames, but the spawner can leave through case <-time.After\(100 \* time.Millisecond\) and return at the end of the function without receiving from it`
		dec := json.NewDecoder(p1)
		for {
			var f frame
			if err := dec.Decode(&f); err != nil {
				if err == io.EOF || strings.Contains(err.Error(), "closed") {
					return
				}
				errCh <- err
				return
			}
			frames <- &f
		}
	}()

	select {
	case err := <-errCh:
		t.Fatal(err)
	case <-time.After(100 * time.Millisecond):
		// no error so far: good enough
	}
}

// Reported: the guard is the idiom's, but the test never closes the pipe the decoder reads, so
// a read error after the test left is not ruled out and the errCh send can block.
func TestStreamDecoderPipeLeftOpen(t *testing.T) {
	p1, p2 := net.Pipe()

	errCh := make(chan error)
	frames := make(chan *frame)

	go handler(p2)
	go func() { // want `goroutine sends on errCh, but the spawner can leave through case f := <-frames`
		dec := json.NewDecoder(p1)
		for {
			var f frame
			if err := dec.Decode(&f); err != nil {
				if err == io.EOF {
					return
				}
				errCh <- err
				return
			}
			frames <- &f
		}
	}()

	select {
	case err := <-errCh:
		t.Fatal(err)
	case f := <-frames:
		_ = f
	}
}

// Fine: the named decoder's errCh send is error-only and the test closes the pipe on its way out.
func TestDecodeFramesNamed(t *testing.T) {
	p1, p2 := net.Pipe()
	defer p1.Close()
	defer p2.Close()

	errCh := make(chan error)
	frames := make(chan *frame)
	go handler(p2)
	go decodeFrames(p1, frames, errCh)

	select {
	case <-time.After(3 * time.Second):
		t.Fatal("timed out")
	case err := <-errCh:
		t.Fatal(err)
	case f := <-frames:
		_ = f
	}
}

// Reported: decodeAll sends io.EOF too, which the close on the way out produces.
func TestDecodeAllNamed(t *testing.T) {
	p1, p2 := net.Pipe()
	defer p1.Close()
	defer p2.Close()

	errCh := make(chan error)
	frames := make(chan *frame)
	go handler(p2)
	go decodeAll(p1, frames, errCh) // want `goroutine sends on errCh, but the spawner can leave through case f := <-frames and return at the end of the function without receiving from it`

	select {
	case <-time.After(3 * time.Second):
		t.Fatal("timed out")
	case err := <-errCh:
		t.Fatal(err)
	case f := <-frames:
		_ = f
	}
}
