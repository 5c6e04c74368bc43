package reports

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/ingest"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/store"
)

// TestReadFXFromABuild reads what a real build left unconverted: a JPY order with no
// JPY rate is out of the order lines' money (fx_unconverted) and its late line's value
// at stake is out of the anomalies' totals (anomaly_list.fx_missing), each said once
// in its own currency; the USD order, with a rate, is converted and not listed.
func TestReadFXFromABuild(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	files := map[string]string{
		"customers.csv": "customer_id,name,country\nC1,Alpha,US\nC2,Beta,JP\n",
		"products.csv":  "sku,description,family,unit_cost\nP1,Ball valve,Valves,10\n",
		"orders.csv": "order_id,customer_id,order_date,ship_from_site,ship_to_country,incoterm,transport_mode,currency,payment_method,status\n" +
			"O1,C1,2026-11-02,LYON,US,FCA,sea,USD,open_account,open\n" +
			"O2,C2,2026-11-03,LYON,JP,FCA,air,JPY,open_account,open\n",
		"order_lines.csv": "order_id,line_no,sku,ordered_qty,unit_price,requested_date,promised_date,status\n" +
			"O1,10,P1,10,110,2026-11-10,,open\n" +
			"O2,10,P1,10,1000,2026-11-10,,open\n",
		"eurofxref-hist.csv": "Date,USD,\n2026-11-02,1.1000,\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "orderflow.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	asOf := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	if _, err := ingest.Load(ctx, st, ingest.Options{AsOf: asOf}, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := models.Build(ctx, st, config.Default(), asOf, nil); err != nil {
		t.Fatal(err)
	}
	// before the anomalies are built, only the models' amounts are said
	x, err := readFX(ctx, st.DB, "EUR")
	if err != nil {
		t.Fatal(err)
	}
	if got := gaps(x); got != "order_lines JPY 1 10000" {
		t.Errorf("gaps before the anomalies: %q", got)
	}
	if _, err := anomalies.Build(ctx, st, config.Default(), asOf); err != nil {
		t.Fatal(err)
	}
	if x, err = readFX(ctx, st.DB, "EUR"); err != nil {
		t.Fatal(err)
	}
	if got := gaps(x); got != "order_lines JPY 1 10000, anomalies JPY 1 10000" {
		t.Errorf("gaps: %q, want the JPY order line and its late line's value at stake", got)
	}
	if !x.Mixed || x.MaxAge != 7 {
		t.Errorf("mixed %v, max age %d", x.Mixed, x.MaxAge)
	}
}

func gaps(x FXInfo) string {
	var parts []string
	for _, g := range x.Gaps {
		parts = append(parts, fmt.Sprintf("%s %s %d %.0f", g.Amounts, g.Currency, g.Rows, g.Amount))
	}
	return strings.Join(parts, ", ")
}
