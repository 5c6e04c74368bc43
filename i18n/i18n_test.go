package i18n

import (
	"strings"
	"testing"
	"time"
)

// sameInBothLanguages lists the texts that rightly read the same in English
// and French: acronyms, codes and a few words spelled alike.
var sameInBothLanguages = map[string]bool{
	"OTIF": true, "KPI": true, "SKU": true, "Incoterm": true,
	"Site": true, "Cause": true, "Mode": true, "Action": true, "Signal": true,
	"Production": true, "Multimodal": true, "Anomalies": true,
	"Service": true, "Stock": true, "Code": true,
}

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	for _, a := range Langs() {
		for _, b := range Langs() {
			for k := range catalogues[a] {
				if _, ok := catalogues[b][k]; !ok {
					t.Errorf("key %q is in %s but not in %s", k, a, b)
				}
			}
		}
	}
}

func TestFrenchIsTranslated(t *testing.T) {
	for k, en := range messagesEN {
		fr := messagesFR[k]
		if strings.TrimSpace(fr) == "" || strings.TrimSpace(en) == "" {
			t.Errorf("%s: empty message", k)
		}
		if fr == en && !sameInBothLanguages[en] {
			t.Errorf("%s: French equals English %q; translate it or add it to sameInBothLanguages", k, en)
		}
		if strings.Count(en, "%") != strings.Count(fr, "%") {
			t.Errorf("%s: en and fr take different arguments: %q vs %q", k, en, fr)
		}
	}
}

func TestT(t *testing.T) {
	f := func(lang, key string, args []any, want string) {
		t.Helper()
		if got := T(lang, key, args...); got != want {
			t.Errorf("T(%q, %q) = %q, want %q", lang, key, got, want)
		}
	}
	f("en", "dim.carrier", nil, "Carrier")
	f("fr", "dim.carrier", nil, "Transporteur")
	f("FR-fr", "dim.carrier", nil, "Transporteur")
	f("de", "dim.carrier", nil, "Carrier") // unsupported: English
	f("fr", "no.such.key", nil, "no.such.key")
	f("fr", "drill.sample_note", []any{50, 1234}, "Les 50 lignes de plus forte valeur sur 1234.")
}

func TestParse(t *testing.T) {
	f := func(in, want string, ok bool) {
		t.Helper()
		got, err := Parse(in)
		if (err == nil) != ok || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q ok=%v", in, got, err, want, ok)
		}
	}
	f("", "en", true)
	f("fr", "fr", true)
	f("fr_FR", "fr", true)
	f("EN", "en", true)
	f("de", "", false)
}

func TestNumbers(t *testing.T) {
	f := func(got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	f(Number("en", 1234.5, 1), "1,234.5")
	f(Number("fr", 1234.5, 1), "1\u202f234,5")
	f(Number("en", 1234567.891, 2), "1,234,567.89")
	f(Number("fr", -1234567, 0), "-1\u202f234\u202f567")
	f(Number("en", 999.96, 1), "1,000.0")
	f(Number("en", -0.04, 1), "0.0")
	f(Number("en", 12, 0), "12")
	f(Number("en", 0.5, 0), "0") // round half to even, as strconv does
	f(Percent("en", 0.913, 1), "91.3%")
	f(Percent("fr", 0.913, 1), "91,3\u202f%")
	f(Percent("fr", 1, 0), "100\u202f%")
	f(Money("en", 1234.5, "EUR", 0), "€1,234")
	f(Money("en", -1234.5, "EUR", 0), "-€1,234")
	f(Money("fr", 1234.5, "EUR", 0), "1\u202f234\u202f€")
	f(Money("en", 1234, "CHF", 0), "CHF 1,234")
	f(Money("fr", 1234, "chf", 0), "1\u202f234\u202fCHF")
	f(Days("en", 4.25, 1), "4.2 d")
	f(Days("fr", 4.25, 1), "4,2\u202fj")
	var nan float64
	nan = nan / nan
	f(Number("en", nan, 1), Empty)
	f(Percent("fr", nan, 1), Empty)
}

func TestDatesAndWeeks(t *testing.T) {
	d := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	f := func(got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	f(Date("en", d), "23 Nov 2026")
	f(Date("fr", d), "23/11/2026")
	f(Date("fr", time.Time{}), "")
	f(Week("en", 2026, 47), "Week 47, 2026")
	f(Week("fr", 2026, 47), "Semaine 47 2026")
	f(WeekShort("en", 2026, 7), "2026-W07")
	f(WeekShort("fr", 2026, 7), "S07 2026")
	f(ISOWeekName(d), "2026-W48")
	f(ISOWeekName(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)), "2026-W53")
	y, w, ok := ParseISOWeek("2026-W47")
	if !ok || y != 2026 || w != 47 {
		t.Errorf("ParseISOWeek = %d %d %v", y, w, ok)
	}
	for _, bad := range []string{"2026-47", "2026-W54", "26-W01", "2026-W1"} {
		if _, _, ok := ParseISOWeek(bad); ok {
			t.Errorf("ParseISOWeek(%q) accepted", bad)
		}
	}
}
