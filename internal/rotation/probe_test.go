package rotation_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/internal/rotation"
)

func TestHTTPProber(t *testing.T) {
	const good = "the-right-value-the-right-value-0123456789"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch got := r.Header.Get(fakeHeader); {
		case r.URL.Path == "/moved":
			http.Redirect(w, r, "/health", http.StatusFound)
		case r.URL.Path == "/broken":
			w.WriteHeader(http.StatusBadRequest)
		case got == good && r.URL.Path == "/no-targets":
			w.WriteHeader(http.StatusServiceUnavailable)
		case got == good && r.URL.Path == "/target-failed":
			w.WriteHeader(http.StatusBadGateway)
		case got == good && r.URL.Path == "/target-timeout":
			w.WriteHeader(http.StatusGatewayTimeout)
		case got == good && r.URL.Path == "/internal-error":
			w.WriteHeader(http.StatusInternalServerError)
		case got == good:
			w.WriteHeader(http.StatusOK)
		default:
			w.WriteHeader(http.StatusForbidden)
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name, path, value string
		want              bool
		wantErr           error
	}{
		{"forwarded", "/health", good, true, nil},
		{"refused", "/health", "wrong", false, nil},
		{"neither", "/broken", good, false, rotation.ErrProbe},
		// The rule matched and the ALB forwarded; the service could not
		// answer (no registered targets, a failed or slow target).
		{"forwarded to no targets", "/no-targets", good, true, nil},
		{"forwarded to a failed target", "/target-failed", good, true, nil},
		{"forwarded to a slow target", "/target-timeout", good, true, nil},
		{"500 says nothing about the rule", "/internal-error", good, false, rotation.ErrProbe},
		{"redirect not followed", "/moved", good, false, rotation.ErrProbe},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &rotation.HTTPProber{URL: srv.URL + tc.path, Header: fakeHeader}
			got, err := p.Probe(context.Background(), tc.value)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("forwarded = %v, want %v", got, tc.want)
			}
		})
	}
}

// node is one ALB node: a server on addr that forwards the values in
// forward and refuses the others.
type node struct {
	srv     *httptest.Server
	mu      sync.Mutex
	broken  bool // answers 400
	forward map[string]bool
	hosts   []string // the Host header of each request
	closed  []bool   // whether each request asked to close its connection
}

// twoNodes starts two nodes on one port, at 127.0.0.1 and 127.0.0.2; it
// skips the test when the second loopback address cannot be bound.
func twoNodes(t *testing.T) (port string, nodes [2]*node) {
	t.Helper()
	first, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ = net.SplitHostPort(first.Addr().String())
	second, err := net.Listen("tcp", net.JoinHostPort("127.0.0.2", port))
	if err != nil {
		first.Close()
		t.Skipf("no second loopback address: %v", err)
	}
	for i, l := range []net.Listener{first, second} {
		n := &node{forward: map[string]bool{}}
		n.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.mu.Lock()
			n.hosts = append(n.hosts, r.Host)
			n.closed = append(n.closed, r.Close)
			ok, broken := n.forward[r.Header.Get(fakeHeader)], n.broken
			n.mu.Unlock()
			switch {
			case broken:
				w.WriteHeader(http.StatusBadRequest)
				return
			case ok:
				w.WriteHeader(http.StatusOK)
				return
			}
			w.WriteHeader(http.StatusForbidden)
		}))
		n.srv.Listener.Close()
		n.srv.Listener = l
		n.srv.Start()
		t.Cleanup(n.srv.Close)
		nodes[i] = n
	}
	return port, nodes
}

func TestHTTPProberEveryNode(t *testing.T) {
	const (
		host = "alb.internal.example"
		a    = "value-a-value-a-value-a-value-a-value-a-01"
		b    = "value-b-value-b-value-b-value-b-value-b-01"
	)
	port, nodes := twoNodes(t)
	for _, n := range nodes {
		n.mu.Lock()
		n.forward[a] = true
		n.forward[b] = n == nodes[0] // the rule change has reached one node
		n.mu.Unlock()
	}
	lookups := 0
	p := &rotation.HTTPProber{
		URL:    "http://" + net.JoinHostPort(host, port) + "/health",
		Header: fakeHeader,
		LookupHost: func(_ context.Context, h string) ([]string, error) {
			lookups++
			if h != host {
				return nil, fmt.Errorf("lookup %s: no such host", h)
			}
			return []string{"127.0.0.2", "127.0.0.1", "127.0.0.1"}, nil
		},
	}
	for _, tc := range []struct {
		name, value string
		want        bool
		wantErr     error
	}{
		{"every node forwards", a, true, nil},
		{"every node refuses", "wrong", false, nil},
		{"one forwards, one refuses", b, false, rotation.ErrNodesDisagree},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.Probe(context.Background(), tc.value)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("forwarded = %v, want %v", got, tc.want)
			}
		})
	}
	if lookups != 3 {
		t.Errorf("lookups = %d, want one per probe (3)", lookups)
	}
	for i, n := range nodes {
		n.mu.Lock()
		if len(n.hosts) != 3 {
			t.Errorf("node %d: %d requests, want one per probe (3)", i, len(n.hosts))
		}
		for _, h := range n.hosts {
			if want := net.JoinHostPort(host, port); h != want {
				t.Errorf("node %d: Host %q, want %q", i, h, want)
			}
		}
		for _, c := range n.closed {
			if !c {
				t.Errorf("node %d: a request kept its connection alive", i)
			}
		}
		n.mu.Unlock()
	}

	// A node that answers neither 2xx nor 403 is an error, whatever the
	// others say.
	nodes[1].mu.Lock()
	nodes[1].broken = true
	nodes[1].mu.Unlock()
	if _, err := p.Probe(context.Background(), a); !errors.Is(err, rotation.ErrProbe) {
		t.Errorf("err = %v, want ErrProbe", err)
	}
}
