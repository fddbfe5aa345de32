package currency

import (
	"strings"
	"testing"
)

// TestCatalogSorted guards Table.Codes and Currencies, which return catalog
// order and promise it is sorted.
func TestCatalogSorted(t *testing.T) {
	for i := 1; i < len(catalog); i++ {
		if strings.Compare(string(catalog[i-1].code), string(catalog[i].code)) >= 0 {
			t.Errorf("catalog[%d] = %s is not after catalog[%d] = %s", i, catalog[i].code, i-1, catalog[i-1].code)
		}
	}
}

func TestCatalogIndex(t *testing.T) {
	if got, want := len(index), len(catalog); got != want {
		t.Errorf("len(index) = %d, want %d", got, want)
	}
	for i, c := range catalog {
		if got, want := index[c.code], i; got != want {
			t.Errorf("index[%s] = %d, want %d", c.code, got, want)
		}
		if len(c.code) != 3 || strings.ToUpper(string(c.code)) != string(c.code) {
			t.Errorf("catalog code %q is not three upper-case letters", c.code)
		}
	}
}

func TestWithdrawnMinorUnitsAreInCatalog(t *testing.T) {
	for code := range withdrawnMinorUnits {
		if _, ok := index[code]; !ok {
			t.Errorf("withdrawnMinorUnits lists %s, which is not in the catalog", code)
		}
	}
}
