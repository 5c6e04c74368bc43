package reports

import (
	"math"
	"strings"
	"testing"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/models"
)

// commentaryFacts are two weeks of every KPI of the registry, for the whole company and
// for site FR01, which drives each move; a ratio has n in its denominator.
func commentaryFacts(n float64) *Facts {
	f := &Facts{Week: "2026-W48", Weeks: []string{"2026-W47", "2026-W48"}, Currency: "EUR", Cfg: config.Default()}
	num := func(v float64) *float64 { return &v }
	for _, k := range models.Registry() {
		for i, week := range f.Weeks {
			v := 0.5 + 0.2*float64(i) // rises by 0.2 (20 points for a ratio)
			if k.Unit != models.UnitRatio {
				v = 10 + 5*float64(i)
			}
			for _, dims := range []map[string]string{{}, {"site": "FR01"}} {
				x := models.KPIValue{KPI: k.Name, Week: week, Dims: dims, Value: num(v), Unit: k.Unit}
				if k.Per != "" {
					x.Numerator, x.Denominator = num(v*n), num(n)
				}
				f.Values = append(f.Values, x)
			}
		}
	}
	f.buildIndex()
	return f
}

// The commentary names what the denominator of every KPI counts, in English and
// French: a value fill rate is "on €776,533 of value due", never "on 776,533 due lines"
// (issue 15: the unit was the model's, kpi_order_lines, whose ratios count lines and
// weigh value alike).
func TestCommentaryNamesEveryDenominator(t *testing.T) {
	const n = 776533
	// words beside n, by KPI and language; "" for a KPI that is no ratio
	want := map[string][2]string{
		"service_rate":                {"due lines", "lignes dues"},
		"otif_line":                   {"due lines", "lignes dues"},
		"on_time_line":                {"due lines", "lignes dues"},
		"in_full_line":                {"due lines", "lignes dues"},
		"otif_order":                  {"due orders", "commandes dues"},
		"perfect_order":               {"due orders", "commandes dues"},
		"unit_fill_rate":              {"units due", "unités dues"},
		"value_fill_rate":             {"of value due", "de valeur due"},
		"days_late_mean":              {"late lines", "lignes en retard"},
		"share_under_coverage_target": {"SKU-sites with demand", "couples article-site avec demande"},
		"share_over_overstock":        {"SKU-sites with demand", "couples article-site avec demande"},
		"claim_rate":                  {"shipped lines", "lignes expédiées"},
		"return_rate":                 {"units shipped", "unités expédiées"},
		"mean_resolution_days":        {"closed claims", "réclamations closes"},
		"open_claims_age_days":        {"open claims", "réclamations en cours"},
		"freight_cost_per_kg":         {"kg shipped", "kg expédiés"},
		"freight_cost_share":          {"of shipped value", "de valeur expédiée"},
	}
	f := commentaryFacts(n)
	for li, lang := range []string{"en", "fr"} {
		w := &Weekly{Lang: lang, Week: f.Week, Currency: f.Currency, facts: f}
		for _, k := range models.Registry() {
			r := KPIRow{KPI: k.Name, Unit: k.Unit, Target: math.NaN()}
			s := f.Series(k.Name, "")
			r.Last, r.This = *s[0].Value, *s[1].Value
			if s[1].Denominator != nil {
				r.Denom = *s[1].Denominator
			} else {
				r.Denom = math.NaN()
			}
			got := w.moverSentence(r)
			if strings.Contains(got, "%!") {
				t.Errorf("%s %s: %q", lang, k.Name, got)
			}
			words, ratio := want[k.Name]
			if ratio != (k.Per != "") {
				t.Errorf("%s: denominator %q in the registry, the test expects %q", k.Name, k.Per, words)
				continue
			}
			if !ratio {
				continue
			}
			figure := i18n.Number(lang, n, 0)
			if k.Per.IsValue() {
				figure = i18n.Money(lang, n, "EUR", 0)
				if line := []string{"line", "ligne"}[li]; strings.Contains(got, line) {
					t.Errorf("%s %s counts a value as lines: %q", lang, k.Name, got)
				}
			}
			if pop := figure + " " + words[li]; !strings.Contains(got, pop) {
				t.Errorf("%s %s: %q does not name its denominator %q", lang, k.Name, got, pop)
			}
		}
	}
}
