// Command minimal serves loadbench's minimal Go JSON handler on
// 127.0.0.1:$PORT until SIGTERM; with MINIMAL_HEADERS=service, the same
// answer with the service's header set instead (minimal.ServiceHeaders), a
// reference, not the baseline. loadbench builds it with the service's
// release flags and runs it as a child process, so the handler under
// comparison has a Go runtime of its own, like the service.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/currency-convertor-ecs/currency-api/cmd/loadbench/internal/minimal"
)

func main() {
	handler := minimal.Handler()
	if os.Getenv("MINIMAL_HEADERS") == "service" {
		handler = minimal.ServiceHeaders()
	}
	if err := run(os.Getenv("PORT"), handler); err != nil {
		fmt.Fprintln(os.Stderr, "minimal:", err)
		os.Exit(1)
	}
}

func run(port string, handler http.Handler) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		return err
	}
	// The bounds of cmd/currency-api's server: net/http sets the read and
	// write deadlines on every request, so the two pay for them alike.
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       75 * time.Second,
		MaxHeaderBytes:    32 << 10,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
