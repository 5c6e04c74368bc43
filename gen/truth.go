package gen

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// truthRow is one injected anomaly: the rows a detector must point at. Zero fields do
// not apply and are written empty.
type truthRow struct {
	code     string
	order    int64
	line     int
	shipment int64
	invoice  int64
	claim    int64
	sku      string
	site     int // index in sites; -1 for none

	// The case's life: from the first as-of date it is to be detected (injected_on;
	// noDay, written empty, for what the order's header and lines say, which a build of
	// any date reads: the models do not date orders) to
	// the date the desk's fix took effect (resolved_on, noDay while still open at AsOf),
	// and the fix (resolution). An as-of date D sees the case open when
	// injected_on <= D < resolved_on.
	since      day
	resolvedOn day
	resolution string
}

// truth collects the ground truth, written to _injected/anomalies.csv (ingest skips
// folders whose name starts with '_').
type truth struct {
	rows  []truthRow
	count map[string]int
}

func newTruth() *truth { return &truth{count: map[string]int{}} }

func (t *truth) add(r truthRow) {
	t.rows = append(t.rows, r)
	t.count[r.code]++
}

// mergeTruth puts the rows of both goroutines together, by code in the order of
// AnomalyCodes, then by order, line and document numbers.
func mergeTruth(parts ...*truth) *truth {
	all := newTruth()
	for _, p := range parts {
		for _, r := range p.rows {
			all.add(r)
		}
	}
	rank := map[string]int{}
	for i, c := range AnomalyCodes {
		rank[c] = i
	}
	slices.SortStableFunc(all.rows, func(a, b truthRow) int {
		return cmp.Or(cmp.Compare(rank[a.code], rank[b.code]), cmp.Compare(a.order, b.order), cmp.Compare(a.line, b.line),
			cmp.Compare(a.shipment, b.shipment), cmp.Compare(a.invoice, b.invoice), cmp.Compare(a.claim, b.claim))
	})
	return all
}

// TruthFile is where Generate writes the ground truth, relative to Options.Out.
const TruthFile = "_injected/anomalies.csv"

// TruthColumns are the columns of TruthFile.
var TruthColumns = []string{"code", "order_id", "line_no", "shipment_id", "invoice_id", "claim_id", "sku", "site", "injected_on", "resolved_on", "resolution"}

// openAt tells whether the case is to be detected by a build as of d.
func (r *truthRow) openAt(d day) bool {
	return r.since <= d && (r.resolvedOn == noDay || r.resolvedOn > d)
}

func (t *truth) write(dir string, dates *dateText) (FileCount, error) {
	tb, err := newTable(dir, TruthFile, ',', false, false)
	if err != nil {
		return FileCount{}, err
	}
	tb.header(TruthColumns...)
	for _, r := range t.rows {
		tb.raw(r.code)
		tb.padded(r.order, 10)
		if r.line > 0 {
			tb.raw(strconv.Itoa(r.line))
		} else {
			tb.empty()
		}
		optPadded(tb, r.shipment, 10)
		optPadded(tb, r.invoice, 10)
		optPadded(tb, r.claim, 12)
		tb.str(r.sku)
		if r.site >= 0 {
			tb.raw(sites[r.site].code)
		} else {
			tb.empty()
		}
		optDate(tb, dates, r.since)
		optDate(tb, dates, r.resolvedOn)
		tb.raw(r.resolution)
		tb.end()
	}
	if err := tb.close(); err != nil {
		return FileCount{}, fmt.Errorf("generate: %w", err)
	}
	return FileCount{Name: TruthFile, Rows: tb.rows}, nil
}

func optPadded(tb *table, n int64, width int) {
	if n == 0 {
		tb.empty()
		return
	}
	tb.padded(n, width)
}

func optDate(tb *table, dates *dateText, d day) {
	if d == noDay {
		tb.empty()
		return
	}
	tb.raw(dates.ISO(d))
}
