// Package csvsafe writes CSV that a spreadsheet opens as text, not as formulas: ERP text
// such as `=HYPERLINK(...)` or `@SUM(...)` in a customer name would otherwise run when a
// user opens the export (OWASP, "CSV Injection").
package csvsafe

import (
	"encoding/csv"
	"io"
	"strconv"
)

// Cell returns s with a leading apostrophe when a spreadsheet would read it as a formula:
// it starts with =, +, -, @, a tab or a carriage return and is not a plain number
// ("-12.5" stays a number; "-1+2" and "-cmd" are neutralised).
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if _, err := strconv.ParseFloat(s, 64); err == nil && s[0] != '\t' && s[0] != '\r' {
			return s
		}
		return "'" + s
	}
	return s
}

// Writer is a csv.Writer whose every cell goes through Cell.
type Writer struct {
	*csv.Writer
	buf []string
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{Writer: csv.NewWriter(w)} }

// Write writes one record, each cell neutralised.
func (w *Writer) Write(record []string) error {
	w.buf = w.buf[:0]
	for _, c := range record {
		w.buf = append(w.buf, Cell(c))
	}
	return w.Writer.Write(w.buf)
}
