package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/orderflow/orderflow/internal/csvsafe"
)

// ArrowStream is the media type of Arrow IPC streams.
const ArrowStream = "application/vnd.apache.arrow.stream"

// table is rows to export: named columns, each of one kind.
type table struct {
	name  string // file name without extension, for Content-Disposition
	cols  []*column
	nrows int
}

type colKind int

const (
	kindString colKind = iota
	kindFloat
	kindInt
)

type column struct {
	name    string
	kind    colKind
	strings []*string
	floats  []*float64
	ints    []*int64
}

func (t *table) add(name string, kind colKind) *column {
	c := &column{name: name, kind: kind}
	t.cols = append(t.cols, c)
	return c
}

// cell is the value of column c in row i, as text (CSV).
func (c *column) cell(i int) string {
	switch c.kind {
	case kindFloat:
		if c.floats[i] != nil {
			return strconv.FormatFloat(*c.floats[i], 'f', -1, 64)
		}
	case kindInt:
		if c.ints[i] != nil {
			return strconv.FormatInt(*c.ints[i], 10)
		}
	default:
		if c.strings[i] != nil {
			return *c.strings[i]
		}
	}
	return ""
}

// writeTable answers the table as CSV or an Arrow IPC stream.
func writeTable(w http.ResponseWriter, format string, t *table) error {
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+t.name+`.csv"`)
		cw := csvsafe.NewWriter(w)
		head := make([]string, len(t.cols))
		for i, c := range t.cols {
			head[i] = c.name
		}
		cw.Write(head)
		rec := make([]string, len(t.cols))
		for i := 0; i < t.nrows; i++ {
			for j := range t.cols {
				rec[j] = t.cols[j].cell(i)
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	case "arrow":
		w.Header().Set("Content-Type", ArrowStream)
		w.Header().Set("Content-Disposition", `attachment; filename="`+t.name+`.arrows"`)
		return writeArrow(w, t)
	}
	return fmt.Errorf("format %q", format)
}

func writeArrow(w io.Writer, t *table) error {
	fields := make([]arrow.Field, len(t.cols))
	for i, c := range t.cols {
		var typ arrow.DataType = arrow.BinaryTypes.String
		switch c.kind {
		case kindFloat:
			typ = arrow.PrimitiveTypes.Float64
		case kindInt:
			typ = arrow.PrimitiveTypes.Int64
		}
		fields[i] = arrow.Field{Name: c.name, Type: typ, Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for j, c := range t.cols {
		switch c.kind {
		case kindFloat:
			fb := b.Field(j).(*array.Float64Builder)
			for _, v := range c.floats {
				if v == nil {
					fb.AppendNull()
				} else {
					fb.Append(*v)
				}
			}
		case kindInt:
			ib := b.Field(j).(*array.Int64Builder)
			for _, v := range c.ints {
				if v == nil {
					ib.AppendNull()
				} else {
					ib.Append(*v)
				}
			}
		default:
			sb := b.Field(j).(*array.StringBuilder)
			for _, v := range c.strings {
				if v == nil {
					sb.AppendNull()
				} else {
					sb.Append(*v)
				}
			}
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	iw := ipc.NewWriter(w, ipc.WithSchema(schema))
	if err := iw.Write(rec); err != nil {
		return err
	}
	return iw.Close()
}

func writeJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
