package schedule

// STAND-IN until package reports renders the weekly report for a portfolio: a plain
// table of the week's KPIs (HTML, XLSX, PDF) from models.Query with the portfolio's
// filters. Replace StandInReporter by the reports package's renderer in Options.Reporter
// (cmd/orderflow/cmd_serve.go) once it takes a portfolio.

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/server/portfolio"
)

// StandInReporter is a minimal weekly report: the KPIs of the week and of the week
// before, with their targets, for the portfolio.
type StandInReporter struct{}

type standInRow struct {
	KPI, Label, Unit       string
	Value, Previous        *float64
	Numerator, Denominator *float64
	Target                 *float64
	Shown, PrevShown       string
	TargetShown            string
}

// Weekly implements Reporter.
func (StandInReporter) Weekly(ctx context.Context, db *sql.DB, cfg config.Config, asOf time.Time, p portfolio.Portfolio, lang string) (WeeklyReport, error) {
	week := models.LastCompleteWeek(asOf)
	monday, err := models.ParseWeek(week)
	if err != nil {
		return WeeklyReport{}, err
	}
	prev := models.FormatWeek(monday.AddDate(0, 0, -7))
	vals, err := models.Query(ctx, db, models.KPIQuery{From: prev, To: week, Filters: p.Filters()})
	if err != nil {
		return WeeklyReport{}, err
	}
	byKPI := map[string]map[string]models.KPIValue{}
	for _, v := range vals {
		if byKPI[v.KPI] == nil {
			byKPI[v.KPI] = map[string]models.KPIValue{}
		}
		byKPI[v.KPI][v.Week] = v
	}
	var rows []standInRow
	for _, k := range models.Registry() {
		weeks, ok := byKPI[k.Name]
		if !ok {
			continue
		}
		r := standInRow{KPI: k.Name, Label: k.Label(lang), Unit: string(k.Unit)}
		cur, prv := weeks[week], weeks[prev]
		r.Value, r.Numerator, r.Denominator, r.Previous = cur.Value, cur.Numerator, cur.Denominator, prv.Value
		if t, ok := k.Target(cfg); ok {
			r.Target = &t
			r.TargetShown = show(lang, k.Unit, &t)
		}
		r.Shown, r.PrevShown = show(lang, k.Unit, r.Value), show(lang, k.Unit, r.Previous)
		rows = append(rows, r)
	}
	scope := "whole company"
	if p.Limited() {
		scope = p.String()
	}
	title := "Weekly order-flow report " + week
	if lang == "fr" {
		title = "Rapport hebdomadaire des flux de commandes " + week
	}
	rep := WeeklyReport{Week: week}
	var html bytes.Buffer
	if err := standInHTML.Execute(&html, map[string]any{
		"Lang": lang, "Title": title, "Scope": scope, "AsOf": asOf.Format(time.DateOnly), "Week": week, "Prev": prev, "Rows": rows,
	}); err != nil {
		return rep, err
	}
	rep.HTML = html.Bytes()
	if rep.XLSX, err = standInXLSX(title, scope, week, prev, asOf, rows); err != nil {
		return rep, err
	}
	lines := []string{title, "Scope: " + scope, "As of " + asOf.Format(time.DateOnly), ""}
	for _, r := range rows {
		lines = append(lines, fmt.Sprintf("%-40s %14s   (%s: %s)", r.Label, r.Shown, prev, r.PrevShown))
	}
	rep.PDF = textPDF(lines)
	return rep, nil
}

func show(lang string, unit models.Unit, v *float64) string {
	if v == nil {
		return i18n.Empty
	}
	switch unit {
	case models.UnitRatio:
		return i18n.Percent(lang, *v, 1)
	case models.UnitPercent:
		return i18n.Percent(lang, *v/100, 2)
	case models.UnitDays:
		return i18n.Days(lang, *v, 1)
	case models.UnitCount:
		return i18n.Number(lang, *v, 0)
	}
	return i18n.Number(lang, *v, 2)
}

var standInHTML = template.Must(template.New("weekly").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family:sans-serif">
<h1>{{.Title}}</h1>
<p>Scope: <strong data-scope>{{.Scope}}</strong>. Figures as of {{.AsOf}}.</p>
<table cellpadding="4" border="1" style="border-collapse:collapse">
<tr><th>KPI</th><th>{{.Week}}</th><th>{{.Prev}}</th><th>Target</th></tr>
{{range .Rows}}<tr data-kpi="{{.KPI}}"><td>{{.Label}}</td><td>{{.Shown}}</td><td>{{.PrevShown}}</td><td>{{.TargetShown}}</td></tr>
{{end}}</table>
</body></html>`))

func standInXLSX(title, scope, week, prev string, asOf time.Time, rows []standInRow) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "KPIs"
	f.SetSheetName("Sheet1", sheet)
	f.SetCellValue(sheet, "A1", title)
	f.SetCellValue(sheet, "A2", "Scope")
	f.SetCellValue(sheet, "B2", scope)
	f.SetCellValue(sheet, "A3", "As of")
	f.SetCellValue(sheet, "B3", asOf.Format(time.DateOnly))
	head := []any{"kpi", "label", "week", "value", "numerator", "denominator", "previous_week_value", "target", "unit"}
	f.SetSheetRow(sheet, "A5", &head)
	num := func(p *float64) any {
		if p == nil {
			return nil
		}
		return *p
	}
	for i, r := range rows {
		row := []any{r.KPI, r.Label, week, num(r.Value), num(r.Numerator), num(r.Denominator), num(r.Previous), num(r.Target), r.Unit}
		f.SetSheetRow(sheet, fmt.Sprintf("A%d", 6+i), &row)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// textPDF writes lines of text as a PDF (Helvetica, Windows-1252, 60 lines a page).
func textPDF(lines []string) []byte {
	const perPage = 60
	var pages [][]string
	for len(lines) > perPage {
		pages = append(pages, lines[:perPage])
		lines = lines[perPage:]
	}
	pages = append(pages, lines)
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")
	enc := charmap.Windows1252.NewEncoder()
	for i, page := range pages {
		var content bytes.Buffer
		content.WriteString("BT /F1 9 Tf 11 TL 40 800 Td\n")
		for _, l := range page {
			text, err := enc.String(l)
			if err != nil {
				text = strings.Map(func(r rune) rune {
					if r < 128 {
						return r
					}
					return '?'
				}, l)
			}
			text = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`, "\r", "", "\n", " ").Replace(text)
			content.WriteString("(" + text + ") Tj T*\n")
		}
		content.WriteString("ET")
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}
