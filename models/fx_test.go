package models

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/ingest"
)

// One reporting currency, worked by hand. The rates come as the ECB publishes them
// (eurofxref-hist.csv: units per euro, newest day first, a trailing comma):
//
//	2026-11-06  USD 1.25  GBP 0.80
//	2026-11-05  USD 1.20  GBP 0.85
//	2026-11-02  USD 1.10  GBP 0.90
//
// Every line is due on 2026-11-10 and unshipped at the as-of date (2026-11-23), so in
// the late backlog, each at the rate of its order date:
//
//	O1 EUR 2026-11-02  10 x 100  = EUR 1,000                     -> EUR 1,000
//	O2 USD 2026-11-02  10 x 110  = USD 1,100 / 1.10              -> EUR 1,000
//	O3 GBP 2026-11-07  10 x 80   = GBP 800, Saturday: the rate of
//	                                Friday 2026-11-06, / 0.80    -> EUR 1,000
//	O4 USD 2026-11-04  10 x 55   = USD 550, the rate of 11-02    -> EUR   500
//	O5 JPY 2026-11-03  10 x 1000 = JPY 10,000: no JPY rate       -> unconverted
//	O6 USD 2026-10-01  10 x 100  = USD 1,000: before any rate    -> unconverted
//
// backlog_value = EUR 3,500 (never 3,500 + 10,000 + 1,000 + the foreign amounts as
// euros: EUR 14,450 summed the old way). O2's line 20 (5 x 110) shipped on 2026-11-06
// with USD 250 of freight: freight_cost = 250 / 1.25 = EUR 200, at the ship date's rate.
// Claim CL1 on O2, opened 2026-11-05, costs USD 120: claim_cost = 120 / 1.20 = EUR 100.
// Invoice INV1 bills that line USD 50 over its price on 2026-11-06: EUR 40 at stake.
// In USD instead: O1 1,000 x 1.10 = 1,100; O2 1,100; O3 800 / 0.80 x 1.25 = 1,250; O4 550;
// O6 1,000, in USD already (no rate needed): backlog_value = USD 5,000 (JPY still out).
func TestReportingCurrency(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"customers.csv": "customer_id,name,country\nC1,Alpha,DE\nC2,Beta,US\n",
		"products.csv":  "sku,description,family,unit_cost\nP1,Ball valve,Valves,10\n",
		"orders.csv": "order_id,customer_id,order_date,ship_from_site,ship_to_country,incoterm,transport_mode,currency,payment_method,status\n" +
			"O1,C1,2026-11-02,LYON,DE,FCA,road,EUR,open_account,open\n" +
			"O2,C2,2026-11-02,LYON,US,FCA,sea,USD,open_account,open\n" +
			"O3,C1,2026-11-07,LYON,GB,FCA,road,GBP,open_account,open\n" +
			"O4,C2,2026-11-04,LYON,US,FCA,sea,USD,open_account,open\n" +
			"O5,C2,2026-11-03,LYON,JP,FCA,air,JPY,open_account,open\n" +
			"O6,C2,2026-10-01,LYON,US,FCA,sea,USD,open_account,open\n",
		"order_lines.csv": "order_id,line_no,sku,ordered_qty,unit_price,requested_date,promised_date,status\n" +
			"O1,10,P1,10,100,2026-11-10,,open\n" +
			"O2,10,P1,10,110,2026-11-10,,open\n" +
			"O2,20,P1,5,110,2026-11-10,,open\n" +
			"O3,10,P1,10,80,2026-11-10,,open\n" +
			"O4,10,P1,10,55,2026-11-10,,open\n" +
			"O5,10,P1,10,1000,2026-11-10,,open\n" +
			"O6,10,P1,10,100,2026-11-10,,open\n",
		"shipments.csv": "shipment_id,order_id,line_no,shipped_qty,ship_date,delivery_date,carrier,transport_mode,freight_cost,weight_kg\n" +
			"S1,O2,20,5,2026-11-06,,MSC,sea,250,100\n",
		"invoices.csv": "invoice_id,order_id,line_no,invoice_date,invoiced_qty,amount,currency\n" +
			"INV1,O2,20,2026-11-06,5,600,USD\n",
		"claims.csv": "claim_id,order_id,line_no,shipment_id,opened_date,closed_date,type,cause,responsible,claimed_qty,returned_qty,cost,status\n" +
			"CL1,O2,20,S1,2026-11-05,,damage,wet,carrier,1,0,120,open\n",
	})
	st := openStore(t)
	loadCanonical(t, st, dir)
	rates := filepath.Join(t.TempDir(), "eurofxref-hist.csv")
	writeFiles(t, filepath.Dir(rates), map[string]string{"eurofxref-hist.csv": "Date,USD,GBP,\n" +
		"2026-11-06,1.2500,0.8000,\n2026-11-05,1.2000,0.8500,\n2026-11-02,1.1000,0.9000,\n"})
	res, err := ingest.Load(context.Background(), st, ingest.Options{}, rates)
	if err != nil || res[0].Err != nil || res[0].Profile != "ecb" || res[0].RowsLoaded != 3 {
		t.Fatalf("rates: %v %+v", err, res)
	}

	sum := func(vals []KPIValue, kpi string) float64 {
		total := 0.0
		for _, v := range vals {
			if v.KPI == kpi && v.Value != nil {
				total += *v.Value
			}
		}
		return math.Round(total*1e6) / 1e6
	}
	q := KPIQuery{KPIs: []string{"backlog_value", "freight_cost", "claim_cost"}, From: "2026-W40", To: "2026-W47"}

	rep := mustBuild(t, st, config.Default(), "2026-11-23")
	vals := mustQuery(t, st, q)
	if got := sum(vals, "backlog_value"); got != 3500 {
		t.Errorf("backlog_value = %v EUR, want 3,500 (O1 1,000 + O2 1,000 + O3 1,000 + O4 500; JPY and pre-rate USD left out)", got)
	}
	if got := sum(vals, "freight_cost"); got != 200 {
		t.Errorf("freight_cost = %v EUR, want 200 (USD 250 / 1.25 on 2026-11-06)", got)
	}
	if got := sum(vals, "claim_cost"); got != 100 {
		t.Errorf("claim_cost = %v EUR, want 100 (USD 120 / 1.20 on 2026-11-05)", got)
	}
	// the anomalies rank and total in euros, and say what the document says
	got := queryText(t, st, `SELECT string_agg(order_id || ':' || coalesce(round(value_at_stake, 2)::VARCHAR, 'NULL') || ':' ||
			value_at_stake_doc::DECIMAL(18,2) || ':' || currency || ':' || fx_missing, ' ' ORDER BY order_id)
		FROM anomaly_detected WHERE code = 'late_backlog'`)
	want := "O1:1000.0:1000.00:EUR:false O2:1000.0:1100.00:USD:false O3:1000.0:800.00:GBP:false O4:500.0:550.00:USD:false O5:NULL:10000.00:JPY:true O6:NULL:1000.00:USD:true"
	if got != want {
		t.Errorf("late_backlog values:\n got %s\nwant %s", got, want)
	}
	// an invoiced amount at the rate of its invoice date: INV1 bills O2's 5 x 110 = USD 550
	// as USD 600 on 2026-11-06, USD 50 at 1.25 = EUR 40 (not 50 / 1.10 at the order date)
	if got := queryText(t, st, `SELECT string_agg(order_id || ':' || round(value_at_stake, 2) || ':' || value_at_stake_doc::DECIMAL(18,2) || ':' || currency, ' ')
		FROM anomaly_detected WHERE code = 'invoice_price_mismatch'`); got != "O2:40.0:50.00:USD" {
		t.Errorf("invoice_price_mismatch: %s, want O2:40.0:50.00:USD", got)
	}
	// what could not be converted is said, in one line, never summed
	note := strings.Join(rep.Notes, "\n")
	for _, s := range []string{"no exchange rate to EUR", "1 order line(s) in JPY", "1 order line(s) in USD", "left out of every money figure"} {
		if !strings.Contains(note, s) {
			t.Errorf("build notes lack %q:\n%s", s, note)
		}
	}
	// and flagged by a data test, as a warning naming the orders
	warn := strings.Join(rep.Warnings, "\n")
	if !strings.Contains(warn, "model dim_order: 2 row(s) fail expect(fx_rate IS NOT NULL)") || !strings.Contains(warn, "order_id=O5") || !strings.Contains(warn, "order_id=O6") {
		t.Errorf("build warnings lack the data test on O5 and O6:\n%s", warn)
	}
	if strings.Contains(warn, "int_shipment") || strings.Contains(warn, "int_claim") {
		t.Errorf("a converted shipment or claim is flagged:\n%s", warn)
	}
	if got := queryText(t, st, `SELECT string_agg(amounts || ' ' || currency || ' ' || rows || ' ' || amount::DECIMAL(18,2), ', ' ORDER BY amounts, currency) FROM fx_unconverted`); got != "order_lines JPY 1 10000.00, order_lines USD 1 1000.00" {
		t.Errorf("fx_unconverted: %s", got)
	}

	cfg := config.Default()
	cfg.ReportingCurrency = "USD"
	mustBuild(t, st, cfg, "2026-11-23")
	vals = mustQuery(t, st, q)
	if got := sum(vals, "backlog_value"); got != 5000 {
		t.Errorf("backlog_value = %v USD, want 5,000 (1,100 + 1,100 + 1,250 + 550 + 1,000)", got)
	}
	if got := sum(vals, "freight_cost"); got != 250 {
		t.Errorf("freight_cost = %v USD, want 250 (already in USD)", got)
	}

	// a rate older than fx_rate_max_age_days serves no more: O3's Saturday with 0 days
	cfg = config.Default()
	cfg.FXRateMaxAgeDays = 0
	mustBuild(t, st, cfg, "2026-11-23")
	if got := sum(mustQuery(t, st, q), "backlog_value"); got != 2000 {
		t.Errorf("backlog_value with same-day rates only = %v, want 2,000 (O1 and O2; O3 on a Saturday and O4 on the 4th have no rate of their day)", got)
	}
}
