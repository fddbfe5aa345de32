package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHostIPFromECSMetadata(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Shape of the ECS task metadata v4 container document (awsvpc).
		_, _ = w.Write([]byte(`{"DockerId":"abc","Name":"app","Networks":[{"NetworkMode":"awsvpc","IPv4Addresses":["10.0.2.106"],"IPv4SubnetCIDRBlock":"10.0.2.0/24"}]}`))
	}))
	defer srv.Close()
	ip, err := hostIP(context.Background(), srv.URL, srv.Client())
	if err != nil {
		t.Fatalf("hostIP error = %v", err)
	}
	if got, want := ip, "10.0.2.106"; got != want {
		t.Errorf("hostIP = %q, want %q", got, want)
	}
}

func TestHostIPFallsBackWhenMetadataFails(t *testing.T) {
	for name, handler := range map[string]http.HandlerFunc{
		"status":  func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusInternalServerError) },
		"garbage": func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>")) },
		"no ipv4": func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"Networks":[{"IPv4Addresses":[]}]}`))
		},
		"ipv6only": func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"Networks":[{"IPv4Addresses":["::1"]}]}`))
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(handler)
			defer srv.Close()
			ip, err := hostIP(context.Background(), srv.URL, srv.Client())
			if err == nil {
				t.Error("hostIP error = nil, want the metadata failure reported")
			}
			if net.ParseIP(ip).To4() == nil {
				t.Errorf("fallback hostIP = %q, want an IPv4 address", ip)
			}
		})
	}
}

func TestHostIPWithoutECS(t *testing.T) {
	ip, err := hostIP(context.Background(), "", http.DefaultClient)
	if err != nil {
		t.Fatalf("hostIP error = %v", err)
	}
	want, _ := interfaceIP()
	if ip != want || net.ParseIP(ip).To4() == nil {
		t.Errorf("hostIP = %q, want the interface address %q", ip, want)
	}
}
