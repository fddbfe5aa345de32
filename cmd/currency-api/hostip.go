package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// metadataTimeout bounds the call to the ECS task metadata endpoint, which
// is link-local and answers in milliseconds when it exists at all.
const metadataTimeout = 2 * time.Second

// hostIP finds the task's private IPv4 address: from the ECS task metadata
// endpoint v4 when ECS provides one, else from the first non-loopback
// interface. It never sends a packet towards the internet, unlike the seed's
// UDP "connect to 8.8.8.8" trick.
func hostIP(ctx context.Context, metadataURI string, client *http.Client) (string, error) {
	if metadataURI != "" {
		ip, err := ecsTaskIP(ctx, metadataURI, client)
		if err == nil {
			return ip, nil
		}
		fallback, ferr := interfaceIP()
		return fallback, errors.Join(fmt.Errorf("ecs task metadata: %w", err), ferr)
	}
	return interfaceIP()
}

// ecsTaskIP reads the container metadata document (GET ${ECS_CONTAINER_METADATA_URI_V4}),
// whose Networks list carries the task ENI's addresses in awsvpc mode.
func ecsTaskIP(ctx context.Context, uri string, client *http.Client) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, metadataTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d", resp.StatusCode)
	}
	var doc struct {
		Networks []struct {
			IPv4Addresses []string `json:"IPv4Addresses"`
		} `json:"Networks"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&doc); err != nil {
		return "", fmt.Errorf("decode: %w", err)
	}
	for _, n := range doc.Networks {
		for _, a := range n.IPv4Addresses {
			if ip := net.ParseIP(a); ip != nil && ip.To4() != nil {
				return a, nil
			}
		}
	}
	return "", errors.New("no IPv4 address in the metadata")
}

// interfaceIP returns the first IPv4 address not on a loopback interface,
// or the loopback address when that is all there is.
func interfaceIP() (string, error) {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return "127.0.0.1", fmt.Errorf("list interface addresses: %w", err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String(), nil
		}
	}
	return "127.0.0.1", nil
}
