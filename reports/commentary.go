package reports

import (
	"math"
	"sort"
	"strings"

	"github.com/orderflow/orderflow/actions"
	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/models"
)

// driverDims are the cuts searched for the driver of a KPI's move, most actionable first.
var driverDims = []string{"carrier", "site", "transport_mode", "country", "customer", "incoterm", "family"}

// mover is a headline KPI that moved this week.
type mover struct {
	row   KPIRow
	score float64 // size of the move: points for a ratio, tenths of relative change otherwise
}

// commentary writes the few sentences a manager reads first: where the headline KPIs
// stand against target, the biggest moves with the cut that drove each, the control-chart
// alerts, the anomalies and the overdue actions.
func (w *Weekly) commentary() []string {
	l := w.Lang
	var out []string
	green, amber, red := 0, 0, 0
	var worst []string
	for _, r := range w.Headline {
		switch r.Status {
		case "green":
			green++
		case "amber":
			amber++
		case "red":
			red++
			worst = append(worst, w.KPILabel(r.KPI))
		}
	}
	if green+amber+red > 0 {
		s := i18n.T(l, "report.c.status", green, green+amber+red, amber, red)
		if len(worst) > 0 {
			s += " " + i18n.T(l, "report.c.off_target", listText(l, worst, 3))
		}
		out = append(out, s)
	}
	var movers []mover
	for _, r := range w.Headline {
		if r.Snapshot || math.IsNaN(r.This) || math.IsNaN(r.Last) || r.Better == 0 {
			continue
		}
		d := math.Abs(r.Change())
		var score float64
		switch r.Unit {
		case models.UnitRatio:
			score = d * 100 // one point
		case models.UnitPercent:
			score = d / math.Max(math.Abs(r.Last), 0.1) * 10
		default:
			if r.Last == 0 {
				continue
			}
			score = d / math.Abs(r.Last) * 10 // ten per cent
		}
		if score >= 1 {
			movers = append(movers, mover{r, score})
		}
	}
	sort.SliceStable(movers, func(i, j int) bool { return movers[i].score > movers[j].score })
	for _, m := range movers[:min(3, len(movers))] {
		out = append(out, w.moverSentence(m.row))
	}
	if len(movers) == 0 && len(w.Headline) > 0 {
		out = append(out, i18n.T(l, "report.c.stable"))
	}
	alerts := 0
	var first *Signal
	for i, s := range w.Signals {
		if s.Alert {
			alerts++
			if first == nil {
				first = &w.Signals[i]
			}
		}
	}
	if alerts > 0 {
		out = append(out, i18n.T(l, "report.c.signals", alerts, w.KPILabel(first.KPI), w.CutLabel(first.Dim, first.DimValue),
			i18n.T(l, "rule."+ruleNames[max(1, min(first.Rule, 4))])))
	}
	if w.AnomaliesBuilt {
		n, high := 0, 0
		stake := 0.0
		for _, c := range w.AnomalyCounts {
			n += c.Count
			high += c.High
			stake += c.ValueAtStake
		}
		s := i18n.T(l, "report.c.anomalies", i18n.Number(l, float64(n), 0), i18n.Number(l, float64(high), 0), i18n.Money(l, stake, w.Currency, 0))
		if len(w.Anomalies) > 0 {
			s += " " + i18n.T(l, "report.c.top_anomaly", w.Anomalies[0].Message)
		}
		out = append(out, s)
	}
	var late []actions.Action
	for _, a := range w.Actions {
		if a.StatusAt(w.AsOf) == actions.Overdue {
			late = append(late, a)
		}
	}
	if len(late) > 0 {
		a := late[0]
		out = append(out, i18n.T(l, "report.c.actions_overdue", len(late), a.Action, a.Owner, i18n.Date(l, a.Due)))
	}
	return out
}

// moverSentence says how a KPI moved and which cut moved it most.
func (w *Weekly) moverSentence(r KPIRow) string {
	l := w.Lang
	key := "report.c.rose"
	if r.Change() < 0 {
		key = "report.c.fell"
	}
	s := i18n.T(l, key, w.KPILabel(r.KPI), fmtChange(l, r.Unit, math.Abs(r.Change()), w.Currency), fmtValue(l, r.Unit, r.This, w.Currency))
	if !math.IsNaN(r.Target) {
		s += " " + i18n.T(l, "report.c.target", fmtValue(l, r.Unit, r.Target, w.Currency))
	}
	if d, ok := w.driver(r); ok {
		s += " " + d
	}
	return s + "."
}

// driver finds the cut value that moved a KPI most in the direction it moved: for a
// ratio, the change of the cut's own value weighted by its share of this week's
// denominator; for a count or an amount, the change of the cut's value. Cuts under the
// alert population (anomalies.alert_min_lines_per_week) are left out: one line does not
// drive a company figure.
func (w *Weekly) driver(r KPIRow) (string, bool) {
	f := w.facts
	l := w.Lang
	i := f.WeekIndex(w.Week)
	if i < 1 {
		return "", false
	}
	ratio := !math.IsNaN(r.Denom) && r.Denom > 0
	additive := zeroWhenEmpty(r.KPI)
	if !ratio && !additive {
		return "", false
	}
	minN := float64(f.Cfg.Anomalies.AlertMinLinesPerWeek)
	sign := 1.0
	if r.Change() < 0 {
		sign = -1
	}
	best, bestImpact := "", 0.0
	var bestThis, bestLast, bestN float64
	var bestDim string
	for _, dim := range driverDims {
		for _, val := range f.Cuts(r.KPI, dim) {
			s := f.Series(r.KPI, cutKey(map[string]string{dim: val}))
			cur, prev := s[i], s[i-1]
			var impact, this, last, n float64
			switch {
			case ratio:
				if cur == nil || prev == nil || cur.Value == nil || prev.Value == nil || cur.Denominator == nil {
					continue
				}
				n = *cur.Denominator
				if n < minN {
					continue
				}
				this, last = *cur.Value, *prev.Value
				impact = n / r.Denom * (this - last)
			default:
				this, last = value(cur), value(prev)
				if math.IsNaN(this) {
					this = 0
				}
				if math.IsNaN(last) {
					last = 0
				}
				impact = this - last
			}
			if impact*sign > bestImpact*sign && impact*sign > 0 {
				best, bestImpact, bestThis, bestLast, bestN, bestDim = val, impact, this, last, n, dim
			}
		}
	}
	if best == "" {
		return "", false
	}
	who := strings.ToLower(i18n.T(l, "dim."+bestDim)) + " " + f.Label(l, bestDim, best)
	if ratio {
		return i18n.T(l, "report.c.driver_ratio", who, fmtValue(l, r.Unit, bestThis, w.Currency),
			population(l, r.KPI, bestN, w.Currency), fmtDelta(l, r.Unit, bestThis-bestLast, w.Currency)), true
	}
	return i18n.T(l, "report.c.driver_sum", who, fmtDelta(l, r.Unit, bestThis-bestLast, w.Currency)), true
}

// listText joins up to n items: "a, b and c" in lang.
func listText(lang string, items []string, n int) string {
	if len(items) > n+1 { // "and 1 other" says less than the name itself
		items = append(items[:n:n], i18n.T(lang, "report.c.others", len(items)-n))
	}
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	out := ""
	for i, it := range items[:len(items)-1] {
		if i > 0 {
			out += ", "
		}
		out += it
	}
	return out + " " + i18n.T(lang, "report.c.and") + " " + items[len(items)-1]
}

// population names the denominator of a ratio KPI by what it counts (models.KPI.Per):
// "172 due lines", "€776,533 of value due", "12,400 kg shipped". The unit is
// the KPI's, never its model's: one mart holds line counts and values alike.
func population(lang, kpi string, n float64, currency string) string {
	k, _ := models.LookupKPI(kpi)
	key := "report.pop." + string(k.Per)
	if k.Per == "" || !i18n.Has(lang, key) {
		return i18n.Number(lang, n, 0)
	}
	if k.Per.IsValue() {
		return i18n.T(lang, key, i18n.Money(lang, n, currency, 0))
	}
	return i18n.T(lang, key, i18n.Number(lang, n, 0))
}
