package main

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// A workload is what wrk sends: one path, or a list it cycles through.
type workload struct {
	name  string
	about string
	paths []string
}

// repeated is workload (a): the same query again and again.
func repeated() workload {
	return workload{name: "convert-one", about: "one repeated query", paths: []string{"/convert?from=USD&to=JPY&amount=100"}}
}

// generator draws from PCG, whose output is fixed by its definition (not
// by a Go release), and reduces it with a plain modulo, so a seed names the
// same list on every machine and Go version.
type generator struct{ pcg *rand.PCG }

func newGenerator(seed uint64) generator { return generator{rand.NewPCG(seed, 0x6c6f616462656e63)} }

func (g generator) intn(n int) int { return int(g.pcg.Uint64() % uint64(n)) }

// day draws a date from the history's whole span (weekends and holidays
// included: the service resolves them to the previous publication), or no
// date at all, which asks for the newest rates, once in ten.
func (g generator) day(h *currency.History) (currency.Date, currency.Table, bool) {
	if g.intn(10) == 0 {
		t, _ := h.On(h.Latest())
		return 0, t, false
	}
	d := h.Oldest().AddDays(g.intn(int(h.Latest()-h.Oldest()) + 1))
	t, _ := h.On(d)
	return d, t, true
}

// amount is a plain decimal of 1 to 7 integer digits and 0 to 2 decimals.
func (g generator) amount() string {
	s := strconv.Itoa(g.intn(pow10(1 + g.intn(7))))
	if places := g.intn(3); places > 0 {
		s += "." + fmt.Sprintf("%0*d", places, g.intn(pow10(places)))
	}
	return s
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}

// convertPaths is workload (b): n /convert queries with different pairs,
// amounts and dates, each pair published on its date, so every one is a
// 200 (loadbench checks that before it measures).
func convertPaths(h *currency.History, seed uint64, n int) []string {
	g := newGenerator(seed)
	paths := make([]string, 0, n)
	for range n {
		d, t, dated := g.day(h)
		codes := t.Codes()
		from := codes[g.intn(len(codes))]
		to := codes[g.intn(len(codes)-1)]
		if to == from {
			to = codes[len(codes)-1]
		}
		p := "/convert?from=" + string(from) + "&to=" + string(to) + "&amount=" + g.amount()
		if dated {
			p += "&date=" + d.String()
		}
		paths = append(paths, p)
	}
	return paths
}

// ratesPaths is n /rates queries: a base and a date drawn as for /convert,
// and in one query of three a list of 1 to 5 symbols.
func ratesPaths(h *currency.History, seed uint64, n int) []string {
	g := newGenerator(seed)
	paths := make([]string, 0, n)
	for range n {
		d, t, dated := g.day(h)
		codes := t.Codes()
		p := "/rates?base=" + string(codes[g.intn(len(codes))])
		if g.intn(3) == 0 {
			var symbols []string
			for range 1 + g.intn(5) {
				symbols = append(symbols, string(codes[g.intn(len(codes))]))
			}
			p += "&symbols=" + strings.Join(symbols, ",")
		}
		if dated {
			p += "&date=" + d.String()
		}
		paths = append(paths, p)
	}
	return paths
}

// luaScript is a wrk script that sends paths in order, round and round.
// Each request is formatted once, in init, so the client's cost per request
// is one Lua call whatever the list holds.
func luaScript(paths []string) (string, error) {
	var b strings.Builder
	b.WriteString("-- written by cmd/loadbench: send these paths in order, round and round\nlocal paths = {\n")
	for _, p := range paths {
		if u, err := url.Parse(p); err != nil || strings.ContainsAny(p, "\"\\\n\r") || u.Path == "" {
			return "", fmt.Errorf("path %q cannot go in a Lua string", p)
		}
		fmt.Fprintf(&b, "  \"%s\",\n", p)
	}
	b.WriteString(`}
local requests = {}
local n = 0

function init(args)
  for i, p in ipairs(paths) do
    requests[i] = wrk.format("GET", p)
  end
end

function request()
  n = n % #requests + 1
  return requests[n]
end
`)
	return b.String(), nil
}
