package ingest

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

// openCSV prepares a delimited text file for DuckDB's read_csv, all columns as text so
// that leading zeros, SAP numbers and odd dates survive to the mapping step. Non-UTF-8
// files are re-encoded to a temporary UTF-8 copy first. Nothing is read yet: the fast
// path maps straight from the file, the general one materialises the raw table.
func openCSV(ctx context.Context, conn *sql.Conn, path string, sn *textSniff, hc headerCandidate, opts FileOptions, tmpDir string) (*source, error) {
	src := &source{path: path, format: "csv", header: hc.cells, columns: newColumnIndex(hc.cells), lineLimit: DefaultMaxLineBytes}
	readPath := path
	src.wide = strings.HasPrefix(sn.encoding, "utf-16")
	if sn.encoding != "utf-8" {
		p, err := toUTF8File(path, sn.encoding, tmpDir)
		if err != nil {
			return nil, err
		}
		readPath = p
		src.cleanup = append(src.cleanup, func() { os.Remove(p) })
	}
	skip := hc.line + 1 + opts.Skip
	src.skip = skip
	src.newLine = sn.newLine
	src.framed = hc.delim == '|' && hc.line < len(sn.lines) && strings.HasPrefix(strings.TrimSpace(sn.lines[hc.line]), "|")
	quote := opts.Quote
	if quote == "" && src.framed {
		quote = "none" // a printed list quotes nothing: 1/2" is an inch
	}
	if quote == "" {
		quote = `"`
	}
	if quote == "none" {
		quote = ""
	}
	src.csvRead = func(rejects string) string {
		var cols []string
		for i := range hc.cells {
			typ := "VARCHAR"
			if t, ok := src.colTypes[i]; ok {
				typ = t
			}
			cols = append(cols, fmt.Sprintf("'c%d': '%s'", i, typ))
		}
		extra := ""
		if len(src.colTypes) > 0 {
			// Typed columns: DuckDB's reader parses them and rejects what it cannot.
			extra = fmt.Sprintf(", decimal_separator = %s", sqlString(firstNonEmpty(opts.Decimal, ".")))
			if f := src.dateFormat; f != "" {
				extra += ", dateformat = " + sqlString(f)
			}
		}
		return fmt.Sprintf(`read_csv(%s,
		auto_detect = false, header = false, skip = %d, delim = %s, quote = %s, escape = %s,
		new_line = %s, columns = {%s}, null_padding = %t, max_line_size = %d%s,
		store_rejects = true, rejects_table = %s, rejects_scan = %s)`,
			sqlString(readPath), skip, sqlString(string(hc.delim)), sqlString(quote), sqlString(quote),
			sqlString(newLineOption(sn.newLine)), strings.Join(cols, ", "), src.framed, src.lineLimit, extra, sqlString(rejects), sqlString(rejects+"_scan"))
	}
	src.delim, src.quote = hc.delim, quote
	src.cleanup = append(src.cleanup, func() {
		dropTemp(context.Background(), conn, "raw", "raw_rejects", "raw_rejects_scan", "fast_rejects", "fast_rejects_scan", "pass2_rejects", "pass2_rejects_scan")
	})
	src.rowExpr = fmt.Sprintf("(rowid + %d)", skip+1)
	src.lineOf = func(rowids []int64) (map[int64]int64, error) {
		return recordLines(readPath, sn.newLine, quote, skip, src.structuralLines(), rowids)
	}
	return src, nil
}

// materializeCSV reads the whole file into the raw table, for the general path.
func (src *source) materializeCSV(ctx context.Context, conn *sql.Conn) error {
	q := "CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM " + src.csvRead("raw_rejects")
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("cannot read %s as CSV: %w", src.path, err)
	}
	// Rows of only delimiters carry nothing: not a reject, not a row. Nor do the lines of
	// a printed list's frame: rules of dashes, and the header repeated on a new page.
	var empty, header []string
	for i, h := range src.header {
		empty = append(empty, fmt.Sprintf("coalesce(regexp_full_match(c%d, '[-=_+ ]*'), true)", i))
		if strings.TrimSpace(h) != "" {
			header = append(header, fmt.Sprintf("trim(c%d) IS NOT DISTINCT FROM %s", i, sqlString(strings.TrimSpace(h))))
		}
	}
	del := "DELETE FROM raw WHERE (" + strings.Join(empty, " AND ") + ")"
	if src.framed && len(header) > 0 {
		// a framed row starts with '|': text before it (c0) is a page's title line
		del += " OR (" + strings.Join(header, " AND ") + ") OR nullif(trim(c0), '') IS NOT NULL"
	}
	if _, err := conn.ExecContext(ctx, del); err != nil {
		return err
	}
	return src.readStructural(ctx, conn, "raw_rejects")
}

// readStructural collects the rows read_csv could not split.
func (src *source) readStructural(ctx context.Context, conn queryer, table string) error {
	rows, err := conn.QueryContext(ctx, `SELECT line, coalesce(column_name, ''), coalesce(csv_line, ''), error_type, error_message FROM `+ident(table)+` ORDER BY line`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e rowError
		var kind, msg string
		if err := rows.Scan(&e.row, &e.column, &e.value, &kind, &msg); err != nil {
			return err
		}
		e.reason = csvRejectReason(kind, msg)
		if e.column == "" {
			e.column = "(whole row)"
		}
		if kind == "LINE SIZE OVER MAXIMUM" {
			var size int64
			if m := actualSizeRE.FindStringSubmatch(msg); m != nil {
				fmt.Sscan(m[1], &size)
			}
			e.reason = longLineReason(size, src.lineLimit)
		}
		if len(e.value) > 4096 {
			e.value = clip(e.value, 120)
		}
		if kind == "MISSING COLUMNS" {
			// One entry per short row, not one per missing column.
			if n := len(src.structural); n > 0 && src.structural[n-1].row == e.row && src.structural[n-1].column == "(whole row)" {
				continue
			}
			e.column, e.reason = "(whole row)", src.shortRowReason(e.value)
		}
		if kind == "CAST" {
			// A typed column the reader could not parse: name the file's column and value.
			e.column, e.value, e.reason = src.castReject(e.column, e.value, msg)
		}
		if kind == "UNQUOTED VALUE" || kind == "QUOTED VALUE" {
			col := src.headerOf(e.column)
			e.column = col
			if strings.ContainsAny(e.value, "\r\n") {
				e.reason = fmt.Sprintf("a quote opened in %q is not closed where the value should end: the value runs on into the next line(s), which are rejected with it", col)
			}
		}
		src.structural = append(src.structural, e)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// A row split into too many or too few fields is one whole-row reject: the values
	// the reader then misread in its columns are not the file's errors.
	whole := map[int64]bool{}
	for _, e := range src.structural {
		if e.column == "(whole row)" {
			whole[e.row] = true
		}
	}
	if len(whole) > 0 {
		kept := src.structural[:0]
		for _, e := range src.structural {
			if !whole[e.row] || e.column == "(whole row)" {
				kept = append(kept, e)
			}
		}
		src.structural = kept
	}
	src.addLongLines(src.lineLimit)
	return nil
}

var actualSizeRE = regexp.MustCompile(`Actual Size:\s*(\d+)`)

// structuralRows counts the rows the reader refused: one row may hold several bad values.
func (src *source) structuralRows() int64 {
	seen := map[int64]bool{}
	for _, e := range src.structural {
		seen[e.row] = true
	}
	return int64(len(seen))
}

func (src *source) structuralLines() []int64 {
	var out []int64
	for _, e := range src.structural {
		out = append(out, e.row)
	}
	return out
}

// headerOf names the file's column behind the reader's cN.
func (src *source) headerOf(col string) string {
	var idx int
	if _, err := fmt.Sscanf(col, "c%d", &idx); err == nil && idx >= 0 && idx < len(src.header) {
		return src.header[idx]
	}
	return col
}

// shortRowReason says how many fields a short line has and where it stops.
func (src *source) shortRowReason(line string) string {
	quote := src.quote
	if quote == "" {
		quote = "none"
	}
	n := len(splitLine(line, src.delim, quote))
	last := ""
	if n > 0 && n <= len(src.header) {
		last = fmt.Sprintf(", after %q", src.header[n-1])
	}
	return fmt.Sprintf("%d fields where the header has %d: the line stops short%s (cut off, or a line break inside an unquoted value?)", n, len(src.header), last)
}

var castValueRE = regexp.MustCompile(`Could not convert string "(.*)" to '([A-Z]+)`)

// castReject turns the reader's cast error on column cN into the file's column name,
// the raw value and a reason like those of the mapping step.
func (src *source) castReject(col, line, msg string) (column, value, reason string) {
	column, value, reason = col, line, "cannot be read: "+msg
	var idx int
	if _, err := fmt.Sscanf(col, "c%d", &idx); err == nil && idx < len(src.header) {
		column = src.header[idx]
		quote := src.quote
		if quote == "" {
			quote = "none"
		}
		if cells := splitLine(line, src.delim, quote); idx < len(cells) {
			value = cells[idx]
		}
	}
	if m := castValueRE.FindStringSubmatch(msg); m != nil {
		value = m[1]
		switch m[2] {
		case "DATE", "TIMESTAMP":
			reason = dateReason(src.dateFormats)
		default:
			reason = fmt.Sprintf("not a number (decimal separator %q)", firstNonEmpty(src.decimal, "."))
		}
	}
	return column, value, reason
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func newLineOption(nl string) string {
	switch nl {
	case "\r\n":
		return `\r\n`
	case "\r":
		return `\r`
	}
	return `\n`
}

func csvRejectReason(kind, msg string) string {
	switch kind {
	case "TOO MANY COLUMNS":
		return "more fields than the header has columns (a delimiter inside an unquoted value?)"
	case "MISSING COLUMNS":
		return "fewer fields than the header has columns (a line cut short?)"
	case "UNQUOTED VALUE":
		return "a quote character inside an unquoted value"
	case "INVALID UNICODE", "INVALID ENCODING":
		return "bytes that are not valid in the file's encoding"
	}
	return strings.ToLower(kind) + ": " + msg
}

// recordLines maps raw record indexes (rowid) to 1-based file lines, accounting for
// blank lines and lines the reader rejected, which read_csv leaves out of its count.
// It runs only when a file has rejects, so a clean load never reads the file twice.
func recordLines(path, newLine, quote string, skip int, badLines []int64, rowids []int64) (map[int64]int64, error) {
	want := map[int64]bool{}
	for _, r := range rowids {
		want[r] = true
	}
	sort.Slice(badLines, func(i, j int) bool { return badLines[i] < badLines[j] })
	bad := map[int64]bool{}
	for _, l := range badLines {
		bad[l] = true
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 2<<20)
	sep := newLine
	// A line longer than the buffer comes in pieces (partial set): the line is counted
	// once, when its end arrives, so a line of any length costs no memory.
	partial := false
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		partial = false
		if i := bytes.Index(data, []byte(sep)); i >= 0 {
			return i + len(sep), data[:i], nil
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		if len(data) >= 1<<20 {
			partial = true
			n := len(data) - (len(sep) - 1) // a "\r\n" may be cut between pieces
			return n, data[:n], nil
		}
		return 0, nil, nil
	})
	out := make(map[int64]int64, len(rowids))
	var line, record int64
	inQuote := false
	var recordStart int64
	quotes, blank := 0, true
	for sc.Scan() {
		text := sc.Bytes()
		if quote != "" {
			quotes += bytes.Count(text, []byte(quote))
		}
		blank = blank && len(bytes.TrimSpace(text)) == 0
		if partial {
			continue
		}
		line++
		oddQuotes, isBlank := quotes%2 == 1, blank
		quotes, blank = 0, true
		if line <= int64(skip) {
			continue
		}
		if !inQuote {
			recordStart = line
		}
		if oddQuotes {
			inQuote = !inQuote
		}
		if inQuote {
			continue // the record goes on on the next line
		}
		if isBlank || bad[recordStart] {
			continue
		}
		if want[record] {
			out[record] = recordStart
			if len(out) == len(want) {
				break
			}
		}
		record++
	}
	return out, sc.Err()
}
