package dashboards

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/orderflow/orderflow/i18n"
)

// The page model is the JSON a page embeds in <script type="application/json">:
// aggregates per KPI, cut and week, so that the browser can switch filters
// and periods without a server. Keys are short because they repeat.

// CutKey names a cut: its dimensions sorted by name, "dim\x1fvalue" joined by
// "\x1e"; "" is the company total. app.js builds the same keys; reports index by them.
func CutKey(dims map[string]string) string { return cutKey(dims) }

func cutKey(dims map[string]string) string {
	if len(dims) == 0 {
		return ""
	}
	if len(dims) == 1 {
		for k, v := range dims {
			return k + "\x1f" + v
		}
	}
	names := make([]string, 0, len(dims))
	for k := range dims {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for i, k := range names {
		if i > 0 {
			b.WriteByte('\x1e')
		}
		b.WriteString(k)
		b.WriteByte('\x1f')
		b.WriteString(dims[k])
	}
	return b.String()
}

func drillKey(kpi, week, cut string) string { return kpi + "\x1d" + week + "\x1d" + cut }

// num is a figure in the page model, NaN as null; see roundTo.
type num float64

func (n num) MarshalJSON() ([]byte, error) { return n.appendJSON(nil), nil }

func (n num) appendJSON(b []byte) []byte {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

// nums encodes a whole series at once: encoding/json is slow per element.
type nums []num

func (s nums) MarshalJSON() ([]byte, error) {
	if s == nil {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 2+8*len(s))
	b = append(b, '[')
	for i, n := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = n.appendJSON(b)
	}
	return append(b, ']'), nil
}

// roundTo keeps two more decimals than a figure shows, so the browser's
// rounding gives the same text as Go's while the page stays small.
func roundTo(s nums, decimals int) nums {
	p := math.Pow(10, float64(decimals))
	out := make(nums, len(s))
	for i, v := range s {
		out[i] = num(math.Round(float64(v)*p) / p)
	}
	return out
}

func nans(n int) nums {
	s := make(nums, n)
	for i := range s {
		s[i] = num(math.NaN())
	}
	return s
}

type seriesModel struct {
	V nums `json:"v,omitempty"`
	N nums `json:"n,omitempty"`
	D nums `json:"d,omitempty"`
	A *num `json:"a,omitempty"` // the state at the as-of date (a Value of no week), which the tile shows
}

type kpiModel struct {
	Label    string   `json:"label"`
	Help     string   `json:"help"`
	Unit     string   `json:"unit"`
	Higher   bool     `json:"higher"`
	Target   *float64 `json:"target"`
	Amber    float64  `json:"amber"`
	Agg      string   `json:"agg"`
	Scale    float64  `json:"scale"`
	Decimals int      `json:"dec"`
}

type drillModel struct {
	Total int   `json:"total"`
	Rows  []int `json:"rows"` // indices into pageModel.Lines
}

type controlModel struct {
	C []num    `json:"c"`
	U []num    `json:"u"`
	L []num    `json:"l"`
	S [][2]any `json:"s"` // [week index, rule label]
}

type blockModel struct {
	ID     string         `json:"id"`
	Kind   string         `json:"kind"`
	KPIs   []string       `json:"kpis"`
	Bars   []string       `json:"bars,omitempty"`
	Top    int            `json:"top,omitempty"`
	Option map[string]any `json:"option,omitempty"`
}

type pageModel struct {
	Page        string                             `json:"page"`
	Lang        string                             `json:"lang"`
	Style       i18n.Style                         `json:"style"`
	Currency    string                             `json:"currency"`
	Weeks       []string                           `json:"weeks"`
	WeekShort   []string                           `json:"weekShort"`
	WeekLong    []string                           `json:"weekLong"`
	From        int                                `json:"from"`
	To          int                                `json:"to"`
	KPIs        map[string]kpiModel                `json:"kpis"`
	DimLabels   map[string]string                  `json:"dimLabels"`
	Labels      map[string]map[string]string       `json:"labels"`
	FilterDims  []string                           `json:"filterDims"`
	Series      map[string]map[string]*seriesModel `json:"series"`
	Drill       map[string]drillModel              `json:"drill"`
	Lines       [][]string                         `json:"lines"` // drill-down rows, first cell the line's ISO week
	DrillCols   []string                           `json:"drillCols"`
	Controls    map[string]controlModel            `json:"controls"`
	Blocks      []blockModel                       `json:"blocks"`
	SparkOption map[string]any                     `json:"spark"`
	Text        map[string]string                  `json:"text"`

	keep map[string]map[string]bool // values kept per dimension (nil: all)
}

// index groups the data once for all pages.
type index struct {
	data     *Data
	shrink   uint // halves MaxCutValues and MaxPageLines this many times, for pages over MaxPageBytes
	weekPos  map[string]int
	series   map[string]map[string]*seriesModel // kpi -> cut -> series
	dimVals  map[string]map[string]bool         // dim -> values seen in any cut
	drill    map[string][]*Drill                // kpi -> samples
	controls map[string][]*Control              // kpi -> controls
}

func newIndex(d *Data) (*index, error) {
	ix := &index{
		data:     d,
		weekPos:  map[string]int{},
		series:   map[string]map[string]*seriesModel{},
		dimVals:  map[string]map[string]bool{},
		drill:    map[string][]*Drill{},
		controls: map[string][]*Control{},
	}
	if len(d.Weeks) == 0 {
		return nil, fmt.Errorf("cannot draw the dashboards: the data has no week to show; ingest extracts and build the models first")
	}
	for i, w := range d.Weeks {
		if _, _, ok := i18n.ParseISOWeek(w); !ok {
			return nil, fmt.Errorf("cannot use week %q of the time axis: want an ISO week such as 2026-W47", w)
		}
		if i > 0 && w <= d.Weeks[i-1] {
			return nil, fmt.Errorf("cannot use the time axis: week %s follows %s; weeks must be in increasing order", w, d.Weeks[i-1])
		}
		ix.weekPos[w] = i
	}
	n := len(d.Weeks)
	d.units = map[string]string{}
	for _, v := range d.Values {
		if _, known := builtinKPIs[v.KPI]; !known && v.Unit != "" {
			d.units[v.KPI] = v.Unit
		}
		pos, ok := ix.weekPos[v.Week]
		if !ok && v.Week != "" {
			continue
		}
		cuts := ix.series[v.KPI]
		if cuts == nil {
			cuts = map[string]*seriesModel{}
			ix.series[v.KPI] = cuts
		}
		key := cutKey(v.Dims)
		s := cuts[key]
		if s == nil {
			s = &seriesModel{V: nans(n)}
			cuts[key] = s
			for dim, val := range v.Dims {
				if ix.dimVals[dim] == nil {
					ix.dimVals[dim] = map[string]bool{}
				}
				ix.dimVals[dim][val] = true
			}
		}
		if v.Week == "" {
			a := num(v.Value)
			s.A = &a
			continue
		}
		s.V[pos] = num(v.Value)
		if v.Numerator != nil && v.Denominator != nil {
			if s.N == nil {
				s.N, s.D = nans(n), nans(n)
			}
			s.N[pos], s.D[pos] = num(*v.Numerator), num(*v.Denominator)
		}
	}
	for i := range d.Drill {
		ix.drill[d.Drill[i].KPI] = append(ix.drill[d.Drill[i].KPI], &d.Drill[i])
	}
	for i := range d.Controls {
		ix.controls[d.Controls[i].KPI] = append(ix.controls[d.Controls[i].KPI], &d.Controls[i])
	}
	return ix, nil
}

// valueLabel is how a dimension value reads (DimLabel with the names of Data.Labels).
func (ix *index) valueLabel(lang, dim, value string) string {
	return DimLabel(lang, ix.data.Labels, dim, value)
}

// DimLabel is how a dimension value reads: a translated code (transport mode, region,
// claim type...), a name from labels (dimension -> value -> name), a country's name,
// or the value itself.
func DimLabel(lang string, labels map[string]map[string]string, dim, value string) string {
	if prefix, ok := translatedDims[dim]; ok {
		// codes are looked up as i18n keys: "non-EU" reads region.non_eu
		if key := prefix + strings.ReplaceAll(strings.ToLower(value), "-", "_"); i18n.Has(lang, key) {
			return i18n.T(lang, key)
		}
	}
	if l := labels[dim][value]; l != "" {
		return l
	}
	if dim == "country" && len(value) == 2 {
		if r, err := language.ParseRegion(value); err == nil {
			if name := display.Regions(language.Make(lang)).Name(r); name != "" {
				return name
			}
		}
	}
	return value
}

// translatedDims are dimensions whose values are codes with a text in i18n.
var translatedDims = map[string]string{
	"transport_mode": "mode.",
	"type":           "claim_type.",
	"responsible":    "responsible.",
	"code":           "anomaly.",
	"region":         "region.",
}

// textPrefixes are the i18n groups app.js needs.
var textPrefixes = []string{"tile.", "status.", "unit.", "chart.", "drill.", "filter.", "col."}

func (ix *index) pageModel(p Page, lang string) (*pageModel, error) {
	d := ix.data
	n := len(d.Weeks)
	m := &pageModel{
		Page:       p.ID,
		Lang:       lang,
		Style:      i18n.NumberStyle(lang),
		Currency:   d.Currency,
		Weeks:      d.Weeks,
		To:         n - 1,
		From:       max(0, n-26),
		KPIs:       map[string]kpiModel{},
		DimLabels:  map[string]string{},
		Labels:     map[string]map[string]string{},
		FilterDims: FilterDims,
		Series:     map[string]map[string]*seriesModel{},
		Drill:      map[string]drillModel{},
		Lines:      [][]string{},
		Controls:   map[string]controlModel{},
		Text:       map[string]string{},
	}
	for _, w := range d.Weeks {
		y, wk, _ := i18n.ParseISOWeek(w)
		m.WeekShort = append(m.WeekShort, i18n.WeekShort(lang, y, wk))
		m.WeekLong = append(m.WeekLong, i18n.Week(lang, y, wk))
	}
	for _, prefix := range textPrefixes {
		for k, v := range i18n.Prefixed(lang, prefix) {
			m.Text[prefix+k] = v
		}
	}
	labelDim := func(dim, val string) {
		if m.Labels[dim] == nil {
			m.Labels[dim] = map[string]string{}
			m.DimLabels[dim] = i18n.T(lang, "dim."+dim)
		}
		m.Labels[dim][val] = ix.valueLabel(lang, dim, val)
	}
	allowed := p.dimsByKPI()
	keep := ix.keptValues(p, allowed)
	m.keep = keep
	for _, dim := range FilterDims {
		m.DimLabels[dim] = i18n.T(lang, "dim."+dim)
		for val := range ix.dimVals[dim] {
			if keep[dim] == nil || keep[dim][val] {
				labelDim(dim, val)
			}
		}
	}
	lineIdx := map[string]int{}
	type sample struct {
		dr     *Drill
		cut    string
		volume float64
	}
	var samples []sample
	for _, kpi := range p.kpis() {
		info := d.kpiInfo(kpi)
		m.KPIs[kpi] = kpiModel{
			Label: i18n.T(lang, "kpi."+kpi), Help: i18n.T(lang, "kpi."+kpi+".help"),
			Unit: info.Unit, Higher: *info.HigherIsBetter, Target: info.Target, Amber: info.Amber,
			Agg: info.Aggregate, Scale: info.Scale, Decimals: *info.Decimals,
		}
		cuts := map[string]*seriesModel{}
		for cut, s := range ix.series[kpi] {
			if !cutAllowed(cut, allowed[kpi], keep) {
				continue
			}
			cuts[cut] = compact(s, info)
			for _, kv := range splitCut(cut) {
				labelDim(kv[0], kv[1])
			}
		}
		m.Series[kpi] = cuts
		for _, dr := range ix.drill[kpi] {
			cut := cutKey(dr.Dims)
			if cuts[cut] == nil && cut != "" {
				continue
			}
			samples = append(samples, sample{dr, cut, volume(cuts[cut])})
		}
		for _, c := range ix.controls[kpi] {
			if cut := cutKey(c.Dims); cuts[cut] != nil {
				m.Controls[kpi+"\x1d"+cut] = ix.controlModel(lang, c)
			}
		}
	}
	// The line budget goes to the company figures first, then to the cuts of
	// most volume; a sample keeps its largest lines, so its note stays true.
	sort.SliceStable(samples, func(i, j int) bool {
		a, b := samples[i], samples[j]
		if len(a.dr.Dims) != len(b.dr.Dims) {
			return len(a.dr.Dims) < len(b.dr.Dims)
		}
		return a.volume > b.volume
	})
	for _, sm := range samples {
		if dm, ok := m.addDrill(ix, lang, sm.dr, lineIdx); ok {
			m.Drill[drillKey(sm.dr.KPI, sm.dr.Week, sm.cut)] = dm
		}
	}
	m.DrillCols = []string{
		i18n.T(lang, "col.order"), i18n.T(lang, "col.customer"), i18n.T(lang, "col.country"),
		i18n.T(lang, "col.site"), i18n.T(lang, "col.sku"), i18n.T(lang, "col.carrier"),
		i18n.T(lang, "col.due_date"), i18n.T(lang, "col.delivery_date"), i18n.T(lang, "col.qty"),
		i18n.T(lang, "col.value"), i18n.T(lang, "col.days_late"), i18n.T(lang, "col.reason"),
	}
	var err error
	if m.SparkOption, err = sparkOption("spark"); err != nil {
		return nil, err
	}
	for i, b := range p.Blocks {
		bm := blockModel{ID: fmt.Sprintf("b%d", i), Kind: b.Kind, KPIs: b.KPIs, Bars: b.Bars, Top: b.Top}
		if bm.Option, err = ix.blockOption(lang, b); err != nil {
			return nil, fmt.Errorf("cannot build block %s of page %s: %w", b.TitleKey, p.ID, err)
		}
		for _, dim := range b.By {
			m.DimLabels[dim] = i18n.T(lang, "dim."+dim)
		}
		m.Blocks = append(m.Blocks, bm)
	}
	return m, nil
}

func splitCut(cut string) [][2]string {
	if cut == "" {
		return nil
	}
	var out [][2]string
	for _, part := range strings.Split(cut, "\x1e") {
		k, v, _ := strings.Cut(part, "\x1f")
		out = append(out, [2]string{k, v})
	}
	return out
}

func (ix *index) blockOption(lang string, b Block) (map[string]any, error) {
	d := ix.data
	label := func(kpi string) string { return i18n.T(lang, "kpi."+kpi) }
	switch b.Kind {
	case KindTrend:
		var units []string
		axisOf := map[string]int{}
		for _, k := range b.KPIs {
			u := d.kpiInfo(k).Unit
			if _, ok := axisOf[u]; !ok {
				if len(units) == 2 {
					return nil, fmt.Errorf("a trend shows at most two units, %s adds a third", k)
				}
				axisOf[u] = len(units)
				units = append(units, u)
			}
		}
		var series []trendSeries
		for _, k := range b.KPIs {
			info := d.kpiInfo(k)
			s := trendSeries{Name: label(k), Bar: contains(b.Bars, k), Axis: axisOf[info.Unit]}
			if len(b.KPIs) <= 3 && info.Target != nil {
				s.Target = info.Target
			}
			series = append(series, s)
		}
		// The axis labels carry the units (91%, 4 d, €12k): the axes need no name.
		return trendOption(series, make([]string, len(units)), i18n.T(lang, "chart.target"))
	case KindBreakdown:
		return breakdownOption(label(b.KPIs[0]))
	case KindPareto:
		return paretoOption(label(b.KPIs[0]), i18n.T(lang, "chart.cumulative"))
	case KindControl:
		return controlOption(label(b.KPIs[0]), i18n.T(lang, "chart.centre"), i18n.T(lang, "chart.upper"),
			i18n.T(lang, "chart.lower"), i18n.T(lang, "chart.signal"))
	}
	return nil, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// formatValue formats a KPI value the way app.js does.
func formatValue(lang string, info KPIInfo, v float64, currency string) string {
	dec := *info.Decimals
	switch info.Unit {
	case UnitRatio:
		return i18n.Percent(lang, v, dec)
	case UnitPercent:
		return i18n.Number(lang, v, dec) + i18n.NumberStyle(lang).PercentSep + "%"
	case UnitDays:
		return i18n.Days(lang, v, dec)
	case UnitMoney:
		return i18n.Money(lang, v, currency, dec)
	case UnitPerKg:
		return i18n.Money(lang, v, currency, dec) + "/kg"
	}
	return i18n.Number(lang, v, dec)
}

// MaxCutValues bounds the values of one dimension a page embeds (the
// customers with the most volume, say), so that pages stay small whatever
// the number of customers.
const MaxCutValues = 150

// dimsByKPI lists, for each KPI of the page, the dimensions it can be cut
// by: the filters, and the dimensions of the blocks that draw it.
func (p Page) dimsByKPI() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, b := range p.Blocks {
		for _, k := range b.KPIs {
			if out[k] == nil {
				out[k] = map[string]bool{}
				for _, d := range FilterDims {
					out[k][d] = true
				}
			}
			for _, d := range b.By {
				out[k][d] = true
			}
		}
	}
	return out
}

func cutAllowed(cut string, dims map[string]bool, keep map[string]map[string]bool) bool {
	for _, kv := range splitCut(cut) {
		if !dims[kv[0]] {
			return false
		}
		if k := keep[kv[0]]; k != nil && !k[kv[1]] {
			return false
		}
	}
	return true
}

// keptValues picks, for each dimension with more than MaxCutValues values on
// the page, the values of most volume (the denominators, else the absolute
// values, of the first KPI of the page cut by that dimension alone).
func (ix *index) keptValues(p Page, allowed map[string]map[string]bool) map[string]map[string]bool {
	keep := map[string]map[string]bool{}
	for dim, vals := range ix.dimVals {
		if len(vals) <= MaxCutValues>>ix.shrink {
			continue
		}
		volume := map[string]float64{}
		for _, kpi := range p.kpis() {
			if !allowed[kpi][dim] {
				continue
			}
			for cut, s := range ix.series[kpi] {
				kv := splitCut(cut)
				if len(kv) != 1 || kv[0][0] != dim {
					continue
				}
				for i, v := range s.V {
					if s.D != nil && !math.IsNaN(float64(s.D[i])) {
						volume[kv[0][1]] += math.Abs(float64(s.D[i]))
					} else if !math.IsNaN(float64(v)) {
						volume[kv[0][1]] += math.Abs(float64(v))
					}
				}
			}
			if len(volume) > 0 {
				break
			}
		}
		names := make([]string, 0, len(vals))
		for v := range vals {
			names = append(names, v)
		}
		sort.Slice(names, func(i, j int) bool {
			if volume[names[i]] != volume[names[j]] {
				return volume[names[i]] > volume[names[j]]
			}
			return names[i] < names[j]
		})
		keep[dim] = map[string]bool{}
		for _, v := range names[:min(len(names), MaxCutValues>>ix.shrink)] {
			keep[dim][v] = true
		}
	}
	return keep
}

// compact rounds a series to what the page needs, and drops the values of a
// ratio that its numerators and denominators give back exactly.
func compact(s *seriesModel, info KPIInfo) *seriesModel {
	dec := *info.Decimals + 2
	if info.Unit == UnitRatio {
		dec += 2
	}
	out := &seriesModel{V: roundTo(s.V, dec)}
	if s.A != nil {
		a := roundTo(nums{*s.A}, dec)[0]
		out.A = &a
	}
	if s.N == nil {
		return out
	}
	out.N, out.D = roundTo(s.N, 2), roundTo(s.D, 2)
	if info.Aggregate != AggRatio {
		return out
	}
	for i, v := range s.V {
		n, d := float64(out.N[i]), float64(out.D[i])
		if math.IsNaN(float64(v)) != (math.IsNaN(n) || math.IsNaN(d) || d == 0) {
			return out
		}
		if d != 0 && !math.IsNaN(float64(v)) && math.Abs(info.Scale*n/d-float64(v)) > 1e-9*math.Max(1, math.Abs(float64(v))) {
			return out
		}
	}
	out.V = nil
	return out
}

// MaxPageLines bounds the distinct drill-down lines a page embeds (about
// 150 bytes each).
const MaxPageLines = 6000

// addDrill adds a sample's lines to the page's line table, once each, as far
// as the table has room; ok is false when not even its first line fits.
func (m *pageModel) addDrill(ix *index, lang string, dr *Drill, lineIdx map[string]int) (_ drillModel, ok bool) {
	rows := drillRows(ix, lang, dr)
	out := drillModel{Total: max(dr.Total, len(rows)), Rows: make([]int, 0, len(rows))}
	for _, r := range rows {
		key := strings.Join(r, "\x00")
		i, seen := lineIdx[key]
		if !seen {
			if len(m.Lines) >= MaxPageLines>>ix.shrink {
				break
			}
			i = len(m.Lines)
			lineIdx[key] = i
			m.Lines = append(m.Lines, r)
		}
		out.Rows = append(out.Rows, i)
	}
	return out, len(out.Rows) > 0
}

// volume is the weight of a cut: its denominators, else its absolute values.
func volume(s *seriesModel) float64 {
	if s == nil {
		return math.Inf(1) // the company total
	}
	v := 0.0
	for i, x := range s.V {
		if s.D != nil && !math.IsNaN(float64(s.D[i])) {
			v += math.Abs(float64(s.D[i]))
		} else if !math.IsNaN(float64(x)) {
			v += math.Abs(float64(x))
		}
	}
	return v
}

func drillRows(ix *index, lang string, dr *Drill) [][]string {
	cur := ix.data.Currency
	lines := dr.Lines
	if len(lines) > MaxDrillLines {
		lines = lines[:MaxDrillLines]
	}
	out := make([][]string, 0, len(lines))
	for _, l := range lines {
		customer := l.CustomerName
		if customer == "" {
			customer = ix.valueLabel(lang, "customer", l.CustomerID)
		}
		carrier := l.Carrier
		if l.TransportMode != "" {
			carrier = strings.TrimSpace(carrier + " · " + ix.valueLabel(lang, "transport_mode", l.TransportMode))
			carrier = strings.TrimPrefix(carrier, "· ")
		}
		order := l.OrderID
		if l.LineNo != "" {
			order += "/" + l.LineNo
		}
		daysLate := ""
		if l.DaysLate > 0 {
			daysLate = i18n.Number(lang, l.DaysLate, 0)
		}
		out = append(out, []string{
			l.Week, order, customer, l.Country, l.Site, l.SKU, carrier,
			i18n.Date(lang, l.DueDate), i18n.Date(lang, l.DeliveryDate),
			i18n.Number(lang, l.Qty, 0), i18n.Money(lang, l.Value, cur, 0), daysLate, l.Reason,
		})
	}
	return out
}

func (ix *index) controlModel(lang string, c *Control) controlModel {
	n := len(ix.data.Weeks)
	cm := controlModel{C: nans(n), U: nans(n), L: nans(n), S: [][2]any{}}
	for _, p := range c.Points {
		if pos, ok := ix.weekPos[p.Week]; ok {
			cm.C[pos], cm.U[pos], cm.L[pos] = num(p.Centre), num(p.Upper), num(p.Lower)
		}
	}
	for _, s := range c.Signals {
		if pos, ok := ix.weekPos[s.Week]; ok {
			cm.S = append(cm.S, [2]any{pos, i18n.T(lang, "rule."+s.Rule)})
		}
	}
	return cm
}
