package udppeers

import (
	"net"
	"testing"
)

// EchoServer is a test helper in an ordinary file (it imports testing): not reported.
func EchoServer(t *testing.T, conn *net.UDPConn) {
	t.Helper()
	for {
		buf := make([]byte, 1500)
		n, addr, err := conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		go handle(conn, addr, buf[:n])
	}
}
