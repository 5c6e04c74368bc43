package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnomaliesCommand: build the world fixture, list its anomalies as contract.md's
// JSON, acknowledge one and filter by status and code.
func TestAnomaliesCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.duckdb")
	world := "../../testdata/anomalies/world"
	if _, errOut, err := runOrderflow("--db", db, "--as-of", "2026-03-16", "ingest", "--profile", "canonical", world); err != nil {
		t.Fatalf("ingest: %v\n%s", err, errOut)
	}
	out, errOut, err := runOrderflow("--db", db, "--as-of", "2026-03-16", "build")
	if err != nil || !strings.Contains(out, "found 21 anomalies (21 new") {
		t.Fatalf("build: %v\n%s%s", err, out, errOut)
	}
	list := func(args ...string) []map[string]any {
		t.Helper()
		out, errOut, err := runOrderflow(append([]string{"anomalies", "--db", db, "--format", "json"}, args...)...)
		if err != nil {
			t.Fatalf("anomalies %v: %v\n%s", args, err, errOut)
		}
		var v []map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		return v
	}
	all := list()
	if len(all) != 21 {
		t.Fatalf("%d anomalies, want 21", len(all))
	}
	for _, a := range all {
		for _, k := range []string{"code", "severity", "detected_on", "message", "id", "status", "priority"} {
			if _, ok := a[k]; !ok {
				t.Errorf("%v lacks %s", a["key"], k)
			}
		}
		if a["code"] == "obsolete_incoterm" {
			if _, ok := a["line_no"]; ok {
				t.Errorf("an order-level anomaly carries line_no: %v", a)
			}
		}
	}
	late := list("--code", "late_backlog")
	if len(late) != 2 || late[0]["order_id"] != "O12" {
		t.Fatalf("late_backlog: %v", late)
	}
	if out, errOut, err := runOrderflow("anomalies", "--db", db, "ack", late[0]["id"].(string)); err != nil || !strings.Contains(out, "1 of 1 anomalies marked acknowledged") {
		t.Fatalf("ack: %v %s%s", err, out, errOut)
	}
	if acked := list("--status", "acknowledged"); len(acked) != 1 || acked[0]["key"] != "late_backlog/O12/10" {
		t.Errorf("acknowledged: %v", acked)
	}
	if n := len(list("--status", "new")); n != 20 {
		t.Errorf("%d new, want 20", n)
	}
	if _, _, err := runOrderflow("anomalies", "--db", db, "--code", "nonsense"); err == nil || !strings.Contains(err.Error(), "not an anomaly code") {
		t.Errorf("unknown code: %v", err)
	}
	for _, a := range all {
		for _, k := range []string{"state", "age_days", "item", "list"} {
			if _, ok := a[k]; !ok {
				t.Errorf("%v lacks %s", a["key"], k)
			}
		}
	}
	// the table is the worklist: what changed, then the top items with their state and age
	out, _, err = runOrderflow("anomalies", "--db", db, "--items", "3")
	if err != nil || !strings.Contains(out, "In the last 7 days:") || !strings.Contains(out, "Worklist: ") ||
		!strings.Contains(out, "The first 3 items below; --all shows them all.") || !strings.Contains(out, "STATE") {
		t.Errorf("table: %v\n%s", err, out)
	}
	if stale := list("--list", "stale"); len(stale) != 0 {
		t.Errorf("%d stale anomalies a few days after the events", len(stale))
	}
	if _, _, err := runOrderflow("anomalies", "--db", db, "--list", "old"); err == nil || !strings.Contains(err.Error(), "worklist, stale, resolved") {
		t.Errorf("unknown list: %v", err)
	}
	out, _, err = runOrderflow("anomalies", "--db", db, "--lang", "fr", "--code", "due_soon_short")
	if err != nil || !strings.Contains(out, "La ligne 10 de la commande O14 (P2) est due le 20/03/2026 (dans 4 jours)") {
		t.Errorf("French table: %v\n%s", err, out)
	}
}
