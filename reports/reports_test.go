package reports

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"github.com/orderflow/orderflow/dashboards"
	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/models"
)

// weekly builds the weekly report of the shared company in lang, once per language.
var weeklies = map[string]*Weekly{}

func weekly(t *testing.T, lang string) *Weekly {
	t.Helper()
	if w := weeklies[lang]; w != nil {
		return w
	}
	fx := loadFixture(t)
	w, err := WeeklyReport(context.Background(), fx.st.DB, fx.cfg, asOf, lang, "")
	if err != nil {
		t.Fatal(err)
	}
	weeklies[lang] = w
	return w
}

func render(t *testing.T, write func(io.Writer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func openXLSX(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// header maps the header names of a sheet's first row to their column numbers (1-based).
func header(t *testing.T, f *excelize.File, sheet string) map[string]int {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil || len(rows) == 0 {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	out := map[string]int{}
	for i, h := range rows[0] {
		out[h] = i + 1
	}
	return out
}

func cellName(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

// TestWeeklyXLSXHoldsTheModelsFigures checks the workbook against models.Query (what
// `orderflow kpi --format json` prints): every figure of its KPI data sheet, and the
// summary's week, are the models' numbers, stored as numbers; the week's Monday is a
// date cell.
func TestWeeklyXLSXHoldsTheModelsFigures(t *testing.T) {
	fx := loadFixture(t)
	w := weekly(t, "en")
	f := openXLSX(t, render(t, w.WriteXLSX))

	want := map[string]models.KPIValue{} // kpi|week|dim|value
	key := func(kpi, week, dim, val string) string { return kpi + "|" + week + "|" + dim + "|" + val }
	total, err := models.Query(context.Background(), fx.st.DB, models.KPIQuery{From: w.Weeks[0], To: w.Week})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range total {
		want[key(v.KPI, v.Week, "", "")] = v
	}
	for _, dim := range []string{"site", "carrier", "country", "transport_mode"} {
		vals, err := models.Query(context.Background(), fx.st.DB, models.KPIQuery{From: w.Week, To: w.Week, By: []string{dim}})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			want[key(v.KPI, v.Week, dim, v.Dims[dim])] = v
		}
	}

	sheet := i18n.T("en", "report.sheet.data")
	h := header(t, f, sheet)
	rows, _ := f.GetRows(sheet)
	checked := 0
	for r := 2; r <= len(rows); r++ {
		get := func(col string) string { v, _ := f.GetCellValue(sheet, cellName(h[col], r)); return v }
		k := key(get("Code"), get("Week"), get("Dimension"), get("Value of the dimension"))
		v, ok := want[k]
		if !ok {
			continue
		}
		valueCell := cellName(h["Value"], r)
		raw, _ := f.GetCellValue(sheet, valueCell, excelize.Options{RawCellValue: true})
		if v.Value == nil {
			if raw != "" {
				t.Errorf("%s: %s is %q, want empty (no value)", k, valueCell, raw)
			}
			continue
		}
		if typ, _ := f.GetCellType(sheet, valueCell); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s: %s is not a number cell (type %v)", k, valueCell, typ)
		}
		got, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.Abs(got-*v.Value) > 1e-9*math.Max(1, math.Abs(*v.Value)) {
			t.Errorf("%s: the workbook says %q, models.Query %v", k, raw, *v.Value)
		}
		if v.Numerator != nil {
			n, _ := f.GetCellValue(sheet, cellName(h["Numerator"], r), excelize.Options{RawCellValue: true})
			if got, _ := strconv.ParseFloat(n, 64); math.Abs(got-*v.Numerator) > 1e-6 {
				t.Errorf("%s: numerator %q, want %v", k, n, *v.Numerator)
			}
		}
		checked++
	}
	if checked < 100 {
		t.Fatalf("only %d figures of the workbook were compared with the models", checked)
	}

	// The week's Monday is a date: a serial number with a date format.
	dateCell := cellName(h["Week starting"], 2)
	raw, _ := f.GetCellValue(sheet, dateCell, excelize.Options{RawCellValue: true})
	if _, err := strconv.ParseFloat(raw, 64); err != nil {
		t.Errorf("%s holds %q, not a date serial number", dateCell, raw)
	}
	if !isDateFormat(t, f, sheet, dateCell) {
		t.Errorf("%s has no date number format", dateCell)
	}

	// The summary's "This week" is the company figure of the report's week, its 4 weeks
	// the figure of the 4 weeks to it taken together (a period query).
	last, _ := models.ParseWeek(w.Week)
	period, err := models.Query(context.Background(), fx.st.DB, models.KPIQuery{From: models.FormatWeek(last.AddDate(0, 0, -21)), To: w.Week, Period: true})
	if err != nil {
		t.Fatal(err)
	}
	four := map[string]models.KPIValue{}
	for _, v := range period {
		four[v.KPI] = v
	}
	sum := i18n.T("en", "report.sheet.summary")
	hs := header(t, f, sum)
	srows, _ := f.GetRows(sum)
	seen, seen4 := 0, 0
	for r := 2; r <= len(srows); r++ {
		code, _ := f.GetCellValue(sum, cellName(hs["Code"], r))
		if p, ok := four[code]; ok && p.Value != nil && !isSnapshot(code) {
			want := *p.Value
			if zeroWhenEmpty(code) {
				want /= 4 // a count or an amount: the weekly average
			}
			raw, _ := f.GetCellValue(sum, cellName(hs[i18n.T("en", "report.col.avg4")], r), excelize.Options{RawCellValue: true})
			if got, _ := strconv.ParseFloat(raw, 64); math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("summary %s: 4 weeks %q, want %v from models.Query over the period", code, raw, want)
			}
			seen4++
		}
		v, ok := want[key(code, w.Week, "", "")]
		if !ok || v.Value == nil || isSnapshot(code) {
			continue
		}
		raw, _ := f.GetCellValue(sum, cellName(hs["This week"], r), excelize.Options{RawCellValue: true})
		if got, _ := strconv.ParseFloat(raw, 64); math.Abs(got-*v.Value) > 1e-9*math.Max(1, math.Abs(*v.Value)) {
			t.Errorf("summary %s: this week %q, models.Query %v", code, raw, *v.Value)
		}
		seen++
	}
	if seen < 8 || seen4 < 8 {
		t.Errorf("the summary shows %d KPIs of the week, %d of the 4 weeks", seen, seen4)
	}
	// Every sheet has a frozen header row and a filter.
	for _, s := range f.GetSheetList() {
		panes, err := f.GetPanes(s)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("sheet %s: header row not frozen (%+v, %v)", s, panes, err)
		}
	}
	assertAutoFilters(t, render(t, w.WriteXLSX))
}

func isDateFormat(t *testing.T, f *excelize.File, sheet, cell string) bool {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	format := ""
	if st.CustomNumFmt != nil {
		format = *st.CustomNumFmt
	}
	return (strings.Contains(format, "yy") && strings.Contains(format, "d")) || (st.NumFmt >= 14 && st.NumFmt <= 17)
}

// assertAutoFilters checks the sheets' XML: each has an autoFilter and no formula.
func assertAutoFilters(t *testing.T, b []byte) {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range z.File {
		if !strings.HasPrefix(file.Name, "xl/worksheets/sheet") {
			continue
		}
		rc, _ := file.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Contains(body, []byte("<autoFilter")) {
			t.Errorf("%s has no autofilter", file.Name)
		}
		if bytes.Contains(body, []byte("<f>")) || bytes.Contains(body, []byte("<f ")) {
			t.Errorf("%s holds a formula", file.Name)
		}
	}
}

// TestERPTextStaysText: a customer named like markup and one named like a formula are
// plain text in the HTML (escaped, no element, no attribute) and in the workbooks
// (string cells, no formula).
func TestERPTextStaysText(t *testing.T) {
	fx := loadFixture(t)
	w := weekly(t, "en")
	ar, err := CollectAnomalies(context.Background(), fx.st.DB, fx.cfg, asOf, "en")
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string][]byte{"weekly": render(t, w.WriteHTML), "anomalies": render(t, ar.WriteHTML)}
	for name, page := range pages {
		doc, err := html.Parse(bytes.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]bool{}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode && (n.Data == "img" || n.Data == "script") {
				t.Errorf("%s: an element <%s> made it into the page", name, n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Errorf("%s: an event handler attribute %s", name, a.Key)
				}
			}
			if n.Type == html.TextNode {
				for _, s := range []string{xssName, formulaName} {
					if strings.Contains(n.Data, s) {
						found[s] = true
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		for _, s := range []string{xssName, formulaName} {
			if !found[s] {
				t.Errorf("%s: %q is not shown as text", name, s)
			}
		}
		if bytes.Contains(page, []byte("<img src=x")) {
			t.Errorf("%s: raw markup of a customer name in the page", name)
		}
	}
	books := map[string][]byte{"weekly": render(t, w.WriteXLSX), "anomalies": render(t, ar.WriteXLSX)}
	for name, b := range books {
		f := openXLSX(t, b)
		found := map[string]bool{}
		for _, sheet := range f.GetSheetList() {
			rows, _ := f.GetRows(sheet)
			for r, row := range rows {
				for c, v := range row {
					for _, s := range []string{xssName, formulaName} {
						if !strings.Contains(v, s) {
							continue
						}
						found[s] = true
						cell := cellName(c+1, r+1)
						if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
							t.Errorf("%s!%s became a formula %q", sheet, cell, formula)
						}
						if typ, _ := f.GetCellType(sheet, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
							t.Errorf("%s!%s is not a string cell (type %v)", sheet, cell, typ)
						}
					}
				}
			}
		}
		for _, s := range []string{xssName, formulaName} {
			if !found[s] {
				t.Errorf("%s workbook: %q not found", name, s)
			}
		}
		assertAutoFilters(t, b)
	}
}

// visibleText collects the text a reader sees: text nodes outside style and script,
// and the titles of charts.
func visibleText(t *testing.T, page []byte) []string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "style" || n.Data == "script") {
			return
		}
		if n.Type == html.TextNode {
			if s := strings.TrimSpace(n.Data); s != "" {
				out = append(out, s)
			}
		}
		for _, a := range n.Attr {
			if a.Key == "aria-label" {
				out = append(out, a.Val)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// segmentRe splits a composed text ("Carrier: DHL · 3 lines (target 95%)") into its parts.
var segmentRe = regexp.MustCompile(`\s[·—–→]\s|\s?:\s|\s\(|\)|;\s|\.\s`)

// foreignLabels lists the labels of the other language that would betray a text left
// untranslated: every value of its catalogue that differs from ours, without format
// verbs, long enough not to be a code.
func foreignLabels(lang, other string) []string {
	own := map[string]bool{}
	for _, k := range i18n.Keys(lang) {
		own[i18n.T(lang, k)] = true
	}
	var out []string
	for _, k := range i18n.Keys(other) {
		v := i18n.T(other, k)
		if own[v] || strings.Contains(v, "%") || len([]rune(v)) < 4 {
			continue
		}
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// TestLanguagesDoNotMix: the French reports show no English label and the English ones
// no French label (ERP data excepted: it is shown as the ERP wrote it).
func TestLanguagesDoNotMix(t *testing.T) {
	fx := loadFixture(t)
	for _, pair := range [][2]string{{"fr", "en"}, {"en", "fr"}} {
		lang, other := pair[0], pair[1]
		w := weekly(t, lang)
		ar, err := CollectAnomalies(context.Background(), fx.st.DB, fx.cfg, asOf, lang)
		if err != nil {
			t.Fatal(err)
		}
		foreign := map[string]bool{}
		for _, s := range foreignLabels(lang, other) {
			foreign[s] = true
		}
		for _, s := range erpTexts(t, fx) {
			delete(foreign, s) // ERP data shows as the ERP wrote it, whatever its language
		}
		for name, page := range map[string][]byte{"weekly": render(t, w.WriteHTML), "anomalies": render(t, ar.WriteHTML)} {
			texts := visibleText(t, page)
			if len(texts) < 50 {
				t.Fatalf("%s %s: only %d texts", lang, name, len(texts))
			}
			for _, s := range texts {
				for _, part := range append([]string{s}, segmentRe.Split(s, -1)...) {
					if part = strings.TrimSpace(part); foreign[part] {
						t.Errorf("%s %s report shows the %s label %q (in %q)", lang, name, other, part, s)
					}
				}
			}
		}
		// the workbook's headers and sheet names too
		f := openXLSX(t, render(t, w.WriteXLSX))
		for _, sheet := range f.GetSheetList() {
			if foreign[sheet] {
				t.Errorf("%s workbook: sheet named in %s: %q", lang, other, sheet)
			}
			rows, _ := f.GetRows(sheet)
			if len(rows) == 0 {
				continue
			}
			for _, h := range rows[0] {
				if foreign[h] {
					t.Errorf("%s workbook, sheet %s: header in %s %q", lang, sheet, other, h)
				}
			}
		}
	}
}

// erpTexts are the texts of the extracts that a report shows as they are.
func erpTexts(t *testing.T, fx *fixture) []string {
	t.Helper()
	rows, err := fx.st.DB.Query(`SELECT family FROM products UNION SELECT carrier FROM shipments
		UNION SELECT name FROM customers UNION SELECT cause FROM claims UNION SELECT ship_from_site FROM orders`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s *string
		rows.Scan(&s)
		if s != nil {
			out = append(out, *s)
		}
	}
	return out
}

// TestWeeklyPDF prints the report with headless Chromium when it is installed (CI must
// have it).
func TestWeeklyPDF(t *testing.T) {
	if _, err := ChromiumPath(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	w := weekly(t, "fr")
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := w.WriteFile(context.Background(), path, PDF); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !bytes.HasPrefix(b, []byte("%PDF-")) || len(b) < 20000 {
		t.Fatalf("not a PDF report: %d bytes starting %q", len(b), b[:min(8, len(b))])
	}
	if n := bytes.Count(b, []byte("/Type /Page\n")) + bytes.Count(b, []byte("/Type /Page>>")) + bytes.Count(b, []byte("/Type/Page")); n > 0 && n < 2 {
		t.Errorf("the PDF has %d page", n)
	}
}

func TestNoChromiumSaysWhatToInstall(t *testing.T) {
	t.Setenv("ORDERFLOW_CHROMIUM", filepath.Join(t.TempDir(), "none"))
	_, err := ChromiumPath()
	if err == nil || !strings.Contains(err.Error(), "apt-get install chromium") {
		t.Fatalf("ChromiumPath() = %v", err)
	}
}

// TestDashboardsFromModels writes the eight pages from the models: each page carries
// the models' figures of its KPIs, the targets of the configuration and the customers'
// names, and stays under the size limit.
func TestDashboardsFromModels(t *testing.T) {
	fx := loadFixture(t)
	f, err := Collect(context.Background(), fx.st.DB, fx.cfg, asOf, "en", DashboardPlan())
	if err != nil {
		t.Fatal(err)
	}
	data := DashboardData(f, "en")
	// every KPI a page draws has figures, or is the anomaly count
	drawn := map[string]bool{}
	for _, p := range dashboards.Pages {
		for _, b := range p.Blocks {
			for _, k := range b.KPIs {
				drawn[k] = true
			}
		}
	}
	have := map[string]bool{}
	for _, v := range data.Values {
		have[v.KPI] = true
	}
	for k := range drawn {
		if !have[k] {
			t.Errorf("page KPI %s has no figure from the models", k)
		}
	}
	if data.KPIs["otif_line"].Target == nil || *data.KPIs["otif_line"].Target != fx.cfg.KPI.Targets["otif_line"] {
		t.Errorf("otif_line target = %v", data.KPIs["otif_line"].Target)
	}
	if data.Labels["customer"][fx.xssID] != xssName+" ("+fx.xssID+")" {
		t.Errorf("customer names are not the labels: %q", data.Labels["customer"][fx.xssID])
	}
	if len(data.Drill) == 0 || len(data.Controls) == 0 || len(data.Actions) != 3 {
		t.Errorf("drill %d, controls %d, actions %d", len(data.Drill), len(data.Controls), len(data.Actions))
	}
	paths, err := dashboards.Write(t.TempDir(), data, "en")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		st, _ := os.Stat(p)
		if st.Size() > dashboards.MaxPageBytes {
			t.Errorf("%s weighs %d bytes", p, st.Size())
		}
	}
	// The company's OTIF of the report's week is the models' figure.
	var want *float64
	for _, v := range f.Values {
		if v.KPI == "otif_line" && v.Week == f.Week && len(v.Dims) == 0 {
			want = v.Value
		}
	}
	for _, v := range data.Values {
		if v.KPI == "otif_line" && v.Week == f.Week && len(v.Dims) == 0 && (want == nil || v.Value != *want) {
			t.Errorf("dashboard otif_line %v, models %v", v.Value, want)
		}
	}
}

func TestStatusAndFormats(t *testing.T) {
	f := func(got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	f(status(0.96, 0.95, models.Up, models.UnitRatio), "green")
	f(status(0.94, 0.95, models.Up, models.UnitRatio), "amber")
	f(status(0.90, 0.95, models.Up, models.UnitRatio), "red")
	f(status(1.05, 1.0, models.Down, models.UnitPercent), "amber")
	f(status(0.9, math.NaN(), models.Up, models.UnitRatio), "none")
	f(fmtDelta("en", models.UnitRatio, -0.0312, "EUR"), "-3.1 pp")
	f(fmtDelta("fr", models.UnitRatio, 0.0312, "EUR"), "+3,1\u202fpts")
	f(fmtDelta("en", models.UnitCurrency, 1200, "EUR"), "+€1,200")
	f(fmtDelta("en", models.UnitDays, 0.01, "EUR"), "±0.0 d")
	f(fmtSigned("fr", models.UnitRatio, -0.125), "-12,5")
	f(fmtValue("fr", models.UnitCurrencyPerKg, 0.626, "EUR"), "0,63\u202f€/kg")
}
