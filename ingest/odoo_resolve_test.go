package ingest

import (
	"strings"
	"testing"
)

// An Odoo delivery exported with labels and without the sale line's External ID names
// its line by display name, "S00232 - [VN-25] Vanne inox DN25" (sale.order.line's
// display name: the order's name, then the line's description, which starts with the
// product's display name "[code] name"). It is looked up among the loaded order lines by
// order and product: a name matching no line, or two lines, is a reject with its reason,
// never an orphan shipment; the other rows load.
func TestOdooDisplayNamesResolveAgainstLoadedLines(t *testing.T) {
	st := newStore(t)
	dir := t.TempDir()
	lines := writeFile(t, dir, "order_lines.csv", "order_id,line_no,sku,ordered_qty,requested_date\n"+
		"S00231,512,VN-25,100,2026-11-20\nS00231,513,PM-40,10,2026-11-20\nS00232,514,VN-25,50,2026-11-25\nS00233,515,PM-40,3,2026-11-24\nS00233,516,PM-40,2,2026-11-24\n")
	if r := load(t, st, Options{}, lines)[0]; r.Err != nil || r.RowsRejected != 0 {
		t.Fatalf("%+v", r)
	}
	moves := writeFile(t, dir, "stock.move.line.csv", strings.ReplaceAll(`"Transfer","Transfer/Source Document","Transfer/Effective Date","Stock Operation/Sale Line","Product","Quantity"
"WH/OUT/00101","S00231","2026-11-19 14:02:11","S00231 - [VN-25] Vanne inox DN25","[VN-25] Vanne inox DN25","100.0"
"WH/OUT/00101","S00231","2026-11-19 14:02:11","S00231 - [PM-40] Pompe centrifuge PM40","[PM-40] Pompe centrifuge PM40","6.0"
"WH/OUT/00102","S00232","2026-11-21 11:45:00","S00232 - [VN-25] Vanne inox DN25","[VN-25] Vanne inox DN25","50.0"
"WH/OUT/00105","S00299","2026-11-22 08:00:00","S00299 - [VN-25] Vanne inox DN25","[VN-25] Vanne inox DN25","5.0"
"WH/OUT/00106","S00233","2026-11-23 08:00:00","S00233 - [PM-40] Pompe centrifuge PM40","[PM-40] Pompe centrifuge PM40","3.0"
`, "\n", "\r\n"))
	r := load(t, st, Options{}, moves)[0]
	if r.Err != nil || r.Profile != "odoo" || r.RowsRead != 5 || r.RowsLoaded != 3 || r.RowsRejected != 2 {
		t.Fatalf("%+v", r)
	}
	if got := queryString(t, st, "SELECT string_agg(shipment_id || ':' || order_id || '/' || line_no, ' ' ORDER BY shipment_id, line_no) FROM shipments"); got != "WH/OUT/00101:S00231/512 WH/OUT/00101:S00231/513 WH/OUT/00102:S00232/514" {
		t.Fatalf("shipments %s", got)
	}
	got := queryString(t, st, "SELECT string_agg(row_no || ' ' || column_name || ' ' || raw_value || ': ' || reason, ' | ' ORDER BY row_no) FROM rejects")
	for _, want := range []string{
		"5 Stock Operation/Sale Line S00299 - [VN-25] Vanne inox DN25: names no loaded order_line",
		"6 Stock Operation/Sale Line S00233 - [PM-40] Pompe centrifuge PM40: names two or more loaded order_lines",
	} {
		if !strings.Contains(got, want) {
			t.Fatalf("rejects %s\nlack %s", got, want)
		}
	}
}

// Odoo writes a record with sub-records (a sale.order with its order_line) as one row per
// sub-record, the record's own cells on the first row only and empty below
// (odoo/models.py, _export_rows). The rows below take the record's cells from its first
// row, never from the record before: S00232 has no delivery date and keeps none. Order
// lines of one order are not mistaken for another's.
func TestOdooSubRecordRowsTakeTheirRecordsCells(t *testing.T) {
	st := newStore(t)
	dir := t.TempDir()
	f := writeFile(t, dir, "Sales Order (sale.order).csv", strings.ReplaceAll(`"id","name","partner_id/id","date_order","commitment_date","incoterm/id","warehouse_id","order_line/id","order_line/product_id","order_line/product_uom_qty","order_line/price_unit"
"__export__.sale_order_231_a1","S00231","__export__.res_partner_14_0f","2026-11-02 09:15:00","2026-11-20 10:00:00","account.incoterm_FCA","Lyon","__export__.sale_order_line_512_5f","[VN-25] Vanne inox DN25","100.0","12.5"
"","","","","","","","__export__.sale_order_line_513_0c","[PM-40] Pompe centrifuge PM40","10.0","480.0"
"__export__.sale_order_232_e5","S00232","__export__.res_partner_15_4b","2026-11-04 16:40:00","","","Lyon","__export__.sale_order_line_514_77","[VN-25] Vanne inox DN25","50.0","14.0"
"","","","","","","","__export__.sale_order_line_519_12","[JT-10] Joint torique 10 mm","7.0","0.8"
`, "\n", "\r\n"))
	r := load(t, st, Options{}, f)[0]
	if r.Err != nil || r.Profile != "odoo" || r.RowsRead != 4 || r.RowsLoaded != 4 || r.RowsRejected != 0 {
		t.Fatalf("%+v", r)
	}
	got := queryString(t, st, `SELECT string_agg(order_id || '/' || line_no || ' ' || sku || ' ' || coalesce(strftime(promised_date, '%d.%m'), '-'), ' | ' ORDER BY line_no) FROM order_lines`)
	if want := "S00231/512 VN-25 20.11 | S00231/513 PM-40 20.11 | S00232/514 VN-25 - | S00232/519 JT-10 -"; got != want {
		t.Fatalf("order lines\n got %s\nwant %s", got, want)
	}
	got = queryString(t, st, `SELECT string_agg(order_id || ' ' || customer_id || ' ' || coalesce(incoterm, '-'), ' | ' ORDER BY order_id) FROM orders`)
	if want := "S00231 __export__.res_partner_14_0f account.incoterm_FCA | S00232 __export__.res_partner_15_4b -"; got != want {
		t.Fatalf("orders\n got %s\nwant %s", got, want)
	}
}
