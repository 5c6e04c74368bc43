package models

import (
	"context"
	"encoding/json"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/gen"
	"github.com/orderflow/orderflow/store"
)

// QueryCuts returns, for each query, exactly what Query returns for it alone: on the
// hand-checked flow fixture and on a small generated company.
func TestQueryCutsMatchesQuery(t *testing.T) {
	ctx := context.Background()
	f := func(name string, st *store.Store, top map[string][]string) {
		t.Helper()
		t.Run(name, func(t *testing.T) {
			checkQueryCuts(t, ctx, st, cutQueries(top))
		})
		t.Run(name+" from a cube", func(t *testing.T) {
			checkCube(t, ctx, st, cutQueries(top))
		})
	}

	flow := openStore(t)
	loadCanonical(t, flow, "../testdata/kpi/flow")
	mustBuild(t, flow, config.Default(), "2026-11-23")
	f("flow", flow, map[string][]string{"customer": {"C1", "C3"}, "country": {"DE"}})

	if testing.Short() {
		return
	}
	asOf := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	extracts := filepath.Join(t.TempDir(), "extracts")
	if _, err := gen.Generate(ctx, gen.Options{Out: extracts, Seed: 3, Lines: 3000, AsOf: asOf}); err != nil {
		t.Fatal(err)
	}
	generated := openStore(t)
	loadCanonical(t, generated, extracts)
	mustBuild(t, generated, config.Default(), "2026-11-23")
	top := map[string][]string{}
	for _, d := range []string{"customer", "country"} {
		vals := mustQuery(t, generated, KPIQuery{KPIs: []string{"otif_line"}, By: []string{d}})
		for _, v := range vals {
			if len(top[d]) < 5 && !slices.Contains(top[d], v.Dims[d]) {
				top[d] = append(top[d], v.Dims[d])
			}
		}
	}
	f("generated", generated, top)
}

// cutQueries are the kinds of query Collect asks together: the total, each dimension
// alone (some kept to their top values), crossings, other weeks, a portfolio.
func cutQueries(top map[string][]string) []KPIQuery {
	year := KPIQuery{From: "2025-W48", To: "2026-W47"}
	var qs []KPIQuery
	add := func(q KPIQuery) { qs = append(qs, q) }
	add(year)
	for _, by := range [][]string{
		{"site"}, {"customer"}, {"country"}, {"carrier"}, {"transport_mode"}, {"incoterm"}, {"family"},
		{"site", "country"}, {"site", "carrier"}, {"customer", "sku"},
	} {
		q := year
		q.By = by
		for _, d := range by {
			if vals, ok := top[d]; ok {
				if q.Filters == nil {
					q.Filters = map[string][]string{}
				}
				q.Filters[d] = vals
			}
		}
		add(q)
	}
	// The snapshot KPIs over every week, total and by customer.
	snap := []string{"backlog_lines", "backlog_value", "open_lines", "open_order_value", "open_claims"}
	add(KPIQuery{KPIs: snap})
	add(KPIQuery{KPIs: snap, By: []string{"customer"}})
	// A quarter, a single week, an open end, a KPI alone, an empty filter.
	add(KPIQuery{From: "2026-W35", To: "2026-W47", By: []string{"carrier"}})
	add(KPIQuery{From: "2026-W47", To: "2026-W47", By: []string{"site"}})
	add(KPIQuery{From: "2026-W40", By: []string{"region"}})
	add(KPIQuery{KPIs: []string{"otif_line", "days_late_p90", "perfect_order"}, To: "2026-W46", By: []string{"customer"},
		Filters: map[string][]string{"customer": top["customer"][:1]}})
	add(KPIQuery{From: "2026-W40", By: []string{"country"}, Filters: map[string][]string{"country": {}}})
	// A filter on a dimension outside the cut: that query reads its marts alone.
	add(KPIQuery{From: "2026-W40", By: []string{"site"}, Filters: map[string][]string{"country": top["country"]}})
	return qs
}

func checkQueryCuts(t *testing.T, ctx context.Context, st *store.Store, qs []KPIQuery) {
	t.Helper()
	got, err := QueryCuts(ctx, st.DB, qs)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(qs) {
		t.Fatalf("QueryCuts returned %d answers to %d queries", len(got), len(qs))
	}
	same := func(qs []KPIQuery, got [][]KPIValue) {
		t.Helper()
		for i, q := range qs {
			want := mustQuery(t, st, q)
			if !sameValues(got[i], want) {
				g, _ := json.Marshal(got[i])
				w, _ := json.Marshal(want)
				t.Errorf("query %d %+v:\nQueryCuts %d values %.600s\nQuery     %d values %.600s", i, q, len(got[i]), g, len(want), w)
			}
		}
	}
	same(qs, got)
	// Every query alone, and a portfolio every query shares.
	for i, q := range qs {
		one, err := QueryCuts(ctx, st.DB, []KPIQuery{q})
		if err != nil {
			t.Fatal(err)
		}
		same(qs[i:i+1], one)
	}
	var sites []string
	for _, v := range mustQuery(t, st, KPIQuery{KPIs: []string{"otif_line"}, By: []string{"site"}}) {
		if !slices.Contains(sites, v.Dims["site"]) {
			sites = append(sites, v.Dims["site"])
		}
	}
	portfolio := make([]KPIQuery, len(qs))
	for i, q := range qs {
		q.Filters = map[string][]string{"site": sites[:max(1, len(sites)/2)]}
		portfolio[i] = q
	}
	got, err = QueryCuts(ctx, st.DB, portfolio)
	if err != nil {
		t.Fatal(err)
	}
	same(portfolio, got)
}

// checkCube: a cube declared for the year's total and cuts (as a build declares what
// its readers ask) answers the queries it covers, and QueryCuts reads the marts for
// the others; every answer is still Query's. The queries covered are counted: a cube
// that answered nothing would pass the comparison too.
func checkCube(t *testing.T, ctx context.Context, st *store.Store, qs []KPIQuery) {
	t.Helper()
	year := KPIQuery{From: "2025-W48", To: "2026-W47"}
	spec := []KPIQuery{year}
	for _, by := range [][]string{
		{"site"}, {"customer"}, {"country"}, {"carrier"}, {"transport_mode"}, {"incoterm"}, {"family"},
		{"site", "country"}, {"site", "carrier"}, {"customer", "sku"},
	} {
		q := year
		q.By = by
		spec = append(spec, q)
	}
	// never kept: a portfolio, an open end
	spec = append(spec, KPIQuery{From: "2025-W48", To: "2026-W47", By: []string{"region"}, Filters: map[string][]string{"site": {"x"}}},
		KPIQuery{From: "2025-W48", By: []string{"region"}})
	cube := NewCube(spec)
	cctx := WithCube(ctx, cube)
	got, err := QueryCuts(cctx, st.DB, qs)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range qs {
		if want := mustQuery(t, st, q); !sameValues(got[i], want) {
			g, _ := json.Marshal(got[i])
			w, _ := json.Marshal(want)
			t.Errorf("query %d %+v from the cube:\nQueryCuts %d values %.600s\nQuery     %d values %.600s", i, q, len(got[i]), g, len(want), w)
		}
	}
	// the year's total and its 10 cuts, the quarter by carrier and the week by site; not
	// the snapshot (every week), the open ends, the customer's KPIs up to W46 (no start)
	// nor the cut by site filtered on countries
	if n := cube.Answered(); n != 13 {
		t.Errorf("the cube answered %d queries, want 13", n)
	}
	if cube.Took() <= 0 {
		t.Error("the cube's time is not measured")
	}
	// Each query alone, from the same cube: the passes are not run again.
	took := cube.Took()
	for i, q := range qs {
		one, err := QueryCuts(cctx, st.DB, []KPIQuery{q})
		if err != nil {
			t.Fatal(err)
		}
		if want := mustQuery(t, st, q); !sameValues(one[0], want) {
			t.Errorf("query %d %+v alone from the cube: %d values, Query %d", i, q, len(one[0]), len(want))
		}
	}
	if cube.Answered() != 26 || cube.Took() != took {
		t.Errorf("alone, the cube answered %d queries in all (want 26) and took %v then %v", cube.Answered(), took, cube.Took())
	}
}

func mustQuery(t *testing.T, st *store.Store, q KPIQuery) []KPIValue {
	t.Helper()
	vals, err := Query(context.Background(), st.DB, q)
	if err != nil {
		t.Fatal(err)
	}
	return vals
}

// Only a pass whose every aggregate counts distinct values of one key is rewritten.
func TestDistinctRewrite(t *testing.T) {
	orders := []kpiFormula{
		{Numerator: "count(DISTINCT order_key) FILTER (WHERE order_otif)", Denominator: "count(DISTINCT order_key)", Scale: 1},
		{Numerator: "count(DISTINCT order_key) FILTER (WHERE perfect_order AND (a OR b))", Denominator: "count(DISTINCT order_key)", Scale: 1},
		{Value: "count(DISTINCT order_key) FILTER (WHERE order_otif)"},
	}
	key, flags, counted, ok := distinctRewrite(orders)
	if !ok || key != "order_key" || !slices.Equal(flags, []string{"order_otif", "perfect_order AND (a OR b)"}) {
		t.Fatalf("got %q %q %v", key, flags, ok)
	}
	want := []string{
		"count(*) FILTER (WHERE distinct_flag_0)", "count(*)",
		"count(*) FILTER (WHERE distinct_flag_1)", "count(*)",
		"count(*) FILTER (WHERE distinct_flag_0)",
	}
	got := []string{counted[0].Numerator, counted[0].Denominator, counted[1].Numerator, counted[1].Denominator, counted[2].Value}
	if !slices.Equal(got, want) {
		t.Errorf("rewritten %q, want %q", got, want)
	}
	for _, fs := range [][]kpiFormula{
		{{Numerator: "count(DISTINCT claim_id)", Denominator: "count(DISTINCT shipped_line)"}}, // two keys
		{{Numerator: "count(DISTINCT order_key)", Denominator: "count(*)"}},                    // a plain count
		{{Value: "quantile_cont(days_late, 0.9)"}},
		{{Numerator: "count(DISTINCT order_key) + 1", Denominator: "count(DISTINCT order_key)"}},
		nil,
	} {
		if _, _, _, ok := distinctRewrite(fs); ok {
			t.Errorf("%+v rewritten", fs)
		}
	}
}

// The quantiles of one column share one aggregate; other KPIs are left as they are.
func TestShareQuantiles(t *testing.T) {
	got := shareQuantiles([]kpiFormula{
		{Value: "quantile_cont(order_to_ship_days, 0.5)"},
		{Value: "quantile_cont(order_to_ship_days, 0.9)"},
		{Value: "quantile_cont(days_late, 0.9)"},
		{Value: "quantile_disc(order_to_ship_days, 0.5)"},
		{Numerator: "sum(x)", Denominator: "count(*)"},
	})
	want := []string{
		"(quantile_cont(order_to_ship_days, [0.5, 0.9]))[1]",
		"(quantile_cont(order_to_ship_days, [0.5, 0.9]))[2]",
		"quantile_cont(days_late, 0.9)",
		"quantile_disc(order_to_ship_days, 0.5)",
		"",
	}
	for i, f := range got {
		if f.Value != want[i] {
			t.Errorf("formula %d: %q, want %q", i, f.Value, want[i])
		}
	}
}

// A period query gives the KPI of the weeks taken together: the ratio of the summed
// numerators and denominators, the quantile of the lines of every week, dated by the
// last week with rows; a period without rows gives nothing.
func TestQueryPeriod(t *testing.T) {
	st := openStore(t)
	loadCanonical(t, st, "../testdata/kpi/flow")
	mustBuild(t, st, config.Default(), "2026-11-23")
	kpis := []string{"otif_line", "order_to_ship_days_p90", "claim_rate"}
	weekly := mustQuery(t, st, KPIQuery{KPIs: kpis, From: "2026-W46", To: "2026-W47", By: []string{"country"}})
	period := mustQuery(t, st, KPIQuery{KPIs: kpis, From: "2026-W46", To: "2026-W47", By: []string{"country"}, Period: true})
	type sum struct{ num, den float64 }
	sums := map[string]sum{}
	for _, v := range weekly {
		if v.Numerator != nil {
			k := v.KPI + " " + v.Dims["country"]
			sums[k] = sum{sums[k].num + *v.Numerator, sums[k].den + *v.Denominator}
		}
	}
	if len(period) == 0 {
		t.Fatal("no period values")
	}
	for _, v := range period {
		k := v.KPI + " " + v.Dims["country"]
		if v.Numerator != nil && (*v.Numerator != sums[k].num || *v.Denominator != sums[k].den) {
			t.Errorf("%s over W46-W47: %v / %v, want the weeks' sums %v / %v", k, *v.Numerator, *v.Denominator, sums[k].num, sums[k].den)
		}
		if v.Week != "2026-W47" && v.Week != "2026-W46" {
			t.Errorf("%s dated %s", k, v.Week)
		}
	}
	// The p90 of both weeks' lines, computed here from the mart's rows.
	var want float64
	if err := st.DB.QueryRow(`SELECT quantile_cont(order_to_ship_days, 0.9) FROM kpi_order_to_ship
		WHERE week BETWEEN DATE '2026-11-09' AND DATE '2026-11-16'`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	total := mustQuery(t, st, KPIQuery{KPIs: kpis, From: "2026-W46", To: "2026-W47", Period: true})
	found := false
	for _, v := range total {
		if v.KPI == "order_to_ship_days_p90" {
			found = true
			if v.Value == nil || *v.Value != want {
				t.Errorf("order_to_ship_days_p90 over W46-W47 = %v, want %v", v.Value, want)
			}
		}
	}
	if !found {
		t.Error("no order_to_ship_days_p90 over W46-W47")
	}
	if empty := mustQuery(t, st, KPIQuery{KPIs: kpis, From: "2020-W01", To: "2020-W04", Period: true}); len(empty) != 0 {
		t.Errorf("a period without rows gives %d values", len(empty))
	}
	if _, err := QueryCuts(context.Background(), st.DB, []KPIQuery{{Period: true}}); err == nil {
		t.Error("QueryCuts took a period query")
	}
}

// sameValues tells whether a and b hold the same KPIs, weeks and cuts in the same order,
// with the same figures but for the last bits of a sum of floating-point numbers, which
// DuckDB adds up in an order that depends on the plan and its threads.
func sameValues(a, b []KPIValue) bool {
	if len(a) != len(b) {
		return false
	}
	close := func(x, y *float64) bool {
		if x == nil || y == nil {
			return x == nil && y == nil
		}
		return math.Abs(*x-*y) <= 1e-9*math.Max(1, math.Max(math.Abs(*x), math.Abs(*y)))
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.KPI != y.KPI || x.Week != y.Week || x.Unit != y.Unit || !maps.Equal(x.Dims, y.Dims) ||
			!close(x.Value, y.Value) || !close(x.Numerator, y.Numerator) || !close(x.Denominator, y.Denominator) {
			return false
		}
	}
	return true
}

// Each value QueryCuts returns carries the rows of its mart behind it (a control chart's
// population): counted directly, and through the inner pass of distinct counts
// (otif_order reads kpi_orders, one row per order line).
func TestQueryCutsRows(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	loadCanonical(t, st, "../testdata/kpi/flow")
	mustBuild(t, st, config.Default(), "2026-11-23")
	got, err := QueryCuts(ctx, st.DB, []KPIQuery{
		{KPIs: []string{"otif_line", "otif_order", "days_late_p90"}, From: "2025-W48", To: "2026-W47"},
		{KPIs: []string{"otif_line", "otif_order"}, From: "2025-W48", To: "2026-W47", By: []string{"customer"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	marts := map[string]string{"otif_line": "kpi_order_lines", "otif_order": "kpi_orders", "days_late_p90": "kpi_days_late"}
	checked := 0
	for i, vals := range got {
		for _, v := range vals {
			q := "SELECT count(*) FROM " + marts[v.KPI] + " WHERE week = CAST(? AS DATE)"
			week, err := ParseWeek(v.Week)
			if err != nil {
				t.Fatal(err)
			}
			args := []any{week.Format(time.DateOnly)}
			if i == 1 {
				q += " AND customer = ?"
				args = append(args, v.Dims["customer"])
			}
			var n int64
			if err := st.DB.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if v.Rows != n || n == 0 {
				t.Errorf("%s %s %v: %d rows, the mart has %d", v.KPI, v.Week, v.Dims, v.Rows, n)
			}
			checked++
		}
	}
	if checked < 6 {
		t.Fatalf("only %d values checked", checked)
	}
}
