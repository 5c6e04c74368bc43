package models

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/gen"
	"github.com/orderflow/orderflow/store"
)

// TestIncrementalBuildEqualsFull builds one database incrementally, week after week, and
// another, loaded the same way, whole every time (--full): the incremental models hold the
// same rows after
//   - the as-of date moving on with no new extract (shipments made, becoming invoiceable,
//     invoices dated, open lines coming within the document lead time);
//   - a load that inserts a new order, changes rows (a shipment's quantity and date, an
//     order's Incoterm, a customer's country) and supersedes an extract (the whole order
//     lines file again, one key twice in it, its last row different);
//   - a line's two rows, and a document's (its type in two cases), sent again in the other
//     order: the same rows, another latest;
//   - the as-of date moving on again, past the date a document of the extract is issued.
//
// It also checks that the refreshes computed only part of the rows, and when a build
// falls back to a whole one.
func TestIncrementalBuildEqualsFull(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two generated companies five times")
	}
	ctx := context.Background()
	asOf := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	extracts := filepath.Join(t.TempDir(), "extracts")
	if _, err := gen.Generate(ctx, gen.Options{Out: extracts, Seed: 11, Lines: 4000, AsOf: asOf}); err != nil {
		t.Fatal(err)
	}
	inc, full := openStore(t), openStore(t)
	loadCanonical(t, inc, extracts)
	loadCanonical(t, full, extracts)
	cfg := config.Default()
	incremental := incrementalModels(t)

	step := func(name string, day time.Time, wantRefresh bool) {
		t.Helper()
		ri, err := BuildWith(ctx, inc, cfg, day, nil, Options{})
		if err != nil {
			t.Fatalf("%s: incremental build: %v", name, err)
		}
		rf, err := BuildWith(ctx, full, cfg, day, nil, Options{Full: true})
		if err != nil {
			t.Fatalf("%s: full build: %v", name, err)
		}
		if !strings.Contains(rf.Refresh, "whole (--full)") {
			t.Errorf("%s: the --full build says %q", name, rf.Refresh)
		}
		for _, run := range ri.Models {
			if !slices.Contains(incremental, run.Name) {
				continue
			}
			if run.Refreshed != wantRefresh {
				t.Errorf("%s: %s refreshed = %v, want %v (%s)", name, run.Name, run.Refreshed, wantRefresh, ri.Refresh)
			}
			// (the documents lacking are mostly those of orders still open: all refreshed)
			if run.Refreshed && run.Rows >= 1000 && (run.DeltaRows == 0 || run.DeltaRows >= run.Rows/2) {
				t.Errorf("%s: %s computed %d of its %d rows again: a refresh should compute some, not most", name, run.Name, run.DeltaRows, run.Rows)
			}
		}
		for _, table := range incremental {
			a, b := tableRows(t, inc, table), tableRows(t, full, table)
			if len(a) == 0 {
				t.Fatalf("%s: %s is empty", name, table)
			}
			if d := rowDiff(a, b); d != "" {
				t.Errorf("%s: %s built incrementally differs from the full build (%s):\n%s", name, table, ri.Refresh, d)
			}
		}
		t.Logf("%s: %s", name, ri.Refresh)
	}

	week := 7 * 24 * time.Hour
	a0 := asOf.Add(-5 * week)
	if rep, err := Build(ctx, inc, cfg, a0, nil); err != nil {
		t.Fatal(err)
	} else if !strings.Contains(rep.Refresh, "whole (no earlier build to refresh)") {
		t.Errorf("the first build says %q", rep.Refresh)
	}
	step("as-of a week later, no new extract", a0.Add(week), true)
	step("as-of four weeks later", a0.Add(5*week), true)

	changes := filepath.Join(t.TempDir(), "changes")
	changed := writeChanges(t, inc, changes)
	loadCanonical(t, inc, changes)
	loadCanonical(t, full, changes)
	step("after an insert, changed rows and a superseded extract", asOf, true)
	changed.check(t, full)
	// the two rows of a line and of a document sent again the other way round: the same
	// rows, another latest
	loadCanonical(t, inc, changes+"-again")
	loadCanonical(t, full, changes+"-again")
	step("the same as-of again, a line's and a document's two rows sent again in the other order", asOf, true)
	var qty float64
	if err := full.DB.QueryRow(`SELECT ordered_qty FROM anomaly_line_flow WHERE order_id = ? AND line_no = ?`, changed.twiceOrder, changed.twiceLine).Scan(&qty); err != nil || qty != changed.twiceQty {
		t.Errorf("the line written twice has %v ordered, want its original %v, the latest row again (%v)", qty, changed.twiceQty, err)
	}
	var lacking bool
	if err := full.DB.QueryRow(`SELECT count(*) > 0 FROM anomaly_document_lacking k JOIN documents d USING (order_id, shipment_id)
		WHERE d.reference = 'TWICE-A' AND k.doc_type = lower(d.doc_type)`).Scan(&lacking); err != nil || lacking {
		t.Errorf("the document issued, now the latest of its two rows, still lacks (%v)", err)
	}
	step("two weeks later, once the late document is issued", asOf.Add(2*week), true)

	// Falling back to a whole build, and saying why.
	rep, err := Build(ctx, inc, cfg, asOf.Add(-week), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep.Refresh, "whole (the as-of date goes back, from 2026-12-07)") {
		t.Errorf("a build as of an earlier date says %q", rep.Refresh)
	}
	other := cfg
	other.Anomalies.InvoiceDelayDays++
	if rep, err = Build(ctx, inc, other, asOf, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep.Refresh, "whole (its SQL, a model it reads, the trade rules or the parameters changed)") {
		t.Errorf("a build with another invoice delay says %q", rep.Refresh)
	}
}

// writeChanges writes a weekly extract over what inc holds: a new order with two open
// lines, a shipment shipped again with another quantity and date, an order's Incoterm
// changed, a customer moved to another country, and the whole order lines file again with
// one key twice, its last row with another quantity (the last row of a file wins).
func writeChanges(t *testing.T, st *store.Store, dir string) changes {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Orders settled long ago (every line closed, shipped and invoiced months before),
	// whose rows only a change can move: a shipment of one, another's Incoterm, the weight
	// of a third one's customer; and a fourth, whose lines the extract repeats.
	settled := `SELECT order_id FROM order_lines GROUP BY order_id
		HAVING bool_and(status = 'closed') AND order_id NOT IN (
		    SELECT order_id FROM shipments WHERE ship_date IS NULL OR ship_date > DATE '2026-03-01'
		    UNION ALL SELECT order_id FROM invoices WHERE invoice_date IS NULL OR invoice_date > DATE '2026-03-01')
		  AND order_id IN (SELECT order_id FROM shipments)`
	var c changes
	if err := st.DB.QueryRowContext(ctx, `SELECT s.order_id, s.line_no, s.shipment_id FROM shipments s
		WHERE s.order_id IN (`+settled+`) ORDER BY ALL LIMIT 1 OFFSET 10`).Scan(&c.order, &c.line, &c.shipment); err != nil {
		t.Fatal(err)
	}
	if err := st.DB.QueryRowContext(ctx, `SELECT order_id FROM (`+settled+`) WHERE order_id <> ? ORDER BY 1 LIMIT 1 OFFSET 20`, c.order).Scan(&c.incoterm); err != nil {
		t.Fatal(err)
	}
	if err := st.DB.QueryRowContext(ctx, `SELECT customer_id FROM orders WHERE order_id IN (`+settled+`) AND order_id NOT IN (?, ?)
		ORDER BY 1 LIMIT 1 OFFSET 30`, c.order, c.incoterm).Scan(&c.customer); err != nil {
		t.Fatal(err)
	}
	var other string
	if err := st.DB.QueryRowContext(ctx, `SELECT order_id FROM (`+settled+`) WHERE order_id NOT IN (?, ?) ORDER BY 1 LIMIT 1 OFFSET 40`, c.order, c.incoterm).Scan(&other); err != nil {
		t.Fatal(err)
	}
	copyTo := func(file, query string, args ...any) {
		t.Helper()
		path := filepath.Join(dir, file)
		q := fmt.Sprintf("COPY (%s) TO '%s' (HEADER, DELIMITER ',')", query, strings.ReplaceAll(path, "'", "''"))
		if _, err := st.DB.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	cols := func(table string) string {
		t.Helper()
		all, err := ColumnsOf(ctx, st.DB, table)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range all {
			if !strings.HasPrefix(c, "_") {
				out = append(out, c)
			}
		}
		return strings.Join(out, ", ")
	}
	lineCols := cols("order_lines")
	copyTo("orders.csv", fmt.Sprintf(`
		SELECT * REPLACE ('NEWORDER-1' AS order_id, DATE '2026-11-20' AS order_date) FROM (SELECT %[1]s FROM orders WHERE order_id = $1)
		UNION ALL
		SELECT * REPLACE (CASE WHEN incoterm = 'EXW' THEN 'DAP' ELSE 'EXW' END AS incoterm) FROM (SELECT %[1]s FROM orders WHERE order_id = $2)`,
		cols("orders")), c.order, c.incoterm)
	copyTo("order_lines.csv", fmt.Sprintf(`
		SELECT %[1]s FROM (
		    SELECT %[1]s, 0 AS part, _row FROM order_lines WHERE _superseded IS NOT TRUE
		    UNION ALL
		    SELECT * REPLACE (ordered_qty + 5 AS ordered_qty), 1, 0 FROM (SELECT %[1]s FROM order_lines WHERE order_id = $1 AND line_no = $2)
		    UNION ALL
		    SELECT * EXCLUDE (_row) REPLACE ('NEWORDER-1' AS order_id, 'open' AS status, DATE '2026-12-01' AS promised_date,
		                      DATE '2026-11-27' AS planned_ship_date), 2, _row
		    FROM (SELECT %[1]s, _row FROM order_lines WHERE order_id = $1)
		) ORDER BY part, _row`, lineCols), other, firstLine(t, st, other))
	// the same two rows of that line sent again the other way round (the "-again" folder):
	// the original quantity is the latest again
	if err := os.MkdirAll(dir+"-again", 0o755); err != nil {
		t.Fatal(err)
	}
	c.twiceOrder, c.twiceLine = other, firstLine(t, st, other)
	if err := st.DB.QueryRow(`SELECT ordered_qty FROM order_lines WHERE order_id = ? AND line_no = ?`, c.twiceOrder, c.twiceLine).Scan(&c.twiceQty); err != nil {
		t.Fatal(err)
	}
	copyTo("../"+filepath.Base(dir)+"-again/order_lines.csv", fmt.Sprintf(`
		SELECT %[1]s FROM (
		    SELECT * REPLACE (ordered_qty + 5 AS ordered_qty), 0 AS part FROM (SELECT %[1]s FROM order_lines WHERE order_id = $1 AND line_no = $2)
		    UNION ALL
		    SELECT %[1]s, 1 FROM order_lines WHERE order_id = $1 AND line_no = $2
		) ORDER BY part`, lineCols), c.twiceOrder, c.twiceLine)
	copyTo("shipments.csv", fmt.Sprintf(`
		SELECT * REPLACE (shipped_qty - 1 AS shipped_qty, ship_date + 2 AS ship_date)
		FROM (SELECT %s FROM shipments WHERE order_id = $1 AND line_no = $2 AND shipment_id = $3)`, cols("shipments")),
		c.order, c.line, c.shipment)
	copyTo("customers.csv", fmt.Sprintf(`
		SELECT * REPLACE (CASE WHEN country = 'JP' THEN 'BR' ELSE 'JP' END AS country, coalesce(weight, 1) + 2 AS weight)
		FROM (SELECT %s FROM customers WHERE customer_id = $1)`, cols("customers")), c.customer)
	// a document of a shipment long gone, issued only after the as-of date (2026-12-03)
	// and one written twice in the file, "COO" issued then "coo" rejected: the same document
	// (its type read in lower case), the last row the latest; documentsAgain sends them
	// again the other way round
	need := func(offset int) string {
		// the first need of the offset-th such order (each change on an order of its own)
		return fmt.Sprintf(`(SELECT order_id, shipment_id, doc_type FROM (
			    SELECT n.order_id, n.shipment_id, n.doc_type, dense_rank() OVER (ORDER BY n.order_id) AS nth,
			           row_number() OVER (PARTITION BY n.order_id ORDER BY n.shipment_id, n.doc_type) AS first
			    FROM anomaly_document_need n
			    WHERE n.order_id IN (%s) AND n.shipment_id <> '' AND NOT EXISTS (
			        SELECT 1 FROM documents d WHERE d.order_id = n.order_id AND d.shipment_id = '' AND lower(trim(d.doc_type)) = n.doc_type))
			WHERE nth = %d AND first = 1)`, settled, offset+1)
	}
	twice := func(first, second string) string {
		return `SELECT order_id, shipment_id, upper(doc_type) AS doc_type, 'issued' AS status, DATE '2026-11-02' AS issued_date, 'TWICE-A' AS reference, ` + first + ` AS part FROM ` + need(1) + `
		UNION ALL
		SELECT order_id, shipment_id, doc_type, 'rejected', DATE '2026-11-02', 'TWICE-B', ` + second + ` FROM ` + need(1)
	}
	copyTo("documents.csv", `SELECT * EXCLUDE (part) FROM (
		SELECT order_id, shipment_id, doc_type, 'issued' AS status, DATE '2026-12-03' AS issued_date, 'LATE-1' AS reference, 0 AS part
		FROM `+need(0)+`
		UNION ALL `+twice("1", "2")+`) ORDER BY part`)
	copyTo("../"+filepath.Base(dir)+"-again/documents.csv", `SELECT * EXCLUDE (part) FROM (`+twice("2", "1")+`) ORDER BY part`)
	return c
}

// changes names what writeChanges changed.
type changes struct {
	order, line, shipment, incoterm, customer string
	twiceOrder, twiceLine                     string // the line written twice
	twiceQty                                  float64
}

// check tells whether the incremental models of st show the changes.
func (c changes) check(t *testing.T, st *store.Store) {
	t.Helper()
	for _, q := range []string{
		"SELECT count(*) > 0 FROM anomaly_line_flow WHERE order_id = 'NEWORDER-1'",
		fmt.Sprintf(`SELECT last_ship_date = (SELECT ship_date FROM shipments WHERE shipment_id = '%s' AND order_id = '%s' AND line_no = '%s')
			FROM anomaly_line_flow WHERE order_id = '%[2]s' AND line_no = '%[3]s'`, c.shipment, c.order, c.line),
		fmt.Sprintf(`SELECT bool_and(f.incoterm = o.incoterm) FROM anomaly_line_flow f JOIN orders o USING (order_id) WHERE order_id = '%s'`, c.incoterm),
		fmt.Sprintf(`SELECT bool_and(f.customer_weight = c.weight) FROM anomaly_line_flow f JOIN customers c USING (customer_id) WHERE customer_id = '%s'`, c.customer),
		`SELECT count(*) = 1 FROM anomaly_document_lacking k JOIN documents d USING (order_id, shipment_id, doc_type) WHERE d.reference = 'LATE-1'`,
		`SELECT count(*) = 1 FROM anomaly_document_lacking k JOIN documents d USING (order_id, shipment_id, doc_type) WHERE d.reference = 'TWICE-B' AND k.doc_status = 'rejected'`,
	} {
		var ok bool
		if err := st.DB.QueryRow(q).Scan(&ok); err != nil || !ok {
			t.Errorf("the changes did not land (%v): %s", err, q)
		}
	}
}

func firstLine(t *testing.T, st *store.Store, order string) string {
	t.Helper()
	var line string
	if err := st.DB.QueryRow(`SELECT min(line_no) FROM order_lines WHERE order_id = ?`, order).Scan(&line); err != nil {
		t.Fatal(err)
	}
	return line
}

// incrementalModels lists the models that declare `-- incremental:`.
func incrementalModels(t *testing.T) []string {
	t.Helper()
	p, err := LoadProject()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range p.Models {
		if m.Incremental != "" {
			out = append(out, m.Name)
		}
	}
	if len(out) == 0 {
		t.Fatal("no incremental model")
	}
	return out
}

// tableRows reads every row of a table as text, sorted.
func tableRows(t *testing.T, st *store.Store, table string) []string {
	t.Helper()
	return queryRows(t, st, "SELECT CAST(r AS VARCHAR) AS v FROM "+quoteIdent(table)+" r ORDER BY v")
}

// rowDiff lists (up to 5 of) the rows of a not in b and of b not in a.
func rowDiff(a, b []string) string {
	count := map[string]int{}
	for _, r := range a {
		count[r]++
	}
	for _, r := range b {
		count[r]--
	}
	var lines []string
	for r, n := range count {
		switch {
		case n > 0:
			lines = append(lines, "incremental only: "+r)
		case n < 0:
			lines = append(lines, "full only:        "+r)
		}
	}
	slices.Sort(lines)
	if len(lines) > 10 {
		lines = append(lines[:10], fmt.Sprintf("... %d rows in all", len(lines)))
	}
	return strings.Join(lines, "\n")
}

// TestIncrementalModelChecks: a model declared incremental that a refresh could get wrong
// is refused when the project is read, with what to do.
func TestIncrementalModelChecks(t *testing.T) {
	f := func(files map[string]string, wantErr string) {
		t.Helper()
		fsys := fstest.MapFS{}
		for name, body := range files {
			fsys["models/"+name] = &fstest.MapFile{Data: []byte(body)}
		}
		_, err := parseProject(fsys)
		if wantErr == "" && err != nil {
			t.Fatal(err)
		}
		if wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)) {
			t.Fatalf("error %v, want one containing %q", err, wantErr)
		}
	}
	const stg = "-- materialized: view\nSELECT * FROM order_lines"
	const body = "SELECT * FROM stg WHERE true /* refresh: order_id */"
	good := "-- materialized: table\n-- incremental: order_id\n" + body
	f(map[string]string{"stg.sql": stg, "anomaly_line_flow.sql": good}, "")
	f(map[string]string{"stg.sql": stg, "anomaly_line_flow.sql": "-- materialized: table\n-- incremental: line_no\n" + body}, "refreshed by order_id only")
	f(map[string]string{"stg.sql": stg, "anomaly_line_flow.sql": "-- incremental: order_id\n" + body}, "must be materialized: table")
	f(map[string]string{"stg.sql": stg, "anomaly_line_flow.sql": "-- materialized: table\n-- incremental: order_id\nSELECT * FROM stg"}, "/* refresh: order_id */")
	f(map[string]string{"stg.sql": stg, "other.sql": good}, `unsettled_orders.sql does not list other`)
	f(map[string]string{"stg.sql": "-- materialized: table\nSELECT * FROM order_lines", "anomaly_line_flow.sql": good},
		"reads stg, a table built whole")
}
