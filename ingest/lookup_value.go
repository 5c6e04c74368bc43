package ingest

import (
	"strings"

	"github.com/orderflow/orderflow/rules"
)

// lookupValue maps a raw value through a named reference lookup.
func lookupValue(kind, v string) (string, bool) {
	switch kind {
	case "country":
		return countryCode(v)
	}
	return "", false
}

// countryCode accepts an ISO alpha-2 or alpha-3 code or a country name in English
// or French (with the usual variants: "Côte d'Ivoire", "Congo, DRC"...).
func countryCode(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if len(v) == 2 || len(v) == 3 {
		if c, ok := rules.CountryByCode(v); ok {
			return c.ISO2, true
		}
	}
	return rules.CountryByName(v)
}
