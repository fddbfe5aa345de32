package envconfig_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/envconfig"
)

func TestRedactURL(t *testing.T) {
	if got, want := envconfig.RedactURL("https://user:secret@example.com/v1?key=k"), "https://example.com/v1"; got != want {
		t.Errorf("RedactURL = %q, want %q", got, want)
	}
	if got := envconfig.RedactURL("http://[::1"); got != "(invalid)" {
		t.Errorf("RedactURL of a bad URL = %q, want (invalid)", got)
	}
}

func TestParser(t *testing.T) {
	env := map[string]string{"LEVEL": "warn", "BAD_LEVEL": "loud", "WAIT": "30s", "BAD_WAIT": "soon", "LONG_WAIT": "2h"}
	p := envconfig.New(func(k string) string { return env[k] })
	if got := p.Level("LEVEL", slog.LevelInfo); got != slog.LevelWarn {
		t.Errorf("Level = %v, want warn", got)
	}
	if got := p.Level("UNSET", slog.LevelDebug); got != slog.LevelDebug {
		t.Errorf("Level of an unset variable = %v, want the default", got)
	}
	if got := p.Duration("WAIT", time.Second, time.Second, time.Minute); got != 30*time.Second {
		t.Errorf("Duration = %v, want 30s", got)
	}
	if err := p.Err(); err != nil {
		t.Fatalf("good values gave %v", err)
	}
	p.Level("BAD_LEVEL", slog.LevelInfo)
	p.Duration("BAD_WAIT", time.Second, time.Second, time.Minute)
	p.Duration("LONG_WAIT", time.Second, time.Second, time.Minute)
	p.Fail("OTHER", "must be %s", "right")
	err := p.Err()
	for _, want := range []string{
		`BAD_LEVEL: must be debug, info, warn or error, got "loud"`,
		`BAD_WAIT: must be a duration such as 30s or 5m, got "soon"`,
		`LONG_WAIT: must be between 1s and 1m0s, got 2h0m0s`,
		`OTHER: must be right`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Err() = %v, want it to say %q", err, want)
		}
	}
}
