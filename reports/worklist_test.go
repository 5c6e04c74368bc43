package reports

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/orderflow/anomalies"
)

// TestWorklistReport renders an anomaly report from a hand-made worklist: what changed
// since last week comes first with its counts and values, an order's three short lines
// are one item with their total, a customer with three items of a code is one group,
// only the top items are shown in full and the others one click away, and the stale
// anomalies are counted apart.
func TestWorklistReport(t *testing.T) {
	asOf := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	val := func(v float64) *float64 { return &v }
	var list []anomalies.Anomaly
	add := func(code, order, line, customer, state string, value float64, item string, rank int) {
		list = append(list, anomalies.Anomaly{ID: fmt.Sprintf("id%03d", len(list)), Key: code + "/" + order + "/" + line, Code: code,
			Severity: "medium", OrderID: order, LineNo: line, CustomerID: customer, DetectedOn: "2026-12-07",
			ValueAtStake: val(value), Currency: "EUR", Status: "new", State: state, AgeDays: 12, Item: item, ItemRank: rank,
			Bucket: anomalies.BucketWorklist, Message: "Line " + line + " of order " + order + " is short.", Remedy: "Ship the rest."})
	}
	// item 1: three lines of one order
	for _, l := range []string{"10", "20", "30"} {
		add("short_shipment", "O1", l, "C1", anomalies.StateOpen, 100, "short_shipment/O1", 1)
	}
	// items 2-4: customer C2 has three late orders
	for i := 2; i <= 4; i++ {
		add("late_backlog", fmt.Sprintf("O%d", i), "10", "C2", anomalies.StateNew, 50, fmt.Sprintf("late_backlog/O%d", i), i)
	}
	// items 5-12: one line each
	for i := 5; i <= 12; i++ {
		add("shipped_not_invoiced", fmt.Sprintf("O%d", i), "10", fmt.Sprintf("C%d", i), anomalies.StateOpen, 10, fmt.Sprintf("shipped_not_invoiced/O%d", i), i)
	}
	r := buildAnomalyReport("en", asOf, "EUR", true, list, nil, map[string]string{"C2": "Acme Trading"}, 6)
	r.Changes = anomalies.Changes{AsOf: asOf, RefAsOf: asOf.AddDate(0, 0, -7),
		New: anomalies.Change{Count: 3, Value: 150}, Worsening: anomalies.Change{Count: 0},
		Resolved: anomalies.Change{Count: 2, Value: 480}, Open: anomalies.Change{Count: 11, Value: 380},
		Stale: anomalies.Change{Count: 4, Value: 900}, Items: 12, StaleItems: 3}
	r.Stale = []anomalies.Anomaly{
		{Code: "shipped_not_invoiced", Item: "a#stale", AgeDays: 200, ValueAtStake: val(500), Facts: map[string]any{"stale_after_days": int64(90)}},
		{Code: "shipped_not_invoiced", Item: "a#stale", AgeDays: 150, ValueAtStake: val(100), Facts: map[string]any{"stale_after_days": int64(90)}},
		{Code: "late_backlog", Item: "b#stale", AgeDays: 130, ValueAtStake: val(300), Facts: map[string]any{"stale_after_days": int64(120)}},
	}
	r.StaleBy = staleByCode(r.Stale)
	if len(r.Items) != 12 || len(r.Items[0].Lines) != 3 || r.Items[0].Value != 300 {
		t.Fatalf("items: %d, the first of %d lines worth %.0f; want 12, 3 lines, 300", len(r.Items), len(r.Items[0].Lines), r.Items[0].Value)
	}
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(buf.String())
	order := []string{"What changed since 30 Nov 2026", "Compared with the build of 30 Nov 2026", "Who acts on what",
		"The worklist: top 6 of 12 items", "6 more items on the worklist", "Data to clean up: 2 stale items"}
	at := -1
	for _, s := range order {
		i := strings.Index(page, s)
		if i < 0 || i < at {
			t.Fatalf("%q missing or out of order (at %d, after %d)", s, i, at)
		}
		at = i
	}
	for _, s := range []string{
		"€480",         // resolved since last week, its value
		"O1 · 3 lines", // one item for the order's three lines
		"€300",         // the item's total
		"Also on this item: O1/20 (€100), O1/30 (€100).",
		"Acme Trading: 3 items of this type, €150 at stake", // one customer group
		"€600", // the stale invoicing gaps' value
	} {
		if !strings.Contains(page, s) {
			t.Errorf("the report lacks %q", s)
		}
	}
	// the top 6 items are shown in full (a row with an ID each), the 6 others in the fold
	full := strings.Count(page[strings.Index(page, "Who acts on what"):strings.Index(page, "6 more items on the worklist")], `class="ref">id`)
	if full != 6 {
		t.Errorf("%d items shown in full, want 6", full)
	}
}

// The report never adds two currencies: values are in the reporting currency with the
// document's amount beside them where it differs; an amount no rate converted reads in
// its own currency, "no exchange rate", counts in no total, and the note says so.
func TestWorklistReportOneCurrency(t *testing.T) {
	asOf := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	val := func(v float64) *float64 { return &v }
	list := []anomalies.Anomaly{
		{ID: "a1", Key: "late_backlog/O1/10", Code: "late_backlog", Severity: "medium", OrderID: "O1", LineNo: "10", CustomerID: "C1",
			DetectedOn: "2026-12-07", ValueAtStake: val(1000), ValueAtStakeDoc: val(1000), Currency: "EUR", ReportingCurrency: "EUR",
			Status: "new", State: anomalies.StateOpen, Item: "late_backlog/O1", ItemRank: 1, Bucket: anomalies.BucketWorklist, Message: "O1 is late."},
		{ID: "a2", Key: "late_backlog/O2/10", Code: "late_backlog", Severity: "medium", OrderID: "O2", LineNo: "10", CustomerID: "C2",
			DetectedOn: "2026-12-07", ValueAtStake: val(3690), ValueAtStakeDoc: val(4000), Currency: "USD", ReportingCurrency: "EUR",
			Status: "new", State: anomalies.StateOpen, Item: "late_backlog/O2", ItemRank: 2, Bucket: anomalies.BucketWorklist, Message: "O2 is late."},
		{ID: "a3", Key: "late_backlog/O3/10", Code: "late_backlog", Severity: "medium", OrderID: "O3", LineNo: "10", CustomerID: "C3",
			DetectedOn: "2026-12-07", ValueAtStakeDoc: val(10000), Currency: "JPY", ReportingCurrency: "EUR", FXMissing: true,
			Status: "new", State: anomalies.StateOpen, Item: "late_backlog/O3", ItemRank: 3, Bucket: anomalies.BucketWorklist, Message: "O3 is late."},
	}
	r := buildAnomalyReport("en", asOf, "EUR", true, list, nil, nil, 10)
	r.FX = FXInfo{Currency: "EUR", Mixed: true, MaxAge: 7, Gaps: []FXGap{{Amounts: "anomalies", Currency: "JPY", Rows: 1, Amount: 10000}}}
	if r.Stake != 4690 {
		t.Errorf("value at stake %v, want 4,690 (EUR 1,000 + EUR 3,690; the JPY 10,000 without a rate left out)", r.Stake)
	}
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(buf.String())
	for _, want := range []string{
		"€3,690 ($4,000)", "¥10,000 (no exchange rate)", "€4,690",
		"Amounts in EUR, converted at the rate of each order's date",
		"Not converted, left out of every total: 1 anomaly value(s) in JPY (¥10,000 at stake) (no EUR rate at most 7 days before their date)",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	for _, bad := range []string{"€14,690", "€10,000", "$3,690"} {
		if strings.Contains(page, bad) {
			t.Errorf("the report shows %q: two currencies added, or a value in the wrong one", bad)
		}
	}
}
