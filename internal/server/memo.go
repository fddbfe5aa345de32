package server

import (
	"sync"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// crossRates is one publication's rates against one base, each formatted
// once: the /rates body is these members, filtered by symbols.
type crossRates struct {
	codes []currency.Code
	texts []string // the exact decimal of codes[i], as written in JSON
}

// ratesMemo keeps the cross-rate tables /rates has computed. A publication
// never changes once held, so a table keyed by its date and base is right
// forever; the memo is bounded and simply starts over when full, which
// keeps the newest rates (asked for most) cheap without a cache policy to
// tune.
type ratesMemo struct {
	mu     sync.Mutex
	tables map[memoKey]*crossRates
}

type memoKey struct {
	date currency.Date
	base currency.Code
}

// maxMemoTables bounds the memo at about 2 MiB: 42 rates of 40-odd bytes
// each per table.
const maxMemoTables = 1024

// get returns the cross rates of every currency of table against base,
// computing them on first use.
func (m *ratesMemo) get(table currency.Table, base currency.Code) (*crossRates, error) {
	key := memoKey{table.Date, base}
	m.mu.Lock()
	cr, ok := m.tables[key]
	m.mu.Unlock()
	if ok {
		return cr, nil
	}
	cr = &crossRates{}
	for _, code := range table.Codes() {
		if code == base {
			continue
		}
		rate, err := table.CrossRate(base, code)
		if err != nil {
			return nil, err
		}
		cr.codes = append(cr.codes, code)
		cr.texts = append(cr.texts, rate.Text('f'))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tables == nil || len(m.tables) >= maxMemoTables {
		m.tables = make(map[memoKey]*crossRates)
	}
	m.tables[key] = cr
	return cr, nil
}
