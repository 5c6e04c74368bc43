package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runOrderflow runs the command line in this process and returns what it printed.
func runOrderflow(args ...string) (stdout, stderr string, err error) {
	var out, errb bytes.Buffer
	err = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

func TestIngestCommandPrintsOneLinePerFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.duckdb")
	// Global flags before and after the command name.
	out, errOut, err := runOrderflow("--db", db, "ingest", "../../ingest/testdata/sap", "--as-of", "2026-03-30")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	for _, want := range []string{
		"loaded  ../../ingest/testdata/sap/VA05_export.txt [sap sales_items -> order_lines, orders, customers, products]: 5 rows read, 3 loaded, 2 rejected",
		`row 7, column AUDAT, value "31.02.2026": not a valid date`,
		`row 8, column KWMENG, value "abc": not a number`,
		"[sap deliveries -> shipments]: 3 rows read, 3 loaded, 0 rejected",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runOrderflow("ingest", "--db", db, "../../ingest/testdata/sap/VF05.csv")
	if err != nil || !strings.Contains(out, "skipped ../../ingest/testdata/sap/VF05.csv: already loaded") {
		t.Fatalf("re-load: %v\n%s", err, out)
	}
	out, _, err = runOrderflow("sql", "--db", db, "--format", "csv", "SELECT count(*) AS n FROM order_lines")
	if err != nil || out != "n\n4\n" {
		t.Fatalf("sql: %v %q", err, out)
	}
}

func TestCommandErrorsSayWhatToDo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.duckdb")
	f := func(want string, args ...string) {
		t.Helper()
		_, _, err := runOrderflow(append([]string{"--db", db}, args...)...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%v: error %v, want %q", args, err, want)
		}
	}
	f("unknown command", "frobnicate")
	f("YYYY-MM-DD", "--as-of", "23/11/2026", "ingest", "x")
	f("en or fr", "--lang", "de", "ingest", "x")
	f("give the extract files", "ingest")
	f("could not be loaded", "ingest", "../../go.mod")
	f("unknown profile", "ingest", "--profile", "sapp", "../../ingest/testdata/sap")
	f("read-only", "sql", "DELETE FROM order_lines")
}

// `ingest --explain` loads nothing and says how each heading is read.
func TestIngestExplain(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.duckdb")
	out, _, err := runOrderflow("--db", db, "ingest", "--explain", "../../testdata/erp/sap/unconverted/VF05_20261205.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"profile sap, billing", "framed list", "Billing Document  -> invoices.invoice_id (as a label of VBELN)", "Billing Type      not read"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}
	if n, _, _ := runOrderflow("--db", db, "sql", "SELECT count(*) FROM load_log"); !strings.Contains(n, "0") {
		t.Errorf("explain wrote to the load log: %s", n)
	}
	// A refused file: the header as read and the closest kind.
	p := filepath.Join(t.TempDir(), "odd.csv")
	os.WriteFile(p, []byte("\"Belegnummer\",\"Menge\"\r\n\"1\",\"2\"\r\n"), 0o644)
	out, _, err = runOrderflow("--db", db, "ingest", "--explain", p)
	if err == nil || !strings.Contains(out, "Belegnummer, Menge") || !strings.Contains(out, "closest") {
		t.Errorf("refusal: %v\n%s", err, out)
	}
}

// `profile draft` matches headings to canonical fields through the built-in profiles'
// columns and labels, and the draft it writes loads the file once the one missing key
// is filled in.
func TestProfileDraftLoadsOnceFilledIn(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "auftraege.csv")
	os.WriteFile(file, []byte("Auftrag;Position;Material;Auftragsmenge;Wunschlieferdatum;Frei\r\n4711;10;A;5;2026-02-01;x\r\n4711;20;B;7;2026-02-03;y\r\n"), 0o644)
	draft := filepath.Join(dir, "mine.yaml")
	if _, _, err := runOrderflow("profile", "draft", "--out", draft, file); err != nil {
		t.Fatal(err)
	}
	body, _ := os.ReadFile(draft)
	for _, want := range []string{`line_no: "Position"`, `sku: "Material"`, `ordered_qty: "Auftragsmenge"`, `requested_date: "Wunschlieferdatum"`, "# order_id: ???", "not mapped: Auftrag, Frei"} {
		if !strings.Contains(string(body), want) {
			t.Fatalf("draft lacks %q:\n%s", want, body)
		}
	}
	filled := strings.Replace(string(body), "# order_id: ???", `order_id: "Auftrag" #`, 1)
	os.WriteFile(draft, []byte(filled), 0o644)
	db := filepath.Join(dir, "t.duckdb")
	out, errOut, err := runOrderflow("--db", db, "ingest", "--profile", draft, file)
	if err != nil || !strings.Contains(out, "2 loaded, 0 rejected") {
		t.Fatalf("%v\n%s\n%s\n%s", err, out, errOut, filled)
	}
}
