package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// An Odoo 17 order-to-cash export set as a French user downloads it from the Export
// dialog in its normal mode (labels, display names, selection labels, CSV with every cell
// quoted and CRLF: ingest/testdata/odoo_labels_fr/_make_fixtures.py), loaded as it comes
// and built as of 2026-12-05: the figures are those worked by hand in
// testdata/erp/SCENARIO.md. The quotation S00236 ("Devis") counts nowhere.
func TestOdooFrenchExportGivesTheHandWorkedFigures(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "orderflow.duckdb")
	cfg := filepath.Join(tmp, "orderflow.yaml")
	// The warehouse is "Lyon" on the orders and "LYO" in the stock locations.
	if err := os.WriteFile(cfg, []byte("sites:\n  Lyon: LYO\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	flags := []string{"--db", db, "--config", cfg, "--as-of", "2026-12-05"}
	out, errOut, err := runOrderflow(append(flags, "ingest", "../../ingest/testdata/odoo_labels_fr")...)
	if err != nil || strings.Contains(out, "rejected") && !strings.Contains(out, " 0 rejected") {
		t.Fatalf("ingest: %v\n%s\n%s", err, out, errOut)
	}
	if n := strings.Count(out, "loaded  "); n != 5 || strings.Count(out, ", 0 rejected") != 5 {
		t.Fatalf("want 5 files loaded with no reject:\n%s", out)
	}
	runOK(t, append(flags, "build")...)

	var kpis []struct {
		KPI         string   `json:"kpi"`
		Week        string   `json:"week"`
		Value       *float64 `json:"value"`
		Numerator   *float64 `json:"numerator"`
		Denominator *float64 `json:"denominator"`
	}
	if err := json.Unmarshal(runOK(t, append(flags, "kpi", "--from", "2026-W47", "--to", "2026-W48", "--format", "json")...), &kpis); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, k := range kpis {
		v := "-"
		switch {
		case k.Numerator != nil && k.Denominator != nil:
			v = fmt.Sprintf("%g/%g", *k.Numerator, *k.Denominator)
		case k.Value != nil:
			v = fmt.Sprintf("%g", *k.Value)
		}
		got[k.Week+" "+k.KPI] = v
	}
	for key, want := range map[string]string{
		"2026-W47 otif_line":      "1/2",
		"2026-W47 on_time_line":   "2/2",
		"2026-W47 in_full_line":   "2/2",
		"2026-W47 otif_order":     "0/1",
		"2026-W47 unit_fill_rate": "106/110",
		"2026-W48 otif_line":      "1/2",
		"2026-W48 on_time_line":   "1/2",
		"2026-W48 in_full_line":   "1/2",
		"2026-W48 unit_fill_rate": "50/55",
		"2026-W48 backlog_value":  "2400",
	} {
		if got[key] != want {
			t.Errorf("%s = %s, want %s", key, got[key], want)
		}
	}

	var anomalies []struct {
		Code    string `json:"code"`
		OrderID string `json:"order_id"`
		SKU     string `json:"sku"`
	}
	if err := json.Unmarshal(runOK(t, append(flags, "anomalies", "--format", "json")...), &anomalies); err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, a := range anomalies {
		switch a.Code {
		case "kpi_signal", "missing_document": // no documents were exported
			continue
		}
		found = append(found, a.Code+" "+a.OrderID+" "+a.SKU)
	}
	sort.Strings(found)
	// S00231 PM-40, invoiced 6 of 10 shipped, is invoice_qty_mismatch's case, not
	// shipped_not_invoiced's (a line with no invoice at all).
	want := []string{
		"due_soon_short S00235 JT-10",
		"invoice_qty_mismatch S00231 PM-40",
		"invoice_qty_mismatch S00232 VN-25",
		"late_backlog S00233 PM-40",
	}
	if strings.Join(found, "\n") != strings.Join(want, "\n") {
		t.Errorf("anomalies:\n%s\nwant:\n%s", strings.Join(found, "\n"), strings.Join(want, "\n"))
	}
}
