package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"gopkg.in/yaml.v3"
)

type badCase struct {
	File    string   `yaml:"file"`
	Why     string   `yaml:"why"`
	Sanity  string   `yaml:"sanity"`
	Error   string   `yaml:"error"`
	Counts  []int64  `yaml:"counts"` // read, loaded, rejected
	Rejects []string `yaml:"rejects"`
	Reason  string   `yaml:"reason"`
	Warned  int64    `yaml:"warned"`
}

// TestBadInputCatalogue loads every case of testdata/badinput/catalogue.yaml into a
// fresh database and checks its message, its row accounting and its rejects.
func TestBadInputCatalogue(t *testing.T) {
	raw, err := os.ReadFile("testdata/badinput/catalogue.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cat struct {
		Cases []badCase `yaml:"cases"`
	}
	if err := yaml.Unmarshal(raw, &cat); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/badinput/*.*")
	listed := map[string]bool{}
	for _, c := range cat.Cases {
		listed[c.File] = true
	}
	for _, f := range files {
		if b := filepath.Base(f); !listed[b] && !strings.HasSuffix(b, ".yaml") && !strings.HasSuffix(b, ".py") {
			t.Errorf("%s is in testdata/badinput but not in the catalogue", b)
		}
	}
	if len(cat.Cases) < 20 {
		t.Fatalf("%d cases in the catalogue", len(cat.Cases))
	}
	for _, c := range cat.Cases {
		t.Run(c.File, func(t *testing.T) {
			checkBadCase(t, c, filepath.Join("testdata/badinput", c.File), Options{Sanity: c.Sanity})
		})
	}
}

func checkBadCase(t *testing.T, c badCase, path string, opts Options) {
	t.Helper()
	st := newStore(t)
	r := load(t, st, opts, path)[0]
	if c.Error != "" {
		if r.Err == nil || !strings.Contains(r.Err.Error(), c.Error) {
			t.Fatalf("%s: error %v, want one containing %q", c.Why, r.Err, c.Error)
		}
		if !strings.Contains(r.Err.Error(), filepath.Base(path)) {
			t.Errorf("the error does not name the file: %v", r.Err)
		}
		for _, table := range entityOrder {
			if n := queryInt(t, st, "SELECT count(*) FROM "+table); n != 0 {
				t.Errorf("a refused file wrote %d rows to %s", n, table)
			}
		}
		return
	}
	if r.Err != nil {
		t.Fatalf("%s: %v", c.Why, r.Err)
	}
	got := []int64{r.RowsRead, r.RowsLoaded, r.RowsRejected}
	if fmt.Sprint(got) != fmt.Sprint(c.Counts) {
		t.Fatalf("%s: read/loaded/rejected %v, want %v", c.Why, got, c.Counts)
	}
	if r.RowsRead != r.RowsLoaded+r.RowsRejected {
		t.Fatalf("rows unaccounted for: %v", got)
	}
	rej := queryString(t, st, "SELECT coalesce(string_agg(row_no || ' ' || column_name, '|' ORDER BY row_no, column_name), '') FROM rejects")
	if want := strings.Join(c.Rejects, "|"); rej != want {
		t.Fatalf("rejects %q, want %q", rej, want)
	}
	if n := queryInt(t, st, "SELECT count(DISTINCT row_no) FROM rejects"); n != r.RowsRejected {
		t.Fatalf("%d distinct rows in rejects, %d counted rejected", n, r.RowsRejected)
	}
	if c.Reason != "" {
		if n := queryInt(t, st, "SELECT count(*) FROM rejects WHERE contains(reason, ?)", c.Reason); n == 0 {
			t.Fatalf("no reject says %q; they say %s", c.Reason, queryString(t, st, "SELECT string_agg(reason, ' | ') FROM rejects"))
		}
	}
	if r.RowsWarned != c.Warned {
		t.Fatalf("%d rows warned, want %d (%s)", r.RowsWarned, c.Warned, queryString(t, st, "SELECT coalesce(string_agg(reason, ' | '), '') FROM load_warnings"))
	}
}

// TestBadInputGenerated covers the cases too large to keep in the repo: lines and
// workbooks past the limits, each refused or rejected with a message naming the
// limit and the orderflow.yaml key that raises it.
func TestBadInputGenerated(t *testing.T) {
	dir := t.TempDir()
	head := "order_id,line_no,sku,ordered_qty,requested_date,promised_date\r\n"
	row := func(id string) string { return id + ",10,A,5,2026-11-20,2026-11-21\r\n" }
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("a 50 MB line in the middle", func(t *testing.T) {
		// DuckDB's reader loses, without a word, a line longer than its buffer.
		p := write("long_line.csv", head+row("S1")+"S2,10,"+strings.Repeat("x", 50<<20)+",5,2026-11-20,2026-11-21\r\n"+row("")+row("S4"))
		checkBadCase(t, badCase{Why: "a 50 MB line", Counts: []int64{4, 2, 2}, Rejects: []string{"3 (whole row)", "4 order_id"},
			Reason: "a line of 50.0 MiB, over the 2.0 MiB line limit (raise limits.max_line_bytes in orderflow.yaml"}, p, Options{})
	})
	t.Run("a 3 MB line, caught by the reader itself", func(t *testing.T) {
		p := write("long_line3.csv", head+row("S1")+"S2,10,"+strings.Repeat("x", 3<<20)+",5,2026-11-20,2026-11-21\r\n")
		checkBadCase(t, badCase{Why: "a 3 MB line", Counts: []int64{2, 1, 1}, Rejects: []string{"3 (whole row)"},
			Reason: "over the 2.0 MiB line limit"}, p, Options{})
	})
	t.Run("a raised line limit loads the long line", func(t *testing.T) {
		p := write("long_line_ok.csv", head+row("S1")+"S2,10,"+strings.Repeat("x", 3<<20)+",5,2026-11-20,2026-11-21\r\n")
		checkBadCase(t, badCase{Why: "limit raised", Counts: []int64{2, 2, 0}}, p, Options{Limits: Limits{MaxLineBytes: 8 << 20}})
	})
	t.Run("a zip bomb", func(t *testing.T) {
		// 1 GiB of one cell packs to about a megabyte: refused before it is unpacked.
		p := filepath.Join(dir, "bomb.xlsx")
		writeBombXLSX(t, p, 1<<30)
		if fi, _ := os.Stat(p); fi.Size() > 4<<20 {
			t.Fatalf("the bomb is %d bytes", fi.Size())
		}
		checkBadCase(t, badCase{Why: "zip bomb", Error: "over the compression ratio limit of 100"}, p, Options{})
	})
	t.Run("a workbook over the unpacked size limit", func(t *testing.T) {
		p := filepath.Join(dir, "big.xlsx")
		writeSheet(t, p, 200, 10)
		checkBadCase(t, badCase{Why: "unpacked size", Error: "over the 32.0 KiB workbook limit (raise limits.max_xlsx_unpacked_bytes"}, p,
			Options{Limits: Limits{MaxXLSXBytes: 32 << 10}})
	})
	t.Run("a cell over the cell limit", func(t *testing.T) {
		p := filepath.Join(dir, "bigcell.xlsx")
		writeSheet(t, p, 3, 5000)
		checkBadCase(t, badCase{Why: "cell limit", Counts: []int64{3, 0, 3}, Rejects: []string{"2 sku", "3 sku", "4 sku"},
			Reason: "over the 1000 bytes cell limit (raise limits.max_cell_bytes"}, p, Options{Limits: Limits{MaxCellBytes: 1000}})
	})
	t.Run("a sheet over the row limit", func(t *testing.T) {
		p := filepath.Join(dir, "rows.xlsx")
		writeSheet(t, p, 20, 3)
		checkBadCase(t, badCase{Why: "row limit", Error: "more than 10 rows, the sheet row limit (raise limits.max_sheet_rows"}, p,
			Options{Limits: Limits{MaxSheetRows: 10}})
	})
	t.Run("a truncated workbook", func(t *testing.T) {
		p := filepath.Join(dir, "cut.xlsx")
		writeSheet(t, p, 50, 3)
		b, _ := os.ReadFile(p)
		if err := os.WriteFile(p, b[:len(b)/2], 0o644); err != nil {
			t.Fatal(err)
		}
		checkBadCase(t, badCase{Why: "truncated", Error: "cannot open workbook"}, p, Options{})
	})
}

// writeSheet writes an order-lines workbook of n rows whose sku holds skuLen bytes.
func writeSheet(t testing.TB, path string, n, skuLen int) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	_ = f.SetSheetRow("Sheet1", "A1", &[]any{"order_id", "line_no", "sku", "ordered_qty", "requested_date", "promised_date"})
	for i := 0; i < n; i++ {
		_ = f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+2), &[]any{fmt.Sprintf("S%d", i), "10", strings.Repeat("v", skuLen), 5, "2026-11-20", "2026-11-21"})
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// writeBombXLSX writes a valid workbook whose one data cell holds size bytes: a
// minimal sheet part streamed through deflate, so the file stays small.
func writeBombXLSX(t *testing.T, path string, size int64) {
	t.Helper()
	var small bytes.Buffer
	{
		f := excelize.NewFile()
		_ = f.SetSheetRow("Sheet1", "A1", &[]any{"order_id", "line_no", "sku", "ordered_qty"})
		if _, err := f.WriteTo(&small); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	zr, err := zip.NewReader(bytes.NewReader(small.Bytes()), int64(small.Len()))
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, part := range zr.File {
		w, err := zw.Create(part.Name)
		if err != nil {
			t.Fatal(err)
		}
		if part.Name == "xl/worksheets/sheet1.xml" {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
				`<row r="1"><c r="A1" t="inlineStr"><is><t>order_id</t></is></c><c r="B1" t="inlineStr"><is><t>line_no</t></is></c><c r="C1" t="inlineStr"><is><t>sku</t></is></c><c r="D1" t="inlineStr"><is><t>ordered_qty</t></is></c></row>`+
				`<row r="2"><c r="A2" t="inlineStr"><is><t>S1</t></is></c><c r="B2" t="inlineStr"><is><t>10</t></is></c><c r="C2" t="inlineStr"><is><t>`)
			chunk := bytes.Repeat([]byte("A"), 1<<20)
			for n := int64(0); n < size; n += int64(len(chunk)) {
				w.Write(chunk)
			}
			io.WriteString(w, `</t></is></c><c r="D2"><v>5</v></c></row></sheetData></worksheet>`)
			continue
		}
		rc, err := part.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(w, rc)
		rc.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}
