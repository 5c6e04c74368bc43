package ingest

import "strings"

// lookupValue maps a raw value through a named reference lookup.
func lookupValue(kind, v string) (string, bool) {
	switch kind {
	case "country":
		return countryCode(v)
	}
	return "", false
}

// countryCode accepts an ISO alpha-2 code or a country name.
var countryCode = func(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if len(v) == 2 {
		return strings.ToUpper(v), true
	}
	return "", false
}
