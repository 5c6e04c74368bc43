package ingest

import (
	"strings"
	"testing"
)

// SAP GUI lists as users save them (testdata/sap_lists, byte for byte: CRLF, Windows-1252):
// List > Export > Local File > "Text with Tabs" writes a title line, a blank line, then
// the column headings as the list shows them in the logon language, tab separated;
// "Unconverted" writes the printed list: '|' around padded cells, right-aligned numbers,
// rules of dashes, the title and headings again at each page. Dates follow the user's
// format (SU3 > Defaults: DD.MM.YYYY, MM/DD/YYYY, YYYY.MM.DD...) and numbers the user's
// decimal notation (1.234.567,89 or 1,234,567.89); negatives carry a trailing minus.
// (SAP Help, "Saving Lists" / "Local File" formats, and SU3's default settings; the
// headings are the data elements' field labels of VBAK/VBAP, LIKP/LIPS, VBRK/VBRP.)
func TestSAPListsWithLabelsAndFrames(t *testing.T) {
	st := newStore(t)
	f := func(file, table string, wantRows int64, query, want string) {
		t.Helper()
		r := load(t, st, Options{}, "testdata/sap_lists/"+file)[0]
		if r.Err != nil {
			t.Fatalf("%s: %v", file, r.Err)
		}
		if r.Profile != "sap" || r.RowsRejected != 0 || r.RowsRead != wantRows {
			t.Fatalf("%s: %+v; rejects: %s", file, r, queryString(t, st, "SELECT coalesce(string_agg(row_no || ' ' || column_name || '=' || raw_value || ': ' || reason, '; '), '') FROM rejects"))
		}
		if got := queryString(t, st, query); got != want {
			t.Fatalf("%s: %s\n got %s\nwant %s", file, query, got, want)
		}
	}
	// English headings, MM/DD/YYYY, 1,234.56: "1,200.000" is 1200, "100.000" is 100.
	f("VA05_en.txt", "order_lines", 5,
		`SELECT string_agg(concat_ws('|', order_id, line_no, sku, ordered_qty, unit_price, requested_date, status), ' ' ORDER BY order_id, line_no) FROM order_lines`,
		"0000012231|10|VN-25|100.0000|12.5000|2026-11-20|open 0000012231|20|PM-40|10.0000|480.0000|2026-11-20|open 0000012232|10|VN-25|50.0000|14.0000|2026-11-25|open 0000012234|10|VN-25|20.0000|12.5000|2026-11-27|cancelled 0000012236|10|JT-10|1200.0000|0.8000|2026-12-15|open")
	if got := queryString(t, st, `SELECT string_agg(concat_ws('|', order_id, customer_id, order_date, incoterm, incoterm_place, currency, ship_from_site), ' ' ORDER BY order_id) FROM orders`); got != "0000012231|0000100001|2026-11-02|FCA|Lyon|EUR|1000 0000012232|0000100002|2026-11-04|DAP|Chicago|USD|1000 0000012234|0000100001|2026-11-06|FCA|Lyon|EUR|1000 0000012236|0000100002|2026-11-10|FCA|Lyon|USD|1000" {
		t.Fatalf("orders: %s", got)
	}
	// German headings, Windows-1252, DD.MM.YYYY, 1.234,56: a newer extract of two lines.
	f("VA05_de.txt", "order_lines", 2,
		`SELECT concat_ws('|', ordered_qty, unit_price, requested_date) FROM order_lines WHERE order_id = '0000012236'`,
		"1200.0000|0.8000|2026-12-15")
	if got := queryString(t, st, "SELECT name FROM customers WHERE customer_id = '0000100001'"); got != "Müller GmbH" {
		t.Fatalf("customer name %q", got)
	}
	// Unconverted, two pages: the frame, titles and repeated headings are no rows.
	f("VL06O_unconverted.txt", "shipments", 4,
		`SELECT string_agg(concat_ws('|', shipment_id, order_id, line_no, shipped_qty, ship_date, carrier), ' ' ORDER BY shipment_id, line_no) FROM shipments`,
		"0080000101|0000012231|10|100.0000|2026-11-19|DHL Freight 0080000101|0000012231|20|6.0000|2026-11-19|DHL Freight 0080000102|0000012232|10|50.0000|2026-11-21|FedEx 0080000104|0000012231|20|4.0000|2026-11-26|DHL Freight")
	// A credit memo's trailing minus.
	f("VF05_unconverted.txt", "invoices", 4,
		`SELECT string_agg(concat_ws('|', invoice_id, order_id, line_no, invoiced_qty, amount, currency, invoice_date), ' ' ORDER BY invoice_id, line_no) FROM invoices`,
		"0090000101|0000012231|10|100.0000|1250.0000|EUR|2026-11-20 0090000101|0000012231|20|6.0000|2880.0000|EUR|2026-11-20 0090000102|0000012232|10|50.0000|700.0000|USD|2026-11-21 0090000103|0000012232|10|-2.0000|-28.0000|USD|2026-11-28")
}

// SD stores billing quantities and values unsigned; the billing type signs them (VBTYP
// O: a credit memo G2, a returns credit RE, an invoice's cancellation S1). VF05 may show a
// credit memo "2,000" or "2,000-": both count negative, never negated twice, and a
// cancelled credit memo (S2) stays positive.
func TestSAPCreditMemosCountNegativeHoweverTheListSignsThem(t *testing.T) {
	st := newStore(t)
	dir := t.TempDir()
	f := writeFile(t, dir, "VF05_20261205.txt", strings.ReplaceAll(`VBELN;FKART;FKDAT;AUBEL;AUPOS;MATNR;FKIMG;VRKME;NETWR;WAERK
0090000102;F2;21.11.2026;0000012232;000010;VN-25;50,000;ST;700,00;USD
0090000103;G2;28.11.2026;0000012232;000010;VN-25;2,000;ST;28,00;USD
0090000104;G2;29.11.2026;0000012232;000010;VN-25;1,000-;ST;14,00-;USD
0090000105;S2;30.11.2026;0000012232;000010;VN-25;1,000;ST;14,00;USD
`, "\n", "\r\n"))
	r := load(t, st, Options{}, f)[0]
	if r.Err != nil || r.Profile != "sap" || r.RowsLoaded != 4 || r.RowsRejected != 0 {
		t.Fatalf("%+v", r)
	}
	got := queryString(t, st, "SELECT string_agg(invoice_id || ' ' || CAST(invoiced_qty AS VARCHAR) || ' ' || CAST(amount AS VARCHAR), ' | ' ORDER BY invoice_id) FROM invoices")
	if want := "0090000102 50.0000 700.0000 | 0090000103 -2.0000 -28.0000 | 0090000104 -1.0000 -14.0000 | 0090000105 1.0000 14.0000"; got != want {
		t.Fatalf("invoices\n got %s\nwant %s", got, want)
	}
}
