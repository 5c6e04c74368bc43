// Package reports writes what a team reads in its Monday improvement meeting: the
// weekly KPI report (HTML, XLSX, PDF), the anomaly report (HTML, XLSX), and the
// dashboards fed with the same figures. Every figure comes from the SQL models
// (models.Query, models.Explain, the anomaly models); this package selects, orders,
// formats and draws them, it never recomputes a KPI.
package reports

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/orderflow/orderflow/actions"
	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/dashboards"
	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/models"
)

// Plan says which figures Collect gathers: the dashboards want a year of every cut, the
// weekly report alone a quarter of the total and the last weeks of each cut.
type Plan struct {
	Week      string     // the report's ISO week, the last of the axis (default: the last complete week before as-of)
	Weeks     int        // weeks on the axis, ending with the last complete week (default 52)
	CutWeeks  int        // weeks of history of the cuts (default Weeks)
	Cuts      [][]string // dimension sets to cut by, each dimension alone or crossed
	TopValues int        // values kept of a dimension with many (customer, sku), by volume (default 150)
	Drill     bool       // gather samples of the lines behind the figures
	Anomalies int        // open anomalies to read with their texts, highest priority first (-1: all)
	// keep stores the figures computed from the models for the next Collect of the plan
	// (Prepare sets it; the server's readers, in read-only transactions, only read).
	keep bool
	// Filters limits every figure to a portfolio (dimension -> allowed values, such as
	// portfolio.Portfolio.Filters): nil is the whole company. A KPI whose model has no
	// such dimension (the stock KPIs under a customer or country filter) is left out,
	// never shown unfiltered; Facts.LeftOut names them.
	Filters map[string][]string
}

// DashboardPlan gathers what the eight dashboard pages and the weekly report draw: a
// year, the total, each filter and breakdown dimension alone, and the site crossed with
// the country and the carrier (a site manager's view). The cuts share one pass over
// each mart (models.QueryCuts), but each adds its own aggregation: the crossings are few.
func DashboardPlan() Plan {
	return Plan{
		Weeks: 52,
		Cuts: [][]string{
			{"site"}, {"customer"}, {"country"}, {"carrier"}, {"transport_mode"}, {"incoterm"}, {"family"},
			{"site", "country"}, {"site", "carrier"},
		},
		TopValues: 150,
		Drill:     true,
		Anomalies: 15,
	}
}

// WeeklyPlan gathers what the weekly report alone needs: 13 weeks of the total for the
// trends, the cuts over the same weeks for the tables, the Pareto and the commentary.
func WeeklyPlan() Plan {
	return Plan{
		Weeks:     13,
		CutWeeks:  13,
		Cuts:      [][]string{{"site"}, {"customer"}, {"country"}, {"carrier"}, {"transport_mode"}, {"incoterm"}, {"family"}},
		TopValues: 150,
		Drill:     true,
		Anomalies: 15,
	}
}

// paretoWeeks is the period of the claims Pareto: one claim a week tells nothing.
const paretoWeeks = 13

var paretoDims = []string{"type", "cause", "responsible", "customer", "carrier"}

// claimDims are the claim dimensions of the Pareto, used when the models can cut by them.
var claimDims = []string{"type", "cause", "responsible"}

// Facts is everything the reports and dashboards show, gathered once from the database.
type Facts struct {
	AsOf     time.Time
	Lang     string
	Week     string   // the last complete ISO week before AsOf: the report's week
	Weeks    []string // the axis, oldest first, ending with Week
	CutFrom  string   // the first week of the cuts
	Currency string
	FX       FXInfo // the reporting currency, its conversion, what it left out
	Company  string
	Cfg      config.Config
	Values   []models.KPIValue // every KPI, week and cut gathered
	// FourWeeks is each weekly KPI of the whole (or the portfolio) over the 4 weeks to
	// Week taken together: the ratio of their sums, the quantile of all their lines.
	FourWeeks map[string]models.KPIValue
	Labels    map[string]map[string]string // display names of dimension values (customer names)
	Targets   map[string]float64           // kpi.targets of the configuration
	Drill     []Sample                     // rows behind figures
	Controls  []dashboards.Control         // control-chart limits and signals, week by week

	Snapshot    Snapshot               // the late backlog, open lines and stock projection at as-of
	StockRisks  []StockRisk            // the SKU-sites with most value at risk
	ClaimPareto map[string][]ParetoRow // claims of the last 13 weeks by type, cause, responsible, customer, carrier

	AnomaliesBuilt bool                // false: the database has no anomaly list yet
	Anomalies      []anomalies.Anomaly // the open anomalies, highest priority first (Plan.Anomalies of them)
	AnomalyCounts  []CodeCount         // open anomalies per code
	Signals        []Signal            // the control-chart signals anomalies.Build stored for the latest week
	Actions        []actions.Action    // the action plan

	// Filters is the portfolio the figures are limited to (nil: the whole company);
	// LeftOut are the KPIs it left out because their models cannot be cut by it.
	Filters map[string][]string
	LeftOut []string

	// Timings tells how long each step of Collect took, for the benchmark and -v output.
	Timings []Timing

	started time.Time
	index   map[string]map[string][]*models.KPIValue // kpi -> cut key -> value per week of the axis
	pos     map[string]int                           // week -> index on the axis
}

// Collect gathers the figures of plan as of asOf, with the texts of the anomalies in
// lang.
func Collect(ctx context.Context, db *sql.DB, cfg config.Config, asOf time.Time, lang string, plan Plan) (*Facts, error) {
	plan = plan.withDefaults()
	if err := checkFilters(plan.Filters); err != nil {
		return nil, err
	}
	f := &Facts{AsOf: asOf, Lang: lang, Week: plan.Week, Cfg: cfg, Targets: map[string]float64{}, started: time.Now()}
	if len(plan.Filters) > 0 {
		f.Filters = map[string][]string{}
		for d, v := range plan.Filters {
			f.Filters[d] = slices.Clone(v)
		}
		f.LeftOut = leftOut(f.Filters)
	}
	if f.Week == "" {
		f.Week = models.LastCompleteWeek(asOf)
	}
	for k, v := range cfg.KPI.Targets {
		f.Targets[k] = v
	}
	var cutFrom string
	var err error
	if f.Weeks, cutFrom, err = plan.axis(f.Week); err != nil {
		return nil, err
	}
	cuts := plan.cuts()
	// What only the models decide is read back from the last Collect of the same plan
	// on the same data (cache.go), or computed and kept for the next.
	version := dataVersion(ctx, db)
	key := cacheKey(version, plan, f.Week, asOf)
	if c, ok := loadCached(ctx, db, version, key); ok {
		f.restore(c)
		f.lap("kept figures")
	} else {
		if err := f.compute(ctx, db, plan, cuts, cutFrom); err != nil {
			return nil, err
		}
		// (not kept when a build or load changed the data meanwhile)
		if plan.keep && version != "" && dataVersion(ctx, db) == version {
			storeCached(ctx, db, key, version, f.cached())
			f.lap("keep figures")
		}
	}
	if f.Currency, err = mainCurrency(ctx, db); err != nil {
		return nil, err
	}
	if f.FX, err = readFX(ctx, db, f.Currency); err != nil {
		return nil, err
	}
	if f.Labels, err = labels(ctx, db); err != nil {
		return nil, err
	}
	f.lap("labels")
	f.Controls = controls(f, cfg, controlKPIs())
	f.lap("controls")
	if f.StockRisks, err = stockRisks(ctx, db, 12, f.Filters); err != nil {
		return nil, err
	}
	f.lap("stock risks")
	f.ClaimPareto = map[string][]ParetoRow{}
	paretoFrom := f.Weeks[max(0, len(f.Weeks)-paretoWeeks)]
	for _, dim := range paretoDims {
		if f.ClaimPareto[dim], err = claimsPareto(ctx, db, f, dim, paretoFrom, f.Week); err != nil {
			return nil, err
		}
	}
	f.lap("pareto")
	if f.Filters != nil {
		// The portfolio's anomalies: read them all, keep those within it, count them.
		all, built, err := loadAnomalies(ctx, db, lang, 0, f.Filters)
		if err != nil {
			return nil, err
		}
		f.AnomaliesBuilt, f.AnomalyCounts = built, countList(all)
		if plan.Anomalies > 0 && len(all) > plan.Anomalies {
			all = all[:plan.Anomalies]
		}
		if plan.Anomalies != 0 {
			f.Anomalies = all
		}
	} else {
		if plan.Anomalies != 0 {
			if f.Anomalies, f.AnomaliesBuilt, err = loadAnomalies(ctx, db, lang, max(plan.Anomalies, 0), nil); err != nil {
				return nil, err
			}
		}
		if f.AnomalyCounts, err = countAnomalies(ctx, db); err != nil {
			return nil, err
		}
		f.AnomaliesBuilt = f.AnomaliesBuilt || f.AnomalyCounts != nil
	}
	if f.Signals, err = loadSignals(ctx, db); err != nil {
		return nil, err
	}
	f.Signals = signalsWithin(f.Signals, f.Filters)
	f.lap("anomalies")
	if f.Actions, err = actions.List(ctx, db, actions.Filter{}); err != nil {
		return nil, err
	}
	f.Actions = actionsWithin(f.Actions, f.Filters)
	f.lap("actions")
	if f.Filters != nil {
		f.Labels["customer"] = f.shownCustomers(f.Labels["customer"])
	}
	return f, nil
}

// withDefaults fills in what plan leaves unset.
func (plan Plan) withDefaults() Plan {
	if plan.Weeks <= 0 {
		plan.Weeks = 52
	}
	if plan.CutWeeks <= 0 || plan.CutWeeks > plan.Weeks {
		plan.CutWeeks = plan.Weeks
	}
	if plan.TopValues <= 0 {
		plan.TopValues = 150
	}
	return plan
}

// axis is the weeks of plan up to week, and the first week of its cuts, read off the
// full axis: the weeks before the first with figures have none in any cut either.
func (plan Plan) axis(week string) (weeks []string, cutFrom string, err error) {
	last, err := models.ParseWeek(week)
	if err != nil {
		return nil, "", err
	}
	for i := plan.Weeks - 1; i >= 0; i-- {
		weeks = append(weeks, models.FormatWeek(last.AddDate(0, 0, -7*i)))
	}
	return weeks, weeks[max(0, len(weeks)-plan.CutWeeks)], nil
}

// cuts are the plan's cuts and those of the claims.
func (plan Plan) cuts() [][]string {
	cuts := slices.Clone(plan.Cuts)
	for _, d := range claimDims {
		if slices.Contains(models.Dimensions(), d) {
			cuts = append(cuts, []string{d})
		}
	}
	return cuts
}

// compute gathers from the models what Collect keeps between runs: the top values of
// the dimensions with many, every KPI of the axis and the cuts (from cutFrom), the
// snapshot KPIs, the 4-week values and the samples of lines.
func (f *Facts) compute(ctx context.Context, db *sql.DB, plan Plan, cuts [][]string, cutFrom string) error {
	top, err := topValues(ctx, db, cuts, cutFrom, f.Week, plan.TopValues, f.Filters)
	if err != nil {
		return err
	}
	f.lap("top values")
	// Every KPI figure in one models.QueryCuts, one pass over each mart: the total over
	// the axis, each cut over its weeks, the snapshot KPIs over every week.
	cutQs := f.cutQueries(cuts, cutFrom, top)
	qs := append([]models.KPIQuery{{From: f.Weeks[0], To: f.Week, Filters: f.Filters}}, cutQs...)
	snapshot := snapshotQueries(f.Filters, cutQs)
	qs = append(qs, snapshot...)
	answers, err := models.QueryCuts(ctx, db, qs)
	if err != nil {
		return fmt.Errorf("cannot compute the KPIs: %w", err)
	}
	total := answers[0]
	// The axis starts with the first week that has figures: a young database shows no
	// empty months.
	first := f.Week
	for _, v := range total {
		if v.Week < first {
			first = v.Week
		}
	}
	f.Weeks = f.Weeks[slices.Index(f.Weeks, first):]
	f.CutFrom = f.Weeks[max(0, len(f.Weeks)-plan.CutWeeks)]
	for _, a := range answers[:len(answers)-len(snapshot)] {
		f.Values = append(f.Values, a...)
	}
	for _, a := range answers[len(answers)-len(snapshot):] {
		f.Snapshot.Values = append(f.Snapshot.Values, a...)
	}
	f.buildIndex()
	if f.FourWeeks, err = fourWeeks(ctx, db, f.Week, f.Filters); err != nil {
		return err
	}
	f.lap("kpis")
	if plan.Drill {
		if f.Drill, err = drillSamples(ctx, db, f, top, f.Filters); err != nil {
			return err
		}
	}
	f.lap("drill")
	return nil
}

// Timing is one step of Collect.
type Timing struct {
	Step     string
	Duration time.Duration
}

func (f *Facts) lap(step string) {
	now := time.Now()
	f.Timings = append(f.Timings, Timing{step, now.Sub(f.started)})
	f.started = now
}

// cutQueries are the queries of the cuts, from the week from: each limited to the
// portfolio and, on a dimension with many values, to its top values.
func (f *Facts) cutQueries(cuts [][]string, from string, top map[string][]string) []models.KPIQuery {
	qs := make([]models.KPIQuery, len(cuts))
	for i, by := range cuts {
		q := models.KPIQuery{From: from, To: f.Week, By: by}
		for d, vals := range f.Filters {
			if q.Filters == nil {
				q.Filters = map[string][]string{}
			}
			q.Filters[d] = vals
		}
		for _, d := range by {
			if vals, ok := top[d]; ok {
				if q.Filters == nil {
					q.Filters = map[string][]string{}
				}
				q.Filters[d] = vals
			}
		}
		qs[i] = q
	}
	return qs
}

// controlKPIs are the KPIs the dashboards draw a control chart of.
func controlKPIs() []string {
	var out []string
	for _, p := range dashboards.Pages {
		for _, b := range p.Blocks {
			if b.Kind == dashboards.KindControl && !slices.Contains(out, b.KPIs[0]) {
				out = append(out, b.KPIs[0])
			}
		}
	}
	return out
}

// topValues picks, for the dimensions with many values, those of most due lines over
// the weeks of the cuts (the volume of otif_line), so that a cut by customer stays the
// size a page can hold; the others are left out of the cuts, not of the totals.
func topValues(ctx context.Context, db *sql.DB, cuts [][]string, from, to string, n int, filters map[string][]string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, dim := range []string{"customer", "sku"} {
		used := false
		for _, c := range cuts {
			used = used || slices.Contains(c, dim)
		}
		if !used {
			continue
		}
		vals, err := models.Query(ctx, db, models.KPIQuery{KPIs: []string{"otif_line"}, From: from, To: to, By: []string{dim}, Filters: filters, Period: true})
		if err != nil {
			return nil, err
		}
		volume := map[string]float64{}
		for _, v := range vals {
			if v.Denominator != nil {
				volume[v.Dims[dim]] = *v.Denominator
			}
		}
		if len(volume) <= n {
			continue
		}
		names := make([]string, 0, len(volume))
		for k := range volume {
			names = append(names, k)
		}
		sort.Slice(names, func(i, j int) bool {
			if volume[names[i]] != volume[names[j]] {
				return volume[names[i]] > volume[names[j]]
			}
			return names[i] < names[j]
		})
		out[dim] = names[:n]
	}
	return out, nil
}

// fourWeeks is every weekly KPI over the 4 weeks to week, within filters.
func fourWeeks(ctx context.Context, db *sql.DB, week string, filters map[string][]string) (map[string]models.KPIValue, error) {
	last, err := models.ParseWeek(week)
	if err != nil {
		return nil, err
	}
	var kpis []string
	for _, k := range models.Registry() {
		if !isSnapshot(k.Name) {
			kpis = append(kpis, k.Name)
		}
	}
	vals, err := models.Query(ctx, db, models.KPIQuery{KPIs: kpis, From: models.FormatWeek(last.AddDate(0, 0, -21)), To: week, Filters: filters, Period: true})
	if err != nil {
		return nil, fmt.Errorf("cannot compute the KPIs of the last 4 weeks: %w", err)
	}
	out := map[string]models.KPIValue{}
	for _, v := range vals {
		out[v.KPI] = v
	}
	return out, nil
}

// cutKey names a cut as the dashboards do.
func cutKey(dims map[string]string) string { return dashboards.CutKey(dims) }

func (f *Facts) buildIndex() {
	f.pos = map[string]int{}
	for i, w := range f.Weeks {
		f.pos[w] = i
	}
	f.index = map[string]map[string][]*models.KPIValue{}
	for i := range f.Values {
		v := &f.Values[i]
		p, ok := f.pos[v.Week]
		if !ok {
			continue
		}
		cuts := f.index[v.KPI]
		if cuts == nil {
			cuts = map[string][]*models.KPIValue{}
			f.index[v.KPI] = cuts
		}
		key := cutKey(v.Dims)
		s := cuts[key]
		if s == nil {
			s = make([]*models.KPIValue, len(f.Weeks))
			cuts[key] = s
		}
		s[p] = v
	}
}

// Series returns the figures of kpi for a cut ("" the total, else cutKey), one per week
// of the axis; nil where the models gave no row.
func (f *Facts) Series(kpi, cut string) []*models.KPIValue {
	return f.index[kpi][cut]
}

// Cuts lists the cuts of kpi by the one dimension dim, as their values.
func (f *Facts) Cuts(kpi, dim string) []string {
	var out []string
	prefix := dim + "\x1f"
	for key := range f.index[kpi] {
		if rest, ok := strings.CutPrefix(key, prefix); ok && !strings.Contains(rest, "\x1e") {
			out = append(out, rest)
		}
	}
	sort.Strings(out)
	return out
}

// WeekIndex is the position of an ISO week on the axis, -1 when it is not on it.
func (f *Facts) WeekIndex(week string) int {
	if p, ok := f.pos[week]; ok {
		return p
	}
	return -1
}

// Label is how a dimension value reads in lang.
func (f *Facts) Label(lang, dim, value string) string {
	return dimLabel(lang, f.Labels, dim, value)
}

// mainCurrency is the reporting currency of the last build (params): every money
// figure of the models is in it. Before any build, the config's default (EUR).
func mainCurrency(ctx context.Context, db *sql.DB) (string, error) {
	var cur sql.NullString
	err := db.QueryRowContext(ctx, `SELECT reporting_currency FROM params`).Scan(&cur)
	if err != nil && err != sql.ErrNoRows {
		return "", fmt.Errorf("cannot read the reporting currency of the last build (params): %w; run orderflow build", err)
	}
	if !cur.Valid || cur.String == "" {
		return config.Default().ReportingCurrency, nil
	}
	return cur.String, nil
}

// labels reads how the customers read (the customer dimension holds their ids):
// "Name (ID)", and "Name (ID, DE)" when another id has the same name, so that two
// customers are never shown as one. A customer without a name reads as its id.
func labels(ctx context.Context, db *sql.DB) (map[string]map[string]string, error) {
	out := map[string]map[string]string{"customer": {}}
	rows, err := db.QueryContext(ctx, `SELECT customer_id, trim(name), coalesce(country, ''),
			count(*) OVER (PARTITION BY lower(trim(name))) > 1
		FROM stg_customers WHERE nullif(trim(name), '') IS NOT NULL AND customer_id IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("cannot read the customers' names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name, country string
		var shared bool
		if err := rows.Scan(&id, &name, &country, &shared); err != nil {
			return nil, err
		}
		out["customer"][id] = customerLabel(id, name, country, shared)
	}
	return out, rows.Err()
}

// customerLabel is "Name (ID)", or "Name (ID, DE)" when the name is shared by another id.
func customerLabel(id, name, country string, shared bool) string {
	if shared && country != "" {
		return name + " (" + id + ", " + country + ")"
	}
	return name + " (" + id + ")"
}

// dimLabel is how a dimension value reads in the reports: dashboards.DimLabel, and
// "(none)" in words.
func dimLabel(lang string, labels map[string]map[string]string, dim, value string) string {
	if value == "(none)" {
		return i18n.T(lang, "report.none_value")
	}
	return dashboards.DimLabel(lang, labels, dim, value)
}

// value reads a KPI figure, NaN when missing or undefined.
func value(v *models.KPIValue) float64 {
	if v == nil || v.Value == nil {
		return math.NaN()
	}
	return *v.Value
}
