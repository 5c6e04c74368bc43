package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/orderflow/orderflow/actions"
	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/models"
)

// The HTML views: every figure formatted in the report's language, every label from
// i18n, every ERP text left as text for html/template to escape.

type weeklyView struct {
	Lang, Title, Subtitle, Company, AsOf, Generated string
	Scope                                           string // the portfolio of a filtered report, and what it leaves out
	T                                               map[string]string
	Tiles                                           []Tile
	Commentary                                      []string
	Headline                                        []rowView
	HasSnapshot                                     bool
	FXNotes                                         []string // the money's currency and what no rate converted
	Service                                         []cutView
	Delays                                          []rowView
	Aging                                           []barView
	BacklogBy                                       []shareView
	Stock                                           []rowView
	StockBy                                         []cutView
	StockRisks                                      []stockView
	Claims                                          []rowView
	Pareto                                          []paretoView
	Signals                                         []signalRow
	SignalsNote                                     string
	AnomaliesBuilt                                  bool
	Anomalies                                       []anomalyView
	Actions                                         []actionRow
	Footer                                          string
}

type rowView struct {
	Label, Help, This, Last, Delta, Avg4, Target, Status, StatusText, DeltaClass string
	Snapshot                                                                     bool
	Spark                                                                        sparkView
}

type sparkView struct {
	Line, Target string // SVG polyline points
	X, Y         string // last point
	Status       string
	Title        string
}

type cutView struct {
	Title string
	Cols  []string
	Rows  []cutRowView
}

type cutRowView struct {
	Label, Volume, This, Delta, DeltaClass, Status string
	Extra                                          []string
}

type barView struct {
	Label, Value, Lines string
	Width               int // per cent of the largest
}

type shareView struct {
	Label, Amount, Lines, Share string
	Width                       int
}

type stockView struct {
	Site, SKU, Available, Stockout, Lines, Value, Incoming string
}

type paretoView struct {
	Title string
	Rows  []paretoRowView
}

type paretoRowView struct {
	Label, Count, Cost, Share, Cum string
	Width                          int
	Vital                          bool // within the first 80%
}

type signalRow struct {
	KPI, Cut, Rule, Value, Centre, Limits, Since, Severity, AlertText string
	Alert, Worse                                                      bool
}

type anomalyView struct {
	Rank, Severity, SeverityText, Code, Ref, Customer, Value, Days, Message, Remedy, Status, ID string
	State, StateText, Age                                                                       string
	Head                                                                                        string // a customer group's head row
}

type actionRow struct {
	ID, Subject, Cause, Action, Owner, Due, Status, StatusText string
}

// maxSignals bounds the alerts the HTML lists; the XLSX has every signal.
const maxSignals = 15

// keys the weekly template reads from i18n (T in the template).
var weeklyKeys = []string{
	"report.weekly.title", "report.brief", "report.headline", "report.col.kpi", "report.col.this_week",
	"report.col.last_week", "report.col.change", "report.col.avg4", "report.col.target", "report.col.trend",
	"report.col.status", "report.snapshot_note", "report.service", "report.service.note", "report.delays", "report.aging",
	"report.backlog_by_customer", "report.col.value", "report.col.lines", "report.col.share", "report.stock",
	"report.stock_risks", "report.col.site", "report.col.sku", "report.col.available", "report.col.stockout",
	"report.col.incoming", "report.claims", "report.pareto.note", "report.col.count", "report.col.cost",
	"report.col.cumulative", "report.signals", "report.signals.none", "report.col.cut", "report.col.rule",
	"report.col.centre", "report.col.limits", "report.col.since", "report.anomalies", "report.anomalies.none",
	"report.anomalies.not_built", "report.col.rank", "report.col.severity", "report.col.anomaly", "report.col.ref",
	"report.col.customer", "report.col.at_stake", "report.col.days", "report.col.message", "report.col.remedy",
	"report.actions", "report.actions.none", "report.col.subject", "report.col.cause", "report.col.action",
	"report.col.owner", "report.col.due", "report.col.id", "report.at_asof", "report.col.alert",
	"report.no_data",
}

func texts(lang string, keys []string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		out[strings.ReplaceAll(strings.TrimPrefix(k, "report."), ".", "_")] = i18n.T(lang, k)
	}
	return out
}

func (w *Weekly) view() weeklyView {
	l := w.Lang
	v := weeklyView{
		Lang:      l,
		Title:     i18n.T(l, "report.weekly.title"),
		Company:   w.Company,
		Subtitle:  i18n.T(l, "report.weekly.subtitle", weekTitle(l, w.Week), i18n.Date(l, w.Monday), i18n.Date(l, w.Sunday)),
		AsOf:      i18n.T(l, "app.as_of", i18n.Date(l, w.AsOf)),
		Generated: i18n.T(l, "app.generated", i18n.Date(l, w.Generated)),
		T:         texts(l, weeklyKeys),
		Tiles:     w.Tiles, Commentary: w.Commentary, AnomaliesBuilt: w.AnomaliesBuilt,
		Footer:  i18n.T(l, "report.footer"),
		Scope:   w.ScopeNote(),
		FXNotes: w.FX.Notes(l),
	}
	for _, r := range w.Headline {
		rv := w.rowView(r)
		v.HasSnapshot = v.HasSnapshot || r.Snapshot
		v.Headline = append(v.Headline, rv)
	}
	for _, r := range w.Delays {
		v.Delays = append(v.Delays, w.rowView(r))
	}
	for _, r := range w.Stock {
		v.Stock = append(v.Stock, w.rowView(r))
	}
	for _, r := range w.ClaimRows {
		v.Claims = append(v.Claims, w.rowView(r))
	}
	for _, t := range w.Service {
		v.Service = append(v.Service, w.cutView(t, []string{"on_time_line", "in_full_line"}, "report.col.lines"))
	}
	for _, t := range w.StockBySite {
		v.StockBy = append(v.StockBy, w.cutView(t, []string{"share_under_coverage_target", "share_over_overstock"}, ""))
	}
	maxAging := 0.0
	for _, b := range w.BacklogAging {
		maxAging = math.Max(maxAging, b.Value)
	}
	for _, b := range w.BacklogAging {
		v.Aging = append(v.Aging, barView{Label: i18n.T(l, b.Key), Value: i18n.Money(l, b.Value, w.Currency, 0),
			Lines: i18n.Number(l, b.Lines, 0), Width: pct(b.Value, maxAging)})
	}
	maxShare := 0.0
	for _, s := range w.BacklogBy {
		maxShare = math.Max(maxShare, s.Amount)
	}
	for _, s := range w.BacklogBy {
		v.BacklogBy = append(v.BacklogBy, shareView{Label: s.Label, Amount: i18n.Money(l, s.Amount, w.Currency, 0),
			Lines: i18n.Number(l, s.Lines, 0), Share: i18n.Percent(l, s.Share, 1), Width: pct(s.Amount, maxShare)})
	}
	for _, s := range w.StockRisks {
		inc := ""
		if s.IncomingQty > 0 {
			inc = i18n.Number(l, s.IncomingQty, 0) + " · " + i18n.Date(l, s.IncomingDate)
		}
		v.StockRisks = append(v.StockRisks, stockView{Site: s.Site, SKU: s.SKU, Available: i18n.Number(l, s.Available, 0),
			Stockout: i18n.Date(l, s.StockoutDate), Lines: i18n.Number(l, s.LinesAtRisk, 0),
			Value: i18n.Money(l, s.ValueAtRisk, w.Currency, 0), Incoming: inc})
	}
	for _, p := range w.Pareto {
		pv := paretoView{Title: i18n.T(l, "report.pareto_by", i18n.T(l, "dim."+p.Dim))}
		top := 0.0
		for _, r := range p.Rows {
			top = math.Max(top, r.Count)
		}
		prev := 0.0
		for i, r := range p.Rows {
			if i == 8 {
				break
			}
			pv.Rows = append(pv.Rows, paretoRowView{Label: w.facts.Label(l, p.Dim, r.Value), Count: i18n.Number(l, r.Count, 0),
				Cost: i18n.Money(l, r.Cost, w.Currency, 0), Share: i18n.Percent(l, r.Share, 1), Cum: i18n.Percent(l, r.CumShare, 0),
				Width: pct(r.Count, top), Vital: prev < 0.8})
			prev = r.CumShare
		}
		v.Pareto = append(v.Pareto, pv)
	}
	others := 0
	for _, s := range w.Signals {
		if !s.Alert || len(v.Signals) == maxSignals {
			others++
			continue
		}
		k, _ := models.LookupKPI(s.KPI)
		u := k.Unit
		since := ""
		if !s.Since.IsZero() {
			since = weekShort(l, models.FormatWeek(s.Since))
		}
		v.Signals = append(v.Signals, signalRow{
			KPI: w.KPILabel(s.KPI), Cut: w.CutLabel(s.Dim, s.DimValue), Rule: i18n.T(l, "rule."+ruleNames[max(1, min(s.Rule, 4))]),
			Value: fmtValue(l, u, s.Value, w.Currency), Centre: fmtValue(l, u, s.Centre, w.Currency),
			Limits: fmtValue(l, u, s.LCL, w.Currency) + " – " + fmtValue(l, u, s.UCL, w.Currency),
			Since:  since, Severity: s.Severity, Alert: s.Alert, Worse: s.Worse, AlertText: i18n.T(l, "report.alert"),
		})
	}
	if others > 0 {
		if len(v.Signals) == 0 {
			v.SignalsNote = i18n.T(l, "report.signals.only_minor", others)
		} else {
			v.SignalsNote = i18n.T(l, "report.signals.more", others)
		}
	}
	for i, a := range w.Anomalies {
		v.Anomalies = append(v.Anomalies, w.anomalyView(i+1, a))
	}
	for _, a := range w.Actions {
		v.Actions = append(v.Actions, actionView(l, a, w.AsOf))
	}
	return v
}

func pct(v, max float64) int {
	if max <= 0 || math.IsNaN(v) {
		return 0
	}
	return int(math.Round(100 * v / max))
}

func (w *Weekly) rowView(r KPIRow) rowView {
	l, cur := w.Lang, w.Currency
	rv := rowView{
		Label: w.KPILabel(r.KPI), Help: kpiHelp(l, r),
		This: fmtValue(l, r.Unit, r.This, cur), Target: "", Status: r.Status,
		StatusText: i18n.T(l, "status."+r.Status), Snapshot: r.Snapshot,
	}
	if !math.IsNaN(r.Target) {
		rv.Target = fmtValue(l, r.Unit, r.Target, cur)
	}
	if r.Snapshot {
		rv.Last, rv.Delta, rv.Avg4 = i18n.Empty, "", i18n.Empty
	} else {
		rv.Last = fmtValue(l, r.Unit, r.Last, cur)
		rv.Avg4 = fmtValue(l, r.Unit, r.Avg4, cur)
		rv.Delta = fmtDelta(l, r.Unit, r.Change(), cur)
		rv.DeltaClass = map[int]string{1: "good", -1: "bad", 0: "flat"}[r.Better]
		rv.Spark = w.spark(r)
	}
	if r.Status == "none" {
		rv.StatusText = ""
	}
	return rv
}

// kpiHelp says what a row's figure is; a snapshot row says it is today's state.
func kpiHelp(l string, r KPIRow) string {
	if r.Snapshot && i18n.Has(l, "report.help."+r.KPI) {
		return i18n.T(l, "report.help."+r.KPI)
	}
	return i18n.T(l, "kpi."+r.KPI+".help")
}

// spark draws the trend as SVG points in a 120 x 28 box, with the target as a line.
func (w *Weekly) spark(r KPIRow) sparkView {
	const width, height, pad = 120.0, 28.0, 3.0
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range r.Trend {
		if !math.IsNaN(x) {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	if math.IsInf(lo, 0) {
		return sparkView{}
	}
	if !math.IsNaN(r.Target) && r.Target >= lo-(hi-lo) && r.Target <= hi+(hi-lo) {
		lo, hi = math.Min(lo, r.Target), math.Max(hi, r.Target)
	}
	if hi == lo {
		hi, lo = hi+1, lo-1
	}
	n := len(r.Trend)
	x := func(i int) float64 {
		if n == 1 {
			return width / 2
		}
		return pad + float64(i)*(width-2*pad)/float64(n-1)
	}
	y := func(v float64) float64 { return pad + (hi-v)*(height-2*pad)/(hi-lo) }
	var pts []string
	for i, v := range r.Trend {
		if !math.IsNaN(v) {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
		}
	}
	s := sparkView{Line: strings.Join(pts, " "), Status: r.Status,
		Title: i18n.T(w.Lang, "report.trend_title", len(r.Trend))}
	if !math.IsNaN(r.Target) && r.Target >= lo && r.Target <= hi {
		ty := y(r.Target)
		s.Target = fmt.Sprintf("%.1f,%.1f %.1f,%.1f", pad, ty, width-pad, ty)
	}
	if last := r.Trend[n-1]; !math.IsNaN(last) {
		s.X, s.Y = fmt.Sprintf("%.1f", x(n-1)), fmt.Sprintf("%.1f", y(last))
	}
	return s
}

func (w *Weekly) cutView(t CutTable, extra []string, volumeKey string) cutView {
	l, cur := w.Lang, w.Currency
	cv := cutView{Title: i18n.T(l, "report.by", w.KPILabel(t.KPI), i18n.T(l, "dim."+t.Dim))}
	cv.Cols = []string{i18n.T(l, "dim."+t.Dim)}
	if volumeKey != "" {
		cv.Cols = append(cv.Cols, i18n.T(l, volumeKey))
	}
	change := i18n.T(l, "report.col.change")
	if t.Unit == models.UnitRatio || t.Unit == models.UnitPercent {
		change += " (" + i18n.T(l, "unit.points") + ")"
	} else if t.Unit == models.UnitDays {
		change += " (" + i18n.T(l, "unit.days_short") + ")"
	}
	cv.Cols = append(cv.Cols, shortLabel(l, t.KPI), change)
	for _, e := range extra {
		cv.Cols = append(cv.Cols, shortLabel(l, e))
	}
	k, _ := models.LookupKPI(t.KPI)
	for _, r := range t.Rows {
		rv := cutRowView{Label: r.Label, This: fmtValue(l, t.Unit, r.This, cur), Status: r.Status}
		if volumeKey != "" {
			rv.Volume = i18n.Number(l, r.Volume, 0)
		}
		if !math.IsNaN(r.Last) {
			rv.Delta = fmtSigned(l, t.Unit, r.This-r.Last)
			rv.DeltaClass = map[int]string{1: "good", -1: "bad", 0: "flat"}[better(r.This-r.Last, k.Direction)]
		}
		for _, e := range extra {
			ek, _ := models.LookupKPI(e)
			rv.Extra = append(rv.Extra, fmtValue(l, ek.Unit, r.Extra[e], cur))
		}
		cv.Rows = append(cv.Rows, rv)
	}
	return cv
}

// shortLabels name a KPI in a narrow column.
var shortLabels = map[string]string{
	"otif_line": "report.col.otif", "on_time_line": "report.col.on_time", "in_full_line": "report.col.in_full",
	"share_under_coverage_target": "report.col.under_target", "share_over_overstock": "report.col.overstock",
}

func shortLabel(lang, kpi string) string {
	if k, ok := shortLabels[kpi]; ok {
		return i18n.T(lang, k)
	}
	return i18n.T(lang, "kpi."+kpi)
}

func (w *Weekly) anomalyView(rank int, a anomaliesAnomaly) anomalyView {
	return anomalyViewOf(w.Lang, rank, a, w.CustomerName, w.Currency)
}

// refOf names what an anomaly is about: order/line · shipment · invoice · claim, or
// its SKU; withLine false leaves the line out (an item of several lines).
func refOf(a anomaliesAnomaly, withLine bool) string {
	ref := a.OrderID
	if a.LineNo != "" && withLine {
		ref += "/" + a.LineNo
	}
	for _, extra := range []string{a.ShipmentID, a.InvoiceID, a.ClaimID} {
		if extra != "" {
			ref = joinNonEmpty(" · ", ref, extra)
		}
	}
	if ref == "" {
		ref = a.SKU
	}
	return ref
}

// currencyOf is the currency of an anomaly's value at stake: the reporting currency it
// was converted to, else the report's.
func currencyOf(a anomaliesAnomaly, currency string) string {
	if a.ReportingCurrency != "" {
		return a.ReportingCurrency
	}
	return currency
}

// stakeText writes an anomaly's value at stake in the reporting currency, followed by
// the document's amount where its currency differs ("€3,690 (USD 4,000)"); an amount no
// rate could convert reads in its own currency with "no exchange rate", and counts in
// no total.
func stakeText(l string, a anomaliesAnomaly, currency string) string {
	if a.FXMissing && a.ValueAtStakeDoc != nil {
		return i18n.Money(l, *a.ValueAtStakeDoc, a.Currency, 0) + " (" + i18n.T(l, "report.fx.no_rate") + ")"
	}
	if a.ValueAtStake == nil {
		return ""
	}
	cur := currencyOf(a, currency)
	s := i18n.Money(l, *a.ValueAtStake, cur, 0)
	if a.Currency != "" && a.Currency != cur && a.ValueAtStakeDoc != nil {
		s += " (" + i18n.Money(l, *a.ValueAtStakeDoc, a.Currency, 0) + ")"
	}
	return s
}

func anomalyViewOf(l string, rank int, a anomaliesAnomaly, customer func(string) string, currency string) anomalyView {
	ref := refOf(a, true)
	cur := currencyOf(a, currency)
	v := anomalyView{
		Rank: i18n.Number(l, float64(rank), 0), Severity: a.Severity, SeverityText: i18n.T(l, "severity."+a.Severity),
		Code: i18n.T(l, "anomaly."+a.Code), Ref: ref, Message: a.Message, Remedy: a.Remedy, ID: a.ID,
		Status: i18n.T(l, "anomaly_status."+a.Status),
	}
	if a.CustomerID != "" {
		v.Customer = customer(a.CustomerID)
	}
	if a.State != "" {
		v.State, v.StateText = a.State, i18n.T(l, "state."+a.State)
		v.Age = i18n.Number(l, float64(a.AgeDays), 0)
	}
	v.Value = stakeText(l, a, cur)
	if a.Days != nil {
		v.Days = i18n.Number(l, float64(*a.Days), 0)
	}
	return v
}

func actionView(l string, a actions.Action, asOf time.Time) actionRow {
	st := a.StatusAt(asOf)
	return actionRow{
		ID: strconv.FormatInt(a.ID, 10), Subject: a.Subject(l), Cause: a.Cause, Action: a.Action, Owner: a.Owner,
		Due: i18n.Date(l, a.Due), Status: st, StatusText: i18n.T(l, "action."+st),
	}
}

type anomaliesAnomaly = anomalies.Anomaly
