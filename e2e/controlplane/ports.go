package controlplane

import (
	"fmt"
	"net"
	"strconv"
)

// Loopback is the only address the control plane and the tests listen on.
const Loopback = "127.0.0.1"

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago. Another process can
// take it before ours binds it; callers that start a server on it retry on "address
// already in use".
func FreePort() (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(Loopback, "0"))
	if err != nil {
		return 0, fmt.Errorf("find a free port on %s: %w", Loopback, err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// CheckPortFree fails with a clear message when 127.0.0.1:port cannot be bound.
func CheckPortFree(port int, what string) error {
	addr := net.JoinHostPort(Loopback, strconv.Itoa(port))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s port %s is already in use (or cannot be bound): %w", what, addr, err)
	}
	return l.Close()
}
