package models

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/orderflow/orderflow/config"
)

func TestProjectParses(t *testing.T) {
	p, err := LoadProject()
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, m := range p.Models {
		pos[m.Name] = i
	}
	for _, m := range p.Models {
		for _, d := range m.Deps {
			if pos[d] >= pos[m.Name] {
				t.Errorf("%s is built before %s, which it reads", m.Name, d)
			}
		}
	}
	if m, _ := p.Model("int_order_line"); m == nil || m.Materialized != "table" || !strings.Contains(strings.Join(m.Deps, ","), "int_shipment") {
		t.Errorf("int_order_line: %+v", m)
	}
}

// Every KPI of the registry has its formula in the SQL model it names, and every
// formula of the SQL has its registry entry.
func TestRegistryMatchesTheSQL(t *testing.T) {
	p, err := LoadProject()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Registry() {
		ref, ok := p.kpis[k.Name]
		if !ok {
			t.Errorf("KPI %s has no `-- kpi:` block in sql/models", k.Name)
			continue
		}
		if ref.model.Name != k.Model {
			t.Errorf("KPI %s: registry says model %s, the SQL defines it in %s", k.Name, k.Model, ref.model.Name)
		}
		if k.LabelEN == "" || k.LabelFR == "" || k.Unit == "" {
			t.Errorf("KPI %s lacks a label or unit", k.Name)
		}
		if (k.Unit == UnitRatio || k.Unit == UnitPercent) != ref.formula.isRatio() && k.Unit != UnitDays && k.Unit != UnitCurrencyPerKg {
			t.Errorf("KPI %s: unit %s but ratio=%v", k.Name, k.Unit, ref.formula.isRatio())
		}
		// a ratio names what its denominator counts, so that reports never say "lines" of a value
		if isRatio := ref.formula.isRatio(); isRatio != (k.Per != "") {
			t.Errorf("KPI %s: ratio=%v but its denominator unit is %q", k.Name, isRatio, k.Per)
		}
	}
	for name := range p.kpis {
		if _, ok := LookupKPI(name); !ok {
			t.Errorf("the SQL defines KPI %s, the registry does not list it", name)
		}
	}
	// The contract's names are all there.
	for _, name := range strings.Fields(`otif_line on_time_line in_full_line otif_order service_rate
		unit_fill_rate value_fill_rate backlog_lines backlog_value days_late_mean days_late_p90
		order_to_ship_days_p50 order_to_ship_days_p90 perfect_order coverage_days_median
		share_under_coverage_target share_over_overstock stock_value_at_risk projected_stockouts
		claim_count claim_rate claim_cost open_claims open_claims_age_days mean_resolution_days
		return_rate freight_cost_per_kg freight_cost_share`) {
		if _, ok := LookupKPI(name); !ok {
			t.Errorf("KPI %s of domain.md is missing", name)
		}
	}
	if k, _ := LookupKPI("otif_line"); func() bool { v, ok := k.Target(config.Default()); return !ok || v != 0.95 }() {
		t.Error("otif_line has no target 0.95 from the default config")
	}
}

func TestParseModel(t *testing.T) {
	f := func(body, wantErr string) {
		t.Helper()
		_, err := parseModel("models/marts/kpi_x.sql", body)
		if wantErr == "" && err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		if wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)) {
			t.Fatalf("error %v, want one containing %q", err, wantErr)
		}
	}
	f("-- kpi: a\n--   numerator: count(*)\n--   denominator: count(*)\nSELECT 1", "")
	f("-- kpi: a\n--   value: count(*)\n-- kpi: b = a\nSELECT 1", "")
	f("-- kpi: a\n--   numerator: count(*)\nSELECT 1", "needs either a numerator and a denominator, or a value")
	f("-- kpi: a\n--   value: 1\n--   numerator: 1\n--   denominator: 1\nSELECT 1", "needs either")
	f("-- kpi: a\n--   values: count(*)\nSELECT 1", "unknown KPI directive")
	f("-- materialized: ephemeral\nSELECT 1", "must be table, view, temp or enum")
	f("-- test: unique()\nSELECT 1", "names no column")
	f("-- test: unique(a; drop table x)\nSELECT 1", "is not a column name")
	f("-- test: accepted_values(a)\nSELECT 1", "accepted_values(column: value")
	f("-- test: relationships(a -> b)\nSELECT 1", "relationships(column -> model.column)")
	f("-- test: between(0, 1)\nSELECT 1", "belongs to a KPI block")
	f("-- test: frobnicate(a)\nSELECT 1", "unknown test")
	f("-- prose: with a colon\n--   indented: too\nSELECT 1", "")
}

func TestParseProject(t *testing.T) {
	f := func(files map[string]string, wantOrder, wantErr string) {
		t.Helper()
		fsys := fstest.MapFS{}
		for name, body := range files {
			fsys["models/"+name] = &fstest.MapFile{Data: []byte(body)}
		}
		p, err := parseProject(fsys)
		if wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), wantErr) {
				t.Fatalf("error %v, want one containing %q", err, wantErr)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, m := range p.Models {
			names = append(names, m.Name)
		}
		if got := strings.Join(names, " "); got != wantOrder {
			t.Fatalf("order %q, want %q", got, wantOrder)
		}
	}
	// Dependencies come from the SQL, not from comments or strings.
	f(map[string]string{
		"a/c.sql": "SELECT * FROM b",
		"a/b.sql": "SELECT * FROM a -- not d\n",
		"z/a.sql": "SELECT 'd' AS x",
		"d.sql":   "SELECT 1",
	}, "a b c d", "")
	f(map[string]string{"x.sql": "SELECT * FROM y", "y.sql": "SELECT * FROM x"}, "", "cycle: x, y")
	f(map[string]string{"a/x.sql": "SELECT 1", "b/x.sql": "SELECT 2"}, "", "defined twice")
	f(map[string]string{
		"x.sql": "-- kpi: k\n--   value: count(*)\nSELECT 1",
		"y.sql": "-- kpi: k\n--   value: count(*)\nSELECT 1",
	}, "", "KPI k is defined twice")
	f(map[string]string{"x.sql": "-- kpi: k = nothing\nSELECT 1"}, "", "must name a KPI defined in the same file")
}

func TestParseWeek(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got, err := ParseWeek(in)
		if want == "" {
			if err == nil {
				t.Fatalf("ParseWeek(%q) = %v, want an error", in, got)
			}
			return
		}
		if err != nil || got.Format(time.DateOnly) != want {
			t.Fatalf("ParseWeek(%q) = %v, %v; want %s", in, got, err, want)
		}
		if FormatWeek(got) != in {
			t.Fatalf("FormatWeek(%v) = %s, want %s", got, FormatWeek(got), in)
		}
	}
	f("2026-W47", "2026-11-16")
	f("2026-W01", "2025-12-29") // ISO week 1 of 2026 starts in 2025
	f("2020-W53", "2020-12-28")
	f("2021-W53", "") // 2021 has 52 weeks
	f("2026-W00", "")
	f("2026-47", "")
	f("W47", "")
	if got := LastCompleteWeek(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)); got != "2026-W47" {
		t.Fatalf("LastCompleteWeek(Monday 2026-11-23) = %s", got)
	}
	if got := LastCompleteWeek(time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)); got != "2026-W47" {
		t.Fatalf("LastCompleteWeek(Sunday 2026-11-29) = %s", got)
	}
}

// A failing data test rolls the whole build back and names the model and the test.
func TestBuildRollsBackOnFailingDataTest(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	good := fstest.MapFS{
		"models/a.sql": {Data: []byte("-- materialized: table\n-- test: unique(order_id)\nSELECT order_id FROM orders")},
	}
	bad := fstest.MapFS{
		"models/a.sql": {Data: []byte("-- materialized: table\n-- test: unique(order_id)\nSELECT order_id FROM orders UNION ALL SELECT order_id FROM orders")},
		"models/b.sql": {Data: []byte("-- test: not_null(x)\nSELECT NULL AS x FROM a")},
		"models/c.sql": {Data: []byte("-- kpi: k\n--   numerator: count(*)\n--   denominator: 0.5\n--   test: between(0, 1)\nSELECT DATE '2026-11-16' AS week FROM a")},
	}
	if _, err := st.DB.Exec(`INSERT INTO orders (order_id, _load_id, _row) VALUES ('O1', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	asOf := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	p, err := parseProject(good)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := build(ctx, st, p, config.Default(), asOf, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	p, err = parseProject(bad)
	if err != nil {
		t.Fatal(err)
	}
	_, err = build(ctx, st, p, config.Default(), asOf, nil, Options{})
	for _, want := range []string{
		"model a fails its data test unique(order_id): 1 row(s), such as order_id=O1, n=2",
		"model b fails its data test not_null(x)",
		"model c fails its data test KPI k between(0, 1): 1 row(s), such as week=2026-11-16, numerator=2, denominator=0.5, value=4",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error %v, want one containing %q", err, want)
		}
	}
	var n int
	if err := st.DB.QueryRow("SELECT count(*) FROM a").Scan(&n); err != nil || n != 1 {
		t.Fatalf("the previous build of a should remain: %d rows, %v", n, err)
	}
	var views int
	st.DB.QueryRow("SELECT count(*) FROM information_schema.tables WHERE table_name = 'b'").Scan(&views)
	if views != 0 {
		t.Fatal("model b of the failed build remains")
	}
}
