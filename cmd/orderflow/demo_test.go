package main

import (
	"encoding/csv"
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/gen"
)

// TestDemoReadsAsOfMonday runs the demo as a new user would and reads what it wrote:
// the anomaly report opens with what changed since last week, its worklist shows the
// top items only, and no message of any report, dashboard or anomaly (in English and
// French) tells the desk to act before a date already past.
func TestDemoReadsAsOfMonday(t *testing.T) {
	if testing.Short() {
		t.Skip("generates, loads and builds a company of 8,000 order lines twice")
	}
	dir := t.TempDir()
	asOf := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	out, errOut, err := runOrderflow("--as-of", asOf.Format(time.DateOnly), "demo", "--out", dir, "--lines", "8000")
	if err != nil {
		t.Fatalf("demo: %v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(out, "Since 2026-11-30:") || !strings.Contains(out, "Worklist:") {
		t.Errorf("the demo does not say what changed since last week:\n%s", out)
	}
	report, err := os.ReadFile(filepath.Join(dir, "anomaly-report-2026-12-07.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(string(report))
	changed, who := strings.Index(page, "What changed since 30 Nov 2026"), strings.Index(page, "Who acts on what")
	if changed < 0 || who < 0 || changed > who {
		t.Errorf("the anomaly report does not open with what changed since last week (at %d, worklist at %d)", changed, who)
	}
	if !strings.Contains(page, "The worklist: top 50 of") || !strings.Contains(page, "Data to clean up") {
		t.Error("the anomaly report lacks the top of the worklist or the data to clean up")
	}
	checkDeskProfile(t, out, dir, 8000, asOf)

	// every rendered page, every anomaly's message and remedy in both languages
	texts := map[string]string{}
	files, _ := filepath.Glob(filepath.Join(dir, "*.html"))
	more, _ := filepath.Glob(filepath.Join(dir, "dashboards", "*.html"))
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts[filepath.Base(f)+" (en)"] = html.UnescapeString(string(b))
	}
	db := filepath.Join(dir, "orderflow.duckdb")
	for _, lang := range []string{"en", "fr"} {
		js, errOut, err := runOrderflow("--db", db, "--lang", lang, "anomalies", "--format", "json", "--all")
		if err != nil {
			t.Fatalf("anomalies --lang %s: %v\n%s", lang, err, errOut)
		}
		var list []anomalies.Anomaly
		if err := json.Unmarshal([]byte(js), &list); err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			t.Fatal("the demo found no anomaly")
		}
		for _, a := range list {
			texts[a.Key+" ("+lang+")"] = a.Message + "\n" + a.Remedy
		}
	}
	checked := 0
	for name, text := range texts {
		lang := "en"
		if strings.HasSuffix(name, "(fr)") {
			lang = "fr"
		}
		checked++
		if p := anomalies.PastInstruction(lang, text, asOf); p != "" {
			t.Errorf("%s advises acting %q, a date already past as of %s", name, p, asOf.Format(time.DateOnly))
		}
	}
	t.Logf("%d pages and messages read", checked)
}

// checkDeskProfile: the demo company works its worklist as a desk does. Per 10,000
// order lines the Monday worklist holds 15 to 150 items, a handful to a few dozen of
// them new, and the data to clean up tens at most; every flow gap the desk fixed
// between the two builds (the truth's resolved_on) was on last week's list and is
// resolved this week.
func checkDeskProfile(t *testing.T, out, dir string, lines int, asOf time.Time) {
	t.Helper()
	num := func(re string) float64 {
		m := regexp.MustCompile(re).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("the demo does not say %q:\n%s", re, out)
		}
		n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
		return float64(n) * 10000 / float64(lines)
	}
	items, stale := num(`Worklist: ([\d,]+) items`), num(`data to clean up: ([\d,]+) stale items`)
	fresh, resolved := num(`: ([\d,]+) new \(`), num(`([\d,]+) resolved \(`)
	t.Logf("per 10,000 lines: %.0f worklist items, %.0f new, %.0f resolved, %.0f stale", items, fresh, resolved, stale)
	if items < 15 || items > 150 {
		t.Errorf("%.0f worklist items per 10,000 lines, want 15 to 150 (a desk's week)", items)
	}
	if fresh < 2 || fresh > 60 {
		t.Errorf("%.0f new items per 10,000 lines, want 2 to 60", fresh)
	}
	if stale > 40 {
		t.Errorf("%.0f stale items per 10,000 lines, want at most 40", stale)
	}

	// the cases fixed this week, by the truth, against the two builds' snapshots
	f, err := os.Open(filepath.Join(dir, "extracts", gen.TruthFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	truth, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	lastWeek, today := asOf.AddDate(0, 0, -7).Format(time.DateOnly), asOf.Format(time.DateOnly)
	fixed := map[string]bool{}
	for _, r := range truth[1:] {
		code, injected, res := r[0], r[8], r[9]
		switch code {
		case "short_shipment", "over_shipment", "shipped_not_invoiced", "invoice_qty_mismatch", "late_backlog":
		default:
			continue
		}
		if injected <= lastWeek && res > lastWeek && res <= today {
			fixed[code+"/"+r[1]+"/"+r[2]] = true
		}
	}
	if len(fixed) == 0 {
		t.Fatal("the truth has no flow gap fixed between the two builds")
	}
	snap, errOut, err := runOrderflow("--db", filepath.Join(dir, "orderflow.duckdb"), "sql", "--format", "csv",
		"SELECT strftime(as_of, '%Y-%m-%d'), anomaly_key FROM anomaly_snapshot")
	if err != nil {
		t.Fatalf("sql: %v\n%s", err, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(snap)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]map[string]bool{lastWeek: {}, today: {}}
	for _, r := range rows[1:] {
		if seen[r[0]] != nil {
			seen[r[0]][r[1]] = true
		}
	}
	for k := range fixed {
		if !seen[lastWeek][k] || seen[today][k] {
			t.Errorf("%s, fixed this week: found last week %v, this week %v; want found then resolved", k, seen[lastWeek][k], seen[today][k])
		}
	}
	t.Logf("%d flow gaps fixed between the builds, all found last week and resolved this week", len(fixed))
}
