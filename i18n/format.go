package i18n

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// NNBSP is the narrow no-break space that French uses between thousands and
// before % and units; one character everywhere so that output is predictable.
const NNBSP = "\u202f"

// Style is how a language writes numbers; the dashboards hand it to the
// browser so figures recomputed there read exactly like those written in Go.
type Style struct {
	Group       string `json:"group"`       // thousands separator
	Decimal     string `json:"decimal"`     // decimal mark
	PercentSep  string `json:"percentSep"`  // between the number and %
	UnitSep     string `json:"unitSep"`     // between the number and a unit or currency
	CurrencyPre bool   `json:"currencyPre"` // symbol before the number (en: €1,234)
	Minus       string `json:"minus"`
}

var styles = map[string]Style{
	EN: {Group: ",", Decimal: ".", PercentSep: "", UnitSep: " ", CurrencyPre: true, Minus: "-"},
	FR: {Group: NNBSP, Decimal: ",", PercentSep: NNBSP, UnitSep: NNBSP, CurrencyPre: false, Minus: "-"},
}

// NumberStyle returns the number style of lang.
func NumberStyle(lang_ string) Style { return styles[lang(lang_)] }

// Empty is what a missing or undefined figure shows as.
const Empty = "–"

// Number formats v with the given decimals: en 1,234.5, fr 1 234,5.
func Number(lang_ string, v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Empty
	}
	st := NumberStyle(lang_)
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteString(st.Minus)
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(st.Group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(st.Decimal)
		b.WriteString(frac)
	}
	return b.String()
}

// Percent formats a ratio (0.913) as a percentage: en 91.3%, fr 91,3 %.
func Percent(lang_ string, ratio float64, decimals int) string {
	if math.IsNaN(ratio) || math.IsInf(ratio, 0) {
		return Empty
	}
	return Number(lang_, ratio*100, decimals) + NumberStyle(lang_).PercentSep + "%"
}

var currencySymbols = map[string]string{"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}

// Money formats an amount with its ISO 4217 currency: en €1,234, fr 1 234 €;
// currencies without a common symbol keep their code (en CHF 1,234).
func Money(lang_ string, v float64, currency string, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Empty
	}
	st := NumberStyle(lang_)
	n := Number(lang_, v, decimals)
	sym, ok := currencySymbols[strings.ToUpper(currency)]
	if !ok {
		sym = strings.ToUpper(currency)
	}
	if sym == "" {
		return n
	}
	if st.CurrencyPre {
		if ok {
			if strings.HasPrefix(n, st.Minus) {
				return st.Minus + sym + strings.TrimPrefix(n, st.Minus)
			}
			return sym + n
		}
		return sym + " " + n
	}
	return n + st.UnitSep + sym
}

// Days formats a number of days: en 4.5 d, fr 4,5 j.
func Days(lang_ string, v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Empty
	}
	return Number(lang_, v, decimals) + NumberStyle(lang_).UnitSep + T(lang_, "unit.days_short")
}

var monthsEN = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// Date formats a calendar date: en 23 Nov 2026, fr 23/11/2026. The zero time
// is an empty date.
func Date(lang_ string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if lang(lang_) == FR {
		return t.Format("02/01/2006")
	}
	return strconv.Itoa(t.Day()) + " " + monthsEN[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// Week names an ISO week in full: en "Week 47, 2026", fr "Semaine 47 2026".
func Week(lang_ string, year, week int) string {
	return T(lang_, "week.long", year, week)
}

// WeekShort names an ISO week briefly, for axes: en "2026-W47", fr "S47 2026".
func WeekShort(lang_ string, year, week int) string {
	return T(lang_, "week.short", year, week)
}

// ISOWeekName returns the language-neutral ISO name of t's week, "2026-W47",
// the form used in data and on the command line.
func ISOWeekName(t time.Time) string {
	y, w := t.ISOWeek()
	return FormatISOWeek(y, w)
}

// FormatISOWeek returns "2026-W47".
func FormatISOWeek(year, week int) string {
	s := strconv.Itoa(week)
	if week < 10 {
		s = "0" + s
	}
	return strconv.Itoa(year) + "-W" + s
}

// ParseISOWeek reads "2026-W47" (or "2026W47").
func ParseISOWeek(s string) (year, week int, ok bool) {
	y, w, found := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "W")
	y = strings.TrimSuffix(y, "-")
	if !found || len(y) != 4 || len(w) != 2 {
		return 0, 0, false
	}
	year, err1 := strconv.Atoi(y)
	week, err2 := strconv.Atoi(w)
	if err1 != nil || err2 != nil || week < 1 || week > 53 {
		return 0, 0, false
	}
	return year, week, true
}
