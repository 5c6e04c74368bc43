package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestReportAndDashboardCommands writes the reports and the dashboards of the small
// "flow" fixture through the command line.
func TestReportAndDashboardCommands(t *testing.T) {
	flags := buildFixture(t, "../../testdata/kpi/flow", "2026-11-23", map[string]any{})
	out := t.TempDir()
	xlsx := filepath.Join(out, "w.xlsx")
	stdout := string(runOK(t, append(flags, "report", "weekly", "--format", "xlsx", "--out", xlsx)...))
	if !strings.Contains(stdout, "wrote "+xlsx) {
		t.Errorf("report weekly printed %q", stdout)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) < 5 || sheets[0] != "Summary" {
		t.Errorf("sheets %v", sheets)
	}
	html := filepath.Join(out, "w.html")
	runOK(t, append(flags, "--lang", "fr", "report", "weekly", "--week", "2026-W46", "--out", html)...)
	body, _ := os.ReadFile(html)
	if !strings.Contains(string(body), "Semaine 46 2026") {
		t.Errorf("the French report of week 46 does not say so")
	}
	runOK(t, append(flags, "report", "anomalies", "--out", filepath.Join(out, "a.html"))...)
	dash := filepath.Join(out, "dash")
	runOK(t, append(flags, "dashboard", "--out", dash)...)
	if pages, _ := filepath.Glob(filepath.Join(dash, "*.html")); len(pages) != 8 {
		t.Errorf("dashboard wrote %d pages", len(pages))
	}
}

func TestActionsCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.duckdb")
	g := []string{"--db", db, "--as-of", "2026-11-23"}
	stdout := string(runOK(t, append(g, "actions", "add", "--kpi", "otif_line", "--cause", "Carrier capacity",
		"--action", "Book capacity two weeks ahead", "--owner", "M. Durand", "--due", "2026-12-04")...))
	if !strings.HasPrefix(stdout, "added action 1:") {
		t.Fatalf("actions add printed %q", stdout)
	}
	plan := filepath.Join(t.TempDir(), "plan.yaml")
	os.WriteFile(plan, []byte("- anomaly: late_backlog\n  cause: Planning\n  action: Weekly review\n  owner: L. Martin\n  due: 2026-11-01\n"), 0o644)
	runOK(t, append(g, "actions", "import", plan)...)
	list := string(runOK(t, append(g, "actions", "list")...))
	for _, want := range []string{"Book capacity two weeks ahead", "Weekly review", "Overdue"} {
		if !strings.Contains(list, want) {
			t.Errorf("actions list lacks %q:\n%s", want, list)
		}
	}
	runOK(t, append(g, "actions", "done", "2")...)
	if list := string(runOK(t, append(g, "actions", "list", "--open")...)); strings.Contains(list, "Weekly review") {
		t.Errorf("a done action is still listed as open:\n%s", list)
	}
	f := func(want string, args ...string) {
		t.Helper()
		_, _, err := runOrderflow(append(g, args...)...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: error %v, want %q", args, err, want)
		}
	}
	f("needs an owner", "actions", "add", "--kpi", "otif_line", "--cause", "c", "--action", "a", "--due", "2026-12-04")
	f(`"31/02/2026" is not a date`, "actions", "add", "--kpi", "otif_line", "--cause", "c", "--action", "a", "--owner", "o", "--due", "31/02/2026")
	f("is not a KPI", "actions", "add", "--kpi", "otif", "--cause", "c", "--action", "a", "--owner", "o", "--due", "2026-12-04")
	f("no action 9", "actions", "done", "9")
	f("say which report", "report")
	f("use html, xlsx or pdf", "report", "weekly", "--format", "docx")
	f("not built yet", "report", "weekly")
}
