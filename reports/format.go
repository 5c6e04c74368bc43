package reports

import (
	"math"
	"strings"
	"time"

	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/models"
)

// decimals of a KPI value by unit, as the dashboards show them.
func decimals(u models.Unit) int {
	switch u {
	case models.UnitRatio, models.UnitDays:
		return 1
	case models.UnitPercent, models.UnitCurrencyPerKg:
		return 2
	}
	return 0
}

// fmtValue writes a KPI value in lang: 91.3%, 4.2 d, €12,300, 0.62 €/kg.
func fmtValue(lang string, u models.Unit, v float64, currency string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return i18n.Empty
	}
	dec := decimals(u)
	switch u {
	case models.UnitRatio:
		return i18n.Percent(lang, v, dec)
	case models.UnitPercent:
		return i18n.Number(lang, v, dec) + i18n.NumberStyle(lang).PercentSep + "%"
	case models.UnitDays:
		return i18n.Days(lang, v, dec)
	case models.UnitCurrency:
		return i18n.Money(lang, v, currency, dec)
	case models.UnitCurrencyPerKg:
		return i18n.Money(lang, v, currency, dec) + "/kg"
	}
	return i18n.Number(lang, v, dec)
}

// fmtDelta writes a change with its sign: +1.2 pts for a ratio, -0.4 d, +€3,200, +12.
func fmtDelta(lang string, u models.Unit, d float64, currency string) string {
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return i18n.Empty
	}
	sign := "+"
	if d < 0 {
		sign = i18n.NumberStyle(lang).Minus
	}
	a := math.Abs(d)
	var s string
	switch u {
	case models.UnitRatio:
		s = i18n.Number(lang, a*100, 1) + i18n.NumberStyle(lang).UnitSep + i18n.T(lang, "unit.points")
	case models.UnitPercent:
		s = i18n.Number(lang, a, 2) + i18n.NumberStyle(lang).UnitSep + i18n.T(lang, "unit.points")
	default:
		s = fmtValue(lang, u, a, currency)
	}
	if strings.Trim(strings.Map(keepDigits, s), "0") == "" {
		sign = "±"
	}
	return sign + s
}

// fmtSigned writes a change as a bare signed number, its unit in the column header:
// +1.2 for points of a ratio, -0.4 for days.
func fmtSigned(lang string, u models.Unit, d float64) string {
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return i18n.Empty
	}
	dec := decimals(u)
	if u == models.UnitRatio {
		d *= 100
	}
	s := i18n.Number(lang, math.Abs(d), dec)
	switch {
	case strings.Trim(strings.Map(keepDigits, s), "0") == "":
		return "±" + s
	case d < 0:
		return i18n.NumberStyle(lang).Minus + s
	}
	return "+" + s
}

// fmtChange writes the size of a change, without sign: 1.2 pts, 0.4 d, €3,200.
func fmtChange(lang string, u models.Unit, d float64, currency string) string {
	return strings.TrimLeft(fmtDelta(lang, u, d, currency), "+±")
}

func keepDigits(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

// weekTitle is "Week 47, 2026" in lang for an ISO week name.
func weekTitle(lang, week string) string {
	y, w, ok := i18n.ParseISOWeek(week)
	if !ok {
		return week
	}
	return i18n.Week(lang, y, w)
}

func weekShort(lang, week string) string {
	y, w, ok := i18n.ParseISOWeek(week)
	if !ok {
		return week
	}
	return i18n.WeekShort(lang, y, w)
}

// weekDays is the Monday and Sunday of an ISO week.
func weekDays(week string) (time.Time, time.Time) {
	m, err := models.ParseWeek(week)
	if err != nil {
		return time.Time{}, time.Time{}
	}
	return m, m.AddDate(0, 0, 6)
}

// isoWeekBefore is the ISO week n weeks before week.
func isoWeekBefore(week string, n int) string {
	m, err := models.ParseWeek(week)
	if err != nil {
		return ""
	}
	return models.FormatWeek(m.AddDate(0, 0, -7*n))
}
