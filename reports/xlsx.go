package reports

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/models"
)

// A workbook of tables: one sheet per table, a frozen header row, an autofilter, widths
// fitted to the content, numbers as numbers with their number format and dates as dates.
// ERP text is written as typed string cells, never as formulas: a customer named
// "=HYPERLINK(...)" stays that text.

// Cell formats of a workbook.
const (
	fmtText = iota
	fmtInt
	fmtDec1
	fmtDec2
	fmtPct
	fmtMoney
	fmtMoney2
	fmtDays
	fmtDate
	fmtPoints
	fmtHeader
	fmtBold
	nFormats
)

type book struct {
	f      *excelize.File
	lang   string
	styles [nFormats]int
	sheets int
}

// cell is a typed value with its format.
type cell struct {
	v   any // string, float64, int, time.Time or nil
	fmt int
}

func text(s string) cell             { return cell{s, fmtText} }
func bold(s string) cell             { return cell{s, fmtBold} }
func num(v float64, format int) cell { return cell{v, format} }
func date(t time.Time) cell {
	if t.IsZero() {
		return cell{nil, fmtDate}
	}
	return cell{t, fmtDate}
}

// kpiCell is a KPI value in the format of its unit.
func kpiCell(u models.Unit, v float64) cell {
	switch u {
	case models.UnitRatio:
		return num(v, fmtPct)
	case models.UnitPercent:
		return num(v, fmtDec2)
	case models.UnitDays:
		return num(v, fmtDays)
	case models.UnitCurrency:
		return num(v, fmtMoney)
	case models.UnitCurrencyPerKg:
		return num(v, fmtMoney2)
	}
	return num(v, fmtInt)
}

// deltaCell is a change: points for a ratio or a percent, else the unit's format.
func deltaCell(u models.Unit, d float64) cell {
	switch u {
	case models.UnitRatio:
		return num(d*100, fmtPoints)
	case models.UnitPercent:
		return num(d, fmtPoints)
	}
	return kpiCell(u, d)
}

func newBook(lang, currency string) (*book, error) {
	b := &book{f: excelize.NewFile(), lang: lang}
	sym := currencySymbol(currency)
	money := `"` + sym + `"#,##0;-"` + sym + `"#,##0`
	money2 := `"` + sym + `"#,##0.00;-"` + sym + `"#,##0.00`
	dateFmt := "d mmm yyyy"
	days := `0.0 "d"`
	points := `+0.0 "pts";-0.0 "pts";0.0 "pts"`
	if lang == i18n.FR {
		money = `#,##0 "` + sym + `";-#,##0 "` + sym + `"`
		money2 = `#,##0.00 "` + sym + `";-#,##0.00 "` + sym + `"`
		dateFmt = "dd/mm/yyyy"
		days = `0.0 "j"`
	}
	custom := map[int]string{
		fmtInt: "#,##0", fmtDec1: "#,##0.0", fmtDec2: "#,##0.00", fmtPct: "0.0%", fmtMoney: money, fmtMoney2: money2,
		fmtDays: days, fmtDate: dateFmt, fmtPoints: points,
	}
	for i := range nFormats {
		st := &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}}
		switch i {
		case fmtHeader:
			st.Font = &excelize.Font{Bold: true, Color: "FFFFFF"}
			st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"10243E"}}
			st.Alignment = &excelize.Alignment{Vertical: "center", WrapText: true}
		case fmtBold:
			st.Font = &excelize.Font{Bold: true}
		case fmtText:
			st.Alignment.WrapText = false
		default:
			f := custom[i]
			st.CustomNumFmt = &f
		}
		id, err := b.f.NewStyle(st)
		if err != nil {
			return nil, fmt.Errorf("cannot create the workbook's styles: %w", err)
		}
		b.styles[i] = id
	}
	return b, nil
}

func currencySymbol(cur string) string {
	switch strings.ToUpper(cur) {
	case "EUR", "":
		return "€"
	case "USD":
		return "$"
	case "GBP":
		return "£"
	case "JPY":
		return "¥"
	}
	return strings.ToUpper(cur) + " "
}

// table writes one sheet: a header row, then rows, frozen under the header with an
// autofilter over the whole table.
func (b *book) table(name string, header []string, rows [][]cell) error {
	name = sheetName(name)
	if b.sheets == 0 {
		if err := b.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else if _, err := b.f.NewSheet(name); err != nil {
		return fmt.Errorf("cannot add sheet %s: %w", name, err)
	}
	b.sheets++
	// The filter goes on the sheet before the stream writer copies its settings.
	last, _ := excelize.CoordinatesToCellName(len(header), max(len(rows)+1, 2))
	if err := b.f.AutoFilter(name, "A1:"+last, nil); err != nil {
		return fmt.Errorf("cannot set the filter of sheet %s: %w", name, err)
	}
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	// widths from the content, within reason
	widths := make([]float64, len(header))
	for i, h := range header {
		widths[i] = math.Min(float64(utf8.RuneCountInString(h))+2, 28)
	}
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				break
			}
			w := 12.0
			switch v := c.v.(type) {
			case string:
				w = float64(utf8.RuneCountInString(v)) + 2
			case nil:
				w = 4
			}
			if c.fmt == fmtDate {
				w = 12
			}
			widths[i] = math.Max(widths[i], math.Min(w, 60))
		}
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, math.Max(w, 8)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = excelize.Cell{StyleID: b.styles[fmtHeader], Value: h}
	}
	if err := sw.SetRow("A1", hdr, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	for n, r := range rows {
		vals := make([]any, len(r))
		for i, c := range r {
			v := c.v
			if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
				v = nil // an undefined figure is an empty cell, not an error value
			}
			vals[i] = excelize.Cell{StyleID: b.styles[c.fmt], Value: v}
		}
		ref, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(ref, vals); err != nil {
			return fmt.Errorf("cannot write row %d of sheet %s: %w", n+2, name, err)
		}
	}
	return sw.Flush()
}

// sheetName keeps a name within Excel's rules: 31 characters, none of []:*?/\.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	return s
}

func (b *book) write(out io.Writer) error {
	// the first sheet is the active one already; SetActiveSheet would re-read every
	// streamed sheet
	if _, err := b.f.WriteTo(out); err != nil {
		return fmt.Errorf("cannot write the workbook: %w", err)
	}
	return b.f.Close()
}

// T is a label of the workbook's language.
func (b *book) T(key string, args ...any) string { return i18n.T(b.lang, key, args...) }

// WriteXLSX writes the weekly report as a workbook: a summary sheet, then one sheet per
// section with the rows behind it, and the KPI figures themselves (KPI data).
func (w *Weekly) WriteXLSX(out io.Writer) error {
	b, err := newBook(w.Lang, w.Currency)
	if err != nil {
		return err
	}
	steps := []func(*book) error{w.xlsxSummary, w.xlsxBrief, w.xlsxCuts, w.xlsxDelays, w.xlsxStock, w.xlsxClaims,
		w.xlsxSignals, w.xlsxAnomalies, w.xlsxActions, w.xlsxData}
	for _, step := range steps {
		if err := step(b); err != nil {
			return err
		}
	}
	return b.write(out)
}

func (w *Weekly) xlsxSummary(b *book) error {
	header := []string{b.T("report.col.kpi"), b.T("report.col.code"), b.T("report.col.week"), b.T("report.col.this_week"),
		b.T("report.col.last_week"), b.T("report.col.change"), b.T("report.col.avg4"), b.T("report.col.target"),
		b.T("report.col.status"), b.T("report.at_asof")}
	var rows [][]cell
	seen := map[string]bool{}
	for _, group := range [][]KPIRow{w.Headline, w.Delays, w.Stock, w.ClaimRows} {
		for _, r := range group {
			if seen[r.KPI] {
				continue
			}
			seen[r.KPI] = true
			row := []cell{bold(w.KPILabel(r.KPI)), text(r.KPI), text(w.Week), kpiCell(r.Unit, r.This)}
			if r.Snapshot {
				row = append(row, cell{}, cell{}, cell{})
			} else {
				row = append(row, kpiCell(r.Unit, r.Last), deltaCell(r.Unit, r.Change()), kpiCell(r.Unit, r.Avg4))
			}
			status := ""
			if r.Status != "none" {
				status = i18n.T(w.Lang, "status."+r.Status)
			}
			flag := ""
			if r.Snapshot {
				flag = i18n.Date(w.Lang, w.AsOf)
			}
			row = append(row, kpiCell(r.Unit, r.Target), text(status), text(flag))
			rows = append(rows, row)
		}
	}
	return b.table(b.T("report.sheet.summary"), header, rows)
}

func (w *Weekly) xlsxBrief(b *book) error {
	var rows [][]cell
	if note := w.ScopeNote(); note != "" {
		rows = append(rows, []cell{text(note)})
	}
	for _, s := range w.Commentary {
		rows = append(rows, []cell{text(s)})
	}
	return b.table(b.T("report.sheet.brief"), []string{b.T("report.brief")}, rows)
}

func (w *Weekly) xlsxCuts(b *book) error {
	header := []string{b.T("report.col.kpi"), b.T("report.col.dimension"), b.T("report.col.dim_value"), b.T("report.col.label"),
		b.T("report.col.lines_due"), b.T("report.col.this_week"), b.T("report.col.last_week"), b.T("report.col.change")}
	var rows [][]cell
	add := func(t CutTable, extra []string) {
		k, _ := models.LookupKPI(t.KPI)
		for _, r := range t.Rows {
			rows = append(rows, []cell{text(w.KPILabel(t.KPI)), text(i18n.T(w.Lang, "dim."+t.Dim)), text(r.Value), text(r.Label),
				num(r.Volume, fmtInt), kpiCell(k.Unit, r.This), kpiCell(k.Unit, r.Last), deltaCell(k.Unit, r.This-r.Last)})
		}
		for _, e := range extra {
			ek, _ := models.LookupKPI(e)
			for _, r := range t.Rows {
				rows = append(rows, []cell{text(w.KPILabel(e)), text(i18n.T(w.Lang, "dim."+t.Dim)), text(r.Value), text(r.Label),
					cell{}, kpiCell(ek.Unit, r.Extra[e]), cell{}, cell{}})
			}
		}
	}
	for _, t := range w.Service {
		add(t, []string{"on_time_line", "in_full_line"})
	}
	for _, t := range w.StockBySite {
		add(t, []string{"share_under_coverage_target", "share_over_overstock"})
	}
	return b.table(b.T("report.sheet.service"), header, rows)
}

func (w *Weekly) xlsxDelays(b *book) error {
	header := []string{b.T("report.col.dimension"), b.T("report.col.dim_value"), b.T("report.col.label"),
		b.T("report.col.lines"), b.T("report.col.value"), b.T("report.col.share")}
	var rows [][]cell
	total := 0.0
	for _, a := range w.BacklogAging {
		total += a.Value
	}
	for _, a := range w.BacklogAging {
		share := math.NaN()
		if total > 0 {
			share = a.Value / total
		}
		rows = append(rows, []cell{text(b.T("report.col.past_due")), text(strings.TrimPrefix(a.Key, "report.aging.")),
			text(b.T(a.Key)), num(a.Lines, fmtInt), num(a.Value, fmtMoney), num(share, fmtPct)})
	}
	for _, c := range w.BacklogBy {
		rows = append(rows, []cell{text(i18n.T(w.Lang, "dim.customer")), text(c.Value), text(c.Label),
			num(c.Lines, fmtInt), num(c.Amount, fmtMoney), num(c.Share, fmtPct)})
	}
	return b.table(b.T("report.sheet.delays"), header, rows)
}

func (w *Weekly) xlsxStock(b *book) error {
	header := []string{b.T("report.col.site"), b.T("report.col.sku"), b.T("report.col.available"), b.T("report.col.stockout"),
		b.T("kpi.lines_at_risk"), b.T("kpi.stock_value_at_risk"), b.T("report.col.incoming"), b.T("report.col.due")}
	var rows [][]cell
	for _, s := range w.StockRisks {
		rows = append(rows, []cell{text(s.Site), text(s.SKU), num(s.Available, fmtInt), date(s.StockoutDate),
			num(s.LinesAtRisk, fmtInt), num(s.ValueAtRisk, fmtMoney), num(s.IncomingQty, fmtInt), date(s.IncomingDate)})
	}
	return b.table(b.T("report.sheet.stock"), header, rows)
}

func (w *Weekly) xlsxClaims(b *book) error {
	header := []string{b.T("report.col.dimension"), b.T("report.col.dim_value"), b.T("report.col.label"), b.T("report.col.count"),
		b.T("report.col.share"), b.T("report.col.cumulative"), b.T("report.col.cost"), b.T("report.col.week")}
	var rows [][]cell
	for _, p := range w.Pareto {
		period := p.From + " – " + w.Week
		for _, r := range p.Rows {
			rows = append(rows, []cell{text(i18n.T(w.Lang, "dim."+p.Dim)), text(r.Value), text(w.facts.Label(w.Lang, p.Dim, r.Value)),
				num(r.Count, fmtInt), num(r.Share, fmtPct), num(r.CumShare, fmtPct), num(r.Cost, fmtMoney), text(period)})
		}
	}
	return b.table(b.T("report.sheet.claims"), header, rows)
}

func (w *Weekly) xlsxSignals(b *book) error {
	header := []string{b.T("report.col.kpi"), b.T("report.col.cut"), b.T("report.col.rule"), b.T("report.col.this_week"),
		b.T("report.col.centre"), "LCL", "UCL", "z", "n", b.T("report.col.since"), b.T("report.col.alert"), b.T("report.col.severity")}
	var rows [][]cell
	for _, s := range w.Signals {
		k, _ := models.LookupKPI(s.KPI)
		alert := ""
		if s.Alert {
			alert = b.T("report.alert")
		}
		rows = append(rows, []cell{text(w.KPILabel(s.KPI)), text(w.CutLabel(s.Dim, s.DimValue)),
			text(b.T("rule." + ruleNames[max(1, min(s.Rule, 4))])), kpiCell(k.Unit, s.Value), kpiCell(k.Unit, s.Centre),
			kpiCell(k.Unit, s.LCL), kpiCell(k.Unit, s.UCL), num(s.Z, fmtDec2), num(s.N, fmtInt), date(s.Since),
			text(alert), text(i18n.T(w.Lang, "severity."+s.Severity))})
	}
	return b.table(b.T("report.sheet.signals"), header, rows)
}

func (w *Weekly) xlsxAnomalies(b *book) error {
	header, rows := anomalyRows(b, w.Anomalies, nil, w.CustomerName)
	return b.table(b.T("report.sheet.anomalies"), header, rows)
}

func (w *Weekly) xlsxActions(b *book) error {
	header := []string{b.T("report.col.id"), b.T("report.col.subject"), b.T("report.col.scope"), b.T("report.col.cause"),
		b.T("report.col.action"), b.T("report.col.owner"), b.T("report.col.due"), b.T("report.col.status"),
		b.T("report.col.created"), b.T("report.col.done_on")}
	var rows [][]cell
	for _, a := range w.Actions {
		st := a.StatusAt(w.AsOf)
		rows = append(rows, []cell{num(float64(a.ID), fmtInt), text(a.About(w.Lang)), text(a.Scope), text(a.Cause),
			text(a.Action), text(a.Owner), date(a.Due), text(i18n.T(w.Lang, "action."+st)), date(a.Created), date(a.DoneOn)})
	}
	return b.table(b.T("report.sheet.actions"), header, rows)
}

// xlsxData lists the KPI figures the report is made of, as the models computed them:
// the company's weeks of the trend, and each cut of the report's week and the one before.
func (w *Weekly) xlsxData(b *book) error {
	f := w.facts
	header := []string{b.T("report.col.code"), b.T("report.col.kpi"), b.T("report.col.week"), b.T("report.col.week_start"),
		b.T("report.col.dimension"), b.T("report.col.dim_value"), b.T("report.col.label"), b.T("report.col.value"),
		b.T("report.col.numerator"), b.T("report.col.denominator"), b.T("report.col.unit")}
	first := w.Weeks[0]
	prev := isoWeekBefore(w.Week, 1)
	var rows [][]cell
	for _, v := range f.Values {
		if v.Week > w.Week || v.Week < first {
			continue
		}
		if len(v.Dims) > 0 && v.Week != w.Week && v.Week != prev {
			continue
		}
		monday, _ := models.ParseWeek(v.Week)
		dim, val, label := "", "", ""
		for d, x := range v.Dims { // one dimension per cut here; crossings are joined
			dim = joinNonEmpty(" × ", dim, d)
			val = joinNonEmpty(" × ", val, x)
			label = joinNonEmpty(" × ", label, f.Label(w.Lang, d, x))
		}
		numr, den := math.NaN(), math.NaN()
		if v.Numerator != nil {
			numr, den = *v.Numerator, *v.Denominator
		}
		rows = append(rows, []cell{text(v.KPI), text(w.KPILabel(v.KPI)), text(v.Week), date(monday), text(dim), text(val), text(label),
			kpiCell(v.Unit, value(&v)), num(numr, fmtDec2), num(den, fmtDec2), text(string(v.Unit))})
	}
	return b.table(b.T("report.sheet.data"), header, rows)
}

// anomalyRows are the rows of a worklist sheet; owner (may be nil) names who acts on a code.
func anomalyRows(b *book, list []anomaliesAnomaly, owner func(code string) string, customer func(string) string) ([]string, [][]cell) {
	header := []string{b.T("report.col.rank")}
	if owner != nil {
		header = append(header, b.T("report.col.owner"))
	}
	header = append(header, b.T("report.col.anomaly"), b.T("report.col.code"), b.T("report.col.severity"), b.T("report.col.status"),
		b.T("report.col.state"), b.T("report.col.age"), b.T("report.col.item"), b.T("report.col.id"), b.T("report.col.order"), b.T("report.col.line"), b.T("report.col.shipment"), b.T("report.col.invoice"),
		b.T("report.col.claim"), b.T("report.col.sku"), b.T("report.col.site"), b.T("report.col.customer_id"), b.T("report.col.customer"),
		b.T("report.col.detected"), b.T("report.col.since"), b.T("report.col.days"), b.T("report.col.at_stake"),
		b.T("report.col.priority"), b.T("report.col.message"), b.T("report.col.remedy"))
	rows := make([][]cell, 0, len(list))
	for i, a := range list {
		r := []cell{num(float64(i+1), fmtInt)}
		if owner != nil {
			r = append(r, text(owner(a.Code)))
		}
		days, stake := math.NaN(), math.NaN()
		if a.Days != nil {
			days = float64(*a.Days)
		}
		if a.ValueAtStake != nil {
			stake = *a.ValueAtStake
		}
		name := ""
		if a.CustomerID != "" {
			name = customer(a.CustomerID)
		}
		r = append(r, text(b.T("anomaly."+a.Code)), text(a.Code), text(b.T("severity."+a.Severity)),
			text(b.T("anomaly_status."+a.Status)), text(stateText(b, a.State)), num(float64(a.AgeDays), fmtInt), text(a.Item), text(a.ID), text(a.OrderID), text(a.LineNo), text(a.ShipmentID),
			text(a.InvoiceID), text(a.ClaimID), text(a.SKU), text(a.Site), text(a.CustomerID), text(name),
			date(isoDate(a.DetectedOn)), date(isoDate(a.Since)), num(days, fmtInt), num(stake, fmtMoney),
			num(a.Priority, fmtInt), text(a.Message), text(a.Remedy))
		rows = append(rows, r)
	}
	return header, rows
}

func stateText(b *book, state string) string {
	if state == "" {
		return ""
	}
	return b.T("state." + state)
}

func isoDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// WriteXLSX writes the anomaly report as a workbook: who acts on what, then the whole
// ranked worklist.
func (r *AnomalyReport) WriteXLSX(out io.Writer) error {
	b, err := newBook(r.Lang, r.Currency)
	if err != nil {
		return err
	}
	header := []string{b.T("report.col.owner"), b.T("report.col.anomaly"), b.T("report.col.code"), b.T("report.col.open"),
		b.T("report.col.high"), b.T("report.col.at_stake")}
	var rows [][]cell
	for _, g := range r.Groups {
		for _, c := range g.Codes {
			rows = append(rows, []cell{text(g.Owner), text(b.T("anomaly." + c.Code)), text(c.Code), num(float64(c.Count), fmtInt),
				num(float64(c.High), fmtInt), num(c.Stake, fmtMoney)})
		}
	}
	if err := b.table(b.T("report.sheet.summary"), header, rows); err != nil {
		return err
	}
	header, rows = anomalyRows(b, r.List, r.Owner, r.CustomerName)
	if err := b.table(b.T("report.sheet.worklist"), header, rows); err != nil {
		return err
	}
	header, rows = anomalyRows(b, r.Stale, r.Owner, r.CustomerName)
	if err := b.table(b.T("report.sheet.stale"), header, rows); err != nil {
		return err
	}
	return b.write(out)
}
