// Package acceptcfg is analysed with report-accept-loops set and max-constant-trips lowered.
package acceptcfg

import "net"

func serve(net.Conn) {}

// acceptLoop is reported when report-accept-loops is set.
func acceptLoop(ln net.Listener) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go serve(c) // want `go statement in accept loop on ln.Accept starts one goroutine per item`
	}
}

// acceptBounded takes a slot before serving: bounded even with the option.
func acceptBounded(ln net.Listener) error {
	sem := make(chan struct{}, 128)
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			serve(c)
		}()
	}
}

func tick() {}

// With max-constant-trips=2, eight iterations are too many.
func eight() {
	for i := 0; i < 8; i++ {
		go tick() // want `go statement in a loop of 8 iterations starts one goroutine per item`
	}
	for range 2 {
		go tick()
	}
}
