package server

// frankfurterRoutes are the Frankfurter-compatible routes.
func frankfurterRoutes(cfg Config) []route { return nil }
