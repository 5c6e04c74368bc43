package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
)

// source is one extract file opened for loading: its header, and a temporary DuckDB
// table `raw` of VARCHAR columns c0..cN in file order, with the file row of each record.
type source struct {
	path    string
	format  string
	header  []string       // as the file writes it
	columns map[string]int // normHeader(name) -> index
	// rowExpr is the SQL expression giving the file row number of a raw record.
	rowExpr string
	// structural lists rows the reader itself could not split (too many columns...).
	structural []rowError
	// longLines are the file's lines over a megabyte (csv), for the line limit.
	longLines []longLine
	lineLimit int64
	// lineOf, when set, maps raw record indexes to file rows after the fact.
	lineOf  func(rowids []int64) (map[int64]int64, error)
	cleanup []func()
	// csv only: the read_csv call (store_rejects into the named table) and the number
	// of lines before the first record.
	csvRead func(rejectsTable string) string
	skip    int
	newLine string
	delim   rune
	quote   string
	// framed: a list printed with its frame (SAP's "unconverted" format: '|' around
	// every cell, lines of dashes between the title, the header and the rows, the
	// header again on every page). The frame's lines are not rows.
	framed bool
	// wide: a UTF-16 file, read from a UTF-8 copy, whose line count its bytes do not tell.
	wide bool
	// colTypes types columns in the reader itself (the typed fast path); dateFormat,
	// dateFormats and decimal say how.
	colTypes    map[int]string
	dateFormat  string
	dateFormats []string
	decimal     string
}

// execQueryer is the part of *sql.Conn and *sql.Tx that the load steps use.
type execQueryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queryer is the part of *sql.Conn and *sql.Tx that reads.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// rowError is a reject found while reading, before any mapping.
type rowError struct {
	row    int64
	column string
	value  string
	reason string
}

func (s *source) close() {
	for i := len(s.cleanup) - 1; i >= 0; i-- {
		s.cleanup[i]()
	}
}

// col is the raw table column holding a header name, or "" when the file lacks it.
func (s *source) col(name string) string {
	i, ok := s.columns[normHeader(name)]
	if !ok {
		return ""
	}
	return fmt.Sprintf("c%d", i)
}

// heading is the header cell of a column as the file writes it ("Sales Document" for
// VBELN read through a label), for messages; name itself when the file lacks it.
func (s *source) heading(name string) string {
	if i, ok := s.columns[normHeader(name)]; ok && i < len(s.header) {
		return strings.TrimSpace(strings.TrimPrefix(s.header[i], "\ufeff"))
	}
	return name
}

func newColumnIndex(header []string) map[string]int {
	m := make(map[string]int, len(header))
	for i, h := range header {
		n := normHeader(h)
		if _, dup := m[n]; !dup && n != "" {
			m[n] = i
		}
	}
	return m
}

// formatOf tells the reader to use from a spec's format or the file extension.
func formatOf(path, declared string) (string, error) {
	if declared != "" {
		switch declared {
		case "csv", "xlsx", "parquet", "json":
			return declared, nil
		}
		return "", fmt.Errorf("format %q is not supported: use csv, xlsx, parquet or json", declared)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".txt", ".tsv", ".dat", ".tab", "":
		return "csv", nil
	case ".xlsx", ".xlsm":
		return "xlsx", nil
	case ".parquet", ".pq":
		return "parquet", nil
	case ".json", ".ndjson", ".jsonl":
		return "json", nil
	case ".xls":
		return "", fmt.Errorf("%s is an old Excel 97-2003 workbook: save it as .xlsx or CSV and load that", path)
	}
	return "", fmt.Errorf("%s: unknown file type %q: orderflow reads CSV/TXT, XLSX, Parquet and JSON/NDJSON", path, filepath.Ext(path))
}

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// ident quotes s as a SQL identifier.
func ident(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// dropTemp drops temporary tables, ignoring errors (the connection may be gone).
func dropTemp(ctx context.Context, conn *sql.Conn, names ...string) {
	for _, n := range names {
		_, _ = conn.ExecContext(ctx, "DROP TABLE IF EXISTS temp."+ident(n))
	}
}
