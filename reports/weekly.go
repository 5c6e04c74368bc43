package reports

import (
	"math"
	"sort"
	"strings"
	"time"

	"github.com/orderflow/orderflow/actions"
	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/models"
)

// Weekly is the weekly KPI report of one week in one language: what its HTML, XLSX and
// PDF show, figures as numbers (formatting is the writers' job).
type Weekly struct {
	Lang, Week     string
	Monday, Sunday time.Time
	AsOf           time.Time
	Generated      time.Time
	Company        string
	Currency       string
	FX             FXInfo
	Weeks          []string // the trend's weeks, oldest first, ending with Week
	Headline       []KPIRow
	Tiles          []Tile
	Commentary     []string
	Service        []CutTable
	Delays         []KPIRow
	BacklogAging   []AgingBucket
	BacklogBy      []CutShare // late backlog value by customer, at as-of
	Stock          []KPIRow
	StockBySite    []CutTable
	StockRisks     []StockRisk
	ClaimRows      []KPIRow
	Pareto         []ParetoTable
	Signals        []Signal
	AnomaliesBuilt bool
	Anomalies      []anomalies.Anomaly
	AnomalyCounts  []CodeCount
	Actions        []actions.Action
	Filters        map[string][]string // the portfolio of a filtered report (nil: the company)
	LeftOut        []string            // KPIs the portfolio leaves out (their models cannot be cut by it)
	facts          *Facts
}

// ScopeNote says, in the report's language, which portfolio a filtered report covers
// and which KPIs it leaves out; "" for the whole company.
func (w *Weekly) ScopeNote() string {
	if len(w.Filters) == 0 {
		return ""
	}
	dims := make([]string, 0, len(w.Filters))
	for d := range w.Filters {
		dims = append(dims, d)
	}
	sort.Strings(dims)
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = d + "=" + strings.Join(w.Filters[d], ",")
	}
	note := "Portfolio: " + strings.Join(parts, "; ") + "."
	if w.Lang == "fr" {
		note = "Portefeuille : " + strings.Join(parts, " ; ") + "."
	}
	if len(w.LeftOut) > 0 {
		if w.Lang == "fr" {
			note += " Indicateurs non filtrables par ce portefeuille, donc omis : " + strings.Join(w.LeftOut, ", ") + "."
		} else {
			note += " KPIs that cannot be limited to this portfolio, so left out: " + strings.Join(w.LeftOut, ", ") + "."
		}
	}
	return note
}

// KPIRow is one KPI of a report table.
type KPIRow struct {
	KPI       string
	Unit      models.Unit
	This      float64 // NaN: no figure
	Last      float64
	Avg4      float64 // over the 4 weeks ending with this one, taken together
	Target    float64 // NaN: none
	Status    string  // green, amber, red, none
	Better    int     // +1 the change is an improvement, -1 a deterioration, 0 flat or unknown
	Trend     []float64
	Snapshot  bool // measured at the as-of date, not week by week
	Numerator float64
	Denom     float64
}

// Change is this week against last week.
func (r KPIRow) Change() float64 { return r.This - r.Last }

// Tile is a figure of the front strip.
type Tile struct {
	Label, Value, Note string
	Status             string
}

// CutTable is one KPI by the values of one dimension, this week against last week.
type CutTable struct {
	Dim  string
	KPI  string
	Unit models.Unit
	Rows []CutRow
}

// CutRow is a dimension value of a CutTable.
type CutRow struct {
	Value, Label string
	This, Last   float64
	Volume       float64 // this week's denominator (lines, orders)
	Extra        map[string]float64
	Status       string
}

// CutShare is a dimension value's part of a snapshot total.
type CutShare struct {
	Value, Label  string
	Amount, Lines float64
	Share         float64
}

// AgingBucket is the late backlog due in a range of weeks before the report's week.
type AgingBucket struct {
	Key          string // i18n key of its label
	Lines, Value float64
}

// ParetoTable is the claims by one dimension.
type ParetoTable struct {
	Dim  string
	From string
	Rows []ParetoRow
}

// headlineKPIs are the rows of the front page, service first.
var headlineKPIs = []string{
	"service_rate", "otif_order", "on_time_line", "in_full_line", "value_fill_rate",
	"days_late_mean", "order_to_ship_days_p90", "backlog_value",
	"coverage_days_median", "share_under_coverage_target", "stock_value_at_risk",
	"claim_rate", "claim_cost", "freight_cost_per_kg",
}

var delayKPIs = []string{"days_late_mean", "days_late_p90", "order_to_ship_days_p50", "order_to_ship_days_p90", "backlog_lines", "backlog_value"}
var stockKPIs = []string{"coverage_days_median", "share_under_coverage_target", "share_over_overstock", "projected_stockouts", "lines_at_risk", "stock_value_at_risk"}
var claimKPIs = []string{"claim_count", "claim_rate", "claim_cost", "open_claims", "mean_resolution_days", "return_rate"}

// serviceDims are the cuts of the service section, in reading order.
var serviceDims = []string{"site", "transport_mode", "carrier", "country", "customer"}

// trendWeeks is the length of the sparklines.
const trendWeeks = 13

// BuildWeekly lays out the weekly report of f.Week in lang.
func BuildWeekly(f *Facts, lang string) *Weekly {
	w := &Weekly{
		Lang: lang, Week: f.Week, AsOf: f.AsOf, Generated: time.Now(), Company: f.Company, Currency: f.Currency, FX: f.FX,
		Signals: weekSignals(f), AnomaliesBuilt: f.AnomaliesBuilt, Anomalies: f.Anomalies,
		AnomalyCounts: f.AnomalyCounts, StockRisks: f.StockRisks, facts: f,
		Filters: f.Filters, LeftOut: f.LeftOut,
	}
	w.Monday, w.Sunday = weekDays(f.Week)
	w.Weeks = f.Weeks[max(0, len(f.Weeks)-trendWeeks):]
	for _, k := range headlineKPIs {
		if r, ok := w.kpiRow(k); ok {
			w.Headline = append(w.Headline, r)
		}
	}
	for _, k := range delayKPIs {
		if r, ok := w.kpiRow(k); ok {
			w.Delays = append(w.Delays, r)
		}
	}
	for _, k := range stockKPIs {
		if r, ok := w.kpiRow(k); ok {
			w.Stock = append(w.Stock, r)
		}
	}
	for _, k := range claimKPIs {
		if r, ok := w.kpiRow(k); ok {
			w.ClaimRows = append(w.ClaimRows, r)
		}
	}
	for _, dim := range serviceDims {
		if t := w.cutTable("otif_line", dim, []string{"on_time_line", "in_full_line"}, 12); len(t.Rows) > 0 {
			w.Service = append(w.Service, t)
		}
	}
	for _, dim := range []string{"site", "family"} {
		if t := w.cutTable("coverage_days_median", dim, []string{"share_under_coverage_target", "share_over_overstock"}, 12); len(t.Rows) > 0 {
			w.StockBySite = append(w.StockBySite, t)
		}
	}
	w.BacklogAging = backlogAging(f)
	w.BacklogBy = w.backlogBy("customer", 10)
	for _, dim := range paretoDims {
		if rows := f.ClaimPareto[dim]; len(rows) > 0 {
			w.Pareto = append(w.Pareto, ParetoTable{Dim: dim, From: f.Weeks[max(0, len(f.Weeks)-paretoWeeks)], Rows: rows})
		}
	}
	for _, a := range f.Actions {
		if a.Status != actions.Cancelled {
			w.Actions = append(w.Actions, a)
		}
	}
	w.Tiles = w.tiles()
	w.Commentary = w.commentary()
	return w
}

// kpiRow reads one KPI's figures for the report's week: the week, the week before, the
// 4 weeks to it taken together (Facts.FourWeeks) and the trend; a snapshot KPI reads
// its state at the as-of date.
func (w *Weekly) kpiRow(kpi string) (KPIRow, bool) {
	f := w.facts
	k, ok := models.LookupKPI(kpi)
	if !ok {
		return KPIRow{}, false
	}
	r := KPIRow{KPI: kpi, Unit: k.Unit, This: math.NaN(), Last: math.NaN(), Avg4: math.NaN(), Target: math.NaN(),
		Numerator: math.NaN(), Denom: math.NaN()}
	if t, ok := f.Targets[kpi]; ok {
		r.Target = t
	}
	if isSnapshot(kpi) {
		r.Snapshot = true
		if v, ok := f.Snapshot.Total(kpi, nil); ok {
			r.This = v
		} else if zeroWhenEmpty(kpi) {
			r.This = 0
		}
		r.Status = status(r.This, r.Target, k.Direction, k.Unit)
		return r, true
	}
	s := f.Series(kpi, "")
	i := f.WeekIndex(w.Week)
	if i < 0 {
		return r, false
	}
	at := func(j int) float64 {
		if j < 0 || s == nil || s[j] == nil || s[j].Value == nil {
			if j >= 0 && zeroWhenEmpty(kpi) {
				return 0
			}
			return math.NaN()
		}
		return *s[j].Value
	}
	r.This, r.Last = at(i), at(i-1)
	if s != nil && s[i] != nil && s[i].Numerator != nil {
		r.Numerator, r.Denom = *s[i].Numerator, *s[i].Denominator
	}
	r.Avg4 = f.fourWeekValue(kpi, i)
	for j := max(0, i-trendWeeks+1); j <= i; j++ {
		r.Trend = append(r.Trend, at(j))
	}
	r.Status = status(r.This, r.Target, k.Direction, k.Unit)
	r.Better = better(r.This-r.Last, k.Direction)
	return r, true
}

func isSnapshot(kpi string) bool {
	for _, k := range snapshotKPIs {
		if k == kpi {
			return true
		}
	}
	return false
}

// fourWeekValue is kpi over the 4 weeks to the axis's week i (fewer on a young axis)
// taken together, comparable with one week's figure: a ratio or percentile of the
// weeks' pooled rows, and for a count or amount (claims, their cost) its weekly average.
func (f *Facts) fourWeekValue(kpi string, i int) float64 {
	v, ok := f.FourWeeks[kpi]
	additive := zeroWhenEmpty(kpi)
	switch {
	case ok && v.Value != nil && additive:
		return *v.Value / float64(min(4, i+1))
	case ok && v.Value != nil:
		return *v.Value
	case additive:
		return 0
	}
	return math.NaN()
}

// status is red, amber or green against the target (amber: within 2 points of a ratio
// target, 10% of another), none without a target.
func status(v, target float64, dir models.Direction, u models.Unit) string {
	if math.IsNaN(v) || math.IsNaN(target) {
		return "none"
	}
	higher := dir != models.Down
	if (higher && v >= target) || (!higher && v <= target) {
		return "green"
	}
	band := math.Abs(target) * 0.1
	if u == models.UnitRatio {
		band = 0.02
	}
	if math.Abs(v-target) <= band {
		return "amber"
	}
	return "red"
}

// better says whether a change is an improvement (+1), a deterioration (-1) or neither.
func better(d float64, dir models.Direction) int {
	if math.IsNaN(d) || d == 0 || dir == models.Neutral {
		return 0
	}
	if (d > 0) == (dir == models.Up) {
		return 1
	}
	return -1
}

// cutTable is kpi by the values of dim for the report's week and the week before, the
// largest volumes (denominators) first, with the extra KPIs of the same cut.
func (w *Weekly) cutTable(kpi, dim string, extra []string, limit int) CutTable {
	f := w.facts
	k, _ := models.LookupKPI(kpi)
	t := CutTable{Dim: dim, KPI: kpi, Unit: k.Unit}
	i := f.WeekIndex(w.Week)
	if i < 0 {
		return t
	}
	target, hasTarget := f.Targets[kpi]
	if !hasTarget {
		target = math.NaN()
	}
	for _, val := range f.Cuts(kpi, dim) {
		cut := cutKey(map[string]string{dim: val})
		s := f.Series(kpi, cut)
		r := CutRow{Value: val, Label: f.Label(w.Lang, dim, val), This: math.NaN(), Last: math.NaN(), Extra: map[string]float64{}}
		if s[i] != nil {
			r.This = value(s[i])
			if s[i].Denominator != nil {
				r.Volume = *s[i].Denominator
			}
		}
		if i > 0 && s[i-1] != nil {
			r.Last = value(s[i-1])
		}
		if math.IsNaN(r.This) {
			continue
		}
		for _, e := range extra {
			if es := f.Series(e, cut); es != nil && es[i] != nil {
				r.Extra[e] = value(es[i])
			} else {
				r.Extra[e] = math.NaN()
			}
		}
		r.Status = status(r.This, target, k.Direction, k.Unit)
		t.Rows = append(t.Rows, r)
	}
	sort.Slice(t.Rows, func(a, b int) bool {
		if t.Rows[a].Volume != t.Rows[b].Volume {
			return t.Rows[a].Volume > t.Rows[b].Volume
		}
		return t.Rows[a].Label < t.Rows[b].Label
	})
	if len(t.Rows) > limit {
		t.Rows = t.Rows[:limit]
	}
	return t
}

// backlogAging splits the late backlog at as-of by how long ago its lines were due.
func backlogAging(f *Facts) []AgingBucket {
	buckets := []AgingBucket{{Key: "report.aging.1"}, {Key: "report.aging.4"}, {Key: "report.aging.13"}, {Key: "report.aging.older"}}
	ref, err := models.ParseWeek(f.Week)
	if err != nil {
		return nil
	}
	for _, v := range f.Snapshot.Values {
		if len(v.Dims) != 0 || v.Value == nil || (v.KPI != "backlog_value" && v.KPI != "backlog_lines") {
			continue
		}
		m, err := models.ParseWeek(v.Week)
		if err != nil {
			continue
		}
		weeks := int(ref.Sub(m).Hours() / 24 / 7)
		b := 3
		switch {
		case weeks <= 1:
			b = 0
		case weeks <= 4:
			b = 1
		case weeks <= 13:
			b = 2
		}
		if v.KPI == "backlog_value" {
			buckets[b].Value += *v.Value
		} else {
			buckets[b].Lines += *v.Value
		}
	}
	return buckets
}

// backlogBy ranks the values of dim by their late backlog value at as-of.
func (w *Weekly) backlogBy(dim string, limit int) []CutShare {
	f := w.facts
	total, _ := f.Snapshot.Total("backlog_value", nil)
	lines := map[string]float64{}
	for _, r := range f.Snapshot.ByValue("backlog_lines", dim) {
		lines[r.Value] = r.Amount
	}
	var out []CutShare
	for _, r := range f.Snapshot.ByValue("backlog_value", dim) {
		if len(out) == limit || r.Amount <= 0 {
			break
		}
		c := CutShare{Value: r.Value, Label: f.Label(w.Lang, dim, r.Value), Amount: r.Amount, Lines: lines[r.Value]}
		if total > 0 {
			c.Share = r.Amount / total
		}
		out = append(out, c)
	}
	return out
}

// weekSignals are the stored control-chart signals of the report's week.
func weekSignals(f *Facts) []Signal {
	var out []Signal
	for _, s := range f.Signals {
		if models.FormatWeek(s.Week) == f.Week {
			out = append(out, s)
		}
	}
	return out
}

// OpenActions are the actions not done, overdue ones first.
func (w *Weekly) OpenActions() (open, overdue int) {
	for _, a := range w.Actions {
		switch a.StatusAt(w.AsOf) {
		case actions.Open, actions.InProgress:
			open++
		case actions.Overdue:
			open++
			overdue++
		}
	}
	return open, overdue
}

// tiles are the four figures of the front strip.
func (w *Weekly) tiles() []Tile {
	l := w.Lang
	var out []Tile
	for _, r := range w.Headline {
		if r.KPI == "service_rate" {
			note := i18n.T(l, "report.tile.no_target")
			if !math.IsNaN(r.Target) {
				note = i18n.T(l, "report.tile.target", fmtValue(l, r.Unit, r.Target, w.Currency))
			}
			if !math.IsNaN(r.Last) {
				note += " · " + fmtDelta(l, r.Unit, r.Change(), w.Currency) + " " + i18n.T(l, "report.vs_last_week")
			}
			out = append(out, Tile{Label: i18n.T(l, "kpi.service_rate"), Value: fmtValue(l, r.Unit, r.This, w.Currency), Note: note, Status: r.Status})
		}
	}
	bv, _ := w.facts.Snapshot.Total("backlog_value", nil)
	bl, _ := w.facts.Snapshot.Total("backlog_lines", nil)
	out = append(out, Tile{Label: i18n.T(l, "report.tile.backlog"), Value: i18n.Money(l, bv, w.Currency, 0),
		Note: i18n.T(l, "report.tile.backlog_lines", i18n.Number(l, bl, 0)), Status: "none"})
	if w.AnomaliesBuilt {
		n, high := 0, 0
		for _, c := range w.AnomalyCounts {
			n += c.Count
			high += c.High
		}
		st := "green"
		if high > 0 {
			st = "amber"
		}
		out = append(out, Tile{Label: i18n.T(l, "report.tile.anomalies"), Value: i18n.Number(l, float64(n), 0),
			Note: i18n.T(l, "report.tile.anomalies_high", i18n.Number(l, float64(high), 0)), Status: st})
	}
	open, overdue := w.OpenActions()
	st := "green"
	if overdue > 0 {
		st = "red"
	}
	out = append(out, Tile{Label: i18n.T(l, "report.tile.actions"), Value: i18n.Number(l, float64(open), 0),
		Note: i18n.T(l, "report.tile.actions_overdue", i18n.Number(l, float64(overdue), 0)), Status: st})
	return out
}

// KPILabel is a KPI's name in the report's language.
func (w *Weekly) KPILabel(kpi string) string { return i18n.T(w.Lang, "kpi."+kpi) }

// CutLabel reads a signal's cut: "Carrier: DHL", or the whole company.
func (w *Weekly) CutLabel(dim, value string) string {
	if dim == "" {
		return i18n.T(w.Lang, "report.whole_company")
	}
	return i18n.T(w.Lang, "report.cut", i18n.T(w.Lang, "dim."+dim), w.facts.Label(w.Lang, dim, value))
}

// CustomerName is how a customer id reads ("Name (ID)", see labels), else the id.
func (w *Weekly) CustomerName(id string) string {
	if n := w.facts.Labels["customer"][id]; n != "" {
		return n
	}
	return id
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
