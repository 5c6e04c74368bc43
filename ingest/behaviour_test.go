package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/orderflow/orderflow/store"
)

// snapshot is every canonical table's content, to compare before and after.
func snapshot(t *testing.T, st *store.Store) string {
	t.Helper()
	var b strings.Builder
	for _, tb := range entityOrder {
		rows, err := st.DB.Query("SELECT * FROM " + tb + " ORDER BY ALL")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			fmt.Fprintln(&b, tb, vals)
		}
		rows.Close()
	}
	fmt.Fprintln(&b, "rejects", queryInt(t, st, "SELECT count(*) FROM rejects"))
	return b.String()
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const linesV1 = `order_id,line_no,sku,ordered_qty,unit_price,requested_date,promised_date,planned_ship_date,status
A1,1,S1,10,2.5,2026-03-02,2026-03-04,,open
A1,2,S2,5,1,2026-03-02,,,open
A2,1,S1,7,2.5,2026-03-03,2026-03-05,,open
`

func TestReloadChangesNothing(t *testing.T) {
	st := newStore(t)
	dir := t.TempDir()
	p := writeFile(t, dir, "lines.csv", linesV1)
	first := load(t, st, Options{}, p)[0]
	before := snapshot(t, st)
	logRows := queryInt(t, st, "SELECT count(*) FROM load_log")
	second := load(t, st, Options{}, p)[0]
	if !second.Skipped || second.LoadID != first.LoadID {
		t.Fatalf("second load %+v; want skipped as load %d", second, first.LoadID)
	}
	// Under another name, the same bytes are the same extract.
	copyPath := writeFile(t, dir, "lines_copy.csv", linesV1)
	if r := load(t, st, Options{}, copyPath)[0]; !r.Skipped {
		t.Fatalf("a copy of a loaded file was loaded again: %+v", r)
	}
	if after := snapshot(t, st); after != before {
		t.Fatalf("re-load changed the data:\n%s\nvs\n%s", before, after)
	}
	if n := queryInt(t, st, "SELECT count(*) FROM load_log"); n != logRows {
		t.Fatalf("load_log grew from %d to %d rows on a re-load", logRows, n)
	}
}

func TestNewerExtractUpdatesByKey(t *testing.T) {
	st := newStore(t)
	dir := t.TempDir()
	load(t, st, Options{}, writeFile(t, dir, "lines_monday.csv", linesV1))
	// Tuesday's extract: A1/1 re-promised and increased, A2/1 unchanged, A3/1 new; A1/2 absent
	// (an extract need not repeat every line: absent keys are kept).
	v2 := `order_id,line_no,sku,ordered_qty,unit_price,requested_date,promised_date,planned_ship_date,status
A1,1,S1,12,2.5,2026-03-02,2026-03-06,,open
A2,1,S1,7,2.5,2026-03-03,2026-03-05,,open
A3,1,S3,1,9,2026-03-09,,,open
`
	r := load(t, st, Options{}, writeFile(t, dir, "lines_tuesday.csv", v2))[0]
	if r.Err != nil || r.RowsLoaded != 3 {
		t.Fatalf("%+v", r)
	}
	f := func(q string, want string) {
		t.Helper()
		if got := queryString(t, st, q); got != want {
			t.Errorf("%s = %q, want %q", q, got, want)
		}
	}
	f("SELECT count(*)::VARCHAR FROM order_lines", "4")
	f("SELECT count(*)::VARCHAR FROM (SELECT order_id, line_no FROM order_lines GROUP BY ALL HAVING count(*) > 1)", "0")
	f("SELECT ordered_qty::VARCHAR || ' ' || promised_date::VARCHAR FROM order_lines WHERE order_id = 'A1' AND line_no = '1'", "12.0000 2026-03-06")
	f("SELECT _load_id::VARCHAR FROM order_lines WHERE order_id = 'A1' AND line_no = '2'", "1")
	f("SELECT _load_id::VARCHAR FROM order_lines WHERE order_id = 'A2'", "2")
}

func TestBrokenFileChangesNothing(t *testing.T) {
	st := newStore(t)
	dir := t.TempDir()
	load(t, st, Options{}, writeFile(t, dir, "lines.csv", linesV1))
	before := snapshot(t, st)

	f := func(name, body, wantErr string) {
		t.Helper()
		r := load(t, st, Options{Profile: "canonical"}, writeFile(t, dir, name, body))[0]
		if r.Err == nil || !strings.Contains(r.Err.Error(), wantErr) {
			t.Fatalf("%s: error %v, want one containing %q", name, r.Err, wantErr)
		}
		if !strings.Contains(r.Err.Error(), name) {
			t.Errorf("%s: the error does not name the file: %v", name, r.Err)
		}
		if after := snapshot(t, st); after != before {
			t.Fatalf("%s: a refused file changed the data", name)
		}
		if n := queryInt(t, st, "SELECT count(*) FROM load_log WHERE outcome = 'failed' AND path LIKE ?", "%"+name); n != 1 {
			t.Errorf("%s: %d failed load_log rows, want 1", name, n)
		}
	}
	// A required column missing: the whole file is refused, naming what lacks and the profile.
	f("no_qty.csv", "order_id,line_no,sku\nA9,1,S1\n", "canonical")
	f("no_key.csv", "order_id,sku,ordered_qty\nA9,S1,3\n", "line_no")
	f("empty.csv", "", "the file is empty")
	f("notes.pdf", "%PDF-1.4", "unknown file type")

	// A failure half-way through the transaction, after the first entity was written.
	testHookAfterStore = func(entity string) error { return errors.New("disk full (simulated)") }
	defer func() { testHookAfterStore = nil }()
	sales := filepath.Join("testdata", "sap", "VA05_export.txt")
	r := load(t, st, Options{}, sales)[0]
	if r.Err == nil || !strings.Contains(r.Err.Error(), "simulated") {
		t.Fatalf("want the simulated failure, got %+v", r)
	}
	if after := snapshot(t, st); after != before {
		t.Fatal("a load that failed half-way left rows behind")
	}
	testHookAfterStore = nil
	// The same file loads once the cause is gone: a failed load is no "already loaded".
	if r := load(t, st, Options{}, sales)[0]; r.Err != nil || r.Skipped {
		t.Fatalf("re-try after failure: %+v", r)
	}
}

func TestEveryRejectNamesFileRowColumnValue(t *testing.T) {
	st := newStore(t)
	dir := t.TempDir()
	body := "order_id,line_no,sku,ordered_qty,unit_price,requested_date,promised_date,planned_ship_date,status\n" +
		"B1,1,S1,ten,2.5,2026-03-02,,,open\n" + // row 2: bad number
		"\n" + // row 3: blank, skipped
		"B1,2,S1,1,2.5,2026-13-02,,,open\n" + // row 4: impossible month
		"B1,3,S1,1,2.5,2026-03-02,,,open,extra\n" + // row 5: one field too many
		",4,S1,1,2.5,2026-03-02,,,open\n" + // row 6: no order id
		"B1,5,S1,1,1e400,2026-03-02,,,open\n" + // row 7: out of range
		"B1,6,S1,1,2.5,2026-03-02,,,open\n" // row 8: fine
	p := writeFile(t, dir, "bad_lines.csv", body)
	r := load(t, st, Options{}, p)[0]
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if r.RowsLoaded != 1 || r.RowsRejected != 5 {
		t.Errorf("%+v; want 1 loaded, 5 rejected", r)
	}
	got := queryString(t, st, `SELECT string_agg(row_no || '|' || coalesce(column_name, '?') || '|' || coalesce(raw_value, '') , '; ' ORDER BY row_no, column_name) FROM rejects`)
	want := "2|ordered_qty|ten; 4|requested_date|2026-13-02; 5|(whole row)|B1,3,S1,1,2.5,2026-03-02,,,open,extra; 6|order_id|; 7|unit_price|1e400"
	if got != want {
		t.Fatalf("rejects\n got %s\nwant %s", got, want)
	}
	if n := queryInt(t, st, "SELECT count(*) FROM rejects WHERE path <> ? OR reason = '' OR load_id <> ?", p, r.LoadID); n != 0 {
		t.Fatalf("%d rejects without their file, load or reason", n)
	}
}

// The same extract, written as different exporters write it, gives the same rows.
func TestEncodingsDelimitersLineEnds(t *testing.T) {
	const want = "C1|Émile Zoë Straße|FR; C2|Bjørn «Œil» 5€|DE"
	rows := [][]string{{"customer_id", "name", "country", "segment"}, {"C1", "Émile Zoë Straße", "FR", "x"}, {"C2", "Bjørn «Œil» 5€", "DE", "y"}}
	join := func(delim, nl string) string {
		var lines []string
		for _, r := range rows {
			lines = append(lines, "  "+strings.Join(r, delim)) // stray spaces in headers and values
		}
		return strings.Join(lines, nl) + nl
	}
	f := func(name string, body []byte) {
		t.Helper()
		st := newStore(t)
		p := filepath.Join(t.TempDir(), name)
		os.WriteFile(p, body, 0o644)
		r := load(t, st, Options{}, p)[0]
		if r.Err != nil {
			t.Fatalf("%s: %v", name, r.Err)
		}
		got := queryString(t, st, `SELECT string_agg(customer_id || '|' || name || '|' || country, '; ' ORDER BY customer_id) FROM customers`)
		if got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
	cp1252 := func(s string) []byte {
		b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	f("utf8.csv", []byte(join(",", "\n")))
	f("utf8_bom.csv", append([]byte{0xEF, 0xBB, 0xBF}, join(";", "\r\n")...))
	f("win1252.csv", cp1252(join(";", "\r\n")))
	f("win1252_cr.txt", cp1252(join("\t", "\r")))
	f("pipes.txt", []byte(join("|", "\n")))
}

// Numbers and dates as European exports write them, in a user profile.
func TestUserProfileNumberAndDateFormats(t *testing.T) {
	dir := t.TempDir()
	profile := writeFile(t, dir, "erp.yaml", `
name: erp_fr
files:
  - kind: lignes
    match: [Commande, Poste, Qté]
    decimal: ","
    thousands: " "
    date_formats: ["%d/%m/%Y", "%d-%b-%y"]
    null_values: ["n.c.", "-"]
    entities:
      - entity: order_lines
        fields:
          order_id: Commande
          line_no: Poste
          sku: Article
          ordered_qty: Qté
          unit_price: Prix
          promised_date: Date confirmée
          status: {column: Statut, map: {A: cancelled, O: open, C: closed}}
`)
	body := "Commande;Poste;Article;Qté;Prix;Date confirmée;Statut\n" +
		"0042;1;00123;1 234,5;12,30;05/03/2026;O\n" +
		"0042;2;00124;2\u00a0000;n.c.;7-Mar-26;a\n" +
		"0043;1;00125;-;1,5;-;C\n"
	st := newStore(t)
	r := load(t, st, Options{ProfilePaths: []string{profile}}, writeFile(t, dir, "lignes.csv", body))[0]
	if r.Err != nil || r.Profile != "erp_fr" || r.RowsLoaded != 3 {
		t.Fatalf("%+v", r)
	}
	got := queryString(t, st, `SELECT string_agg(concat_ws('|', order_id, line_no, sku, ordered_qty, unit_price, promised_date, status), '; ' ORDER BY order_id, line_no) FROM order_lines`)
	want := "0042|1|00123|1234.5000|12.3000|2026-03-05|open; 0042|2|00124|2000.0000|2026-03-07|cancelled; 0043|1|00125|1.5000|closed"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// Parquet, JSON and NDJSON and XLSX extracts go through the same mapping.
func TestParquetJSONAndXLSX(t *testing.T) {
	dir := t.TempDir()
	st := newStore(t)
	ctx := context.Background()
	src := writeFile(t, dir, "src.csv", linesV1)
	pq := filepath.Join(dir, "lines.parquet")
	js := filepath.Join(dir, "lines.json")
	nd := filepath.Join(dir, "lines.ndjson")
	if _, err := st.DB.ExecContext(ctx, fmt.Sprintf(`COPY (SELECT * REPLACE (order_id || '-pq' AS order_id) FROM read_csv('%s')) TO '%s' (FORMAT parquet)`, src, pq)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB.ExecContext(ctx, fmt.Sprintf(`COPY (SELECT * REPLACE (order_id || '-js' AS order_id) FROM read_csv('%s')) TO '%s' (FORMAT json, ARRAY true)`, src, js)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB.ExecContext(ctx, fmt.Sprintf(`COPY (SELECT * REPLACE (order_id || '-nd' AS order_id) FROM read_csv('%s')) TO '%s' (FORMAT json)`, src, nd)); err != nil {
		t.Fatal(err)
	}
	xl := filepath.Join(dir, "lines.xlsx")
	wb := excelize.NewFile()
	sheet := "Export"
	wb.SetSheetName("Sheet1", sheet)
	wb.SetSheetRow(sheet, "A1", &[]any{"order_id", "line_no", "sku", "ordered_qty", "unit_price", "requested_date", "promised_date", "planned_ship_date", "status"})
	wb.SetSheetRow(sheet, "A2", &[]any{"A1-xl", 1, "000042", 10, 2.5, 46083, 46085.0, nil, "open"}) // serial dates: 2026-03-02, 2026-03-04
	wb.SetSheetRow(sheet, "A3", &[]any{"A2-xl", 1, "000043", 7.25, 2.5, "2026-03-03", "", nil, "open"})
	if err := wb.SaveAs(xl); err != nil {
		t.Fatal(err)
	}
	for _, r := range load(t, st, Options{}, pq, js, nd, xl) {
		if r.Err != nil || r.RowsRejected != 0 {
			t.Fatalf("%+v", r)
		}
	}
	f := func(q string, want string) {
		t.Helper()
		if got := queryString(t, st, q); got != want {
			t.Errorf("%s = %q, want %q", q, got, want)
		}
	}
	for _, sfx := range []string{"pq", "js", "nd"} {
		f("SELECT count(*)::VARCHAR || ' ' || sum(ordered_qty)::VARCHAR FROM order_lines WHERE order_id LIKE '%-"+sfx+"'", "3 22.0000")
		f("SELECT promised_date::VARCHAR FROM order_lines WHERE order_id = 'A1-"+sfx+"' AND line_no = '1'", "2026-03-04")
	}
	f("SELECT sku || ' ' || requested_date::VARCHAR || ' ' || promised_date::VARCHAR FROM order_lines WHERE order_id = 'A1-xl'", "000042 2026-03-02 2026-03-04")
	f("SELECT ordered_qty::VARCHAR || ' ' || line_no FROM order_lines WHERE order_id = 'A2-xl'", "7.2500 1")
}

// Spaces and no-break spaces around a value are trimmed (only such values go through
// trim); a key of spaces only is missing; an empty text from JSON is NULL.
func TestSpacesAroundValues(t *testing.T) {
	st := newStore(t)
	dir := t.TempDir()
	csv := writeFile(t, dir, "lines.csv", "order_id,line_no,sku,ordered_qty,unit_price,requested_date,promised_date,planned_ship_date,status\n"+
		"\" A1 \",1, S1,10,2.5,2026-03-02,,,open \n"+
		"A2,1,\u00a0S2\u00a0,10,2.5,2026-03-02,,,\u00a0\n"+
		"\"   \",1,S3,10,2.5,2026-03-02,,,open\n")
	r := load(t, st, Options{}, csv)[0]
	if r.RowsLoaded != 2 || r.RowsRejected != 1 {
		t.Fatalf("%d loaded, %d rejected; want 2 and the key of spaces rejected", r.RowsLoaded, r.RowsRejected)
	}
	got := func(q string) string {
		var s string
		if err := st.DB.QueryRow(q).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if g := got(`SELECT string_agg(order_id || '|' || sku || '|' || coalesce(status, 'NULL'), ' ' ORDER BY order_id) FROM order_lines`); g != "A1|S1|open A2|S2|NULL" {
		t.Fatalf("values %q, want them trimmed: A1|S1|open A2|S2|NULL", g)
	}
	js := writeFile(t, dir, "lines.json", `[{"order_id":"J1","line_no":"1","sku":"","ordered_qty":"3","unit_price":"1","requested_date":"2026-03-02","promised_date":"","planned_ship_date":"","status":" "}]`)
	if r := load(t, st, Options{}, js)[0]; r.Err != nil || r.RowsLoaded != 1 {
		t.Fatalf("JSON load: %+v", r)
	}
	if g := got(`SELECT coalesce(sku, 'NULL') || '|' || coalesce(status, 'NULL') FROM order_lines WHERE order_id = 'J1'`); g != "NULL|NULL" {
		t.Fatalf("empty texts of JSON read %q, want NULL|NULL", g)
	}
}
