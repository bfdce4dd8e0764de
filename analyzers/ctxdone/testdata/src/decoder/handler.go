// Package decoder holds streaming RPC tests in the shape of a cluster scheduler's: a handler
// writes frames on one end of a net.Pipe and a goroutine decodes them from the other.
package decoder

import (
	"encoding/json"
	"errors"
	"io"
	"net"
)

type frame struct {
	Data string
	Err  string
}

// handler streams frames until the connection fails.
func handler(c net.Conn) {
	enc := json.NewEncoder(c)
	for {
		if err := enc.Encode(frame{Data: "x"}); err != nil {
			return
		}
	}
}

// decodeFrames is the decoder as a named function: its fact records that its errCh send runs
// only on a decode error other than EOF or closed.
func decodeFrames(p net.Conn, frames chan<- *frame, errCh chan<- error) { // want decodeFrames:"chanparams\\(1:sends,2:sends=1\\+final\\+erronly\\)"
	dec := json.NewDecoder(p)
	for {
		var f frame
		if err := dec.Decode(&f); err != nil {
			if errors.Is(err, io.EOF) || isClosedErr(err) {
				return
			}
			errCh <- err
			return
		}
		frames <- &f
	}
}

// decodeAll sends every decode error, io.EOF included.
func decodeAll(p net.Conn, frames chan<- *frame, errCh chan<- error) { // want decodeAll:"chanparams\\(1:sends,2:sends=1\\+final\\)"
	dec := json.NewDecoder(p)
	for {
		var f frame
		if err := dec.Decode(&f); err != nil {
			errCh <- err
			return
		}
		frames <- &f
	}
}

func isClosedErr(err error) bool { return errors.Is(err, net.ErrClosed) }
