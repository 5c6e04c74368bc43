package anomalies

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/models"
)

// Signal is a control-chart signal of one KPI, overall or for one cut, on the latest
// complete week before the as-of date. Values are in the KPI's unit (a ratio 0..1, a
// percent, days...).
type Signal struct {
	KPI           string    `json:"kpi"`
	Dim           string    `json:"dim,omitempty"` // "" for the company as a whole
	DimValue      string    `json:"dim_value,omitempty"`
	Week          time.Time `json:"week"` // Monday of the week
	Rule          int       `json:"rule"` // Western Electric rule, 1 to 4
	Chart         string    `json:"chart"`
	Value         float64   `json:"value"` // the week's value
	Centre        float64   `json:"centre"`
	LCL           float64   `json:"lcl"`
	UCL           float64   `json:"ucl"`
	Sigma         float64   `json:"sigma"`
	Z             float64   `json:"z"`
	N             float64   `json:"n"` // the week's population
	BaselineWeeks int       `json:"baseline_weeks"`
	Since         time.Time `json:"since"` // first week of the pattern
	Worse         bool      `json:"worse"` // moved the way the KPI gets worse
	Alert         bool      `json:"alert"` // material, on enough population, and worse
	Severity      string    `json:"severity"`
}

// Monitor holds the settings of the control charts and of the alert filter.
type Monitor struct {
	BaselineWeeks int     // weeks before each point its limits come from (default 26)
	MinBaseline   int     // fewer baseline weeks with data: no chart (default 8)
	MinN          float64 // population of the week below which nothing alerts
	MinAbsChange  float64 // |value - centre| must reach it, in the KPI's unit
	MinRelChange  float64 // and |value - centre| / |centre| this
}

// NewMonitor reads the settings from the configuration.
func NewMonitor(cfg config.Config) Monitor {
	def := config.Default()
	m := Monitor{
		BaselineWeeks: cfg.KPI.BaselineWeeks,
		MinBaseline:   8,
		MinN:          float64(cfg.Anomalies.AlertMinLinesPerWeek),
		MinAbsChange:  cfg.Anomalies.AlertMinAbsChange,
		MinRelChange:  cfg.Anomalies.AlertMinRelChange,
	}
	if m.BaselineWeeks <= 0 {
		m.BaselineWeeks = def.KPI.BaselineWeeks
	}
	return m
}

// Series is the weekly values of one KPI and cut, by Monday of the week.
type Series map[time.Time]Week

// patternWeeks is how many weeks the longest rule (8 in a row) looks back.
const patternWeeks = 8

// Evaluate charts the series and returns the signals that fire on week (a Monday). The
// Western Electric rules look at the last 8 weeks; their limits come from the
// BaselineWeeks weeks before those 8 (the weeks with data), so that a shift under way
// does not hide in its own baseline. A p chart's limits still depend on each week's n.
// kind is ChartP (Laney's correction applies by itself when the baseline is
// overdispersed) or ChartXmR; dir says which way is worse; scale turns a proportion
// into the KPI's unit (100 for a percent).
func (m Monitor) Evaluate(s Series, week time.Time, kind string, dir models.Direction, scale float64) []Signal {
	if scale == 0 || kind != ChartP {
		scale = 1 // an XmR chart is in the KPI's unit already
	}
	cur, ok := s[week]
	if !ok {
		return nil
	}
	first := week.AddDate(0, 0, -7*(patternWeeks-1))
	base := m.baseline(s, week)
	var xmr Limits
	if kind != ChartP {
		xmr = XmRLimits(values(base))
	}
	zs := make([]float64, patternWeeks)
	lims := make([]Limits, patternWeeks)
	xs := make([]float64, patternWeeks)
	for i := range patternWeeks {
		zs[i] = math.NaN()
		w, ok := s[first.AddDate(0, 0, 7*i)]
		if !ok {
			continue
		}
		l, x := xmr, w.Value
		if kind == ChartP {
			if w.Den <= 0 {
				continue
			}
			l, x = PLimits(base, w.Den, true), w.Num/w.Den
		}
		if !l.Defined || l.Weeks < m.MinBaseline {
			continue
		}
		zs[i], lims[i], xs[i] = l.Z(x), l, x
	}
	n := cur.N
	if kind == ChartP {
		n = cur.Den
	}
	var out []Signal
	for _, r := range WesternElectric(zs) {
		l := lims[patternWeeks-1]
		// The change a person would see: the pattern's points against their centre lines.
		var dx, centre float64
		for _, i := range r.Points {
			dx += xs[i] - lims[i].Centre
			centre += lims[i].Centre
		}
		dx = dx / float64(len(r.Points)) * scale
		centre = centre / float64(len(r.Points)) * scale
		worse := dir == models.Neutral || (dir == models.Up) == (r.Side < 0)
		material := math.Abs(dx) >= m.MinAbsChange &&
			(centre == 0 || math.Abs(dx)/math.Abs(centre) >= m.MinRelChange)
		sig := Signal{
			Week: week, Rule: r.Number, Chart: l.Kind,
			Value: xs[patternWeeks-1] * scale, Centre: l.Centre * scale,
			LCL: l.LCL * scale, UCL: l.UCL * scale, Sigma: l.Sigma * scale,
			Z: zs[patternWeeks-1], N: n, BaselineWeeks: l.Weeks,
			Since: week.AddDate(0, 0, -7*(patternWeeks-1-r.Points[0])),
			Worse: worse, Alert: worse && material && n >= m.MinN,
			Severity: [...]string{1: "high", 2: "medium", 3: "medium", 4: "low"}[r.Number],
		}
		out = append(out, sig)
	}
	return out
}

// chartKinds says how each KPI is charted: proportions of counted lines, orders or
// SKU-sites on a p chart; continuous values, quantity- or value-weighted ratios and
// counts on an XmR chart. KPIs that are a snapshot at the as-of date rather than a
// weekly flow (backlog, open lines and claims, stock projection) are not charted, nor
// service_rate, which is otif_line under another name.
var chartKinds = map[string]string{
	"otif_line": ChartP, "on_time_line": ChartP, "in_full_line": ChartP, "otif_order": ChartP,
	"perfect_order": ChartP, "claim_rate": ChartP,
	"share_under_coverage_target": ChartP, "share_over_overstock": ChartP,
	"service_rate": "", "backlog_lines": "", "backlog_value": "", "open_lines": "", "open_order_value": "",
	"open_claims": "", "open_claims_age_days": "", "projected_stockouts": "", "lines_at_risk": "",
	"stock_value_at_risk": "", "delivery_event_gaps": "",
}

// chartKind is the chart of a KPI; unknown KPIs are charted as XmR.
func chartKind(kpi string) string {
	if k, ok := chartKinds[kpi]; ok {
		return k
	}
	return ChartXmR
}

// CutDims are the cuts monitored besides the company as a whole ("").
var CutDims = []string{"", "customer", "country", "site", "carrier", "transport_mode", "incoterm", "family"}

// Signals charts every monitored KPI, overall and per cut of CutDims, over the weekly
// values of the built models (models.Query), and returns the signals of the last
// complete week before asOf, alerts first, then by KPI and cut.
func Signals(ctx context.Context, db *sql.DB, cfg config.Config, asOf time.Time) ([]Signal, error) {
	m := NewMonitor(cfg)
	week, err := models.ParseWeek(models.LastCompleteWeek(asOf))
	if err != nil {
		return nil, err
	}
	asks, qs := m.chartQueries(week)
	// Every cut's weekly values at once: the cuts of one mart share one pass over it
	// (models.QueryCuts, GROUPING SETS), instead of one pass per cut.
	answers, err := models.QueryCuts(ctx, db, qs)
	if err != nil {
		return nil, fmt.Errorf("cannot read the weekly KPIs for the control charts: %w", err)
	}
	var out []Signal
	for i, a := range asks {
		dim, kpis, vals := a.dim, a.kpis, answers[i]
		series := map[[2]string]Series{}
		for _, v := range vals {
			if v.Value == nil {
				continue
			}
			t, err := models.ParseWeek(v.Week)
			if err != nil {
				return nil, err
			}
			key := [2]string{v.KPI, v.Dims[dim]}
			if series[key] == nil {
				series[key] = Series{}
			}
			w := Week{Value: *v.Value}
			if v.Numerator != nil && v.Denominator != nil {
				w.Num, w.Den = *v.Numerator, *v.Denominator
			}
			if chartKind(v.KPI) != ChartP {
				// a continuous KPI's population: the rows of its mart behind the value (a p
				// chart's n is its denominator)
				w.N = float64(v.Rows)
			}
			series[key][t] = w
		}
		if dim == "" && !anyCharted(series, week, m.MinBaseline) {
			break // no KPI has this week's value and the history a chart needs, nor will a cut
		}
		for _, k := range kpis {
			scale := 1.0
			if k.Unit == models.UnitPercent {
				scale = 100
			}
			for key, s := range series {
				if key[0] != k.Name {
					continue
				}
				for _, sig := range m.Evaluate(s, week, chartKind(k.Name), k.Direction, scale) {
					sig.KPI, sig.Dim, sig.DimValue = k.Name, dim, key[1]
					out = append(out, sig)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Alert != b.Alert {
			return a.Alert
		}
		if a.KPI != b.KPI {
			return a.KPI < b.KPI
		}
		if a.Dim != b.Dim {
			return a.Dim < b.Dim
		}
		if a.DimValue != b.DimValue {
			return a.DimValue < b.DimValue
		}
		return a.Rule < b.Rule
	})
	return out, nil
}

// ask is the KPIs Signals charts for one cut.
type ask struct {
	dim  string
	kpis []models.KPI
}

// chartQueries are the weekly values the control charts of week read: every charted
// KPI, overall and per cut of CutDims, over the weeks of the baseline and the pattern.
func (m Monitor) chartQueries(week time.Time) (asks []ask, qs []models.KPIQuery) {
	from := models.FormatWeek(week.AddDate(0, 0, -7*(m.BaselineWeeks+patternWeeks)))
	to := models.FormatWeek(week)
	for _, dim := range CutDims {
		var by []string
		if dim != "" {
			by = []string{dim}
		}
		var kpis []models.KPI
		for _, k := range models.Registry() {
			if chartKind(k.Name) != "" && k.CanCut(by...) {
				kpis = append(kpis, k)
			}
		}
		if len(kpis) == 0 {
			continue
		}
		names := make([]string, len(kpis))
		for i, k := range kpis {
			names[i] = k.Name
		}
		asks = append(asks, ask{dim, kpis})
		qs = append(qs, models.KPIQuery{KPIs: names, From: from, To: to, By: by})
	}
	return asks, qs
}

// ChartQueries are the queries Signals asks as of asOf, for a build to declare them
// (models.NewCube) with those of its other readers.
func ChartQueries(cfg config.Config, asOf time.Time) []models.KPIQuery {
	week, err := models.ParseWeek(models.LastCompleteWeek(asOf))
	if err != nil {
		return nil
	}
	_, qs := NewMonitor(cfg).chartQueries(week)
	return qs
}

// baseline is the weeks with data among the BaselineWeeks weeks before the 8-week
// window that ends on week.
func (m Monitor) baseline(s Series, week time.Time) []Week {
	first := week.AddDate(0, 0, -7*(patternWeeks-1))
	var base []Week
	for k := m.BaselineWeeks; k >= 1; k-- {
		if b, ok := s[first.AddDate(0, 0, -7*k)]; ok {
			base = append(base, b)
		}
	}
	return base
}

func values(ws []Week) []float64 {
	out := make([]float64, len(ws))
	for i, w := range ws {
		out[i] = w.Value
	}
	return out
}

// Limits are the control limits Evaluate applies to week's own point, for a chart
// that draws them week by week (not Defined when the baseline is too short, or a p
// chart's week has no n). They are in the chart's unit: a p chart's are proportions.
func (m Monitor) Limits(s Series, week time.Time, kind string) Limits {
	base := m.baseline(s, week)
	var l Limits
	if kind == ChartP {
		w, ok := s[week]
		if !ok || w.Den <= 0 {
			return Limits{Kind: ChartP}
		}
		l = PLimits(base, w.Den, true)
	} else {
		l = XmRLimits(values(base))
	}
	if l.Weeks < m.MinBaseline {
		l.Defined = false
	}
	return l
}

// anyCharted tells whether some series has a value in week and more weeks than a
// baseline needs.
func anyCharted(series map[[2]string]Series, week time.Time, minBaseline int) bool {
	for _, s := range series {
		if _, ok := s[week]; ok && len(s) > minBaseline {
			return true
		}
	}
	return false
}

// writeSignals replaces the kpi_signals table's rows.
func writeSignals(ctx context.Context, tx *sql.Tx, signals []Signal) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM kpi_signals"); err != nil {
		return fmt.Errorf("cannot clear kpi_signals: %w", err)
	}
	const cols = 18
	const batch = 200
	for lo := 0; lo < len(signals); lo += batch {
		hi := min(lo+batch, len(signals))
		marks := make([]string, 0, hi-lo)
		args := make([]any, 0, (hi-lo)*cols)
		for _, s := range signals[lo:hi] {
			marks = append(marks, "(?, ?, ?, CAST(? AS DATE), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS DATE), ?, ?, ?)")
			args = append(args, s.KPI, s.Dim, s.DimValue, s.Week.Format(time.DateOnly), s.Rule, s.Chart,
				finite(s.Value), finite(s.Centre), finite(s.LCL), finite(s.UCL), finite(s.Sigma), finite(s.Z), finite(s.N),
				s.BaselineWeeks, s.Since.Format(time.DateOnly), s.Worse, s.Alert, s.Severity)
		}
		q := "INSERT INTO kpi_signals VALUES " + strings.Join(marks, ", ")
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("cannot write kpi_signals: %w", err)
		}
	}
	return nil
}

// finite stores an infinite z-score (a point off a zero-sigma line) as a large number.
func finite(x float64) any {
	switch {
	case math.IsNaN(x):
		return nil
	case math.IsInf(x, 1):
		return math.MaxFloat32
	case math.IsInf(x, -1):
		return -math.MaxFloat32
	}
	return x
}
