package main

import (
	"context"
	"net"
	"sync"

	"google.golang.org/grpc/credentials"
)

// inprocListener is a net.Listener of in-memory connections: the REST
// gateway reaches the gRPC server through it, so REST calls pass the same
// interceptors as gRPC ones without a socket another process could use.
// Its connections' remote address is inprocAddr, which no network
// connection has: the guard believes client-certificate names forwarded by
// the gateway on such connections only.
type inprocListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

type inprocAddr struct{}

func (inprocAddr) Network() string { return "inproc" }
func (inprocAddr) String() string  { return "inproc" }

// isInproc reports whether a is the remote address of an in-process
// connection.
func isInproc(a net.Addr) bool {
	_, ok := a.(inprocAddr)
	return ok
}

func newInprocListener() *inprocListener {
	return &inprocListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *inprocListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *inprocListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *inprocListener) Addr() net.Addr { return inprocAddr{} }

// Dial connects to the listener (grpc.WithContextDialer).
func (l *inprocListener) Dial(ctx context.Context, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- inprocConn{server}:
		return client, nil
	case <-l.done:
		client.Close()
		server.Close()
		return nil, net.ErrClosed
	case <-ctx.Done():
		client.Close()
		server.Close()
		return nil, ctx.Err()
	}
}

// inprocConn is the server end of an in-process connection.
type inprocConn struct{ net.Conn }

func (inprocConn) RemoteAddr() net.Addr { return inprocAddr{} }
func (inprocConn) LocalAddr() net.Addr  { return inprocAddr{} }

// inprocOrTLS are the server's TLS credentials, except that in-process
// connections (from the REST gateway, which terminated TLS itself) skip
// the handshake.
type inprocOrTLS struct {
	credentials.TransportCredentials
}

// inprocAuth is the AuthInfo of an in-process connection.
type inprocAuth struct{ credentials.CommonAuthInfo }

func (inprocAuth) AuthType() string { return "inproc" }

func (c inprocOrTLS) ServerHandshake(conn net.Conn) (net.Conn, credentials.AuthInfo, error) {
	if _, ok := conn.(inprocConn); ok {
		return conn, inprocAuth{credentials.CommonAuthInfo{SecurityLevel: credentials.PrivacyAndIntegrity}}, nil
	}
	return c.TransportCredentials.ServerHandshake(conn)
}

func (c inprocOrTLS) Clone() credentials.TransportCredentials {
	return inprocOrTLS{c.TransportCredentials.Clone()}
}
