package reports

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderflow/orderflow/models"
)

// Two customers of one name in different countries stay two customers: the KPI cut
// groups by customer_id, and every output labels them "Name (ID, country)" (issue 15:
// they read as one name in the cuts).
func TestCustomersOfOneNameStayApart(t *testing.T) {
	fx := loadFixture(t)
	ctx := context.Background()
	want := map[string]string{} // customer id -> its label
	for _, id := range fx.twinIDs {
		var country string
		if err := fx.st.DB.QueryRowContext(ctx, `SELECT country FROM stg_customers WHERE customer_id = ?`, id).Scan(&country); err != nil {
			t.Fatal(err)
		}
		want[id] = twinName + " (" + id + ", " + country + ")"
	}
	a, b := want[fx.twinIDs[0]], want[fx.twinIDs[1]]
	if a == b {
		t.Fatalf("the fixture's twins read alike: %q", a)
	}

	// the KPI cut by customer has a row of each id
	values, err := models.Query(ctx, fx.st.DB, models.KPIQuery{KPIs: []string{"otif_line"}, By: []string{"customer"}})
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]float64{}
	for _, v := range values {
		if v.Denominator != nil {
			lines[v.Dims["customer"]] += *v.Denominator
		}
	}
	for _, id := range fx.twinIDs {
		if lines[id] == 0 {
			t.Errorf("the cut by customer has no due line of %s", id)
		}
	}

	// the weekly report: labels and its pages, in both languages
	for _, lang := range []string{"en", "fr"} {
		w := weekly(t, lang)
		for id, label := range want {
			if got := w.CustomerName(id); got != label {
				t.Errorf("%s: customer %s reads %q, want %q", lang, id, got, label)
			}
		}
		page := string(render(t, w.WriteHTML))
		for _, label := range want {
			if !strings.Contains(page, label) {
				t.Errorf("%s weekly report: %q is not shown", lang, label)
			}
		}
	}
	if got := weekly(t, "en").CustomerName(fx.xssID); got != xssName+" ("+fx.xssID+")" {
		t.Errorf("a customer whose name no other has reads %q", got)
	}

	// the dashboards
	dir := t.TempDir()
	paths, err := WriteDashboards(ctx, fx.st.DB, fx.cfg, asOf, "en", dir)
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string]bool{}
	for _, p := range paths {
		page, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, label := range want {
			if strings.Contains(string(page), label) {
				shown[label+" in "+filepath.Base(p)] = true
			}
		}
	}
	for _, label := range want {
		if !shown[label+" in service.html"] {
			t.Errorf("the service dashboard does not show %q", label)
		}
	}
}
