// Package proctest holds what the end-to-end tests of the commands share
// when they run real processes: a buffer that collects a process's output
// while the test reads it, and a free loopback address.
package proctest

import (
	"bytes"
	"net"
	"sync"
	"testing"
)

// Buffer collects a process's output (an exec.Cmd's Stdout or Stderr)
// and may be read while the process writes. The zero Buffer is ready.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns what was written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// FreeAddr returns a loopback address whose port was free a moment ago,
// for a process that must be told its address before it starts (a peer
// list). Another process may take the port meanwhile; prefer port 0 and
// the address the process reports where it can.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
