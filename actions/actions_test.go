package actions

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/orderflow/orderflow/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "a.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func day(s string) time.Time {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestAddListDone(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	a, err := Add(ctx, st.DB, Action{KPI: "otif_line", Cause: "Carrier capacity in peak weeks", Action: "Book capacity two weeks ahead", Owner: "M. Durand", Due: day("2026-12-04")})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || a.Status != Open {
		t.Fatalf("Add gave id %d status %q", a.ID, a.Status)
	}
	if _, err := Add(ctx, st.DB, Action{Anomaly: "shipped_not_invoiced", Cause: "Invoice run after cut-off", Action: "Daily check", Owner: "S. Petit", Due: day("2026-11-01")}); err != nil {
		t.Fatal(err)
	}
	list, err := List(ctx, st.DB, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Anomaly != "shipped_not_invoiced" {
		t.Fatalf("List = %+v, want the earliest due first", list)
	}
	asOf := day("2026-11-23")
	if got := list[0].StatusAt(asOf); got != Overdue {
		t.Errorf("past due open action reads %q, want overdue", got)
	}
	if err := SetStatus(ctx, st.DB, list[0].ID, Done, asOf); err != nil {
		t.Fatal(err)
	}
	open, _ := List(ctx, st.DB, Filter{OpenOnly: true})
	if len(open) != 1 || open[0].ID != a.ID {
		t.Fatalf("open actions = %+v", open)
	}
	all, _ := List(ctx, st.DB, Filter{})
	if all[1].Status != Done || !all[1].DoneOn.Equal(asOf) {
		t.Errorf("done action = %+v", all[1])
	}
	if err := SetStatus(ctx, st.DB, 999, Done, asOf); err == nil || !strings.Contains(err.Error(), "no action 999") {
		t.Errorf("SetStatus(999) = %v", err)
	}
}

func TestValidate(t *testing.T) {
	f := func(a Action, want string) {
		t.Helper()
		err := a.Validate()
		if want == "" {
			if err != nil {
				t.Errorf("Validate(%+v) = %v", a, err)
			}
			return
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate(%+v) = %v, want %q", a, err, want)
		}
	}
	ok := Action{KPI: "otif_line", Cause: "c", Action: "a", Owner: "o", Due: day("2026-12-04")}
	f(ok, "")
	bad := ok
	bad.KPI = "otif"
	f(bad, `kpi "otif" is not a KPI`)
	bad = ok
	bad.KPI, bad.Anomaly = "", "late"
	f(bad, `anomaly "late" is not an anomaly code`)
	bad = ok
	bad.KPI = ""
	f(bad, "needs a KPI")
	bad = ok
	bad.Owner = " "
	f(bad, "needs an owner")
	bad = ok
	bad.Due = time.Time{}
	f(bad, "due date")
	bad = ok
	bad.Status = "closed"
	f(bad, `status "closed"`)
}

func TestImportYAMLTwiceAddsOnce(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	path := filepath.Join(t.TempDir(), "plan.yaml")
	os.WriteFile(path, []byte(`actions:
  - kpi: otif_line
    scope: carrier=DHL
    cause: Carrier capacity in peak weeks
    action: Book capacity two weeks ahead
    owner: M. Durand
    due: 2026-12-04
  - anomaly: late_backlog
    cause: Planning ignores confirmed dates
    action: Weekly review of confirmed dates
    owner: L. Martin
    due: 04/01/2027
    status: in_progress
`), 0o644)
	res, err := Import(ctx, st.DB, path)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 2 {
		t.Fatalf("first import = %+v", res)
	}
	res, err = Import(ctx, st.DB, path)
	if err != nil || res.Added != 0 || res.Unchanged != 2 {
		t.Fatalf("second import = %+v, %v", res, err)
	}
	list, _ := List(ctx, st.DB, Filter{})
	if len(list) != 2 || !list[1].Due.Equal(day("2027-01-04")) || list[1].Status != InProgress {
		t.Fatalf("actions = %+v", list)
	}
}

func TestImportXLSX(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	dir := t.TempDir()
	write := func(name string, rows [][]any) string {
		f := excelize.NewFile()
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			f.SetSheetRow("Sheet1", cell, &r)
		}
		// a real date cell, as Excel stores it
		style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		f.SetCellStyle("Sheet1", "F2", "F2", style)
		path := filepath.Join(dir, name)
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	head := []any{"Indicateur", "Cause", "Action", "Responsable", "Statut", "Échéance"}
	good := write("plan.xlsx", [][]any{head,
		{"claim_rate", "Damage in transit", "New packaging spec", "A. Roux", "open", day("2026-12-18")},
		{"", "", "", "", "", ""},
		{"otif_order", "Partial shipments", "Ship complete orders", "B. Leroy", "", "2027-01-15"},
	})
	res, err := Import(ctx, st.DB, good)
	if err != nil || res.Added != 2 {
		t.Fatalf("import = %+v, %v", res, err)
	}
	list, _ := List(ctx, st.DB, Filter{})
	if !list[0].Due.Equal(day("2026-12-18")) || list[0].Owner != "A. Roux" {
		t.Fatalf("actions = %+v", list)
	}
	bad := write("bad.xlsx", [][]any{head,
		{"claim_rate", "c", "a", "o", "open", day("2026-12-18")},
		{"claim_rate", "c", "a2", "o", "open", "31/02/2026"},
	})
	_, err = Import(ctx, st.DB, bad)
	if err == nil || !strings.Contains(err.Error(), `row 3, column due, value "31/02/2026"`) {
		t.Fatalf("bad import = %v", err)
	}
	if after, _ := List(ctx, st.DB, Filter{}); len(after) != 2 {
		t.Errorf("a failed import stored %d actions", len(after)-2)
	}
}
