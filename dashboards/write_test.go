package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/orderflow/dashboards/assets"
)

var asOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func readPages(t *testing.T, paths []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = string(b)
	}
	return out
}

// pageModelOf decodes the figures a page embeds.
func pageModelOf(t *testing.T, html string) map[string]json.RawMessage {
	t.Helper()
	const open = `<script type="application/json" id="of-model">`
	i := strings.Index(html, open)
	j := strings.Index(html[i:], "</script>")
	if i < 0 || j < 0 {
		t.Fatal("no embedded model")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(html[i+len(open):i+j]), &m); err != nil {
		t.Fatalf("embedded model is not JSON: %v", err)
	}
	return m
}

func TestWriteEveryPage(t *testing.T) {
	data := Sample(asOf, SampleOptions{Weeks: 20, Customers: 8, DrillLines: 4})
	for _, lang := range []string{"en", "fr"} {
		paths, err := Write(t.TempDir(), data, lang)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range paths {
			names = append(names, filepath.Base(p))
		}
		want := "overview.html service.html delays.html stock.html claims.html costs.html portfolio.html improvement.html"
		if got := strings.Join(names, " "); got != want {
			t.Fatalf("Write wrote %s, want %s", got, want)
		}
		for name, html := range readPages(t, paths) {
			if !strings.Contains(html, `<html lang="`+lang+`">`) {
				t.Errorf("%s: not marked as %s", name, lang)
			}
			// every page links to the 8 pages, relative to its own folder
			for _, p := range Pages {
				if !strings.Contains(html, `href="`+p.ID+`.html"`) {
					t.Errorf("%s: no link to %s.html", name, p.ID)
				}
			}
		}
	}
}

// externalRef finds a script, style sheet, image, frame or font that a page
// would fetch from elsewhere than itself.
var externalRef = regexp.MustCompile(`(?i)<(script|link|img|iframe|source|embed|object)\b[^>]*\b(src|href|data)\s*=|@import|url\(\s*['"]?(https?:)?//`)

func TestPagesAreSelfContained(t *testing.T) {
	paths, err := Write(t.TempDir(), Sample(asOf, SampleOptions{Weeks: 12, Customers: 6, DrillLines: 3}), "en")
	if err != nil {
		t.Fatal(err)
	}
	echarts := string(assets.EChartsJS())
	for name, html := range readPages(t, paths) {
		// the bundled ECharts and the page script are inlined as they are
		if !strings.Contains(html, echarts) {
			t.Errorf("%s: the ECharts bundle is not inlined", name)
		}
		if !strings.Contains(html, string(assets.AppJS())) {
			t.Errorf("%s: the page script is not inlined", name)
		}
		rest := strings.Replace(html, echarts, "", 1)
		if m := externalRef.FindString(rest); m != "" {
			t.Errorf("%s: external reference %q", name, m)
		}
		if strings.Contains(rest, "http://") || strings.Contains(rest, "https://") {
			i := strings.Index(rest, "http")
			t.Errorf("%s: an URL outside the ECharts bundle: %q", name, rest[max(0, i-60):min(len(rest), i+60)])
		}
		if !strings.Contains(html, `http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;sha256-`) {
			t.Errorf("%s: no content security policy limiting scripts to the inlined ones", name)
		}
	}
}

func TestERPTextIsEscaped(t *testing.T) {
	data := Sample(asOf, SampleOptions{Weeks: 12, Customers: 6, DrillLines: 3})
	data.Company = `</script><script>alert("company")</script>`
	data.Labels["site"]["FR01"] = `FR01 </script><b onmouseover=alert(1)>`
	paths, err := Write(t.TempDir(), data, "en")
	if err != nil {
		t.Fatal(err)
	}
	for name, html := range readPages(t, paths) {
		for _, raw := range []string{XSSName, data.Company, `<b onmouseover`, `<script>alert(2)`} {
			if strings.Contains(html, raw) {
				t.Errorf("%s: ERP text %q is in the page unescaped", name, raw)
			}
		}
		if n := strings.Count(html, "</script>"); n != 3 {
			t.Errorf("%s: %d script ends, want 3 (figures, ECharts, page script)", name, n)
		}
		if !strings.Contains(html, "&lt;img src=x onerror=alert(1)&gt;") {
			t.Errorf("%s: the customer name is not shown as escaped text in the filter", name)
		}
	}
}

func TestPagesStayUnderSizeLimitAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("large data set")
	}
	// More customers than MaxCutValues, 53 weeks and full drill samples.
	data := Sample(asOf, SampleOptions{Weeks: 53, Customers: MaxCutValues + 10, DrillLines: MaxDrillLines})
	paths, err := Write(t.TempDir(), data, "fr")
	if err != nil {
		t.Fatal(err)
	}
	for name, html := range readPages(t, paths) {
		if len(html) > MaxPageBytes {
			t.Errorf("%s weighs %d bytes, over %d", name, len(html), MaxPageBytes)
		}
		if n := strings.Count(html[strings.Index(html, `id="f-customer"`):], `<option value="C0`); n != MaxCutValues {
			t.Errorf("%s: %d customers in the filter, want the %d of most volume", name, n, MaxCutValues)
		}
		t.Logf("%s: %d kB", name, len(html)/1000)
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	data := Sample(asOf, SampleOptions{Weeks: 10, Customers: 5, DrillLines: 3})
	var a, b bytes.Buffer
	if err := Render(&a, "improvement", data, "fr"); err != nil {
		t.Fatal(err)
	}
	if err := Render(&b, "improvement", data, "fr"); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Error("two renders of the same data differ")
	}
	if err := Render(&a, "nope", data, "fr"); err == nil {
		t.Error("Render accepted an unknown page")
	}
	if _, err := Write(t.TempDir(), data, "de"); err == nil {
		t.Error("Write accepted an unsupported language")
	}
}

func TestWriteRejectsABadTimeAxis(t *testing.T) {
	f := func(weeks ...string) {
		t.Helper()
		if _, err := Write(t.TempDir(), Data{Weeks: weeks}, "en"); err == nil {
			t.Errorf("weeks %v accepted", weeks)
		}
	}
	f("2026-W47", "2026-W46")
	f("2026-47")
	f("2026-W47", "2026-W47")
	f()
}

func TestPageModel(t *testing.T) {
	num := func(f float64) *float64 { return &f }
	data := Data{
		Currency: "EUR",
		Weeks:    []string{"2026-W46", "2026-W47"},
		KPIs:     map[string]KPIInfo{"otif_line": {Target: num(0.95)}},
		Labels:   map[string]map[string]string{"customer": {"C1": "Alpha"}},
		Values: []Value{
			{KPI: "otif_line", Week: "2026-W46", Value: 0.9, Numerator: num(9), Denominator: num(10)},
			{KPI: "otif_line", Week: "2026-W47", Value: 0.75, Numerator: num(3), Denominator: num(4)},
			{KPI: "otif_line", Week: "2026-W47", Dims: map[string]string{"customer": "C1", "site": "FR01"}, Value: 0.5, Numerator: num(1), Denominator: num(2)},
			{KPI: "otif_line", Week: "2026-W01", Value: 0.1}, // off the axis: ignored
			{KPI: "days_late_p90", Week: "2026-W47", Value: 4.123456},
			{KPI: "claim_count", Week: "2026-W47", Dims: map[string]string{"cause": "x"}, Value: 3}, // not on the service page
		},
		Drill: []Drill{{KPI: "otif_line", Week: "2026-W47", Total: 80, Lines: make([]Line, 60)}},
	}
	ix, err := newIndex(&data)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ix.pageModel(Pages[1], "fr") // service
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(m.Series["otif_line"])
	// ratios equal to n/d travel as n and d only
	if got, want := string(b), `{"":{"n":[9,3],"d":[10,4]},"customer\u001fC1\u001esite\u001fFR01":{"n":[null,1],"d":[null,2]}}`; got != want {
		t.Errorf("otif_line series = %s\nwant %s", got, want)
	}
	if _, ok := m.Series["claim_count"]; ok {
		t.Error("the service page embeds claim_count")
	}
	if got := m.Labels["customer"]["C1"]; got != "Alpha" {
		t.Errorf("customer label = %q", got)
	}
	dr := m.Drill[drillKey("otif_line", "2026-W47", "")]
	if dr.Total != 80 || len(dr.Rows) != MaxDrillLines {
		t.Errorf("drill sample: total %d, %d rows; want 80 and %d", dr.Total, len(dr.Rows), MaxDrillLines)
	}
	if k := m.KPIs["otif_line"]; k.Target == nil || *k.Target != 0.95 || k.Unit != UnitRatio || !k.Higher || k.Label != "OTIF (lignes)" {
		t.Errorf("otif_line description = %+v", k)
	}
	if m.Style.Group != "\u202f" || m.WeekShort[1] != "S47 2026" {
		t.Errorf("French formats: group %q, week %q", m.Style.Group, m.WeekShort[1])
	}
}

func TestCutKey(t *testing.T) {
	f := func(dims map[string]string, want string) {
		t.Helper()
		if got := cutKey(dims); got != want {
			t.Errorf("cutKey(%v) = %q, want %q", dims, got, want)
		}
		if len(dims) > 0 && len(splitCut(want)) != len(dims) {
			t.Errorf("splitCut(%q) lost dimensions", want)
		}
	}
	f(nil, "")
	f(map[string]string{"site": "FR01"}, "site\x1fFR01")
	f(map[string]string{"site": "FR01", "carrier": "DHL"}, "carrier\x1fDHL\x1esite\x1fFR01")
}

func TestOversizedPageDropsSmallCuts(t *testing.T) {
	if testing.Short() {
		t.Skip("large data set")
	}
	var data Data
	data.Currency = "EUR"
	for w := 1; w <= 53; w++ {
		data.Weeks = append(data.Weeks, fmt.Sprintf("2026-W%02d", w))
	}
	dims := []string{"customer", "country", "carrier", "site", "incoterm", "transport_mode"}
	for _, kpi := range Pages[0].kpis() {
		for _, dim := range dims {
			for v := 0; v < MaxCutValues; v++ {
				cut := map[string]string{dim: fmt.Sprintf("%s-%03d", dim, v)}
				for i, w := range data.Weeks {
					n, d := float64(1000+v*7+i), float64(1200+v*9+i)
					data.Values = append(data.Values, Value{KPI: kpi, Week: w, Dims: cut, Value: 123456.789 + float64(v+i), Numerator: &n, Denominator: &d})
				}
			}
		}
	}
	paths, err := Write(t.TempDir(), data, "en")
	if err != nil {
		t.Fatal(err)
	}
	html := readPages(t, paths)["overview.html"]
	if len(html) > MaxPageBytes {
		t.Fatalf("overview weighs %d bytes", len(html))
	}
	if n := strings.Count(html, `<option value="customer-`); n >= MaxCutValues || n == 0 {
		t.Errorf("%d customers kept; want fewer than %d", n, MaxCutValues)
	}
}

func TestValueFromKPIJSON(t *testing.T) {
	var vs []Value
	in := `[{"kpi": "otif_line", "week": "2026-W47", "dims": {"country": "DE"}, "value": 0.9125, "numerator": 73, "denominator": 80, "unit": "ratio"},
	        {"kpi": "otif_line", "week": "2026-W46", "dims": {}, "value": null, "numerator": 0, "denominator": 0, "unit": "ratio"}]`
	if err := json.Unmarshal([]byte(in), &vs); err != nil {
		t.Fatal(err)
	}
	if v := vs[0]; v.Value != 0.9125 || *v.Numerator != 73 || *v.Denominator != 80 || v.Dims["country"] != "DE" || v.Unit != "ratio" {
		t.Errorf("decoded %+v", v)
	}
	if !math.IsNaN(vs[1].Value) {
		t.Errorf("a null value decoded as %v, want NaN", vs[1].Value)
	}
}
