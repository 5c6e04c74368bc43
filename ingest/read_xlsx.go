package ingest

import (
	"archive/zip"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/xuri/excelize/v2"
)

// xlsxHeaders returns, per sheet, the first rows of a workbook as header candidates.
func xlsxHeaders(path, onlySheet string, lim Limits) (map[string][]headerCandidate, []string, error) {
	f, err := openWorkbook(path, lim)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot open workbook %s: %w", path, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	out := map[string][]headerCandidate{}
	for _, sh := range sheets {
		if onlySheet != "" && !strings.EqualFold(sh, onlySheet) {
			continue
		}
		rows, err := f.Rows(sh)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot read sheet %q of %s: %w", sh, path, err)
		}
		for i := 0; i < maxHeaderSearch && rows.Next(); i++ {
			cells, err := rows.Columns()
			if err != nil {
				break
			}
			if len(cells) > 0 {
				out[sh] = append(out[sh], headerCandidate{line: i, cells: cells})
			}
		}
		rows.Close()
	}
	if onlySheet != "" && len(out) == 0 {
		return nil, nil, fmt.Errorf("workbook %s has no sheet %q (it has: %s)", path, onlySheet, strings.Join(sheets, ", "))
	}
	return out, sheets, nil
}

// openXLSX streams one sheet into the raw table through the Appender. Cells are read
// raw (dates as their serial number, numbers unformatted) and numbers that are whole
// are written without a decimal part, so an order id stored as 1447296447.0 reads back
// as the text "1447296447".
func openXLSX(ctx context.Context, conn *sql.Conn, path, sheet string, hc headerCandidate, opts FileOptions, lim Limits) (*source, error) {
	src := &source{path: path, format: "xlsx", header: hc.cells, columns: newColumnIndex(hc.cells), rowExpr: "_row"}
	var cols []string
	for i := range hc.cells {
		cols = append(cols, fmt.Sprintf("c%d VARCHAR", i))
	}
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE raw ("+strings.Join(cols, ", ")+", _row BIGINT)"); err != nil {
		return nil, err
	}
	src.cleanup = append(src.cleanup, func() { dropTemp(context.Background(), conn, "raw") })

	f, err := openWorkbook(path, lim)
	if err != nil {
		src.close()
		return nil, err
	}
	defer f.Close()
	rows, err := f.Rows(sheet)
	if err != nil {
		src.close()
		return nil, fmt.Errorf("cannot read sheet %q of %s: %w", sheet, path, err)
	}
	defer rows.Close()

	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "raw")
		if err != nil {
			return err
		}
		defer app.Close()
		n := len(hc.cells)
		vals := make([]driver.Value, n+1)
		rowNo := 0
		for rows.Next() {
			rowNo++
			if int64(rowNo) > lim.MaxSheetRows {
				return fmt.Errorf("sheet %q of %s has more than %d rows, the sheet row limit (%s)", sheet, path, lim.MaxSheetRows, limitHint("max_sheet_rows"))
			}
			if rowNo <= hc.line+1+opts.Skip {
				_, _ = rows.Columns()
				continue
			}
			cells, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				return fmt.Errorf("cannot read row %d of sheet %q in %s: %w", rowNo, sheet, path, err)
			}
			if i, big := bigCell(cells, lim.MaxCellBytes); big {
				col := fmt.Sprintf("column %d", i+1)
				if i < n {
					col = hc.cells[i]
				}
				src.structural = append(src.structural, rowError{row: int64(rowNo), column: col, value: clip(cells[i], 120),
					reason: fmt.Sprintf("a cell of %s, over the %s cell limit (%s)", byteSize(int64(len(cells[i]))), byteSize(lim.MaxCellBytes), limitHint("max_cell_bytes"))})
				continue
			}
			blank := true
			for i := 0; i < n; i++ {
				vals[i] = nil
				if i < len(cells) {
					v := normalizeCell(cells[i])
					if v != "" {
						vals[i] = v
						blank = false
					}
				}
			}
			if blank {
				continue
			}
			vals[n] = int64(rowNo)
			if err := app.AppendRow(vals...); err != nil {
				return fmt.Errorf("cannot stage row %d of %s: %w", rowNo, path, err)
			}
		}
		if err := rows.Error(); err != nil {
			return fmt.Errorf("cannot read sheet %q of %s: %w", sheet, path, err)
		}
		return app.Flush()
	})
	if err != nil {
		src.close()
		return nil, err
	}
	return src, nil
}

// clip keeps the start of a long value, enough to find it, valid UTF-8.
func clip(v string, n int) string {
	if len(v) <= n {
		return v
	}
	return strings.ToValidUTF8(v[:n], "") + "…"
}

func bigCell(cells []string, limit int64) (int, bool) {
	for i, c := range cells {
		if int64(len(c)) > limit {
			return i, true
		}
	}
	return 0, false
}

// openWorkbook opens a workbook once its zip directory has shown it within the
// limits: a zip bomb (a megabyte unpacking to gigabytes) is refused before a byte of it
// is unpacked. Go's zip reader fails a part that unpacks to more than its directory
// declares, so the declared sizes bind.
func openWorkbook(path string, lim Limits) (*excelize.File, error) {
	z, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open workbook %s: %w (is it an .xlsx saved by Excel, LibreOffice or the ERP, and not renamed from .xls or .csv?)", path, err)
	}
	var total uint64
	for _, part := range z.File {
		total += part.UncompressedSize64
		if part.UncompressedSize64 > 32<<20 && float64(part.UncompressedSize64) > lim.MaxXLSXRatio*float64(max(part.CompressedSize64, 1)) {
			z.Close()
			return nil, fmt.Errorf("workbook %s is refused: its part %s unpacks to %s from %s, %.0f times, over the compression ratio limit of %.0f (a zip bomb, or %s)",
				path, part.Name, byteSize(int64(part.UncompressedSize64)), byteSize(int64(part.CompressedSize64)),
				float64(part.UncompressedSize64)/float64(max(part.CompressedSize64, 1)), lim.MaxXLSXRatio, limitHint("max_xlsx_compression_ratio"))
		}
	}
	z.Close()
	if total > uint64(lim.MaxXLSXBytes) {
		return nil, fmt.Errorf("workbook %s is refused: it unpacks to %s, over the %s workbook limit (%s)",
			path, byteSize(int64(total)), byteSize(lim.MaxXLSXBytes), limitHint("max_xlsx_unpacked_bytes"))
	}
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: lim.MaxXLSXBytes})
	if err != nil {
		return nil, fmt.Errorf("cannot open workbook %s: %w", path, err)
	}
	return f, nil
}

// normalizeCell writes a raw numeric cell the way a person reads it: "1447296447"
// for 1.447296447E9, and keeps text as it is.
func normalizeCell(v string) string {
	if v == "" {
		return v
	}
	c := v[0]
	if (c < '0' || c > '9') && c != '-' && c != '.' {
		return v
	}
	if !strings.ContainsAny(v, ".eE") {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// openTable loads a Parquet or JSON file with DuckDB's own reader, every column cast
// to text so that the mapping step is the same for every format.
func openTable(ctx context.Context, conn *sql.Conn, path, format string) (*source, error) {
	reader := "read_parquet(" + sqlString(path) + ")"
	if format == "json" {
		reader = "read_json_auto(" + sqlString(path) + ", format = 'auto')"
	}
	rows, err := conn.QueryContext(ctx, "DESCRIBE SELECT * FROM "+reader)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s as %s: %w", path, format, err)
	}
	var header, casts []string
	for rows.Next() {
		var name, typ string
		var null, key, def, extra sql.NullString
		if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			rows.Close()
			return nil, err
		}
		casts = append(casts, fmt.Sprintf("CAST(%s AS VARCHAR) AS c%d", ident(name), len(header)))
		header = append(header, name)
	}
	rows.Close()
	if len(header) == 0 {
		return nil, fmt.Errorf("%s holds no columns", path)
	}
	src := &source{path: path, format: format, header: header, columns: newColumnIndex(header), rowExpr: "(rowid + 1)"}
	q := "CREATE OR REPLACE TEMP TABLE raw AS SELECT " + strings.Join(casts, ", ") + " FROM " + reader
	src.cleanup = append(src.cleanup, func() { dropTemp(context.Background(), conn, "raw") })
	if _, err := conn.ExecContext(ctx, q); err != nil {
		src.close()
		return nil, fmt.Errorf("cannot read %s as %s: %w", path, format, err)
	}
	return src, nil
}
