package rotation_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
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
			w.WriteHeader(http.StatusBadGateway)
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
