package gen

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// RatesFile is the exchange-rate file the company's finance team downloads from the
// ECB: its euro foreign exchange reference rates, the whole history, as published
// (https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip unpacked).
const RatesFile = "eurofxref-hist.csv"

// rateCurrencies are the currencies the ECB file carries here: those the company
// invoices in (USD, GBP), then a few others as the real file has, with the decimals
// the ECB writes and a book rate (units per euro) the daily rates wander around. USD
// and GBP keep the book rates priceIn sets prices at.
var rateCurrencies = []struct {
	code     string
	decimals int
	book     float64
}{
	{"USD", 4, 1.08}, {"JPY", 2, 161.5}, {"CZK", 3, 25.1}, {"DKK", 4, 7.456},
	{"GBP", 5, 0.86}, {"CHF", 4, 0.94}, {"SEK", 4, 11.2},
}

// writeRates writes RatesFile for the days first to last, byte for byte as the ECB
// writes eurofxref-hist.csv: "Date,USD,JPY,...," (a trailing comma on every line), one
// line per TARGET business day (no weekends, no 1 January, Good Friday, Easter Monday,
// 1 May, 25 and 26 December), newest first. Each rate is a mean-reverting random walk
// (about 0.4% a day) around its book rate, the same for the same seed.
func writeRates(dir string, first, last day, seed uint64) (FileCount, error) {
	r := rand.New(rand.NewPCG(seed, 0x6678726174657301)) // "fxrates"
	type row struct {
		d     day
		rates []float64
	}
	var rows []row
	level := make([]float64, len(rateCurrencies)) // log deviation from the book rate
	for d := first; d <= last; d++ {
		if !targetDay(d) {
			continue
		}
		rates := make([]float64, len(rateCurrencies))
		for i, c := range rateCurrencies {
			level[i] = 0.97*level[i] + 0.004*r.NormFloat64()
			rates[i] = c.book * math.Exp(level[i])
		}
		rows = append(rows, row{d, rates})
	}
	path := filepath.Join(dir, RatesFile)
	f, err := os.Create(path)
	if err != nil {
		return FileCount{}, fmt.Errorf("generate: cannot write %s: %w", path, err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("Date,")
	for _, c := range rateCurrencies {
		w.WriteString(c.code + ",")
	}
	w.WriteString("\n")
	var b []byte
	for i := len(rows) - 1; i >= 0; i-- {
		b = append(b[:0], rows[i].d.time().Format(time.DateOnly)...)
		b = append(b, ',')
		for j, c := range rateCurrencies {
			b = strconv.AppendFloat(b, rows[i].rates[j], 'f', c.decimals, 64)
			b = append(b, ',')
		}
		b = append(b, '\n')
		w.Write(b)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return FileCount{}, fmt.Errorf("generate: cannot write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return FileCount{}, fmt.Errorf("generate: cannot write %s: %w", path, err)
	}
	return FileCount{Name: RatesFile, Rows: int64(len(rows))}, nil
}

// targetDay tells whether the ECB publishes reference rates on d: a weekday that is not
// a TARGET holiday.
func targetDay(d day) bool {
	switch d.weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	t := d.time()
	switch m, n := t.Month(), t.Day(); {
	case m == time.January && n == 1, m == time.May && n == 1,
		m == time.December && (n == 25 || n == 26):
		return false
	}
	easter := dayOf(easterSunday(t.Year()))
	return d != easter-2 && d != easter+1
}

// easterSunday is the date of Easter in the Gregorian calendar (the anonymous
// Gregorian algorithm, Meeus/Jones/Butcher).
func easterSunday(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}
