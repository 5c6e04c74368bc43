package ingest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// sniffSize is how much of a delimited file is read to find its encoding, line ends,
// delimiter and header row.
const sniffSize = 256 << 10

// maxHeaderSearch is how many leading lines may precede the header (SAP list exports
// put a title, a date and blank lines first).
const maxHeaderSearch = 30

// textSniff is what the first bytes of a delimited text file tell.
type textSniff struct {
	encoding string // utf-8, windows-1252 or iso-8859-1
	bom      bool
	newLine  string // "\n", "\r\n" or "\r"
	lines    []string
}

func sniffText(path string, forcedEncoding string) (*textSniff, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, sniffSize)
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	buf = buf[:n]
	s := &textSniff{}
	if bytes.HasPrefix(buf, []byte{0xEF, 0xBB, 0xBF}) {
		s.bom = true
		buf = buf[3:]
	}
	if bytes.HasPrefix(buf, []byte{0xFF, 0xFE}) || bytes.HasPrefix(buf, []byte{0xFE, 0xFF}) {
		// SAP GUI's Unicode text downloads, Excel's "Unicode Text": read as UTF-8.
		s.encoding = "utf-16le"
		if buf[0] == 0xFE {
			s.encoding = "utf-16be"
		}
		if len(buf)%2 == 1 {
			buf = buf[:len(buf)-1]
		}
		out, err := utf16Encoding(s.encoding).NewDecoder().Bytes(buf)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s as %s: %w", path, s.encoding, err)
		}
		buf = bytes.TrimPrefix(out, []byte{0xEF, 0xBB, 0xBF})
		s.bom = true
		forcedEncoding = "utf-16"
	}
	if bytes.IndexByte(buf, 0) >= 0 {
		return nil, fmt.Errorf("%s is not a text file (it holds NUL bytes): give a CSV, XLSX, Parquet or JSON extract", path)
	}
	switch enc := strings.ToLower(strings.ReplaceAll(forcedEncoding, "_", "-")); enc {
	case "utf-16":
		// decoded above
	case "", "auto":
		// A sample cut in the middle of a multi-byte rune is still UTF-8.
		trimmed := buf
		for i := 0; i < 3 && len(trimmed) > 0 && !utf8.Valid(trimmed); i++ {
			trimmed = trimmed[:len(trimmed)-1]
		}
		if utf8.Valid(trimmed) {
			s.encoding = "utf-8"
		} else {
			s.encoding = "windows-1252"
		}
	case "utf-8", "utf8":
		s.encoding = "utf-8"
	case "windows-1252", "cp1252", "win1252":
		s.encoding = "windows-1252"
	case "iso-8859-1", "latin-1", "latin1", "iso8859-1":
		s.encoding = "iso-8859-1"
	default:
		return nil, fmt.Errorf("encoding %q is not supported: use utf-8, windows-1252 or iso-8859-1", forcedEncoding)
	}
	text := string(buf)
	if s.encoding == "windows-1252" || s.encoding == "iso-8859-1" {
		text = decode8bit(buf, s.encoding)
	}
	switch {
	case strings.Contains(text, "\r\n"):
		s.newLine = "\r\n"
	case strings.Contains(text, "\r"):
		s.newLine = "\r"
	default:
		s.newLine = "\n"
	}
	lines := strings.Split(text, s.newLine)
	if n == sniffSize && len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last one may be cut
	}
	s.lines = lines
	return s, nil
}

func utf16Encoding(enc string) encoding.Encoding {
	if enc == "utf-16be" {
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
	}
	return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
}

func decode8bit(b []byte, enc string) string {
	cm := charmap.Windows1252
	if enc == "iso-8859-1" {
		cm = charmap.ISO8859_1
	}
	out, _ := cm.NewDecoder().Bytes(b)
	return string(out)
}

// splitLine splits one line with a delimiter as RFC 4180 reads it: a cell may be quoted
// (the default quote is '"', as read_csv's), hold the delimiter and double its quotes.
// quote "none" splits at every delimiter.
func splitLine(line string, delim rune, quote string) []string {
	if quote == "none" || (quote != "" && quote != `"`) {
		return strings.Split(line, string(delim))
	}
	r := csv.NewReader(strings.NewReader(line))
	r.Comma = delim
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	rec, err := r.Read()
	if err != nil {
		return strings.Split(line, string(delim))
	}
	return rec
}

var candidateDelims = []rune{';', '\t', ',', '|'}

// headerCandidate is a line that may be the header, split by one delimiter.
type headerCandidate struct {
	line  int // 0-based line index in the file
	delim rune
	cells []string
}

// headerCandidates lists, for each of the first lines, its split by each delimiter
// (or only by the given one), for the profile matcher to choose from.
func (s *textSniff) headerCandidates(delim string, quote string) []headerCandidate {
	delims := candidateDelims
	if d := delimRune(delim); d != 0 {
		delims = []rune{d}
	}
	var out []headerCandidate
	for i, line := range s.lines {
		if i >= maxHeaderSearch {
			break
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		for _, d := range delims {
			if !strings.ContainsRune(line, d) && len(delims) > 1 {
				continue
			}
			out = append(out, headerCandidate{line: i, delim: d, cells: splitLine(line, d, quote)})
		}
	}
	return out
}

func delimRune(d string) rune {
	switch d {
	case "", "auto":
		return 0
	case `\t`, "tab", "\t":
		return '\t'
	default:
		r, _ := utf8.DecodeRuneInString(d)
		return r
	}
}

// toUTF8File writes a UTF-8 copy of an 8-bit encoded file, for DuckDB's reader.
func toUTF8File(src, enc, dir string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(dir, "orderflow-utf8-*.csv")
	if err != nil {
		return "", err
	}
	var dec *encoding.Decoder
	switch enc {
	case "utf-16le", "utf-16be":
		dec = utf16Encoding(enc).NewDecoder()
	case "iso-8859-1":
		dec = charmap.ISO8859_1.NewDecoder()
	default:
		dec = charmap.Windows1252.NewDecoder()
	}
	if _, err := io.Copy(out, dec.Reader(in)); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", fmt.Errorf("cannot re-encode %s from %s: %w", src, enc, err)
	}
	if err := out.Close(); err != nil {
		return "", err
	}
	return out.Name(), nil
}
