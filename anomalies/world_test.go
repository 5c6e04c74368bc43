package anomalies

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/ingest"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/store"
)

// The world fixture (testdata/anomalies/world, described in its README) is a small
// company as of Monday 16 March 2026: one clean order (O01), one order per anomaly code
// that must raise it, and near misses that must not.
var worldAsOf = time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)

// openStore opens a fresh database in a temporary folder.
func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "test.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// load ingests canonical extract folders, as a user would.
func load(t testing.TB, st *store.Store, dirs ...string) {
	t.Helper()
	res, err := ingest.Load(context.Background(), st, ingest.Options{Profile: "canonical"}, dirs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil || r.RowsRejected > 0 {
			t.Fatalf("cannot load %s: %v (%d rows rejected)", r.Path, r.Err, r.RowsRejected)
		}
	}
}

// build runs the models and then the anomalies, as `orderflow build` does.
func build(t testing.TB, st *store.Store, asOf time.Time) BuildReport {
	t.Helper()
	ctx := context.Background()
	if _, err := models.Build(ctx, st, config.Default(), asOf, nil); err != nil {
		t.Fatal(err)
	}
	rep, err := Build(ctx, st, config.Default(), asOf)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

var world = struct {
	once sync.Once
	st   *store.Store
	list []Anomaly
	err  error
}{}

// worldList builds the world fixture once for the test binary.
func worldList(t *testing.T) []Anomaly {
	t.Helper()
	world.once.Do(func() {
		ctx := context.Background()
		dir, err := tempDir()
		if err != nil {
			world.err = err
			return
		}
		st, err := store.Open(ctx, filepath.Join(dir, "world.duckdb"))
		if err != nil {
			world.err = err
			return
		}
		world.st = st
		if _, err := ingest.Load(ctx, st, ingest.Options{Profile: "canonical"}, "../testdata/anomalies/world"); err != nil {
			world.err = err
			return
		}
		if _, err := models.Build(ctx, st, config.Default(), worldAsOf, nil); err != nil {
			world.err = err
			return
		}
		if _, err := Build(ctx, st, config.Default(), worldAsOf); err != nil {
			world.err = err
			return
		}
		world.list, world.err = List(ctx, st.DB, Filter{}, "en")
	})
	if world.err != nil {
		t.Fatal(world.err)
	}
	return world.list
}

// worldExpected is every anomaly the world must raise, by key, and nothing else.
var worldExpected = map[string][]string{
	"short_shipment":         {"short_shipment/O02/10"},
	"over_shipment":          {"over_shipment/O03/10"},
	"shipped_not_invoiced":   {"shipped_not_invoiced/O04/10"},
	"invoice_qty_mismatch":   {"invoice_qty_mismatch/O06/10"},
	"invoice_price_mismatch": {"invoice_price_mismatch/I07/O07/10"},
	"delivery_before_ship":   {"delivery_before_ship/S09/O09/10"},
	"ship_before_order":      {"ship_before_order/S10/O10/10"},
	"orphan_shipment":        {"orphan_shipment/S90/O99/10", "orphan_shipment/S91/O01/990"},
	"orphan_invoice":         {"orphan_invoice/I90/O99/10"},
	"orphan_claim":           {"orphan_claim/CL90"},
	"duplicate_record":       {"duplicate_record/order_lines:O11 / 10"},
	// O02 is closed short and past due: still owed to the customer, so late too
	"late_backlog":           {"late_backlog/O02/10", "late_backlog/O12/10"},
	"due_soon_short":         {"due_soon_short/O14/10"},
	"lc_shipment_date_risk":  {"lc_shipment_date_risk/O17/10"},
	"lc_expiry_risk":         {"lc_expiry_risk/O19/S19"},
	"missing_document":       {"missing_document/O20/intrastat", "missing_document/O21/packing_list"},
	"incoterm_mode_mismatch": {"incoterm_mode_mismatch/O22"},
	"obsolete_incoterm":      {"obsolete_incoterm/O24"},
	"kpi_signal":             nil,
}

// worldQuiet names, per code, the near misses that must not raise it: an order (or a
// shipment, invoice or claim id) that is matched against every business key.
var worldQuiet = map[string][]string{
	"short_shipment":         {"O01", "O12"},                             // fully shipped; open, not closed
	"over_shipment":          {"O01"},                                    // shipped what was ordered
	"shipped_not_invoiced":   {"O05", "O12"},                             // shipped 3 days ago only; invoiced as shipped
	"invoice_qty_mismatch":   {"O01", "O04", "O12"},                      // invoiced as shipped; no invoice at all
	"invoice_price_mismatch": {"O01"},                                    // 3 x 3.333 = 9.999 billed 10.00: rounding
	"delivery_before_ship":   {"O01", "O23"},                             // delivered the day after; no proof of delivery yet
	"ship_before_order":      {"O01", "O05"},                             // shipped after the order
	"orphan_shipment":        {"S01", "S12"},                             // known lines
	"orphan_invoice":         {"I01", "I12"},                             // known lines
	"orphan_claim":           {"CL01", "CL02"},                           // a known line; a claim naming no order
	"duplicate_record":       {"O05", "O01"},                             // O05's line repeated identically
	"late_backlog":           {"O13", "O25", "O01"},                      // due today; cancelled; shipped in full
	"due_soon_short":         {"O15", "O16", "O13"},                      // stock covers it; due in 14 days; covered
	"lc_shipment_date_risk":  {"O18", "O19"},                             // shipped before the latest shipment date
	"lc_expiry_risk":         {"O17", "O18"},                             // expiry far enough ahead
	"missing_document":       {"O01", "O13", "O14", "O16", "O17", "O23"}, // on file (drafts count); O16 ships in 11 days
	"incoterm_mode_mismatch": {"O23", "O01"},                             // FOB by sea; FCA by road
	"obsolete_incoterm":      {"O01", "O22"},                             // FCA, FOB are Incoterms 2020
	"kpi_signal":             {""},                                       // no KPI history: no chart
}

func keysOf(list []Anomaly, code string) []string {
	var out []string
	for _, a := range list {
		if a.Code == code {
			out = append(out, a.Key)
		}
	}
	sort.Strings(out)
	return out
}

// TestWorldEachCode: each code fires on its order of the fixture, and only there.
func TestWorldEachCode(t *testing.T) {
	list := worldList(t)
	for _, code := range Codes {
		t.Run(code+"/fires", func(t *testing.T) {
			want := slices.Clone(worldExpected[code])
			sort.Strings(want)
			if got := keysOf(list, code); !slices.Equal(got, want) {
				t.Errorf("%s: got %q, want %q", code, got, want)
			}
		})
		t.Run(code+"/quiet", func(t *testing.T) {
			for _, a := range list {
				if a.Code != code {
					continue
				}
				for _, q := range worldQuiet[code] {
					if q != "" && slices.Contains([]string{a.OrderID, a.ShipmentID, a.InvoiceID, a.ClaimID}, q) {
						t.Errorf("%s fired on the near miss %s: %s", code, q, a.Message)
					}
				}
			}
		})
	}
	// Nothing else: the clean order and the near misses raise no anomaly at all.
	n := 0
	for _, keys := range worldExpected {
		n += len(keys)
	}
	if len(list) != n {
		for _, a := range list {
			t.Logf("%s: %s", a.Key, a.Message)
		}
		t.Errorf("%d anomalies, want %d", len(list), n)
	}
}

// TestWorldCleanOrder: an on-time, fully invoiced order with its documents is quiet.
func TestWorldCleanOrder(t *testing.T) {
	for _, a := range worldList(t) {
		if a.OrderID == "O01" && a.LineNo != "990" {
			t.Errorf("false alarm on the clean order O01: %s %s", a.Code, a.Message)
		}
	}
}

// TestWorldFacts checks the figures of a few anomalies by hand.
func TestWorldFacts(t *testing.T) {
	byKey := map[string]Anomaly{}
	for _, a := range worldList(t) {
		byKey[a.Key] = a
	}
	f := func(key string, days, daysLeft int, value float64, severity, since string) {
		t.Helper()
		a, ok := byKey[key]
		if !ok {
			t.Fatalf("%s not found", key)
		}
		if days >= 0 && (a.Days == nil || *a.Days != days) {
			t.Errorf("%s: days %v, want %d", key, deref(a.Days), days)
		}
		if daysLeft >= 0 && (a.DaysLeft == nil || *a.DaysLeft != daysLeft) {
			t.Errorf("%s: days_left %v, want %d", key, deref(a.DaysLeft), daysLeft)
		}
		if a.ValueAtStake == nil || *a.ValueAtStake != value {
			t.Errorf("%s: value at stake %v, want %v", key, a.ValueAtStake, value)
		}
		if a.Severity != severity || a.Since != since {
			t.Errorf("%s: severity %s since %s, want %s since %s", key, a.Severity, a.Since, severity, since)
		}
		if a.DetectedOn != "2026-03-16" || a.Status != StatusNew {
			t.Errorf("%s: detected on %s, status %s", key, a.DetectedOn, a.Status)
		}
	}
	// 60 still to ship at 10.00, due 9 March: 7 days late; weight 2
	f("late_backlog/O12/10", 7, -1, 600, "medium", "2026-03-09")
	// 80 due 20 March, 50 in stock: short in 4 days
	f("due_soon_short/O14/10", -1, 4, 8000, "medium", "2026-03-16")
	// 100 shipped 2 March, not invoiced: 14 days
	f("shipped_not_invoiced/O04/10", 14, -1, 1000, "medium", "2026-03-02")
	// 1,100.00 billed for 100 x 10.00
	f("invoice_price_mismatch/I07/O07/10", 13, -1, 100, "medium", "2026-03-03")
	// shipped 2 March + 21 days = 23 March, after the expiry of 15 March (1 day ago);
	// USD 1,000 at 1.25 USD per euro (fx_rates.csv) is €800
	f("lc_expiry_risk/O19/S19", 1, -1, 800, "high", "2026-03-02")
	f("lc_shipment_date_risk/O17/10", 6, -1, 800, "high", "2026-03-10")
	f("short_shipment/O02/10", 28, -1, 200, "medium", "2026-02-16")

	lb := byKey["late_backlog/O12/10"]
	if lb.Priority != 7*600*2 || lb.PriorityReason != "7 days late × €600 × weight 2" {
		t.Errorf("late_backlog priority %v (%s), want 8400 (7 days late × €600 × weight 2)", lb.Priority, lb.PriorityReason)
	}
	if !strings.Contains(lb.Remedy, "FR01 has 1,000 available: ship the 60 now") {
		t.Errorf("late_backlog remedy: %s", lb.Remedy)
	}
	ds := byKey["due_soon_short/O14/10"]
	for _, want := range []string{"Ship the 50 available at FR01 now (partial shipment) and the other 30 later", "DE01 has 200 available"} {
		if !strings.Contains(ds.Remedy, want) {
			t.Errorf("due_soon_short remedy %q lacks %q", ds.Remedy, want)
		}
	}
	sni := byKey["shipped_not_invoiced/O04/10"]
	if !strings.Contains(sni.Remedy, "Raise the invoice: 100 × €10 = €1,000") {
		t.Errorf("shipped_not_invoiced remedy: %s", sni.Remedy)
	}
	if r := byKey["incoterm_mode_mismatch/O22"].Remedy; !strings.Contains(r, "Use FCA instead") {
		t.Errorf("incoterm_mode_mismatch remedy: %s", r)
	}
	if r := byKey["obsolete_incoterm/O24"].Remedy; !strings.Contains(r, "Use DAP instead") {
		t.Errorf("obsolete_incoterm remedy: %s", r)
	}
	if m := byKey["missing_document/O21/packing_list"].Message; !strings.Contains(m, "packing list") || !strings.Contains(m, "was rejected") {
		t.Errorf("missing_document message: %s", m)
	}
	if m := byKey["duplicate_record/order_lines:O11 / 10"].Message; !strings.Contains(m, "(promised_date)") {
		t.Errorf("duplicate_record message: %s", m)
	}
	// the list is ranked by priority
	list := worldList(t)
	for i := 1; i < len(list); i++ {
		if list[i].Priority > list[i-1].Priority {
			t.Fatalf("not ranked: %s (%v) after %s (%v)", list[i].Key, list[i].Priority, list[i-1].Key, list[i-1].Priority)
		}
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestWorldMessages: every anomaly says what is wrong in English and in French, and
// its JSON carries the contract's fields and omits those that do not apply.
func TestWorldMessages(t *testing.T) {
	worldList(t)
	ctx := context.Background()
	for _, lang := range []string{"en", "fr"} {
		list, err := List(ctx, world.st.DB, Filter{}, lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			if a.Message == "" || a.Remedy == "" || a.PriorityReason == "" {
				t.Errorf("%s %s: message %q, remedy %q, reason %q", lang, a.Key, a.Message, a.Remedy, a.PriorityReason)
			}
			if strings.Contains(a.Message, "%!") || strings.Contains(a.Remedy, "%!") {
				t.Errorf("%s %s: bad format: %s / %s", lang, a.Key, a.Message, a.Remedy)
			}
		}
	}
	list, _ := List(ctx, world.st.DB, Filter{Codes: []string{"obsolete_incoterm"}}, "fr")
	if len(list) != 1 || !strings.Contains(list[0].Message, "ne fait pas partie des 11 Incoterms 2020") {
		t.Fatalf("French obsolete_incoterm: %+v", list)
	}
	b, err := json.Marshal(list[0])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"code", "severity", "order_id", "customer_id", "detected_on", "message", "remedy", "priority", "status"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %s: %s", k, b)
		}
	}
	for _, k := range []string{"line_no", "shipment_id", "sku"} {
		if _, ok := m[k]; ok {
			t.Errorf("JSON carries %s, which does not apply to an order-level anomaly: %s", k, b)
		}
	}
}

// A load after the last models build is marked (its superseded rows skipped by the
// staging models) when the anomalies are built alone, as `orderflow anomalies` does.
func TestBuildAloneMarksNewLoads(t *testing.T) {
	st := openStore(t)
	dir := t.TempDir()
	header := "order_id,line_no,sku,ordered_qty,unit_price,requested_date\n"
	if err := os.WriteFile(filepath.Join(dir, "order_lines.csv"), []byte(header+"O1,1,S1,1,1,2026-10-02\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	asOf := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	load(t, st, dir)
	build(t, st, asOf)
	later := t.TempDir()
	if err := os.WriteFile(filepath.Join(later, "order_lines.csv"), []byte(header+"O2,1,S1,1,1,2026-10-02\nO2,1,S1,2,1,2026-10-02\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	load(t, st, later)
	if _, err := Build(context.Background(), st, config.Default(), asOf); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := st.DB.QueryRow(`SELECT count(*) FROM stg_order_lines WHERE order_id = 'O2'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("stg_order_lines holds %d rows of O2 (%v), want its last row only", n, err)
	}
}
