package rotation

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

// HTTPProber probes the ALB with GET requests to URL carrying Header. The
// listener answers a request it does not forward with its default action, a
// fixed 403; a forwarded one reaches the service, whose health check answers
// 2xx. Redirects are not followed.
type HTTPProber struct {
	URL    string
	Header string
	Client *http.Client // nil: a client that does not follow redirects
}

// Probe sends one request with the header set to value: 2xx is forwarded,
// 403 refused, anything else an error.
func (p *HTTPProber) Probe(ctx context.Context, value string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL, nil)
	if err != nil {
		return false, fmt.Errorf("probe request: %w", err)
	}
	req.Header.Set(p.Header, value)
	client := p.Client
	if client == nil {
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode/100 == 2:
		return true, nil
	case resp.StatusCode == http.StatusForbidden:
		return false, nil
	}
	return false, fmt.Errorf("GET %s: %s: %w: want 2xx (forwarded) or 403 (refused)", p.URL, resp.Status, ErrProbe)
}
