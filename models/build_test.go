package models

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/ingest"
	"github.com/orderflow/orderflow/store"
)

func TestBuildOnEmptyDatabase(t *testing.T) {
	st := openStore(t)
	rep := mustBuild(t, st, config.Default(), "2026-11-23")
	if len(rep.Models) == 0 || len(rep.Tests) == 0 {
		t.Fatalf("nothing built: %+v", rep)
	}
	// A second build replaces the first.
	mustBuild(t, st, config.Default(), "2026-11-30")
}

// A key twice in one extract keeps its last row (the fast CSV path leaves _row NULL and
// keeps the file's order), and a later extract of the key wins over an earlier one.
func TestStagingKeepsTheLastRowOfAKey(t *testing.T) {
	st := openStore(t)
	first, second := filepath.Join(t.TempDir(), "first"), filepath.Join(t.TempDir(), "second")
	writeFiles(t, first, map[string]string{
		"orders.csv": "order_id,customer_id,order_date,ship_to_country,incoterm\nO1,C1,2026-10-01,DE,FCA\nO2,C1,2026-10-02,DE,FCA\n",
		"order_lines.csv": "order_id,line_no,sku,ordered_qty,unit_price,requested_date\n" +
			"O1,10,A,5,1,2026-10-10\nO2,10,A,1,1,2026-10-10\nO1,10,A,7,1,2026-10-10\nO2,10,A,2,1,2026-10-10\nO2,10,A,3,1,2026-10-10\n",
		"shipments.csv": "shipment_id,order_id,line_no,shipped_qty,ship_date\n" +
			"S1,O1,10,1,2026-10-09\nS1,O1,10,2,2026-10-09\nS1,O2,10,1,2026-10-09\nS2,O2,10,1,2026-10-09\n",
	})
	writeFiles(t, second, map[string]string{
		"order_lines.csv": "order_id,line_no,sku,ordered_qty,unit_price,requested_date\nO2,10,A,9,1,2026-10-10\nO2,10,A,8,1,2026-10-10\n",
		"shipments.csv":   "shipment_id,order_id,line_no,shipped_qty,ship_date\nS2,O2,10,4,2026-10-09\nS2,O2,10,5,2026-10-09\n",
	})
	loadCanonical(t, st, first)
	var nulls int
	if err := st.DB.QueryRow("SELECT count(*) FROM order_lines WHERE _row IS NULL").Scan(&nulls); err != nil || nulls != 5 {
		t.Fatalf("%d rows of the fast path without _row (%v), want 5", nulls, err)
	}
	mustBuild(t, st, config.Default(), "2026-11-23")
	got := func() string {
		return queryText(t, st, "SELECT order_id || '=' || CAST(CAST(ordered_qty AS INTEGER) AS VARCHAR) FROM int_order_line ORDER BY order_id")
	}
	// The shipments too (dim_order_line and int_shipment have no unique test: they rely
	// on this deduplication).
	shipped := func() string {
		return queryText(t, st, "SELECT shipment_id || '/' || order_id || '=' || CAST(CAST(shipped_qty AS INTEGER) AS VARCHAR) FROM int_shipment ORDER BY ALL")
	}
	if g := got(); g != "O1=7 O2=3" {
		t.Fatalf("first extract: lines %s, want the last row of each key: O1=7 O2=3", g)
	}
	if g := shipped(); g != "S1/O1=2 S1/O2=1 S2/O2=1" {
		t.Fatalf("first extract: shipments %s, want S1/O1=2 S1/O2=1 S2/O2=1", g)
	}
	// The newer extract supersedes O2's rows; within it, its last row wins again.
	loadCanonical(t, st, second)
	mustBuild(t, st, config.Default(), "2026-11-23")
	if g := got(); g != "O1=7 O2=8" {
		t.Fatalf("after the newer extract: lines %s, want O1=7 O2=8", g)
	}
	if g := shipped(); g != "S1/O1=2 S1/O2=1 S2/O2=5" {
		t.Fatalf("after the newer extract: shipments %s, want S1/O1=2 S1/O2=1 S2/O2=5", g)
	}
}

// A temp model is a table of the build only: tables built from it remain, it does not,
// and a view (read after the build) may not read it.
func TestTempModel(t *testing.T) {
	st := openStore(t)
	if _, err := st.DB.Exec(`INSERT INTO orders (order_id, _load_id, _row) VALUES ('O1', 1, 1), ('O2', 1, 2)`); err != nil {
		t.Fatal(err)
	}
	p, err := parseProject(fstest.MapFS{
		"models/a.sql": {Data: []byte("-- materialized: temp\n-- test: unique(order_id)\nSELECT order_id FROM orders")},
		"models/b.sql": {Data: []byte("-- materialized: table\nSELECT count(*) AS n FROM a")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep := buildTwice(t, st, p); rep.Models[0].Name != "a" || rep.Models[0].Rows != 2 || len(rep.Tests) != 1 {
		t.Fatalf("build report %+v", rep)
	}
	var n int
	if err := st.DB.QueryRow("SELECT n FROM b").Scan(&n); err != nil || n != 2 {
		t.Fatalf("b = %d (%v), want 2", n, err)
	}
	if err := st.DB.QueryRow("SELECT count(*) FROM a").Scan(&n); err == nil {
		t.Fatal("the temp model a outlived its build")
	}
	_, err = parseProject(fstest.MapFS{
		"models/a.sql": {Data: []byte("-- materialized: temp\nSELECT order_id FROM orders")},
		"models/v.sql": {Data: []byte("SELECT * FROM a")},
	})
	if err == nil || !strings.Contains(err.Error(), "models/v.sql reads a, a temp model that lives for the build only") {
		t.Fatalf("error %v, want a view reading a temp model refused", err)
	}
}

// An enum model is a type of the build only, its values the distinct texts of its query
// sorted; a table built with it keeps them, reading and sorting as the texts.
func TestEnumModel(t *testing.T) {
	st := openStore(t)
	if _, err := st.DB.Exec(`INSERT INTO orders (order_id, customer_id, _load_id, _row) VALUES ('O1', 'b', 1, 1), ('O2', NULL, 1, 2), ('O3', 'a', 1, 3), ('O4', 'b', 1, 4)`); err != nil {
		t.Fatal(err)
	}
	p, err := parseProject(fstest.MapFS{
		"models/customer_enum.sql": {Data: []byte("-- materialized: enum\nSELECT customer_id FROM orders UNION ALL SELECT 'z'")},
		"models/t.sql":             {Data: []byte("-- materialized: table\nSELECT order_id, CAST(customer_id AS customer_enum) AS customer FROM orders")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep := buildTwice(t, st, p); rep.Models[0].Name != "customer_enum" || rep.Models[0].Rows != 3 {
		t.Fatalf("build report %+v, want customer_enum of 3 values", rep.Models[0])
	}
	if got := queryText(t, st, "SELECT typeof(customer) FROM t LIMIT 1"); got != "ENUM('a', 'b', 'z')" {
		t.Errorf("column type %s, want ENUM('a', 'b', 'z')", got)
	}
	if got := queryText(t, st, "SELECT order_id || ':' || coalesce(customer, '-') FROM t WHERE customer IS NULL OR customer <> 'x' ORDER BY customer, order_id"); got != "O3:a O1:b O4:b O2:-" {
		t.Errorf("rows %s, want O3:a O1:b O4:b O2:-", got)
	}
	var n int
	if err := st.DB.QueryRow("SELECT count(*) FROM duckdb_types() WHERE type_name LIKE 'customer_enum%'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d types customer_enum after the build (%v), want none", n, err)
	}
	_, err = parseProject(fstest.MapFS{
		"models/e.sql": {Data: []byte("-- materialized: enum\nSELECT customer_id FROM orders")},
		"models/v.sql": {Data: []byte("SELECT CAST(customer_id AS e) AS c FROM orders")},
	})
	if err == nil || !strings.Contains(err.Error(), "models/v.sql reads e, an enum model that lives for the build only") {
		t.Fatalf("error %v, want a view reading an enum model refused", err)
	}
}

// A line shipped twice in a week counts once in the claim rate's shipped lines, under
// the carrier of its first shipment of the week: on the flow fixture O1-10 ships on
// 11-16 by DHL (SH01) and on 11-20 by DSV (SH02), both in W47. The carriers' shipped
// lines add up to the total's 9; DSV has none, though its quantity counts under it.
func TestClaimRateCountsALineOnceAWeek(t *testing.T) {
	st := openStore(t)
	loadCanonical(t, st, "../testdata/kpi/flow")
	mustBuild(t, st, config.Default(), "2026-11-23")
	week := KPIQuery{KPIs: []string{"claim_rate", "return_rate"}, From: "2026-W47", To: "2026-W47"}
	den := func(vals []KPIValue, kpi string) map[string]float64 {
		out := map[string]float64{}
		for _, v := range vals {
			if v.KPI == kpi && v.Denominator != nil {
				out[v.Dims["carrier"]] = *v.Denominator
			}
		}
		return out
	}
	total := den(mustQuery(t, st, week), "claim_rate")[""]
	byCarrier := week
	byCarrier.By = []string{"carrier"}
	vals := mustQuery(t, st, byCarrier)
	lines := den(vals, "claim_rate")
	sum := 0.0
	for _, n := range lines {
		sum += n
	}
	if total != 9 || sum != 9 || lines["DHL"] != 2 || lines["DSV"] != 0 {
		t.Errorf("shipped lines W47: total %v, by carrier %v (sum %v); want 9, DHL 2 (O1-10, O7-10), DSV 0, sum 9", total, lines, sum)
	}
	if qty := den(vals, "return_rate")["DSV"]; qty != 40 {
		t.Errorf("DSV shipped quantity W47 = %v, want 40 (SH02)", qty)
	}
	// A carrier filter sees the same: the line is DHL's in W47.
	dsv := week
	dsv.Filters = map[string][]string{"carrier": {"DSV"}}
	if n := den(mustQuery(t, st, dsv), "claim_rate")[""]; n != 0 {
		t.Errorf("shipped lines W47 of DSV alone = %v, want 0", n)
	}
}

// A line is in full exactly when its shipped quantity covers ordered x (1 - tolerance),
// with no rounding: tolerance 0.00001 on 7 units requires 6.99993, which 6.9999 shipped
// does not cover and 7 does; on 100000 units it requires 99999, which 99999 covers and
// 99998.9999 does not.
func TestRequiredQtyIsExact(t *testing.T) {
	st := openStore(t)
	dir := t.TempDir()
	files := map[string]string{
		"orders.csv": "order_id,customer_id,order_date,ship_to_country,incoterm\nO1,C1,2026-10-01,DE,FCA\n",
		"order_lines.csv": "order_id,line_no,sku,ordered_qty,unit_price,requested_date\n" +
			"O1,10,A,7,1,2026-10-10\nO1,20,A,7,1,2026-10-10\nO1,30,A,100000,1,2026-10-10\nO1,40,A,100000,1,2026-10-10\n",
		"shipments.csv": "shipment_id,order_id,line_no,shipped_qty,ship_date\n" +
			"S1,O1,10,6.9999,2026-10-09\nS2,O1,20,7,2026-10-09\nS3,O1,30,99999,2026-10-09\nS4,O1,40,99998.9999,2026-10-09\n",
	}
	writeFiles(t, dir, files)
	loadCanonical(t, st, dir)
	cfg := config.Default()
	cfg.KPI.QtyTolerance = 0.00001
	mustBuild(t, st, cfg, "2026-11-23")
	got := queryText(t, st, "SELECT line_no || ':' || CAST(CAST(required_qty AS DOUBLE) AS VARCHAR) || ':' || CAST(in_full AS VARCHAR) FROM fct_order_line ORDER BY line_no")
	want := "10:6.99993:false 20:6.99993:true 30:99999.0:true 40:99999.0:false"
	if got != want {
		t.Errorf("required_qty and in_full: %s, want %s", got, want)
	}
}

// fct_order, a view since nothing in the product reads it, holds one row per order with
// counted lines: OTIF when every line is, perfect when also without claim or bad document.
func TestOrderFact(t *testing.T) {
	st := openStore(t)
	loadCanonical(t, st, "../testdata/kpi/flow")
	mustBuild(t, st, config.Default(), "2026-11-23")
	got := queryText(t, st, `SELECT count(*) || ' ' || count(DISTINCT order_id) || ' ' || count(*) FILTER (WHERE order_otif) || ' ' || count(*) FILTER (WHERE perfect_order) FROM fct_order`)
	want := queryText(t, st, `SELECT count(*) || ' ' || count(*) || ' ' || count(*) FILTER (WHERE otif) || ' ' || count(*) FILTER (WHERE perfect) FROM (
		SELECT order_id, bool_and(otif) AS otif, bool_and(otif) AND NOT bool_or(order_has_claim) AND NOT bool_or(order_has_document_issue) AS perfect
		FROM fct_order_line GROUP BY order_id)`)
	if got != want || got == "0 0 0 0" {
		t.Errorf("fct_order rows, orders, OTIF, perfect: %s, want %s from the lines", got, want)
	}
	if n := queryText(t, st, `SELECT count(*) FROM fct_order WHERE line_count <> otif_lines AND order_otif`); n != "0" {
		t.Errorf("%s OTIF orders with a line not OTIF", n)
	}
}

// A key twice in one load keeps its rows (duplicate_record shows them); the first build
// after the load marks all but the last _superseded, whether the load took the fast CSV
// path (no _row: the table's order) or the mapped one (JSON, with _row), and lists the
// load as marked, which the next build does not mark again. A newer extract of the key
// deletes its older rows.
func TestBuildMarksSupersededRows(t *testing.T) {
	st := openStore(t)
	dir := t.TempDir()
	ctx := context.Background()
	writeFiles(t, dir, map[string]string{"dups.csv": "order_id,line_no,sku,ordered_qty,unit_price,requested_date\n" +
		"D1,1,S1,1,1,2026-03-02\nD1,2,S1,2,1,2026-03-02\nD1,1,S1,3,1,2026-03-02\nD1,1,S1,4,1,2026-03-02\n"})
	csv, js := filepath.Join(dir, "dups.csv"), filepath.Join(dir, "dups.json")
	if _, err := st.DB.ExecContext(ctx, fmt.Sprintf(`COPY (SELECT * REPLACE (replace(order_id, 'D', 'J') AS order_id) FROM read_csv('%s', all_varchar = true)) TO '%s' (FORMAT json, ARRAY true)`, csv, js)); err != nil {
		t.Fatal(err)
	}
	load := func(paths ...string) {
		t.Helper()
		res, err := ingest.Load(ctx, st, ingest.Options{}, paths...)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil {
				t.Fatalf("%+v", r)
			}
		}
	}
	load(csv, js)
	flags := func(where string) string {
		return queryText(t, st, "SELECT order_id || '/' || line_no || '=' || CAST(CAST(ordered_qty AS INTEGER) AS VARCHAR) || ':' || CAST(_superseded AS VARCHAR) FROM order_lines "+where+" ORDER BY order_id, ordered_qty")
	}
	if got := flags(""); got != "D1/1=1:false D1/2=2:false D1/1=3:false D1/1=4:false J1/1=1:false J1/2=2:false J1/1=3:false J1/1=4:false" {
		t.Fatalf("before the build: %s, want no row marked", got)
	}
	mustBuild(t, st, config.Default(), "2026-11-23")
	if got, want := flags(""), "D1/1=1:true D1/2=2:false D1/1=3:true D1/1=4:false J1/1=1:true J1/2=2:false J1/1=3:true J1/1=4:false"; got != want {
		t.Errorf("after the build: %s, want %s", got, want)
	}
	if got := queryText(t, st, "SELECT order_id || '/' || line_no || '=' || CAST(CAST(ordered_qty AS INTEGER) AS VARCHAR) FROM int_order_line ORDER BY ALL"); got != "D1/1=4 D1/2=2 J1/1=4 J1/2=2" {
		t.Errorf("int_order_line: %s, want the last row of each key", got)
	}
	marked := func() string {
		return queryText(t, st, "SELECT entity || ':' || CAST(load_id AS VARCHAR) || '@' || CAST(marked_at AS VARCHAR) FROM superseded_marked ORDER BY ALL")
	}
	before := marked()
	if strings.Count(before, "order_lines:") != 2 {
		t.Fatalf("superseded_marked %s, want the two loads of order_lines", before)
	}
	writeFiles(t, dir, map[string]string{"newer.csv": "order_id,line_no,sku,ordered_qty,unit_price,requested_date\nD1,1,S1,5,1,2026-03-02\n"})
	load(filepath.Join(dir, "newer.csv"))
	mustBuild(t, st, config.Default(), "2026-11-23")
	if got := flags("WHERE order_id = 'D1'"); got != "D1/2=2:false D1/1=5:false" {
		t.Errorf("after a newer extract of D1/1: %s, want D1/2=2:false D1/1=5:false", got)
	}
	after := marked()
	for _, m := range strings.Fields(before) {
		if !strings.Contains(after, m) {
			t.Errorf("superseded_marked %s after the second build lost or re-marked %s", after, m)
		}
	}
	if strings.Count(after, "order_lines:") != 3 {
		t.Errorf("superseded_marked %s after the second build, want the newer load too", after)
	}
}

// Documents are read like the other extracts: the load writes doc_type in lower case (the
// key stg_documents reads), so a later extract replaces a document whatever the case of
// its type, and the first build marks _superseded the rows a later row of the same key in
// the same file replaces. The perfect order reads the documents as stg_documents does:
// the latest row of each key, its status label ("Rejeté", "Manquant", as a French ERP
// writes its selection labels: rules/data/status_labels.csv) read as its status.
func TestDocumentsSupersededAndLabelled(t *testing.T) {
	st := openStore(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"orders.csv": "order_id,customer_id,order_date,ship_to_country,incoterm\r\n" +
			"O1,C1,2026-10-01,DE,FCA\r\nO2,C1,2026-10-01,DE,FCA\r\nO3,C1,2026-10-01,DE,FCA\r\n",
		"order_lines.csv": "order_id,line_no,sku,ordered_qty,unit_price,requested_date\r\n" +
			"O1,10,A,5,1,2026-10-10\r\nO2,10,A,5,1,2026-10-10\r\nO3,10,A,5,1,2026-10-10\r\n",
		"shipments.csv": "shipment_id,order_id,line_no,shipped_qty,ship_date\r\n" +
			"S1,O1,10,5,2026-10-09\r\nS2,O2,10,5,2026-10-09\r\nS3,O3,10,5,2026-10-09\r\n",
		// O1's invoice issued then, further down the file, rejected (the type in another
		// case: the same document); O2's certificate of origin rejected then issued; O3's
		// packing list missing, in French
		"documents.csv": "order_id,shipment_id,doc_type,status,issued_date,reference\r\n" +
			"O1,S1,Commercial_Invoice,Émis,2026-10-09,A\r\n" +
			"O2,S2,COO,Rejeté,,C\r\n" +
			"O1,S1,commercial_invoice,Rejeté,2026-10-09,B\r\n" +
			"O2,S2,coo,Émis,2026-10-09,D\r\n" +
			"O3,,Packing_List,Manquant,,F\r\n",
	})
	loadCanonical(t, st, dir)
	mustBuild(t, st, config.Default(), "2026-11-23")
	docs := func() string {
		return queryText(t, st, "SELECT reference || ':' || doc_type || ':' || CAST(_superseded AS VARCHAR) FROM documents ORDER BY reference")
	}
	if got, want := docs(), "A:commercial_invoice:true B:commercial_invoice:false C:coo:true D:coo:false F:packing_list:false"; got != want {
		t.Errorf("documents after the build: %s, want %s", got, want)
	}
	perfect := func() string {
		return queryText(t, st, "SELECT order_id || ':' || CAST(order_otif AS VARCHAR) || ':' || CAST(perfect_order AS VARCHAR) FROM fct_order ORDER BY order_id")
	}
	if got, want := perfect(), "O1:true:false O2:true:true O3:true:false"; got != want {
		t.Errorf("orders OTIF and perfect: %s, want %s (O1's invoice rejected, O2's certificate issued last, O3's packing list missing)", got, want)
	}
	if got := queryText(t, st, "SELECT reference || ':' || status FROM stg_documents ORDER BY reference"); got != "B:rejected D:issued F:missing" {
		t.Errorf("stg_documents: %s, want B:rejected D:issued F:missing", got)
	}

	// a newer extract with O1's invoice issued, its type in capitals: it replaces both rows
	again := filepath.Join(dir, "again")
	writeFiles(t, again, map[string]string{"documents.csv": "order_id,shipment_id,doc_type,status,issued_date,reference\r\n" +
		"O1,S1,COMMERCIAL_INVOICE,Émis,2026-10-12,E\r\n"})
	loadCanonical(t, st, again)
	mustBuild(t, st, config.Default(), "2026-11-23")
	if got, want := docs(), "C:coo:true D:coo:false E:commercial_invoice:false F:packing_list:false"; got != want {
		t.Errorf("documents after the newer extract: %s, want %s", got, want)
	}
	if got, want := perfect(), "O1:true:true O2:true:true O3:true:false"; got != want {
		t.Errorf("orders OTIF and perfect after O1's invoice is issued: %s, want %s", got, want)
	}
}

// A database whose documents were loaded before migrations 011 and 012 (doc_type as the file wrote
// it, no _superseded) is brought to the state a load now leaves: the types in lower case,
// the rows of an earlier load whose key a later load carries deleted; the next build
// marks the rows a later one of the same load replaces.
func TestDocumentsMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DELETE FROM schema_migrations WHERE version IN ('011_documents_doc_type', '012_documents_superseded')`,
		`ALTER TABLE documents DROP COLUMN _superseded`,
		`INSERT INTO documents (order_id, shipment_id, doc_type, status, reference, _load_id, _row) VALUES
			('O1', 'S1', 'Commercial_Invoice', 'issued', 'A', 1, 1),
			('O2', '', 'COO', 'issued', 'C', 1, 2),
			('O2', '', 'coo', 'rejected', 'D', 1, 3),
			('O1', 'S1', ' COMMERCIAL_INVOICE', 'rejected', 'B', 2, 1)`,
	} {
		if _, err := st.DB.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	st, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mustBuild(t, st, config.Default(), "2026-11-23")
	got := queryText(t, st, "SELECT reference || ':' || doc_type || ':' || CAST(_superseded AS VARCHAR) FROM documents ORDER BY reference")
	if want := "B:commercial_invoice:false C:coo:true D:coo:false"; got != want {
		t.Errorf("documents after the migration and a build: %s, want %s", got, want)
	}
	if got := queryText(t, st, "SELECT reference || ':' || status FROM stg_documents ORDER BY reference"); got != "B:rejected D:rejected" {
		t.Errorf("stg_documents: %s, want B:rejected D:rejected", got)
	}
}
