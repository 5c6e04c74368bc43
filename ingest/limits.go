package ingest

import (
	"fmt"
	"os"
	"strings"
	"unicode/utf8"
)

// Limits bound what one file may ask of the machine. A file past a limit is refused
// (or, for one line, that line is rejected) with a message naming the limit and the
// orderflow.yaml key that raises it: a damaged or hostile file must not hang a load or
// exhaust the host, least of all through a watched folder. Zero means the default.
type Limits struct {
	// MaxLineBytes: a CSV line longer than this is rejected (default 2 MiB, at least 1 MiB).
	MaxLineBytes int64 `yaml:"max_line_bytes"`
	// MaxCellBytes: a workbook cell longer than this rejects its row (default 1 MiB;
	// Excel itself holds at most 32,767 characters in a cell).
	MaxCellBytes int64 `yaml:"max_cell_bytes"`
	// MaxXLSXBytes: a workbook whose parts unpack to more than this is refused (default 4 GiB).
	MaxXLSXBytes int64 `yaml:"max_xlsx_unpacked_bytes"`
	// MaxXLSXRatio: a workbook part unpacking to more than this many times its packed
	// size is refused, a zip bomb's signature (default 100; real sheets pack 5-20x).
	MaxXLSXRatio float64 `yaml:"max_xlsx_compression_ratio"`
	// MaxSheetRows: a sheet with more rows than this is refused (default 1,048,576,
	// the most Excel itself writes).
	MaxSheetRows int64 `yaml:"max_sheet_rows"`
}

// Default limits.
const (
	DefaultMaxLineBytes = 2 << 20
	DefaultMaxCellBytes = 1 << 20
	DefaultMaxXLSXBytes = 4 << 30
	DefaultMaxXLSXRatio = 100
	DefaultMaxSheetRows = 1 << 20
	minMaxLineBytes     = 1 << 20 // scanFile sees long lines at chunk boundaries only
)

// withDefaults replaces zero limits by the defaults.
func (lim Limits) withDefaults() Limits {
	if lim.MaxLineBytes <= 0 {
		lim.MaxLineBytes = DefaultMaxLineBytes
	}
	if lim.MaxLineBytes < minMaxLineBytes {
		lim.MaxLineBytes = minMaxLineBytes
	}
	if lim.MaxCellBytes <= 0 {
		lim.MaxCellBytes = DefaultMaxCellBytes
	}
	if lim.MaxXLSXBytes <= 0 {
		lim.MaxXLSXBytes = DefaultMaxXLSXBytes
	}
	if lim.MaxXLSXRatio <= 0 {
		lim.MaxXLSXRatio = DefaultMaxXLSXRatio
	}
	if lim.MaxSheetRows <= 0 {
		lim.MaxSheetRows = DefaultMaxSheetRows
	}
	return lim
}

// limitHint names the orderflow.yaml key that raises a limit.
func limitHint(key string) string {
	return fmt.Sprintf("raise limits.%s in orderflow.yaml if the file is right", key)
}

// byteSize writes a size for people: 52.4 MB, 3 145 758 bytes below a megabyte.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// longLine is a line of a text file longer than a megabyte, as scanFile saw it.
type longLine struct {
	line   int64 // 1-based file line
	offset int64 // of its first byte
	size   int64 // bytes, without the line end's '\n'
}

// addLongLines rejects the lines over the line limit that the reader has not already
// rejected: DuckDB's reader rejects a line longer than max_line_size but loses, without
// a word, one longer than its buffer. Each is one rejected row.
func (src *source) addLongLines(limit int64) {
	have := map[int64]bool{}
	for _, e := range src.structural {
		have[e.row] = true
	}
	for _, ll := range src.longLines {
		if ll.size <= limit || have[ll.line] {
			continue
		}
		src.structural = append(src.structural, rowError{
			row: ll.line, column: "(whole row)", value: src.linePrefix(ll),
			reason: longLineReason(ll.size, limit),
		})
	}
}

func longLineReason(size, limit int64) string {
	return fmt.Sprintf("a line of %s, over the %s line limit (%s)", byteSize(size), byteSize(limit), limitHint("max_line_bytes"))
}

// linePrefix is the start of a long line, enough to find it in the file.
func (src *source) linePrefix(ll longLine) string {
	if src.wide {
		return ""
	}
	f, err := os.Open(src.path)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, 120)
	n, _ := f.ReadAt(buf, ll.offset)
	s := strings.ToValidUTF8(string(buf[:n]), "?")
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}
