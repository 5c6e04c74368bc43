package gen

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
)

// table writes one delimited text file row by row into a large buffer: hand-rolled
// because encoding/csv and fmt cost more than the generation itself at 10M lines.
type table struct {
	name   string // file name relative to the output folder
	path   string
	f      *os.File
	buf    []byte
	sep    byte
	crlf   bool
	sapNum bool // decimal comma, '.' thousands and trailing minus
	first  bool // next field is the first of its row
	rows   int64
	ids    [2]numCache // the last document numbers written, by column slot

	// A writer goroutine takes full buffers, so that disk writes overlap generation.
	full  chan []byte
	free  chan []byte
	done  chan struct{}
	werr  atomic.Pointer[error]
	final error
}

const flushAt = 1 << 20

func newTable(dir, name string, sep byte, crlf, sapNum bool) (*table, error) {
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("cannot create folder for %s: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", path, err)
	}
	t := &table{name: filepath.ToSlash(name), path: path, f: f, buf: make([]byte, 0, bufSize), sep: sep, crlf: crlf, sapNum: sapNum, first: true,
		full: make(chan []byte, 1), free: make(chan []byte, 2), done: make(chan struct{})}
	t.free <- make([]byte, 0, bufSize)
	go t.writer()
	return t, nil
}

const bufSize = flushAt + 64<<10

func (t *table) writer() {
	defer close(t.done)
	for b := range t.full {
		if t.werr.Load() == nil {
			if _, err := t.f.Write(b); err != nil {
				t.werr.Store(&err)
			}
		}
		t.free <- b[:0]
	}
}

// err is the first write error, nil while all is well.
func (t *table) err() error {
	if p := t.werr.Load(); p != nil {
		return *p
	}
	return nil
}

// line writes a line of text as is (a title line of a SAP list, or a blank line); it
// does not count as a row.
func (t *table) line(s string) {
	t.buf = append(t.buf, s...)
	t.eol()
}

// header writes the header row; it does not count as a row.
func (t *table) header(cols ...string) {
	for _, c := range cols {
		t.raw(c)
	}
	t.eol()
	t.first = true
}

func (t *table) eol() {
	if t.crlf {
		t.buf = append(t.buf, '\r', '\n')
	} else {
		t.buf = append(t.buf, '\n')
	}
	if len(t.buf) >= flushAt {
		t.flush()
	}
}

// end closes a data row.
func (t *table) end() {
	t.eol()
	t.first = true
	t.rows++
}

func (t *table) next() {
	if !t.first {
		t.buf = append(t.buf, t.sep)
	}
	t.first = false
}

// raw writes a field known to need no quoting (codes, numbers, ASCII identifiers).
func (t *table) raw(s string) {
	t.next()
	t.buf = append(t.buf, s...)
}

// str writes a text field, quoted when it holds the separator, a quote or a line break.
func (t *table) str(s string) {
	t.next()
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == t.sep || c == '"' || c == '\n' || c == '\r' {
			t.buf = append(t.buf, '"')
			for j := 0; j < len(s); j++ {
				if s[j] == '"' {
					t.buf = append(t.buf, '"')
				}
				t.buf = append(t.buf, s[j])
			}
			t.buf = append(t.buf, '"')
			return
		}
	}
	t.buf = append(t.buf, s...)
}

func (t *table) empty() { t.next() }

func (t *table) int(n int64) {
	t.next()
	t.buf = strconv.AppendInt(t.buf, n, 10)
}

// padded writes n with leading zeros to width digits, as ERP numbers keep them.
func (t *table) padded(n int64, width int) {
	t.next()
	t.buf = appendPadded(t.buf, n, width)
}

func appendPadded(b []byte, n int64, width int) []byte {
	var d [20]byte
	digits := strconv.AppendInt(d[:0], n, 10)
	for k := len(digits); k < width; k++ {
		b = append(b, '0')
	}
	return append(b, digits...)
}

// numCache keeps the text of the last number written: rows come grouped by order and
// by delivery, so the same document number is written many times in a row.
type numCache struct {
	n    int64
	text []byte
}

// id writes n with leading zeros to width digits, through the cache of a column slot.
func (t *table) id(slot int, n int64, width int) {
	c := &t.ids[slot]
	if c.text == nil || c.n != n {
		c.n, c.text = n, appendPadded(c.text[:0], n, width)
	}
	t.next()
	t.buf = append(t.buf, c.text...)
}

// dec writes v / 10^scale with scale decimals: '.' decimal in canonical files;
// '.' thousands, decimal comma and a trailing minus in SAP lists.
func (t *table) dec(v int64, scale int) {
	t.next()
	t.buf = appendDec(t.buf, v, scale, t.sapNum)
}

var pow10 = [...]int64{1, 10, 100, 1000, 10000}

func appendDec(b []byte, v int64, scale int, sap bool) []byte {
	neg := v < 0
	if neg {
		v = -v
		if !sap {
			b = append(b, '-')
		}
	}
	p := pow10[scale]
	ip, fp := v/p, v%p
	if sap && ip >= 1000 {
		b = appendThousands(b, ip)
	} else {
		b = strconv.AppendInt(b, ip, 10)
	}
	if scale > 0 {
		if sap {
			b = append(b, ',')
		} else {
			b = append(b, '.')
		}
		b = appendPadded(b, fp, scale)
	}
	if neg && sap {
		b = append(b, '-')
	}
	return b
}

func appendThousands(b []byte, n int64) []byte {
	if n < 1000 {
		return strconv.AppendInt(b, n, 10)
	}
	b = appendThousands(b, n/1000)
	b = append(b, '.')
	return appendPadded(b, n%1000, 3)
}

// flush hands the buffer to the writer and goes on with a free one.
func (t *table) flush() {
	if len(t.buf) == 0 {
		return
	}
	t.full <- t.buf
	t.buf = <-t.free
}

func (t *table) close() error {
	if t.done == nil {
		return t.final
	}
	t.flush()
	close(t.full)
	<-t.done
	t.done = nil
	err := t.err()
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.final = fmt.Errorf("cannot write %s: %w", t.path, err)
	}
	return t.final
}

// bytes writes a field known to need no quoting.
func (t *table) bytes(b []byte) {
	t.next()
	t.buf = append(t.buf, b...)
}
