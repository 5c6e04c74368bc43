package ingest

import (
	"strings"
	"testing"
)

// Every row of a file is loaded or rejected, once: a row with two bad values is one
// rejected row, and a later row rejected for another reason is still found and kept.
// (Issue 17's first case: the reader's two date errors on row 2 once hid row 3's empty
// order_id, and the log said 2 loaded where 1 was.)
func TestEveryRowIsLoadedOrRejectedOnce(t *testing.T) {
	st := newStore(t)
	dir := t.TempDir()
	f := writeFile(t, dir, "order_lines.csv", "order_id,line_no,sku,ordered_qty,requested_date,promised_date\n"+
		"S1,10,A,5,2026-13-40,2026-99-01\n"+
		",20,B,3,2026-11-20,2026-11-21\n"+
		"S3,30,C,7,2026-11-20,2026-11-21\n")
	r := load(t, st, Options{}, f)[0]
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if r.RowsRead != 3 || r.RowsLoaded != 1 || r.RowsRejected != 2 {
		t.Fatalf("read %d, loaded %d, rejected %d; want 3, 1, 2", r.RowsRead, r.RowsLoaded, r.RowsRejected)
	}
	if n := queryString(t, st, "SELECT CAST(count(*) AS VARCHAR) FROM order_lines"); n != "1" {
		t.Fatalf("%s order lines in the table, want 1", n)
	}
	got := queryString(t, st, "SELECT string_agg(row_no || ' ' || column_name || ' ' || coalesce(raw_value, '') , ' | ' ORDER BY row_no, column_name) FROM rejects")
	if want := "2 promised_date 2026-99-01 | 2 requested_date 2026-13-40 | 3 order_id "; got != want {
		t.Fatalf("rejects\n got %s\nwant %s", got, want)
	}
	log := queryString(t, st, "SELECT rows_read || '/' || rows_loaded || '/' || rows_rejected FROM load_log")
	if log != "3/1/2" {
		t.Fatalf("load log %s, want 3/1/2", log)
	}
}

// A header naming a column twice cannot say which one holds the value: the load is
// refused with both positions, and nothing is loaded.
func TestAHeaderNamingAColumnTwiceIsRefused(t *testing.T) {
	st := newStore(t)
	f := writeFile(t, t.TempDir(), "order_lines.csv", "order_id,line_no,sku,ordered_qty,requested_date,ordered_qty\n"+
		"S1,10,A,5,2026-11-20,50\n")
	r := load(t, st, Options{}, f)[0]
	if r.Err == nil || !strings.Contains(r.Err.Error(), `the header names "ordered_qty" twice (columns 4 and 6)`) {
		t.Fatalf("want the duplicate refused, got %+v", r)
	}
	if n := queryString(t, st, "SELECT CAST(count(*) AS VARCHAR) FROM order_lines"); n != "0" {
		t.Fatalf("%s rows loaded", n)
	}
}
