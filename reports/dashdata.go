package reports

import (
	"math"
	"strconv"
	"strings"

	"github.com/orderflow/orderflow/dashboards"
	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/models"
)

// dashUnits maps the registry's units onto the dashboards'.
var dashUnits = map[models.Unit]string{
	models.UnitRatio:         dashboards.UnitRatio,
	models.UnitPercent:       dashboards.UnitPercent,
	models.UnitDays:          dashboards.UnitDays,
	models.UnitCount:         dashboards.UnitCount,
	models.UnitCurrency:      dashboards.UnitMoney,
	models.UnitCurrencyPerKg: dashboards.UnitPerKg,
}

// zeroWhenEmpty are the counts and sums of a population (claims opened, late lines,
// shipments' freight): a week without rows is a week of zero, not a week unknown. The
// stock projection is measured at the latest snapshot only and stays unknown elsewhere.
func zeroWhenEmpty(kpi string) bool {
	k, ok := models.LookupKPI(kpi)
	if !ok || k.IsRatio() || k.Model == "kpi_stock_projection" {
		return false
	}
	switch k.Model {
	case "kpi_claims", "kpi_open_claims", "kpi_backlog", "kpi_open_lines", "kpi_freight", "kpi_order_lines":
		return k.Unit == models.UnitCount || k.Unit == models.UnitCurrency
	}
	return false
}

// AnomalyKPI is the dashboards' count of open anomalies (by code); it is not a KPI of
// the registry but the size of the worklist anomalies.Build keeps.
const AnomalyKPI = "anomaly_count"

// DashboardData turns the facts into what the dashboard pages draw, in lang.
func DashboardData(f *Facts, lang string) dashboards.Data {
	d := dashboards.Data{
		Company:  f.Company,
		AsOf:     f.AsOf,
		Currency: f.Currency,
		Weeks:    f.Weeks,
		KPIs:     map[string]dashboards.KPIInfo{},
		Labels:   f.Labels,
	}
	d.Values = make([]dashboards.Value, 0, len(f.Values)+len(f.AnomalyCounts)+1)
	for _, v := range f.Values {
		if f.WeekIndex(v.Week) < 0 || atLatestSnapshot(v.KPI) {
			continue
		}
		d.Values = append(d.Values, dashValue(v))
	}
	d.Values = append(d.Values, f.stateValues()...)
	// weeks without rows of a count or a sum read zero
	for kpi, cuts := range f.index {
		if !zeroWhenEmpty(kpi) {
			continue
		}
		for cut, s := range cuts {
			first := 0
			if cut != "" {
				first = f.WeekIndex(f.CutFrom)
			}
			for i := max(first, 0); i < len(s); i++ {
				if s[i] == nil {
					d.Values = append(d.Values, dashboards.Value{KPI: kpi, Week: f.Weeks[i], Dims: dimsOf(cut), Value: 0})
				}
			}
		}
	}
	if f.AnomaliesBuilt {
		total := 0.0
		for _, c := range f.AnomalyCounts {
			total += float64(c.Count)
			d.Values = append(d.Values, dashboards.Value{KPI: AnomalyKPI, Week: f.Week, Dims: map[string]string{"code": c.Code}, Value: float64(c.Count)})
		}
		d.Values = append(d.Values, dashboards.Value{KPI: AnomalyKPI, Week: f.Week, Dims: map[string]string{}, Value: total})
	}
	for _, k := range models.Registry() {
		info := dashboards.KPIInfo{Unit: dashUnits[k.Unit]}
		switch k.Direction {
		case models.Up:
			info.HigherIsBetter = ptr(true)
		case models.Down:
			info.HigherIsBetter = ptr(false)
		}
		if t, ok := f.Targets[k.Name]; ok {
			info.Target = ptr(t)
		}
		d.KPIs[k.Name] = info
	}
	if t, ok := f.Targets[AnomalyKPI]; ok {
		d.KPIs[AnomalyKPI] = dashboards.KPIInfo{Target: ptr(t)}
	}
	d.Drill = dashDrills(f, lang)
	d.Controls = f.Controls
	for _, a := range f.Actions {
		d.Actions = append(d.Actions, dashboards.Action{
			ID: strconv.FormatInt(a.ID, 10), Title: a.Action, KPI: a.KPI, Subject: a.Subject(lang), RootCause: a.Cause,
			Owner: a.Owner, Due: a.Due, Status: a.Status,
		})
	}
	return d
}

// atLatestSnapshot tells the KPIs of the stock projection: measured at the latest
// snapshot of each SKU-site only, in that snapshot's week, which is often the current,
// incomplete week, after the axis.
func atLatestSnapshot(kpi string) bool {
	k, ok := models.LookupKPI(kpi)
	return ok && k.Model == "kpi_stock_projection"
}

// stateValues are the snapshot KPIs at the as-of date (the late backlog, the open
// order book and claims, the stock projection), for the company and each cut the
// dashboards have: the sum over every week, as the weekly report gives it, as values
// of no week that the tiles show. The stock projection, measured at the latest
// snapshot of each SKU-site only (often in the current week, after the axis), is
// also drawn at the report's week.
func (f *Facts) stateValues() []dashboards.Value {
	type cell struct{ kpi, cut string }
	sums := map[cell]float64{}
	var order []cell
	for _, v := range f.Snapshot.Values {
		if v.Value == nil {
			continue
		}
		c := cell{v.KPI, cutKey(v.Dims)}
		if _, seen := sums[c]; !seen {
			if _, drawn := f.index[c.kpi][c.cut]; !drawn && c.cut != "" && !atLatestSnapshot(c.kpi) {
				continue // a cut the dashboards do not have (the customers beyond the largest)
			}
			order = append(order, c)
		}
		sums[c] += *v.Value
	}
	var out []dashboards.Value
	for _, c := range order {
		k, _ := models.LookupKPI(c.kpi)
		v := dashboards.Value{KPI: c.kpi, Dims: dimsOf(c.cut), Value: sums[c], Unit: dashUnits[k.Unit]}
		out = append(out, v)
		if atLatestSnapshot(c.kpi) {
			v.Week = f.Week
			out = append(out, v)
		}
	}
	return out
}

func dashValue(v models.KPIValue) dashboards.Value {
	out := dashboards.Value{KPI: v.KPI, Week: v.Week, Dims: v.Dims, Value: math.NaN(),
		Numerator: v.Numerator, Denominator: v.Denominator, Unit: dashUnits[v.Unit]}
	if v.Value != nil {
		out.Value = *v.Value
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// dashDrills hands each sample to the KPIs of its mart that a page draws.
func dashDrills(f *Facts, lang string) []dashboards.Drill {
	drawn := map[string]bool{}
	for _, p := range dashboards.Pages {
		for _, b := range p.Blocks {
			for _, k := range b.KPIs {
				drawn[k] = true
			}
		}
	}
	var out []dashboards.Drill
	for _, s := range f.Drill {
		lines := make([]dashboards.Line, len(s.Rows))
		for i, r := range s.Rows {
			lines[i] = dashboards.Line{
				Week: r.Week, OrderID: r.OrderID, LineNo: r.LineNo, CustomerID: r.Customer,
				CustomerName: f.Labels["customer"][r.Customer], Country: r.Country, Site: r.Site, SKU: r.SKU,
				Carrier: r.Carrier, TransportMode: r.TransportMode, Incoterm: r.Incoterm,
				DueDate: r.Due, DeliveryDate: r.Delivered, Qty: r.Qty, Value: r.Value, DaysLate: r.DaysLate,
				Reason: reasonText(lang, r),
			}
		}
		for _, k := range s.KPIs {
			if drawn[k] {
				out = append(out, dashboards.Drill{KPI: k, Week: s.Week, Dims: s.Dims, Total: s.Total, Lines: lines})
			}
		}
	}
	return out
}

// reasonText says in lang why a row counts against its figure.
func reasonText(lang string, r DrillRow) string {
	switch r.Reason {
	case "late":
		return i18n.T(lang, "reason.late", i18n.Days(lang, r.ReasonQty, 0))
	case "not_shipped":
		return i18n.T(lang, "reason.not_shipped", i18n.Days(lang, r.ReasonQty, 0))
	case "short":
		return i18n.T(lang, "reason.short", i18n.Number(lang, r.ReasonQty, 0))
	case "open":
		return i18n.T(lang, "reason.open", i18n.Number(lang, r.ReasonQty, 0))
	case "lead_time":
		return i18n.T(lang, "reason.lead_time", i18n.Days(lang, r.ReasonQty, 0))
	case "claim":
		return claimText(lang, r.ReasonText)
	case "ok":
		return i18n.T(lang, "reason.ok")
	}
	return ""
}

// claimText translates the claim type of "type · cause" (the cause is the ERP's text).
func claimText(lang, s string) string {
	typ, cause, found := strings.Cut(s, " · ")
	if i18n.Has(lang, "claim_type."+typ) {
		typ = i18n.T(lang, "claim_type."+typ)
	}
	if !found {
		return typ
	}
	return typ + " · " + cause
}
