package gen

import (
	"time"
)

// day is a calendar date as days since 1970-01-01; 0 stands for "no date" (the
// generator never goes near 1970).
type day int32

const noDay day = 0

func dayOf(t time.Time) day {
	y, m, d := t.Date()
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func (d day) time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// weekday: 0 Sunday ... 6 Saturday, as time.Weekday (1970-01-01 was a Thursday).
func (d day) weekday() time.Weekday { return time.Weekday((int(d)%7 + 11) % 7) }

// nextWorkday moves a Saturday or Sunday to the Monday after.
func (d day) nextWorkday() day {
	switch d.weekday() {
	case time.Saturday:
		return d + 2
	case time.Sunday:
		return d + 1
	}
	return d
}

// prevWorkday moves a Saturday or Sunday to the Friday before.
func (d day) prevWorkday() day {
	switch d.weekday() {
	case time.Saturday:
		return d - 1
	case time.Sunday:
		return d - 2
	}
	return d
}

// dateText caches the text of every date the generator writes: ISO for the canonical
// files, dd.mm.yyyy for SAP lists, yyyymmdd for file names.
type dateText struct {
	first     day
	iso, sap  []string
	compact   []string
	monthText []string // yyyy-mm, for intrastat references
}

func newDateText(first, last day) *dateText {
	n := int(last-first) + 1
	dt := &dateText{first: first, iso: make([]string, n), sap: make([]string, n), compact: make([]string, n), monthText: make([]string, n)}
	for i := range n {
		t := (first + day(i)).time()
		dt.iso[i] = t.Format("2006-01-02")
		dt.sap[i] = t.Format("02.01.2006")
		dt.compact[i] = t.Format("20060102")
		dt.monthText[i] = t.Format("2006-01")
	}
	return dt
}

func (dt *dateText) index(d day) int {
	i := int(d - dt.first)
	if i < 0 || i >= len(dt.iso) {
		panic("gen: date " + d.time().Format("2006-01-02") + " is outside the generated calendar")
	}
	return i
}

func (dt *dateText) ISO(d day) string     { return dt.iso[dt.index(d)] }
func (dt *dateText) SAP(d day) string     { return dt.sap[dt.index(d)] }
func (dt *dateText) Compact(d day) string { return dt.compact[dt.index(d)] }
func (dt *dateText) Month(d day) string   { return dt.monthText[dt.index(d)] }

// Seasonality of order intake: weekdays carry the week, August and the Christmas
// fortnight dip, Q4 peaks.
var (
	weekdayWeight = [7]float64{0.03, 1.15, 1.10, 1.05, 1.0, 0.85, 0.12} // Sunday first
	monthWeight   = [13]float64{0, 0.90, 0.95, 1.05, 1.0, 0.97, 1.0, 0.85, 0.50, 1.05, 1.15, 1.25, 0.95}
)

func intakeWeight(d day) float64 {
	t := d.time()
	w := weekdayWeight[t.Weekday()] * monthWeight[t.Month()]
	if t.Month() == time.December && t.Day() >= 20 || t.Month() == time.January && t.Day() <= 2 {
		w *= 0.35
	}
	return w
}

// lineBudgets spreads total order lines over the days [first, last] by intake weight,
// with a slow growth trend; the budgets add up to total exactly.
func lineBudgets(first, last day, total int) []int {
	n := int(last-first) + 1
	w := make([]float64, n)
	var sum float64
	for i := range n {
		trend := 1 + 0.06*float64(i)/float64(n) // +6% over the period
		w[i] = intakeWeight(first+day(i)) * trend
		sum += w[i]
	}
	out := make([]int, n)
	var cum float64
	prev := 0
	for i := range n {
		cum += w[i]
		upto := int(float64(total)*cum/sum + 0.5)
		if i == n-1 {
			upto = total
		}
		out[i] = upto - prev
		prev = upto
	}
	return out
}
