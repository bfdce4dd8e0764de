package udppeers

import "net"

// MockUpstream answers the packets the package's own tests send: a test double, not reported.
type MockUpstream struct{ conn *net.UDPConn }

func (m *MockUpstream) serve() {
	for {
		buf := make([]byte, 1500)
		n, addr, err := m.conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		go handle(m.conn, addr, buf[:n])
	}
}
