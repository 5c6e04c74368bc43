package ingest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/orderflow/orderflow/store"
)

// Fuzz targets of the readers. `go test` runs their seeds (the bad-input catalogue and
// the ERP fixtures); CI fuzzes each for a short time (.ci/fuzz), e.g.
//
//	go test ./ingest -run '^$' -fuzz '^FuzzLoadCSV$' -fuzztime 30s
//
// The invariants: nothing panics, every row read is loaded or rejected once, a
// refused file names itself and writes nothing.

// seedFiles adds the catalogue's files (and any others matching glob) as seeds.
func seedFiles(f *testing.F, globs ...string) {
	for _, g := range globs {
		files, _ := filepath.Glob(g)
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil && len(b) < 1<<20 {
				f.Add(b)
			}
		}
	}
}

// FuzzSniff: delimiter, quote, encoding and line-end sniffing, and the header split.
func FuzzSniff(f *testing.F) {
	seedFiles(f, "testdata/badinput/*.csv", "testdata/canonical/*.csv", "testdata/odoo_labels_fr/*.csv")
	f.Add([]byte("a;\"b;c\";d\r\n1;2;3\r\n"))
	f.Add([]byte("\xff\xfea\x00,\x00b\x00\r\x00\n\x00"))
	dir := f.TempDir()
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, body []byte) {
		p := filepath.Join(dir, fmt.Sprintf("f%d.csv", n.Add(1)))
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(p)
		sn, err := sniffText(p, "")
		if err != nil {
			return
		}
		for _, hc := range sn.headerCandidates("", "") {
			if hc.line < 0 || hc.line >= len(sn.lines) {
				t.Fatalf("header candidate on line %d of %d", hc.line, len(sn.lines))
			}
		}
		for _, line := range sn.lines {
			for _, d := range []rune{',', ';', '\t', '|'} {
				cells := splitLine(line, d, `"`)
				// (encoding/csv ends a record at any line break, and a line of a file
				// whose lines end in CR alone may hold a stray LF)
				if !strings.ContainsAny(line, "\"\r\n") && len(cells) != strings.Count(line, string(d))+1 {
					t.Fatalf("%q split on %q gives %d cells", line, d, len(cells))
				}
			}
		}
	})
}

// fuzzLoad loads body, written after prefix into a file named name, and checks the
// row accounting.
func fuzzLoad(t *testing.T, st *store.Store, dir, name string, prefix, body []byte) {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, append(append([]byte{}, prefix...), body...), 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(p)
	res, err := Load(t.Context(), st, Options{}, p)
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if r.Err != nil {
		if !strings.Contains(r.Err.Error(), name) {
			t.Fatalf("the error does not name the file: %v", r.Err)
		}
		return
	}
	if r.Skipped {
		return
	}
	if r.RowsRead != r.RowsLoaded+r.RowsRejected {
		t.Fatalf("%d read, %d loaded, %d rejected", r.RowsRead, r.RowsLoaded, r.RowsRejected)
	}
	var distinct int64
	if err := st.DB.QueryRow("SELECT count(DISTINCT row_no) FROM rejects WHERE load_id = ?", r.LoadID).Scan(&distinct); err != nil {
		t.Fatal(err)
	}
	if distinct != r.RowsRejected {
		t.Fatalf("%d rows in rejects, %d counted", distinct, r.RowsRejected)
	}
}

// FuzzLoadCSV: the canonical CSV path (the typed fast path: DuckDB's reader, its
// rejects, the line accounting) on any body under an order-lines header.
func FuzzLoadCSV(f *testing.F) {
	head := []byte("order_id,line_no,sku,ordered_qty,unit_price,requested_date,promised_date\n")
	seedFiles(f, "testdata/badinput/*.csv")
	f.Add([]byte("S1,10,A,5,2.5,2026-11-20,2026-11-21\n\"S2\",\"1\"\"0\",\"x\ny\",1,1,2026-01-01,\n"))
	st := newStore(f)
	dir := f.TempDir()
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzLoad(t, st, dir, fmt.Sprintf("order_lines_%d.csv", n.Add(1)), head, body)
	})
}

// FuzzLoadSAPList: a German SAP list (tab-delimited, cp1252, title and blank lines,
// 1.250,00 numbers, trailing minus, DD.MM.YYYY dates) through the general path,
// with its number-notation detection, label mapping and sign rules.
func FuzzLoadSAPList(f *testing.F) {
	raw, err := os.ReadFile("../testdata/erp/sap/labels_de/VF05_20261205.txt")
	if err != nil {
		f.Fatal(err)
	}
	lines := bytes.SplitAfter(raw, []byte("\n"))
	head := bytes.Join(lines[:5], nil)
	f.Add(bytes.Join(lines[5:], nil))
	f.Add([]byte("\t90000101\tF2\t20.11.2026\t12231\t10\tVN-25\tVanne\t1.000-\tST\t1.250,00-\tEUR\r\n"))
	f.Add([]byte("\t90000101\tG2\t2026.11.20\t12231\t10\tVN-25\tVanne\t100\tST\t1,250.00\tEUR\r\n"))
	st := newStore(f)
	dir := f.TempDir()
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzLoad(t, st, dir, fmt.Sprintf("VF05_%d.txt", n.Add(1)), head, body)
	})
}

// FuzzWorkbook: the workbook reader, on any bytes named .xlsx, within its limits.
func FuzzWorkbook(f *testing.F) {
	dir := f.TempDir()
	good := filepath.Join(dir, "seed.xlsx")
	writeSheet(f, good, 5, 3)
	b, _ := os.ReadFile(good)
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Add([]byte("PK\x03\x04"))
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, body []byte) {
		p := filepath.Join(dir, fmt.Sprintf("w%d.xlsx", n.Add(1)))
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(p)
		lim := Limits{MaxXLSXBytes: 64 << 20, MaxCellBytes: 1 << 16, MaxSheetRows: 10000}.withDefaults()
		heads, _, err := xlsxHeaders(p, "", lim)
		if err != nil {
			return
		}
		for _, hs := range heads {
			for _, hc := range hs {
				_ = newColumnIndex(hc.cells)
			}
		}
	})
}

// FuzzProfile: mapping profiles as users write them; a bad one is an error, never a panic.
func FuzzProfile(f *testing.F) {
	seedFiles(f, "profiles/*.yaml")
	f.Add([]byte("name: x\nfiles:\n  - kind: k\n    match: [a]\n    entities:\n      - entity: order_lines\n        fields: {order_id: a, line_no: {value: '1'}}\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := parseProfile(body, "fuzz.yaml")
		if err != nil || p == nil {
			return
		}
		for i := range p.Files {
			spec := &p.Files[i]
			idx := spec.withLabels(newColumnIndex(spec.columns()))
			spec.matches(idx, "order_lines.csv")
			_ = spec.requiredColumns()
		}
	})
}
