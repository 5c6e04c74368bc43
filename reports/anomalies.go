package reports

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/dashboards"
	"github.com/orderflow/orderflow/models"
)

// openStatuses are the anomalies still on someone's list.
var openStatuses = []string{anomalies.StatusNew, anomalies.StatusAcknowledged}

// loadAnomalies reads the worklist of the last build (open, not stale), highest priority first
// (limit 0: all). A database whose anomalies were never built has none: built is false.
// With filters (a portfolio) only the anomalies within it are kept (AnomaliesWithin).
func loadAnomalies(ctx context.Context, db *sql.DB, lang string, limit int, filters map[string][]string) (list []anomalies.Anomaly, built bool, err error) {
	af := anomalies.Filter{Status: openStatuses, Buckets: []string{anomalies.BucketWorklist}, Limit: limit}
	if filters != nil {
		af.Customers, af.Sites, af.Limit = filters["customer"], filters["site"], 0
	}
	list, err = anomalies.List(ctx, db, af, lang)
	if err != nil {
		if strings.Contains(err.Error(), "not built yet") || strings.Contains(err.Error(), "does not exist") {
			return nil, false, nil
		}
		return nil, false, err
	}
	if filters != nil {
		if list, err = AnomaliesWithin(ctx, db, list, filters); err != nil {
			return nil, false, err
		}
		if limit > 0 && len(list) > limit {
			list = list[:limit]
		}
	}
	return list, true, nil
}

// CodeCount is how many open anomalies carry a code, and their value at stake.
type CodeCount struct {
	Code         string
	Count        int
	High         int
	ValueAtStake float64
}

// countAnomalies counts the open anomalies per code, most first, in one query over the
// list anomalies.Build materialised (the dashboards' Pareto and the report's summary).
func countAnomalies(ctx context.Context, db *sql.DB) ([]CodeCount, error) {
	rows, err := db.QueryContext(ctx, `SELECT l.code, count(*), count(*) FILTER (WHERE l.severity = 'high'),
			coalesce(sum(l.value_at_stake), 0)
		FROM anomaly_list l LEFT JOIN anomaly_status s USING (anomaly_key) LEFT JOIN anomaly_state x USING (anomaly_key)
		WHERE coalesce(s.status, 'new') IN ('new', 'acknowledged') AND coalesce(x.bucket, 'worklist') = 'worklist'
		GROUP BY l.code ORDER BY count(*) DESC, l.code`)
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") {
			return nil, nil
		}
		return nil, fmt.Errorf("cannot count the anomalies: %w", err)
	}
	defer rows.Close()
	var out []CodeCount
	for rows.Next() {
		var c CodeCount
		if err := rows.Scan(&c.Code, &c.Count, &c.High, &c.ValueAtStake); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Signal is a control-chart signal of the report's week, as anomalies.Build stored it.
type Signal = anomalies.Signal

// loadSignals reads the control-chart signals anomalies.Build stored for the latest
// complete week (table kpi_signals), alerts first.
func loadSignals(ctx context.Context, db *sql.DB) ([]Signal, error) {
	rows, err := db.QueryContext(ctx, `SELECT kpi, dim, dim_value, week, rule, chart, value, centre, lcl, ucl,
			sigma, z, n, baseline_weeks, since, worse, alert, severity
		FROM kpi_signals ORDER BY alert DESC, worse DESC, abs(z) DESC, kpi, dim, dim_value, rule`)
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") {
			return nil, nil
		}
		return nil, fmt.Errorf("cannot read the control-chart signals: %w", err)
	}
	defer rows.Close()
	var out []Signal
	for rows.Next() {
		var s Signal
		var value, centre, lcl, ucl, sigma, z, n sql.NullFloat64
		var since sql.NullTime
		var baseline sql.NullInt64
		var severity sql.NullString
		if err := rows.Scan(&s.KPI, &s.Dim, &s.DimValue, &s.Week, &s.Rule, &s.Chart, &value, &centre, &lcl, &ucl,
			&sigma, &z, &n, &baseline, &since, &s.Worse, &s.Alert, &severity); err != nil {
			return nil, err
		}
		s.Value, s.Centre, s.LCL, s.UCL = orNaN(value), orNaN(centre), orNaN(lcl), orNaN(ucl)
		s.Sigma, s.Z, s.N = orNaN(sigma), orNaN(z), orNaN(n)
		s.BaselineWeeks, s.Since, s.Severity = int(baseline.Int64), since.Time, severity.String
		out = append(out, s)
	}
	return out, rows.Err()
}

func orNaN(v sql.NullFloat64) float64 {
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}

// ruleNames are the dashboards' names of the Western Electric rules 1 to 4.
var ruleNames = [...]string{1: "beyond_3sigma", 2: "2of3_2sigma", 3: "4of5_1sigma", 4: "8_same_side"}

// pChartKPIs are the proportions of counted lines, orders or claims, charted as p
// charts; the other KPIs are charted as individuals (XmR).
var pChartKPIs = map[string]bool{
	"otif_line": true, "service_rate": true, "on_time_line": true, "in_full_line": true, "otif_order": true,
	"perfect_order": true, "claim_rate": true, "share_under_coverage_target": true, "share_over_overstock": true,
}

// controls draws the control chart of each charted KPI, for the total and each cut of
// one dimension, week by week over the axis: each week's limits come from the weeks
// before it (anomalies.PLimits, XmRLimits), and Monitor.Evaluate tells the Western
// Electric rules firing on it, the same arithmetic as the alerts of anomalies.Build.
func controls(f *Facts, cfg config.Config, kpis []string) []dashboards.Control {
	m := anomalies.NewMonitor(cfg)
	var out []dashboards.Control
	for _, kpi := range kpis {
		k, ok := models.LookupKPI(kpi)
		if !ok {
			continue
		}
		cuts := make([]string, 0, len(f.index[kpi]))
		for cut := range f.index[kpi] {
			if !strings.Contains(cut, "\x1e") {
				cuts = append(cuts, cut)
			}
		}
		sort.Strings(cuts)
		for _, cut := range cuts {
			if cut != "" && !enoughVolume(f.index[kpi][cut], m.MinN) {
				continue // a handful of lines a week makes limits wider than the chart
			}
			c, ok := f.control(m, k, cut)
			if ok {
				out = append(out, c)
			}
		}
	}
	return out
}

func (f *Facts) control(m anomalies.Monitor, k models.KPI, cut string) (dashboards.Control, bool) {
	vals := f.index[k.Name][cut]
	kind := anomalies.ChartXmR
	scale := 1.0
	if pChartKPIs[k.Name] {
		kind = anomalies.ChartP
		if k.Unit == models.UnitPercent {
			scale = 100
		}
	}
	series := anomalies.Series{}
	mondays := make([]time.Time, len(f.Weeks))
	for i, w := range f.Weeks {
		mondays[i], _ = models.ParseWeek(w)
		v := vals[i]
		if v == nil || v.Value == nil {
			continue
		}
		wk := anomalies.Week{Value: *v.Value}
		if v.Numerator != nil && v.Denominator != nil {
			wk.Num, wk.Den, wk.N = *v.Numerator, *v.Denominator, *v.Denominator
		}
		if kind == anomalies.ChartP && wk.Den <= 0 {
			continue
		}
		series[mondays[i]] = wk
	}
	c := dashboards.Control{KPI: k.Name, Dims: dimsOf(cut)}
	defined := false
	for i, t := range mondays {
		p := dashboards.ControlPoint{Week: f.Weeks[i], Centre: math.NaN(), Upper: math.NaN(), Lower: math.NaN()}
		var base []anomalies.Week
		for j := m.BaselineWeeks; j >= 1; j-- {
			if b, ok := series[t.AddDate(0, 0, -7*j)]; ok {
				base = append(base, b)
			}
		}
		var l anomalies.Limits
		if kind == anomalies.ChartP {
			if w, ok := series[t]; ok {
				l = anomalies.PLimits(base, w.Den, true)
			}
		} else {
			xs := make([]float64, len(base))
			for j, b := range base {
				xs[j] = b.Value
			}
			l = anomalies.XmRLimits(xs)
		}
		if l.Defined && l.Weeks >= m.MinBaseline {
			p.Centre, p.Upper, p.Lower = l.Centre*scale, l.UCL*scale, l.LCL*scale
			defined = true
		}
		c.Points = append(c.Points, p)
		for _, s := range m.Evaluate(series, t, kind, k.Direction, scale) {
			if s.Rule >= 1 && s.Rule < len(ruleNames) {
				c.Signals = append(c.Signals, dashboards.Signal{Week: f.Weeks[i], Rule: ruleNames[s.Rule], Value: s.Value})
			}
		}
	}
	return c, defined
}

// dimsOf reads a cut key back into its dimensions.
func dimsOf(cut string) map[string]string {
	out := map[string]string{}
	if cut == "" {
		return out
	}
	for _, part := range strings.Split(cut, "\x1e") {
		k, v, _ := strings.Cut(part, "\x1f")
		out[k] = v
	}
	return out
}

// enoughVolume tells whether a cut's weeks average at least n in their denominators
// (always true for a KPI without denominators).
func enoughVolume(s []*models.KPIValue, n float64) bool {
	var sum float64
	weeks := 0
	for _, v := range s {
		if v == nil {
			continue
		}
		if v.Denominator == nil {
			return true
		}
		sum += *v.Denominator
		weeks++
	}
	return weeks > 0 && sum/float64(weeks) >= n
}
