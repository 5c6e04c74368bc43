package main

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/orderflow/anomalies"
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
