package server

import "net/http"

// handlePage serves the converter page at /.
func handlePage(cfg Config) http.Handler { return redirectTo("/docs") }
