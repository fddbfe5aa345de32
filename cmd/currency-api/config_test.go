package main

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(env(nil))
	if err != nil {
		t.Fatalf("loadConfig(empty) error = %v", err)
	}
	want := config{
		Port:             8080,
		Provider:         "ecb",
		ECBURL:           "https://www.ecb.europa.eu/stats/eurofxref/",
		FrankfurterURL:   "https://api.frankfurter.dev/v1",
		LogLevel:         slog.LevelInfo,
		FetchTimeout:     30 * time.Second,
		RetryMin:         time.Minute,
		RetryMax:         30 * time.Minute,
		StaleAfter:       time.Hour,
		CORSOrigins:      []string{"*"},
		ShutdownTimeout:  20 * time.Second,
		MetricsNamespace: "CurrencyAPI",
	}
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestLoadConfigValues(t *testing.T) {
	cfg, err := loadConfig(env(map[string]string{
		"PORT":                 "9090",
		"RATES_PROVIDER":       "offline",
		"ECB_URL":              "http://127.0.0.1:1/ecb/",
		"LOG_LEVEL":            "debug",
		"RATES_FETCH_TIMEOUT":  "5s",
		"RATES_RETRY_MIN":      "2s",
		"RATES_RETRY_MAX":      "1m",
		"RATES_STALE_AFTER":    "0s",
		"CORS_ALLOWED_ORIGINS": "https://a.example, http://localhost:3000",
		"SHUTDOWN_TIMEOUT":     "25s",
		"METRICS_NAMESPACE":    "none",
	}))
	if err != nil {
		t.Fatalf("loadConfig error = %v", err)
	}
	if got, want := cfg.Port, 9090; got != want {
		t.Errorf("Port = %d, want %d", got, want)
	}
	if got, want := cfg.Provider, "offline"; got != want {
		t.Errorf("Provider = %q, want %q", got, want)
	}
	if got, want := cfg.LogLevel, slog.LevelDebug; got != want {
		t.Errorf("LogLevel = %v, want %v", got, want)
	}
	if diff := cmp.Diff([]string{"https://a.example", "http://localhost:3000"}, cfg.CORSOrigins); diff != "" {
		t.Errorf("CORSOrigins (-want +got):\n%s", diff)
	}
	if cfg.MetricsNamespace != "" {
		t.Errorf("MetricsNamespace = %q, want disabled", cfg.MetricsNamespace)
	}
	if got, want := cfg.StaleAfter, time.Duration(0); got != want {
		t.Errorf("StaleAfter = %v, want %v", got, want)
	}
}

// Every bad variable is reported, by name, in one error.
func TestLoadConfigReportsEveryProblem(t *testing.T) {
	bad := map[string]string{
		"PORT":                 "80a",
		"RATES_PROVIDER":       "yahoo",
		"ECB_URL":              "ftp://x",
		"FRANKFURTER_URL":      "not a url",
		"LOG_LEVEL":            "loud",
		"RATES_FETCH_TIMEOUT":  "10",
		"RATES_RETRY_MAX":      "7h",
		"RATES_RETRY_MIN":      "3h",
		"RATES_STALE_AFTER":    "-1h",
		"CORS_ALLOWED_ORIGINS": "https://a.example/path",
		"SHUTDOWN_TIMEOUT":     "5m",
		"METRICS_NAMESPACE":    "has space",
	}
	_, err := loadConfig(env(bad))
	if err == nil {
		t.Fatal("loadConfig(bad) error = nil")
	}
	for name := range bad {
		if !strings.Contains(err.Error(), name+":") {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
}

func TestLoadConfigRetryOrder(t *testing.T) {
	_, err := loadConfig(env(map[string]string{"RATES_RETRY_MIN": "10m", "RATES_RETRY_MAX": "5m"}))
	if err == nil || !strings.Contains(err.Error(), "must not exceed RATES_RETRY_MAX") {
		t.Errorf("error = %v, want the retry bounds reported", err)
	}
}
