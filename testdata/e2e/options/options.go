// Package options holds findings that only a non-default option reports: spawnloop leaves accept
// loops alone by default (the connection count is the listener owner's business) and reports them
// with report-accept-loops: true (-spawnloop.report-accept-loops).
package options

import (
	"io"
	"net"
)

// Serve echoes every connection until the listener is closed, one goroutine per connection.
func Serve(ln net.Listener) error {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return err
		}
		go echo(conn) // e2e:want-option spawnloop
	}
}

func echo(c net.Conn) {
	defer c.Close()
	_, _ = io.Copy(c, c)
}
