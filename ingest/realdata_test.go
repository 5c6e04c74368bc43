package ingest

import (
	"os"
	"testing"
)

const (
	scmsPath   = "../../shared/datasets/scms/SCMS_Delivery_History_Dataset.csv"
	brunelPath = "../../shared/datasets/brunel/supply_chain_logistics_problem.xlsx"
)

func needFile(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("real dataset not found beside the checkout: %v", err)
	}
}

// The SCMS delivery history loads whole: every one of its 10,324 lines, its
// placeholders read as empty, its country names mapped to ISO codes.
func TestSCMSLoadsEveryLine(t *testing.T) {
	needFile(t, scmsPath)
	st := newStore(t)
	res := load(t, st, Options{}, scmsPath)[0]
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if res.Profile != "scms" || res.RowsRead != 10324 || res.RowsLoaded != 10324 || res.RowsRejected != 0 {
		t.Fatalf("got %+v; want scms, 10324 read and loaded, 0 rejected", res)
	}
	// The same counts, computed on the raw file by DuckDB alone.
	raw := "read_csv('" + scmsPath + "', all_varchar = true)"
	f := func(q string, want int64) {
		t.Helper()
		if got := queryInt(t, st, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	f("SELECT count(*) FROM order_lines", 10324)
	f("SELECT count(*) FROM shipments", queryInt(t, st, `SELECT count(*) FROM `+raw+` WHERE "Delivered to Client Date" IS NOT NULL`))
	f("SELECT count(*) FROM orders", queryInt(t, st, `SELECT count(DISTINCT "PO / SO #") FROM `+raw))
	f("SELECT count(*) FROM customers", 43)
	f("SELECT count(*) FROM products", 184)
	f("SELECT count(*) FROM rejects", 0)
	f("SELECT count(*) FROM shipments WHERE freight_cost IS NOT NULL", queryInt(t, st, `SELECT count(*) FROM `+raw+` WHERE TRY_CAST("Freight Cost (USD)" AS DOUBLE) IS NOT NULL`))
	f("SELECT count(*) FROM shipments WHERE weight_kg IS NOT NULL", queryInt(t, st, `SELECT count(*) FROM `+raw+` WHERE TRY_CAST("Weight (Kilograms)" AS DOUBLE) IS NOT NULL`))
	f("SELECT count(*) FROM order_lines WHERE promised_date IS NULL", 0)
	f("SELECT count(*) FROM orders WHERE ship_to_country IS NULL", 0)
	f("SELECT count(*) FROM order_lines l JOIN orders o USING (order_id) WHERE o.incoterm = 'DDU'",
		queryInt(t, st, `SELECT count(*) FROM `+raw+` r JOIN (SELECT "PO / SO #" AS po, first("Vendor INCO Term" ORDER BY "ID"::INT) AS term FROM `+raw+` GROUP BY 1) o ON o.po = r."PO / SO #" WHERE o.term = 'DDU'`))

	// Line ID 1: SCMS-4 to Côte d'Ivoire, EXW by air, 19 packs at 29 USD, delivered 2 June 2006.
	g := func(q, want string) {
		t.Helper()
		if got := queryString(t, st, q); got != want {
			t.Errorf("%s = %q, want %q", q, got, want)
		}
	}
	g("SELECT order_id FROM order_lines WHERE line_no = '1'", "SCMS-4")
	g("SELECT ordered_qty::VARCHAR || ' @ ' || unit_price::VARCHAR FROM order_lines WHERE line_no = '1'", "19.0000 @ 29.0000")
	g("SELECT strftime(promised_date, '%Y-%m-%d') FROM order_lines WHERE line_no = '1'", "2006-06-02")
	g("SELECT shipment_id || ' ' || strftime(delivery_date, '%Y-%m-%d') || ' ' || transport_mode || ' ' || freight_cost::VARCHAR || ' ' || weight_kg::VARCHAR FROM shipments WHERE line_no = '1'", "ASN-8 2006-06-02 air 780.3400 13.0000")
	g("SELECT ship_to_country || ' ' || incoterm FROM orders WHERE order_id = 'SCMS-4'", "CI EXW")
	// PO Sent to Vendor Date is m/d/yy ("11/13/06" on line ID 47, SCMS-165): the order
	// date of 13 November 2006, not of the year 6; every order date falls in 2006-2015
	g("SELECT strftime(order_date, '%Y-%m-%d') FROM orders WHERE order_id = 'SCMS-165'", "2006-11-13")
	f("SELECT count(*) FROM orders WHERE order_date < DATE '2006-01-01' OR order_date > DATE '2015-12-31'", 0)
	f("SELECT count(*) FROM load_warnings WHERE column_name LIKE '%date%'", 0)
	// "See DN-304 (ID#:10589)" and "Freight Included in Commodity Cost" are placeholders, not rejects.
	g("SELECT coalesce(freight_cost::VARCHAR, 'empty') FROM shipments WHERE line_no = (SELECT \"ID\" FROM "+raw+" WHERE \"Freight Cost (USD)\" LIKE 'See %' LIMIT 1)", "empty")
}

// The Brunel workbook: the OrderList sheet read through a user profile, float order
// ids kept as their text, Excel serial dates read as dates.
func TestBrunelWorkbook(t *testing.T) {
	needFile(t, brunelPath)
	st := newStore(t)
	res := load(t, st, Options{Profile: "../testdata/profiles/brunel.yaml"}, brunelPath)[0]
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if res.RowsRead != 9215 || res.RowsLoaded != 9215 || res.RowsRejected != 0 {
		t.Fatalf("got %+v; want 9215 read and loaded", res)
	}
	f := func(q string, want int64) {
		t.Helper()
		if got := queryInt(t, st, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	f("SELECT count(*) FROM order_lines", 9215)
	f("SELECT count(DISTINCT order_date) FROM orders", 1)
	f("SELECT count(*) FROM orders WHERE order_date = DATE '2013-05-26'", 9215)
	f("SELECT count(*) FROM order_lines WHERE order_id = '1447296446.7' AND sku = '1700106'", 1)
	f("SELECT sum(ordered_qty)::BIGINT FROM order_lines", queryInt(t, st, "SELECT sum(ordered_qty)::BIGINT FROM order_lines WHERE ordered_qty > 0"))
	f("SELECT count(*) FROM order_lines WHERE order_id LIKE '%E%'", 0) // no scientific notation
	// Rows are Excel rows: the header is row 1, the first order row 2.
	f("SELECT min(_row) FROM order_lines", 2)
}

// DuckDB's cast to DATE reads more than ISO dates ("4/1/11" as 0004-01-11, "12-01-06" as
// 0012-01-06); those SCMS-style values are rejected as not a date by a profile that
// expects ISO dates, never loaded as a date two thousand years back. ISO dates and
// timestamps still load.
func TestOnlyISOShapedValuesCastAsDates(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "orders.csv", "order_id,customer_id,order_date,ship_from_site,ship_to_country,incoterm,transport_mode,currency,payment_method,status\n"+
		"O1,C1,2026-11-02,LYON,DE,FCA,road,EUR,open_account,open\n"+
		"O2,C1,2026-11-03 10:15:00,LYON,DE,FCA,road,EUR,open_account,open\n"+
		"O3,C1,4/1/11,LYON,DE,FCA,road,EUR,open_account,open\n"+
		"O4,C1,12-01-06,LYON,DE,FCA,road,EUR,open_account,open\n")
	st := newStore(t)
	res := load(t, st, Options{}, path)[0]
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if res.RowsLoaded != 2 || res.RowsRejected != 2 {
		t.Fatalf("%d loaded, %d rejected; want O1 and O2 loaded, O3 and O4 rejected: %s", res.RowsLoaded, res.RowsRejected, queryString(t, st, `SELECT string_agg(order_id || ' ' || coalesce(order_date::VARCHAR, 'NULL'), ', ') FROM orders`))
	}
	if got := queryString(t, st, `SELECT string_agg(order_id || ' ' || order_date, ', ' ORDER BY order_id) FROM orders`); got != "O1 2026-11-02, O2 2026-11-03" {
		t.Errorf("orders: %s", got)
	}
	if got := queryString(t, st, `SELECT string_agg(row_no || ' ' || column_name || '=' || raw_value, '; ' ORDER BY row_no) FROM rejects`); got != "4 order_date=0004-01-11; 5 order_date=0012-01-06" {
		t.Errorf("rejects: %s (the reader has typed the value: its reading is shown)", got)
	}
	if got := queryInt(t, st, `SELECT count(*) FROM rejects WHERE reason LIKE '%not a valid date%'`); got != 2 {
		t.Errorf("%d rejects say the date is not valid, want 2", got)
	}
}
