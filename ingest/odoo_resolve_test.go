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
