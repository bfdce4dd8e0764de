// Package udppeers holds the same per-packet loop in code under test (reported with
// report-accept-loops) and in test code that lives in ordinary files: a mock server file and a
// helper that imports testing.
package udppeers

import "net"

func handle(conn *net.UDPConn, addr *net.UDPAddr, p []byte) {}

// Serve starts one goroutine per packet any client sends: reported with report-accept-loops.
func Serve(conn *net.UDPConn) {
	for {
		buf := make([]byte, 1500)
		n, addr, err := conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		go handle(conn, addr, buf[:n]) // want `go statement in packet read loop on conn.ReadFromUDP starts one goroutine per item`
	}
}
