package dashboards

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/orderflow/orderflow/i18n"
)

// SampleOptions sizes the made-up data of Sample.
type SampleOptions struct {
	Weeks      int // weeks on the axis (default 52)
	Customers  int // customers cut (default 24); the first is named like an HTML injection
	DrillLines int // lines per drill-down sample (default 12)
}

// XSSName is a customer name that must show as text, never run or load.
const XSSName = `<img src=x onerror=alert(1)>`

// Sample makes up plausible dashboard data without the models: for previews
// and the browser tests, until the pages are wired to models.Query.
func Sample(asOf time.Time, o SampleOptions) Data {
	if o.Weeks == 0 {
		o.Weeks = 52
	}
	if o.Customers == 0 {
		o.Customers = 24
	}
	if o.DrillLines == 0 {
		o.DrillLines = 12
	}
	g := &sampler{asOf: asOf, o: o, labels: map[string]map[string]string{}, lines: map[string][]Line{}}
	g.dims()
	d := Data{
		Company:  "Acme Export SAS",
		AsOf:     asOf,
		Currency: "EUR",
		Labels:   g.labels,
		KPIs:     map[string]KPIInfo{},
	}
	last := asOf.AddDate(0, 0, -7)
	for i := o.Weeks - 1; i >= 0; i-- {
		d.Weeks = append(d.Weeks, i18n.ISOWeekName(last.AddDate(0, 0, -7*i)))
	}
	g.weeks = d.Weeks
	for kpi, t := range sampleTargets {
		d.KPIs[kpi] = KPIInfo{Target: ptr(t)}
	}
	kpis := make([]string, 0, len(builtinKPIs))
	for kpi := range builtinKPIs {
		kpis = append(kpis, kpi)
	}
	sort.Strings(kpis)
	for _, kpi := range kpis {
		for _, cut := range g.cutsOf(kpi) {
			vals := g.series(&d, kpi, cut)
			d.Values = append(d.Values, vals...)
			if stateKPIs[kpi] && len(vals) > 0 {
				// the state at as-of: the part due in the last week and older parts
				last := vals[len(vals)-1]
				d.Values = append(d.Values, Value{KPI: kpi, Dims: cut, Value: math.Round(last.Value * 2.5), Unit: last.Unit})
			}
			if len(cut) <= 1 {
				if dr := g.drill(kpi, cut, ""); len(dr.Lines) > 0 {
					d.Drill = append(d.Drill, dr)
				}
			}
			if len(cut) == 0 { // week by week for the company total, the last 13 weeks
				for _, w := range d.Weeks[max(0, len(d.Weeks)-13):] {
					if dr := g.drill(kpi, cut, w); len(dr.Lines) > 0 {
						d.Drill = append(d.Drill, dr)
					}
				}
			}
		}
	}
	d.Controls = g.controls(&d)
	d.Actions = []Action{
		{ID: "A1", Title: "Book carrier capacity two weeks ahead on the Hamburg lane", KPI: "otif_line", RootCause: "Carrier capacity in peak weeks", Owner: "M. Durand", Due: asOf.AddDate(0, 0, 10), Status: "in_progress"},
		{ID: "A2", Title: "Safety stock review for family Valves", KPI: "coverage_days_median", RootCause: "Demand shift", Owner: "L. Martin", Due: asOf.AddDate(0, 0, -3), Status: "open"},
		{ID: "A3", Title: `Packaging spec for <script>alert(2)</script> fragile SKUs`, KPI: "claim_rate", RootCause: "Damage in transit", Owner: XSSName, Due: asOf.AddDate(0, 0, -20), Status: "done"},
		{ID: "A4", Title: "Daily check of shipped-not-invoiced list", KPI: "anomaly_count", RootCause: "Invoice run after cut-off", Owner: "S. Petit", Due: asOf.AddDate(0, 0, 21), Status: "open"},
	}
	return d
}

var sampleTargets = map[string]float64{
	"service_rate": 0.95, "otif_line": 0.95, "on_time_line": 0.95, "in_full_line": 0.97, "otif_order": 0.90,
	"unit_fill_rate": 0.97, "value_fill_rate": 0.97, "perfect_order": 0.85, "days_late_mean": 3,
	"coverage_days_median": 30, "share_under_coverage_target": 0.15, "share_over_overstock": 0.10,
	"claim_rate": 1.5, "freight_cost_per_kg": 0.6, "backlog_value": 700000, "freight_cost_share": 0.045,
}

// sampleBase is each KPI's typical weekly company figure.
var sampleBase = map[string]float64{
	"service_rate": 0.915, "otif_line": 0.915, "on_time_line": 0.935, "in_full_line": 0.965, "otif_order": 0.87,
	"unit_fill_rate": 0.955, "value_fill_rate": 0.958, "perfect_order": 0.81,
	"backlog_value": 820000, "backlog_lines": 240, "days_late_mean": 4.4, "days_late_p90": 11,
	"order_to_ship_days_p50": 6, "order_to_ship_days_p90": 15, "coverage_days_median": 34,
	"share_under_coverage_target": 0.17, "share_over_overstock": 0.09, "stock_value_at_risk": 310000, "lines_at_risk": 85,
	"claim_count": 22, "claim_rate": 1.6, "claim_cost": 18500, "open_claims": 60, "mean_resolution_days": 12,
	"return_rate": 0.006, "freight_cost": 142000, "freight_cost_per_kg": 0.62, "freight_cost_share": 0.046,
	"open_order_value": 4200000, "open_lines": 1800, "anomaly_count": 35,
}

type sampler struct {
	asOf   time.Time
	o      SampleOptions
	weeks  []string
	labels map[string]map[string]string
	values map[string][]string
	lines  map[string][]Line
}

func (g *sampler) dims() {
	g.values = map[string][]string{
		"site":           {"FR01", "FR02", "DE01"},
		"country":        {"DE", "IT", "ES", "GB", "US", "CN", "BE", "CH", "MA", "BR", "JP", "NL"},
		"carrier":        {"DHL", "Kuehne+Nagel", "DB Schenker", "Geodis", "CMA CGM", "Air France Cargo"},
		"transport_mode": {"road", "sea", "air", "courier", "rail"},
		"incoterm":       {"EXW", "FCA", "CPT", "CIP", "DAP", "DDP", "FOB", "CIF"},
		"family":         {"Valves", "Pumps", "Seals", "Fittings", "Sensors", "Spare parts"},
		"type":           {"damage", "shortage", "wrong_item", "late", "quality", "documentation", "other"},
		"cause":          {"Pallet crushed", "Picking error", "Label missing", "Late booking", "Supplier defect", "Customs hold", "Count mismatch", "Wrong address"},
		"responsible":    {"carrier", "warehouse", "production", "supplier", "customer", "sales_admin"},
		"code":           {"late_backlog", "shipped_not_invoiced", "short_shipment", "missing_document", "invoice_price_mismatch", "due_soon_short", "lc_shipment_date_risk", "incoterm_mode_mismatch", "duplicate_record", "orphan_shipment"},
	}
	g.labels["site"] = map[string]string{"FR01": "FR01 Lyon", "FR02": "FR02 Le Havre", "DE01": "DE01 Hamburg"}
	names := []string{XSSName, `Müller & Söhne GmbH`, `O'Neil "Quoted" Ltd`, "Rossi Ricambi SpA", "Iberica Valvulas SL",
		"Thames Process Ltd", "Great Lakes Pumps Inc", "Shanghai Fluid Co", "Brussels Tech NV", "Zürich Instruments AG",
		"Atlas Industrie SARL", "São Paulo Hidráulica", "Osaka Seiki KK", "Rotterdam Marine BV"}
	g.labels["customer"] = map[string]string{}
	for i := 0; i < g.o.Customers; i++ {
		id := fmt.Sprintf("C%05d", 42+i)
		name := fmt.Sprintf("Customer %03d Trading", i)
		if i < len(names) {
			name = names[i]
		}
		g.values["customer"] = append(g.values["customer"], id)
		g.labels["customer"][id] = name
	}
}

var stockKPIs = map[string]bool{"coverage_days_median": true, "share_under_coverage_target": true, "share_over_overstock": true, "stock_value_at_risk": true, "lines_at_risk": true}
var claimKPIs = map[string]bool{"claim_count": true, "claim_cost": true}

// stateKPIs are measured at the as-of date and spread by week (Data.Values).
var stateKPIs = map[string]bool{"backlog_value": true, "backlog_lines": true, "open_order_value": true, "open_lines": true, "open_claims": true}

// cutsOf lists the cuts a KPI is computed for: the total, one dimension at a
// time, and site crossed with carrier and with transport mode.
func (g *sampler) cutsOf(kpi string) []map[string]string {
	cuts := []map[string]string{{}}
	one := func(dims ...string) {
		for _, dim := range dims {
			for _, v := range g.values[dim] {
				cuts = append(cuts, map[string]string{dim: v})
			}
		}
	}
	switch {
	case stockKPIs[kpi]:
		one("site", "family")
		return cuts
	case kpi == "anomaly_count":
		one("site", "code")
		return cuts
	}
	one(FilterDims...)
	if claimKPIs[kpi] {
		one("type", "cause", "responsible")
	}
	for _, s := range g.values["site"] {
		for _, dim := range []string{"carrier", "transport_mode"} {
			for _, v := range g.values[dim] {
				cuts = append(cuts, map[string]string{"site": s, dim: v})
			}
		}
	}
	return cuts
}

func seed(parts ...string) *rand.Rand {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return rand.New(rand.NewPCG(h.Sum64(), 7))
}

// weight is the share of the company volume a cut carries.
func (g *sampler) weight(cut map[string]string) float64 {
	w := 1.0
	for dim, v := range cut {
		r := seed("w", dim, v)
		n := float64(len(g.values[dim]))
		w *= (0.4 + 1.2*r.Float64()) / n
	}
	return w
}

func (g *sampler) series(d *Data, kpi string, cut map[string]string) []Value {
	info := d.kpiInfo(kpi)
	base := sampleBase[kpi]
	w := g.weight(cut)
	key := cutKey(cut)
	r := seed(kpi, key)
	offset := 0.0
	if key != "" {
		offset = (r.Float64() - 0.5) * 0.12
	}
	var out []Value
	for i, week := range g.weeks {
		season := math.Sin(float64(i)/52*2*math.Pi*2) * 0.015
		noise := (r.Float64() - 0.5) * 0.03
		v := Value{KPI: kpi, Week: week, Dims: cut, Unit: info.Unit}
		switch {
		case info.Unit == UnitRatio && info.Aggregate == AggRatio:
			den := math.Max(1, math.Round(900*w*(0.85+0.3*r.Float64())))
			p := base + offset*base + season + noise
			if kpi == "otif_line" && key == "" && i == len(g.weeks)-4 {
				p -= 0.07 // a bad week for the control chart to flag
			}
			p = math.Min(1, math.Max(0, p))
			num := math.Round(den * p)
			v.Value, v.Numerator, v.Denominator = num/den, ptr(num), ptr(den)
		case info.Aggregate == AggRatio:
			den := math.Max(1, math.Round(400*w*(0.85+0.3*r.Float64())))
			val := math.Max(0, base*(1+offset*3+season*4+noise*4))
			num := val * den / info.Scale
			v.Value, v.Numerator, v.Denominator = info.Scale*num/den, ptr(num), ptr(den)
		case info.Unit == UnitRatio:
			v.Value = math.Max(0, base*(1+offset*3+season*5+noise*5))
		case info.Aggregate == AggSum || info.Unit == UnitMoney || info.Unit == UnitCount:
			scale := w
			if info.Unit == UnitCount {
				v.Value = math.Max(0, math.Round(base*scale*(1+offset*2+season*6+noise*8)))
			} else {
				v.Value = math.Max(0, base*scale*(1+offset*2+season*6+noise*8))
			}
		default:
			v.Value = math.Max(0, base*(1+offset*3+season*5+noise*5))
		}
		out = append(out, v)
	}
	return out
}

// pool makes up the order lines behind a KPI; each cut's sample is drawn
// from it, so one line shows in the samples of all its cuts, as with the
// models.
func (g *sampler) pool(kpi string) []Line {
	if l, ok := g.lines[kpi]; ok {
		return l
	}
	r := seed("pool", kpi)
	var out []Line
	for i := 0; i < 16*g.o.DrillLines; i++ {
		wi := len(g.weeks) - 1 - r.IntN(min(13, len(g.weeks)))
		y, wk, _ := i18n.ParseISOWeek(g.weeks[wi])
		due := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
		due = due.AddDate(0, 0, -int(due.Weekday()+6)%7+7*(wk-1)+r.IntN(5))
		pick := func(dim string) string { vals := g.values[dim]; return vals[r.IntN(len(vals))] }
		cust := pick("customer")
		if i%7 == 0 {
			cust = g.values["customer"][0] // the injection-named customer shows in many samples
		}
		late := float64(r.IntN(12))
		l := Line{
			Week: g.weeks[wi], OrderID: fmt.Sprintf("SO%07d", 4500000+r.IntN(99999)), LineNo: fmt.Sprintf("%d", 10*(1+r.IntN(6))),
			CustomerID: cust, Country: pick("country"), Site: pick("site"), SKU: fmt.Sprintf("%08d", 10442+r.IntN(5000)),
			Carrier: pick("carrier"), TransportMode: pick("transport_mode"), Incoterm: pick("incoterm"), DueDate: due,
			Qty: float64(10 * (1 + r.IntN(120))), DaysLate: late,
		}
		l.Value = math.Round(l.Qty*(12+80*r.Float64())*100) / 100
		if late > 0 {
			l.DeliveryDate = due.AddDate(0, 0, int(late))
			l.Reason = fmt.Sprintf("late %d d", int(late))
		} else {
			l.DeliveryDate = due.AddDate(0, 0, -r.IntN(3))
			l.Reason = "short " + fmt.Sprint(r.IntN(40)+1)
		}
		out = append(out, l)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Value > out[j].Value })
	g.lines[kpi] = out
	return out
}

func (g *sampler) drill(kpi string, cut map[string]string, week string) Drill {
	dr := Drill{KPI: kpi, Dims: cut, Week: week}
	r := seed("drill", kpi, cutKey(cut))
	for _, l := range g.pool(kpi) {
		if week != "" && l.Week != week {
			continue
		}
		field := map[string]string{"customer": l.CustomerID, "country": l.Country, "site": l.Site,
			"carrier": l.Carrier, "transport_mode": l.TransportMode, "incoterm": l.Incoterm}
		ok := true
		for dim, v := range cut {
			if f, known := field[dim]; known && f != v || !known && r.IntN(4) != 0 {
				ok = false
			}
		}
		if !ok {
			continue
		}
		dr.Total += 7
		if len(dr.Lines) < g.o.DrillLines {
			dr.Lines = append(dr.Lines, l)
		}
	}
	return dr
}

// controls draws p-chart limits for otif_line, total and by site, from the
// sample figures (the real ones come from the models).
func (g *sampler) controls(d *Data) []Control {
	byCut := map[string][]Value{}
	for _, v := range d.Values {
		if v.KPI == "otif_line" && (len(v.Dims) == 0 || (len(v.Dims) == 1 && v.Dims["site"] != "")) {
			byCut[cutKey(v.Dims)] = append(byCut[cutKey(v.Dims)], v)
		}
	}
	keys := make([]string, 0, len(byCut))
	for key := range byCut {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	var out []Control
	for _, key := range keys {
		vals := byCut[key]
		c := Control{KPI: "otif_line", Dims: map[string]string{}}
		for _, kv := range splitCut(key) {
			c.Dims[kv[0]] = kv[1]
		}
		var n, x float64
		for _, v := range vals[:min(26, len(vals))] {
			n += *v.Denominator
			x += *v.Numerator
		}
		p := x / n
		for _, v := range vals {
			sigma := math.Sqrt(p * (1 - p) / *v.Denominator)
			c.Points = append(c.Points, ControlPoint{Week: v.Week, Centre: p, Upper: math.Min(1, p+3*sigma), Lower: math.Max(0, p-3*sigma)})
			if v.Value < p-3*sigma || v.Value > p+3*sigma {
				c.Signals = append(c.Signals, Signal{Week: v.Week, Rule: "beyond_3sigma", Value: v.Value})
			}
		}
		out = append(out, c)
	}
	return out
}
