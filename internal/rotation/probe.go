package rotation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
)

// ErrNodesDisagree is a probe some of the ALB's nodes forwarded and others
// refused: a rule change not yet applied everywhere.
var ErrNodesDisagree = errors.New("the ALB's nodes answered differently")

// HTTPProber probes the ALB with GET requests to URL carrying Header. The
// listener answers a request it does not forward with its default action, a
// fixed 403; a forwarded one reaches the service, whose health check answers
// 2xx, or finds no healthy target, and the ALB answers 502, 503 or 504.
// Redirects are not followed.
//
// An internal ALB has a node per Availability Zone, and CloudFront's VPC
// origin reaches any of them, so each probe resolves URL's host and asks
// every address, each over a connection of its own (no keep-alive), with
// the Host header and TLS server name still the URL's host.
type HTTPProber struct {
	URL    string
	Header string
	// LookupHost resolves URL's host; nil is net.DefaultResolver.LookupHost.
	// An IP literal is not looked up.
	LookupHost func(ctx context.Context, host string) ([]string, error)
}

// Probe sends one request per address of the URL's host with the header
// set to value: true when every address forwarded it, false when
// every one refused it (403), ErrNodesDisagree when some did each, and an
// ErrProbe or network error when any answered otherwise.
func (p *HTTPProber) Probe(ctx context.Context, value string) (bool, error) {
	u, err := url.Parse(p.URL)
	if err != nil {
		return false, fmt.Errorf("probe URL: %w", err)
	}
	addrs, err := p.addresses(ctx, u.Hostname())
	if err != nil {
		return false, err
	}
	forwarded := 0
	for _, addr := range addrs {
		ok, err := p.probeAddr(ctx, addr, value)
		if err != nil {
			return false, err
		}
		if ok {
			forwarded++
		}
	}
	switch forwarded {
	case len(addrs):
		return true, nil
	case 0:
		return false, nil
	}
	return false, fmt.Errorf("GET %s: %d of %d addresses forwarded: %w", p.URL, forwarded, len(addrs), ErrNodesDisagree)
}

// addresses are the distinct addresses of host, or host itself when it is
// an IP literal.
func (p *HTTPProber) addresses(ctx context.Context, host string) ([]string, error) {
	if net.ParseIP(host) != nil {
		return []string{host}, nil
	}
	lookup := p.LookupHost
	if lookup == nil {
		lookup = net.DefaultResolver.LookupHost
	}
	addrs, err := lookup(ctx, host)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", host, err)
	}
	slices.Sort(addrs)
	addrs = slices.Compact(addrs)
	if len(addrs) == 0 {
		return nil, fmt.Errorf("resolve %s: no addresses: %w", host, ErrProbe)
	}
	return addrs, nil
}

// probeAddr sends the request to the one address addr.
func (p *HTTPProber) probeAddr(ctx context.Context, addr, value string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL, nil)
	if err != nil {
		return false, fmt.Errorf("probe request: %w", err)
	}
	req.Header.Set(p.Header, value)
	var dialer net.Dialer
	transport := &http.Transport{
		// No proxy: the request goes to addr itself.
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, hostPort string) (net.Conn, error) {
			_, port, err := net.SplitHostPort(hostPort)
			if err != nil {
				return nil, err
			}
			return dialer.DialContext(ctx, network, net.JoinHostPort(addr, port))
		},
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{
		Transport:     transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, fmt.Errorf("address %s: %w", addr, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode/100 == 2, forwardedToUnhealthyTarget(resp.StatusCode):
		return true, nil
	case resp.StatusCode == http.StatusForbidden:
		return false, nil
	}
	return false, fmt.Errorf("GET %s at %s: %s: %w: want 2xx, 502, 503 or 504 (forwarded) or 403 (refused)", p.URL, addr, resp.Status, ErrProbe)
}

// forwardedToUnhealthyTarget reports the statuses an ALB answers after a
// rule forwarded the request and the target group could not: 503 when it
// has no registered targets, 502 when the target closed or refused the
// connection, 504 when it did not answer in time
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html).
// The rule accepted the value, which is all a probe asks: the first
// rotation of a new environment runs before its service has a healthy
// task. A 500 can come from the ALB itself, before any rule, and says
// nothing.
func forwardedToUnhealthyTarget(status int) bool {
	switch status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}
