package reports

import (
	"context"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/orderflow/orderflow/models"
)

// A report limited to a portfolio of two customers holds every section, of those two
// customers only: cuts, samples, anomalies, snapshot and names; the stock KPIs, which
// cannot be cut by customer, are left out (and the report says so), not shown
// unfiltered; the filtered figures are the models' with the same filters.
func TestFilteredReportHoldsOnlyThePortfolio(t *testing.T) {
	fx := loadFixture(t)
	ctx := context.Background()
	week := models.LastCompleteWeek(asOf)
	vals, err := models.Query(ctx, fx.st.DB, models.KPIQuery{KPIs: []string{"otif_line"}, From: week, To: week, By: []string{"customer"}})
	if err != nil || len(vals) < 3 {
		t.Fatalf("reference: %d values, %v", len(vals), err)
	}
	sort.Slice(vals, func(i, j int) bool { return *vals[i].Denominator > *vals[j].Denominator })
	mine := []string{vals[0].Dims["customer"], vals[1].Dims["customer"]}
	filters := map[string][]string{"customer": mine}

	plan := DashboardPlan()
	plan.Filters = filters
	f, err := Collect(ctx, fx.st.DB, fx.cfg, asOf, "en", plan)
	if err != nil {
		t.Fatal(err)
	}
	allowed := func(where, c string) {
		t.Helper()
		if c != "" && !slices.Contains(mine, c) {
			t.Fatalf("%s shows customer %s outside the portfolio %v", where, c, mine)
		}
	}
	stock := 0
	for _, k := range models.Registry() {
		if !k.CanCut("customer") {
			stock++
			if !slices.Contains(f.LeftOut, k.Name) {
				t.Errorf("%s cannot be cut by customer but is not said to be left out", k.Name)
			}
		}
	}
	if stock == 0 {
		t.Fatal("no KPI that cannot be cut by customer: the check of the stock KPIs has no teeth")
	}
	for _, v := range f.Values {
		allowed("value "+v.KPI, v.Dims["customer"])
		if slices.Contains(f.LeftOut, v.KPI) {
			t.Fatalf("%s is shown although the portfolio cannot limit it", v.KPI)
		}
	}
	if got := f.Cuts("otif_line", "customer"); len(got) == 0 {
		t.Error("no cut by customer in the filtered report")
	}
	for _, s := range f.Drill {
		allowed("drill", s.Dims["customer"])
		for _, r := range s.Rows {
			allowed("drill row", r.Customer)
		}
	}
	if len(f.Drill) == 0 {
		t.Error("no drill sample in the filtered report")
	}
	for _, v := range f.Snapshot.Values {
		allowed("snapshot", v.Dims["customer"])
	}
	for _, a := range f.Anomalies {
		allowed("anomaly "+a.Code, a.CustomerID)
	}
	for id := range f.Labels["customer"] {
		allowed("labels", id)
	}
	for _, s := range f.Signals {
		if s.Dim != "customer" {
			t.Errorf("signal of %s=%s in a customer portfolio", s.Dim, s.DimValue)
		}
	}
	if len(f.StockRisks) != 0 {
		t.Errorf("%d stock risks in a customer portfolio: stock is not per customer", len(f.StockRisks))
	}

	// The weekly figures are the models' with the same filters.
	want, err := models.Query(ctx, fx.st.DB, models.KPIQuery{KPIs: []string{"otif_line"}, From: week, To: week, Filters: filters})
	if err != nil || len(want) != 1 || want[0].Value == nil {
		t.Fatalf("reference of the portfolio: %v %v", want, err)
	}
	s := f.Series("otif_line", "")
	if got := value(s[f.WeekIndex(week)]); math.Abs(got-*want[0].Value) > 1e-9 {
		t.Fatalf("otif_line of the portfolio %v, the models say %v", got, *want[0].Value)
	}

	w := BuildWeekly(f, "en")
	html := string(render(t, w.WriteHTML))
	if !strings.Contains(html, "data-scope") || !strings.Contains(html, mine[0]) || !strings.Contains(html, "left out") {
		t.Error("the filtered report does not say its portfolio and what it leaves out")
	}
	if len(w.Headline) == 0 || len(w.Service) == 0 || len(w.Delays) == 0 || len(w.ClaimRows) == 0 {
		t.Errorf("sections missing: %d headline, %d service, %d delays, %d claims rows",
			len(w.Headline), len(w.Service), len(w.Delays), len(w.ClaimRows))
	}
	ids := customerIDs(html)
	for _, id := range ids {
		allowed("the HTML", id)
	}
	if !slices.Contains(ids, mine[0]) {
		t.Errorf("the portfolio's customer %s is not found in the HTML (ids %v): the check has no teeth", mine[0], ids)
	}
	if x := openXLSX(t, render(t, w.WriteXLSX)); x == nil {
		t.Fatal("no workbook")
	}
	if pdf := render(t, w.WriteTextPDF); !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Error("the plain PDF is not a PDF")
	}

	// A filter on something that is not a dimension is refused, not built into SQL.
	plan.Filters = map[string][]string{"customer_id) OR (1=1": {"x"}}
	if _, err := Collect(ctx, fx.st.DB, fx.cfg, asOf, "en", plan); err == nil {
		t.Error("a filter on an unknown dimension was accepted")
	}
}

// customerIDs are the generated customers' numbers (0000100000 and up) a text shows.
func customerIDs(s string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`(?:^|[^0-9])(00001\d{5})(?:[^0-9]|$)`).FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}
