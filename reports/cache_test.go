package reports

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/orderflow/orderflow/ingest"
	"github.com/orderflow/orderflow/models"
)

// computed tells whether Collect aggregated the marts (its "kpis" step) rather than
// reading the figures it kept.
func computed(t *testing.T, f *Facts) bool {
	t.Helper()
	var steps []string
	for _, s := range f.Timings {
		steps = append(steps, s.Step)
	}
	kpis, kept := slices.Contains(steps, "kpis"), slices.Contains(steps, "kept figures")
	if kpis == kept {
		t.Fatalf("steps %v: want either kpis or kept figures", steps)
	}
	return kpis
}

// sameFigures fails unless b holds exactly a's figures, nil and zero told apart.
func sameFigures(t *testing.T, a, b *Facts) {
	t.Helper()
	for name, pair := range map[string][2]any{
		"weeks":      {a.Weeks, b.Weeks},
		"cut from":   {a.CutFrom, b.CutFrom},
		"values":     {a.Values, b.Values},
		"snapshot":   {a.Snapshot.Values, b.Snapshot.Values},
		"four weeks": {a.FourWeeks, b.FourWeeks},
		"drill":      {a.Drill, b.Drill},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("the kept %s differ from the computed ones", name)
		}
	}
	if len(a.Values) == 0 || len(a.Drill) == 0 {
		t.Fatalf("nothing to compare: %d values, %d samples", len(a.Values), len(a.Drill))
	}
}

func cachedEntries(t *testing.T, fx *fixture) int {
	t.Helper()
	var n int
	if err := fx.st.DB.QueryRow("SELECT count(*) FROM report_cache").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCollectKeepsFiguresUntilTheDataChanges(t *testing.T) {
	ctx := context.Background()
	fx, err := buildCompany(ctx, t.TempDir(), 1500, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer fx.st.Close()
	// A plan that does not keep its figures (a server's reader) leaves none behind.
	if f, err := Collect(ctx, fx.st.DB, fx.cfg, asOf, "en", DashboardPlan()); err != nil || !computed(t, f) || cachedEntries(t, fx) != 0 {
		t.Fatalf("a Collect that does not keep stored its figures (%v)", err)
	}
	collect := func(plan Plan) *Facts {
		t.Helper()
		plan.keep = true // as Prepare does
		f, err := Collect(ctx, fx.st.DB, fx.cfg, asOf, "en", plan)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}

	first := collect(DashboardPlan())
	if !computed(t, first) || cachedEntries(t, fx) != 1 {
		t.Fatalf("the first collect must compute and keep its figures (%d kept)", cachedEntries(t, fx))
	}
	again := collect(DashboardPlan())
	if computed(t, again) {
		t.Fatal("the same plan on the same data computed its figures again")
	}
	sameFigures(t, first, again)
	// The parts read afresh are there too.
	if again.Labels == nil || len(again.Actions) != 3 {
		t.Errorf("labels %v, %d actions: want the names and the 3 actions", again.Labels != nil, len(again.Actions))
	}

	// Another week, a portfolio: other figures, kept apart.
	var site string
	if err := fx.st.DB.QueryRow("SELECT min(site) FROM dim_cut").Scan(&site); err != nil {
		t.Fatal(err)
	}
	portfolio := DashboardPlan()
	portfolio.Filters = map[string][]string{"site": {site}}
	if !computed(t, collect(portfolio)) || computed(t, collect(portfolio)) {
		t.Error("a portfolio's figures must be computed once, then kept")
	}
	earlier := DashboardPlan()
	earlier.Week = models.FormatWeek(asOf.AddDate(0, 0, -28))
	if f := collect(earlier); !computed(t, f) || f.Week != earlier.Week {
		t.Error("another week's figures must be computed")
	}

	// A damaged entry is computed again, with the same figures.
	if _, err := fx.st.DB.Exec("UPDATE report_cache SET facts = 'not gob'::BLOB"); err != nil {
		t.Fatal(err)
	}
	if f := collect(DashboardPlan()); !computed(t, f) {
		t.Error("a damaged entry was used")
	} else {
		sameFigures(t, first, f)
	}

	// A new load changes the data: computed again.
	extra := filepath.Join(t.TempDir(), "customers.csv")
	if err := os.WriteFile(extra, []byte("customer_id,name,country\nCNEW1,New customer,DE\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Load(ctx, fx.st, ingest.Options{AsOf: asOf}, extra); err != nil {
		t.Fatal(err)
	}
	if !computed(t, collect(DashboardPlan())) {
		t.Error("the figures kept before a load were used after it")
	}

	// So does a build; it also makes every entry of the older data stale, and the next
	// write drops them. Prepare keeps what the dashboards and weekly report ask.
	if _, err := models.Build(ctx, fx.st, fx.cfg, asOf, nil); err != nil {
		t.Fatal(err)
	}
	if err := Prepare(ctx, fx.st.DB, fx.cfg, asOf); err != nil {
		t.Fatal(err)
	}
	if n := cachedEntries(t, fx); n != 2 {
		t.Errorf("%d entries after a build and Prepare, want the 2 plans of the new build", n)
	}
	for _, plan := range []Plan{DashboardPlan(), WeeklyPlan()} {
		if f := collect(plan); computed(t, f) {
			t.Errorf("a plan of %d weeks was computed after Prepare", plan.Weeks)
		}
	}
	// Same extracts, same as-of: the same figures, up to the order of a float sum.
	rebuilt := collect(DashboardPlan())
	if len(rebuilt.Values) != len(first.Values) {
		t.Fatalf("%d values after the build, %d before", len(rebuilt.Values), len(first.Values))
	}
	for i, v := range rebuilt.Values {
		w := first.Values[i]
		if v.KPI != w.KPI || v.Week != w.Week || !reflect.DeepEqual(v.Dims, w.Dims) || (v.Value == nil) != (w.Value == nil) ||
			(v.Value != nil && math.Abs(*v.Value-*w.Value) > 1e-9*math.Max(1, math.Abs(*w.Value))) {
			t.Fatalf("value %d: %+v after the build, %+v before", i, v, w)
		}
	}
}

// The snapshot KPIs are states at the as-of date, spread over weeks: the late backlog
// by the week its lines were due, the stock projection in the week of each SKU-site's
// latest snapshot, often the current week, after the axis (a snapshot of Friday 27 Nov
// is in W48 when the report's week is W47). The dashboards' tiles show the state, the
// sum over every week as the weekly report gives it, for the company and each cut the
// pages have; the projection is also drawn at the report's week, never an empty tile.
func TestDashboardsShowTheStateAtAsOf(t *testing.T) {
	v := func(kpi, week, site string, x float64) models.KPIValue {
		dims := map[string]string{}
		if site != "" {
			dims["site"] = site
		}
		return models.KPIValue{KPI: kpi, Week: week, Dims: dims, Value: &x, Unit: models.UnitCurrency}
	}
	f := &Facts{Week: "2026-W47", Weeks: []string{"2026-W46", "2026-W47"}, Targets: map[string]float64{}}
	f.Snapshot.Values = []models.KPIValue{
		v("stock_value_at_risk", "2026-W48", "", 25000), v("stock_value_at_risk", "2026-W44", "", 672),
		v("stock_value_at_risk", "2026-W48", "FR01", 25000), v("stock_value_at_risk", "2026-W44", "DE01", 672),
		// due before the axis, in it and after it (the open book): all of them today
		v("backlog_value", "2026-W30", "", 900), v("backlog_value", "2026-W47", "", 90), v("open_order_value", "2026-W52", "", 5),
		v("backlog_value", "2026-W30", "FR01", 900), v("backlog_value", "2026-W30", "XX99", 1), // XX99: a cut the pages do not have
	}
	f.Values = []models.KPIValue{
		v("stock_value_at_risk", "2026-W47", "", 1), // a partial week's share, replaced
		v("backlog_value", "2026-W47", "", 90), v("backlog_value", "2026-W47", "FR01", 0),
	}
	f.buildIndex()
	got := map[string]float64{}
	for _, x := range DashboardData(f, "en").Values {
		if x.KPI != "backlog_value" || x.Week == "" {
			got[x.KPI+" "+x.Week+" "+x.Dims["site"]] += x.Value
		}
	}
	want := map[string]float64{
		"stock_value_at_risk  ": 25672, "stock_value_at_risk  FR01": 25000, "stock_value_at_risk  DE01": 672,
		"stock_value_at_risk 2026-W47 ": 25672, "stock_value_at_risk 2026-W47 FR01": 25000, "stock_value_at_risk 2026-W47 DE01": 672,
		"backlog_value  ": 990, "backlog_value  FR01": 900, "open_order_value  ": 5,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("states drawn %v,\nwant %v", got, want)
	}
}
