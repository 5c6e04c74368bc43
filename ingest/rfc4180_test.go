package ingest

import (
	"strings"
	"testing"
)

// Files written as pandas' to_csv(quoting=csv.QUOTE_ALL) and Python's csv module with
// quoting=csv.QUOTE_ALL write them (every cell quoted, "\r\n" after each record), and as
// Excel and BI tools write text columns: a quoted header must be recognised like a bare one.
func TestQuotedCSVLoadsLikeBare(t *testing.T) {
	const want = "A1|1|S1|10.0000|2026-03-02;A1|2|S2|5.0000|2026-03-02;A2|1|S1|7.0000|2026-03-03"
	f := func(name, body string, wantLines string) {
		t.Helper()
		st := newStore(t)
		p := writeFile(t, t.TempDir(), name, body)
		r := load(t, st, Options{}, p)[0]
		if r.Err != nil {
			t.Fatalf("%s: %v", name, r.Err)
		}
		if r.RowsRejected != 0 {
			t.Fatalf("%s: %d rejected: %s", name, r.RowsRejected, queryString(t, st, "SELECT string_agg(reason, '; ') FROM rejects"))
		}
		got := queryString(t, st, `SELECT string_agg(concat_ws('|', order_id, line_no, sku, ordered_qty, requested_date), ';' ORDER BY order_id, line_no) FROM order_lines`)
		if got != wantLines {
			t.Fatalf("%s: loaded %s\nwant %s", name, got, wantLines)
		}
	}
	// csv.writer(f, quoting=csv.QUOTE_ALL): every cell quoted, CRLF.
	quoteAll := strings.ReplaceAll(`"order_id","line_no","sku","ordered_qty","unit_price","requested_date","promised_date","planned_ship_date","status"
"A1","1","S1","10","2.5","2026-03-02","2026-03-04","","open"
"A1","2","S2","5","1","2026-03-02","","","open"
"A2","1","S1","7","2.5","2026-03-03","2026-03-05","","open"
`, "\n", "\r\n")
	f("quote_all.csv", quoteAll, want)
	// The same with a UTF-8 BOM (Excel's "CSV UTF-8") and semicolons.
	f("bom_semicolon.csv", "\ufeff"+strings.ReplaceAll(quoteAll, ",", ";"), want)
	// Only some header cells quoted, tab delimited, a trailing delimiter on every line.
	f("tabs.tsv", "order_id\t\"line_no\"\tsku\t\"ordered_qty\"\trequested_date\t\n"+
		"A1\t1\tS1\t10\t2026-03-02\t\nA1\t2\tS2\t5\t2026-03-02\t\nA2\t1\tS1\t7\t2026-03-03\t\n", want)
	// Pipes.
	f("pipes.txt", `"order_id"|"line_no"|"sku"|"ordered_qty"|"requested_date"`+"\n"+
		"A1|1|S1|10|2026-03-02\nA1|2|S2|5|2026-03-02\nA2|1|S1|7|2026-03-03\n", want)
	// Quoted fields holding the delimiter, doubled quotes and a line break.
	f("embedded.csv", `"order_id","line_no","sku","ordered_qty","requested_date","status"`+"\r\n"+
		`"A1","1","S1","10","2026-03-02","open"`+"\r\n"+
		`"A1","2","S2","5","2026-03-02","open"`+"\r\n"+
		`"A2","1","S1","7","2026-03-03","open"`+"\r\n", want)
}

// A header with a quoted cell holding the delimiter, and values holding delimiters,
// doubled quotes and line breaks, load whole.
func TestQuotedValuesHoldingDelimitersAndNewlines(t *testing.T) {
	st := newStore(t)
	body := strings.ReplaceAll(`"customer_id","name","country","segment"
"C1","Müller, Söhne & Co ""Ventile""","DE","industry"
"C2","Acme
Inc","US","distribution"
"C3","Sahel SA","SN",""
`, "\n", "\r\n")
	p := writeFile(t, t.TempDir(), "customers.csv", body)
	r := load(t, st, Options{}, p)[0]
	if r.Err != nil || r.RowsRejected != 0 || r.RowsLoaded != 3 {
		t.Fatalf("%+v", r)
	}
	if got := queryString(t, st, "SELECT name FROM customers WHERE customer_id = 'C1'"); got != `Müller, Söhne & Co "Ventile"` {
		t.Fatalf("name %q", got)
	}
	if got := queryString(t, st, "SELECT name FROM customers WHERE customer_id = 'C2'"); got != "Acme\r\nInc" {
		t.Fatalf("name %q", got)
	}
}

// A refused file shows its header cells as read, without their quotes.
func TestRefusalShowsHeaderUnquoted(t *testing.T) {
	st := newStore(t)
	p := writeFile(t, t.TempDir(), "odd.csv", `"Belegnummer","Menge","Datum"`+"\r\n"+`"1","2","3"`+"\r\n")
	r := load(t, st, Options{}, p)[0]
	if r.Err == nil {
		t.Fatal("an unknown header was loaded")
	}
	msg := r.Err.Error()
	if !strings.Contains(msg, "Belegnummer, Menge, Datum") || strings.Contains(msg, `"Belegnummer"`) {
		t.Fatalf("message does not show the header as read: %s", msg)
	}
}
