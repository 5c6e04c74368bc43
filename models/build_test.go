package models

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderflow/orderflow/config"
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
	ctx := context.Background()
	write := func(dir, name, body string) {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	first, second := filepath.Join(t.TempDir(), "first"), filepath.Join(t.TempDir(), "second")
	write(first, "orders.csv", "order_id,customer_id,order_date,ship_to_country,incoterm\nO1,C1,2026-10-01,DE,FCA\nO2,C1,2026-10-02,DE,FCA\n")
	write(first, "order_lines.csv", "order_id,line_no,sku,ordered_qty,unit_price,requested_date\n"+
		"O1,10,A,5,1,2026-10-10\nO2,10,A,1,1,2026-10-10\nO1,10,A,7,1,2026-10-10\nO2,10,A,2,1,2026-10-10\nO2,10,A,3,1,2026-10-10\n")
	write(second, "order_lines.csv", "order_id,line_no,sku,ordered_qty,unit_price,requested_date\nO2,10,A,9,1,2026-10-10\nO2,10,A,8,1,2026-10-10\n")
	loadCanonical(t, st, first)
	var nulls int
	if err := st.DB.QueryRow("SELECT count(*) FROM order_lines WHERE _row IS NULL").Scan(&nulls); err != nil || nulls != 5 {
		t.Fatalf("%d rows of the fast path without _row (%v), want 5", nulls, err)
	}
	mustBuild(t, st, config.Default(), "2026-11-23")
	got := func() string {
		rows, err := st.DB.QueryContext(ctx, "SELECT order_id || '=' || CAST(CAST(ordered_qty AS INTEGER) AS VARCHAR) FROM dim_order_line ORDER BY order_id")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return strings.Join(out, " ")
	}
	if g := got(); g != "O1=7 O2=3" {
		t.Fatalf("first extract: lines %s, want the last row of each key: O1=7 O2=3", g)
	}
	// The newer extract supersedes O2's rows; within it, its last row wins again.
	loadCanonical(t, st, second)
	mustBuild(t, st, config.Default(), "2026-11-23")
	if g := got(); g != "O1=7 O2=8" {
		t.Fatalf("after the newer extract: lines %s, want O1=7 O2=8", g)
	}
}
