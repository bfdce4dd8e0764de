// Package completion holds goroutines that announce their end on a second channel: a spawner
// that leaves after receiving that signal leaks nothing, since the goroutine is past its last
// send.
package completion

import (
	"context"
	"errors"
	"io"
	"net"
	"time"
)

type message struct{ body []byte }

func readMessage(conn net.Conn) (message, error) { return message{}, nil }

// readLoop reports its read error on errc as its last action (the send is followed by a
// return): a caller that has received from errc knows readLoop has returned.
func readLoop(conn net.Conn, msgs chan<- message, errc chan<- error) { // want readLoop:"chanparams\\(1:sends,2:sends=1\\+final\\)"
	defer conn.Close() // mentions no channel: cannot block after the signal
	for {
		m, err := readMessage(conn)
		if err != nil {
			errc <- err
			return
		}
		msgs <- m
	}
}

func handle(m message) {}

// relay is fine: it leaves its receive loop only through errc, which readLoop sends on just
// before it returns, so no send on msgs is pending then.
func relay(conn net.Conn, idle time.Duration) {
	msgs := make(chan message)
	errc := make(chan error, 1)
	go readLoop(conn, msgs, errc)
	t := time.NewTimer(idle)
	defer t.Stop()
	for {
		select {
		case m := <-msgs:
			handle(m)
		case err := <-errc:
			_ = err
			return
		case <-t.C:
			conn.Close() // readLoop fails and reports on errc
		}
	}
}

// relayCtx also leaves through ctx.Done(), where readLoop may be blocked sending on msgs.
func relayCtx(ctx context.Context, conn net.Conn) error {
	msgs := make(chan message)
	errc := make(chan error, 1)
	go readLoop(conn, msgs, errc) // want `goroutines send on msgs, but the spawner can leave through case <-ctx.Done\(\) and return at line \d+ without receiving from it`
	for {
		select {
		case m := <-msgs:
			handle(m)
		case err := <-errc:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// readLoopWarn reports an error and keeps reading until EOF: errc is not its last action.
func readLoopWarn(conn net.Conn, msgs chan<- message, errc chan<- error) { // want readLoopWarn:"chanparams\\(1:sends,2:sends\\+erronly\\)"
	for {
		m, err := readMessage(conn)
		if err == io.EOF {
			return
		}
		if err != nil {
			errc <- err
			continue
		}
		msgs <- m
	}
}

// relayWarn leaves on the first warning while readLoopWarn goes on sending on msgs.
func relayWarn(conn net.Conn) error {
	msgs := make(chan message)
	errc := make(chan error, 1)
	go readLoopWarn(conn, msgs, errc) // want `goroutines send on msgs, but the spawner can leave through case err := <-errc and return at line \d+ without receiving from it`
	for {
		select {
		case m := <-msgs:
			handle(m)
		case err := <-errc:
			return err
		}
	}
}

// pump is fine: the literal closes done with a top-level defer, after its last send on out, and
// the spawner leaves only through done.
func pump(src []message) []message {
	out := make(chan message)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, m := range src {
			out <- m
		}
	}()
	var got []message
	for {
		select {
		case m := <-out:
			got = append(got, m)
		case <-done:
			return got
		}
	}
}

// pumpTwo starts two senders that share done: one signal says nothing about the other goroutine.
func pumpTwo(src []message) []message {
	out := make(chan message)
	done := make(chan struct{}, 2)
	for range 2 {
		go func() { // want `goroutines send on out, but the spawner can leave through case <-done and return at line \d+ without receiving from it`
			for _, m := range src {
				out <- m
			}
			done <- struct{}{}
		}()
	}
	var got []message
	for {
		select {
		case m := <-out:
			got = append(got, m)
		case <-done:
			return got
		}
	}
}

// fetch is fine: the literal sends its error and returns, or sends its result; receiving the
// error means the result send never happens.
func fetch(conn net.Conn) (message, error) {
	res := make(chan message)
	errc := make(chan error)
	go func() {
		m, err := readMessage(conn)
		if err != nil {
			errc <- err
			return
		}
		res <- m
	}()
	select {
	case m := <-res:
		return m, nil
	case err := <-errc:
		return message{}, err
	}
}

// errSignalShared sends on errc from the spawner too: receiving from it proves nothing.
func errSignalShared(conn net.Conn, fail bool) (message, error) {
	res := make(chan message)
	errc := make(chan error, 2)
	if fail {
		errc <- errors.New("fail")
	}
	go func() { // want `goroutine sends on res, but the spawner can leave through case err := <-errc`
		m, err := readMessage(conn)
		if err != nil {
			errc <- err
			return
		}
		res <- m
	}()
	select {
	case m := <-res:
		return m, nil
	case err := <-errc:
		return message{}, err
	}
}
