package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// serveInMemory serves n requests, cycling through paths, to h through a real
// http.Server on one keep-alive connection that is not a socket: the
// requests come from memory and the responses are counted and dropped. What
// it costs is net/http's whole request path (parsing, the response writer,
// the header write, the background read net/http starts for every request)
// and the handler, without the kernel and without a client, so it can be
// profiled, counted in allocations and, under callgrind, in instructions,
// whatever else the machine is doing. Each response must be a 200.
func serveInMemory(h http.Handler, paths []string, n int) error {
	c := newMemConn(paths, n)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
	l := &oneConnListener{conn: c, closed: make(chan struct{})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	<-c.done
	_ = srv.Close()
	<-served
	if c.err != nil {
		return c.err
	}
	if c.responses != n {
		return fmt.Errorf("%d responses to %d requests", c.responses, n)
	}
	return nil
}

// memConn is one client connection held in memory. The client sends its
// next request only once the previous response is complete, like wrk on
// one connection. net/http reads a request, starts a one-byte background
// read that lasts until the handler is done (it cancels the read with a
// past read deadline), and writes the response in one Write when it fits
// its 4 KiB buffer, as every response measured here does.
type memConn struct {
	requests [][]byte
	n        int

	mu        sync.Mutex
	pending   []byte        // the unread part of the current request
	sent      int           // requests handed to the server
	responses int           // complete responses written
	awaiting  bool          // a request is out and its response not yet written
	abort     chan struct{} // closed by a past read deadline, to end a blocked read
	err       error
	done      chan struct{}
	closeOnce sync.Once
}

func newMemConn(paths []string, n int) *memConn {
	c := &memConn{n: n, abort: make(chan struct{}), done: make(chan struct{})}
	for _, p := range paths {
		c.requests = append(c.requests, []byte("GET "+p+" HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: loadbench\r\n\r\n"))
	}
	return c
}

var errMemTimeout = timeoutError{}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func (c *memConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	if len(c.pending) == 0 && !c.awaiting {
		if c.sent == c.n {
			c.mu.Unlock()
			c.finish(nil)
			return 0, errors.New("memconn: all requests sent")
		}
		c.pending = c.requests[c.sent%len(c.requests)]
		c.sent++
		c.awaiting = true
	}
	if len(c.pending) > 0 {
		k := copy(p, c.pending)
		c.pending = c.pending[k:]
		c.mu.Unlock()
		return k, nil
	}
	// The background read: nothing more comes until the response is out,
	// so it blocks until net/http cancels it.
	abort := c.abort
	c.mu.Unlock()
	select {
	case <-abort:
		return 0, errMemTimeout
	case <-c.done:
		return 0, net.ErrClosed
	}
}

func (c *memConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.awaiting {
		c.err = fmt.Errorf("memconn: a write with no request out: %q", p)
		return len(p), nil
	}
	if !bytes.HasPrefix(p, []byte("HTTP/1.1 200 ")) {
		c.err = fmt.Errorf("memconn: response %d is not one whole 200: %q", c.responses+1, p)
	}
	c.awaiting = false
	c.responses++
	return len(p), nil
}

func (c *memConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !t.IsZero() && t.Before(time.Now()) {
		close(c.abort)
		c.abort = make(chan struct{})
	}
	return nil
}

func (c *memConn) finish(err error) {
	c.closeOnce.Do(func() {
		if err != nil {
			c.mu.Lock()
			c.err = err
			c.mu.Unlock()
		}
		close(c.done)
	})
}

func (c *memConn) Close() error                     { c.finish(nil); return nil }
func (c *memConn) LocalAddr() net.Addr              { return memAddr{} }
func (c *memConn) RemoteAddr() net.Addr             { return memAddr{} }
func (c *memConn) SetDeadline(t time.Time) error    { return c.SetReadDeadline(t) }
func (c *memConn) SetWriteDeadline(time.Time) error { return nil }

type memAddr struct{}

func (memAddr) Network() string { return "mem" }
func (memAddr) String() string  { return "127.0.0.1:1" }

// oneConnListener accepts its one connection, then blocks until closed.
type oneConnListener struct {
	mu     sync.Mutex
	conn   net.Conn
	closed chan struct{}
	once   sync.Once
}

func (l *oneConnListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	c := l.conn
	l.conn = nil
	l.mu.Unlock()
	if c != nil {
		return c, nil
	}
	<-l.closed
	return nil, net.ErrClosed
}

func (l *oneConnListener) Close() error   { l.once.Do(func() { close(l.closed) }); return nil }
func (l *oneConnListener) Addr() net.Addr { return memAddr{} }
