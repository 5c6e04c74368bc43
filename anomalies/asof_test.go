package anomalies

import (
	"testing"
	"time"

	"github.com/orderflow/orderflow/i18n"
)

// TestAdviceAsOfDate walks every anomaly code with every deadline of its facts before,
// on and after the as-of date, in both languages: no message or remedy tells the desk to
// act before a date already past.
func TestAdviceAsOfDate(t *testing.T) {
	asOf := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	dateFacts := []string{"due_date", "ship_date", "lc_expiry_date", "lc_date", "presentation_due", "planned_ship_date",
		"projected_stockout_date", "incoming_date", "delivery_date", "order_date", "invoice_date", "opened_date",
		"faster_arrival", "since", "snapshot_date", "week"}
	variants := []facts{
		{},
		{"lc_reason": "shipped_after"}, {"lc_reason": "not_shipped"}, {"lc_reason": "planned_after"},
		{"doc_status": "absent", "upcoming": true}, {"doc_status": "missing"}, {"doc_status": "rejected"},
		{"line_status": "closed"}, {"line_status": "open"},
	}
	checked := 0
	for _, code := range Codes {
		if code == "kpi_signal" {
			continue // speaks of weeks, never of a deadline (TestWorldMessages renders it)
		}
		for _, offset := range []int{-400, -30, -1, 0, 1, 30} {
			d := asOf.AddDate(0, 0, offset)
			for _, v := range variants {
				f := facts{
					"code": code, "detected_on": asOf, "order_id": "0010000123", "line_no": "20", "sku": "VLV-1",
					"shipment_id": "80001", "invoice_id": "90001", "claim_id": "C1", "site": "LYO", "customer_id": "C100",
					"currency": "EUR", "ordered_qty": 10.0, "shipped_qty": 4.0, "gap_qty": 6.0, "invoiced_qty": 4.0,
					"value_at_stake": 1200.0, "unit_price": 200.0, "expected_amount": 800.0, "amount": 900.0,
					"available_qty": 2.0, "incoming_qty": 5.0, "own_available": 2.0, "partial_qty": 2.0,
					"other_site": "HAM", "other_available": 8.0, "faster_mode": "air", "transport_mode": "sea",
					"faster_transit_days": int64(3), "current_transit_days": int64(30), "meets_due": true,
					"presentation_days": int64(21), "days_short": int64(9), "doc_type": "certificate_of_origin",
					"incoterm": "FOB", "line_count": int64(2), "shipment_count": int64(1), "entity": "order_lines",
					"key_text": "0010000123/20", "versions": int64(2), "changed_columns": "ordered_qty",
					"claim_type": "damage", "source_file": "order_lines.csv", "order_known": true,
				}
				for _, k := range dateFacts {
					f[k] = d
				}
				if offset < 0 {
					f["days"] = int64(-offset)
				} else {
					f["days_left"] = int64(offset)
				}
				for k, x := range v {
					f[k] = x
				}
				for _, lang := range []string{i18n.EN, i18n.FR} {
					a := f.anomaly(lang)
					for _, text := range []string{a.Message, a.Remedy} {
						checked++
						if p := PastInstruction(lang, text, asOf); p != "" {
							t.Errorf("%s (%s, deadlines %+d days from the as-of date, %v): %q advises acting %q, a date already past:\n%s",
								code, lang, offset, v, p, p, text)
						}
					}
				}
			}
		}
	}
	t.Logf("%d messages and remedies checked", checked)
}

// TestPastInstructionFinds checks the checker itself: it must catch a past deadline and
// let a future one or a fact of the past through.
func TestPastInstructionFinds(t *testing.T) {
	asOf := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		lang, text string
		want       bool
	}{
		{i18n.EN, "Present the documents before 7 Feb 2025, or ask the buyer.", true},
		{i18n.EN, "Present the documents before 7 Feb 2027, or ask the buyer.", false},
		{i18n.EN, "The credit expired on 7 Feb 2025 with documents not presented.", false},
		{i18n.EN, "Ship by 6 Dec 2026.", true},
		{i18n.FR, "Présenter les documents avant le 07/02/2025.", true},
		{i18n.FR, "Le crédit a expiré le 07/02/2025.", false},
		{i18n.FR, "Présenter les documents jusqu'au 08/12/2026.", false},
	} {
		if got := PastInstruction(c.lang, c.text, asOf) != ""; got != c.want {
			t.Errorf("%s %q: found %v, want %v", c.lang, c.text, got, c.want)
		}
	}
}
