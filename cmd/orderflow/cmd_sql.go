package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/orderflow/orderflow/internal/csvsafe"
	"github.com/orderflow/orderflow/store"
)

// queryer is what printing helpers need of a database.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func init() {
	var format string
	register(&command{
		name:    "sql",
		summary: "run a read-only SQL query on the database, for power users",
		usage:   "[--format table|json|csv] QUERY",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&format, "format", "table", "output format: table, json or csv")
		},
		run: func(e *env, args []string) error {
			if len(args) == 0 {
				return fmt.Errorf("give a query, such as: orderflow sql \"SELECT * FROM load_log\"")
			}
			st, err := store.OpenReadOnly(e.ctx, e.dbPath)
			if err != nil {
				return err
			}
			defer st.Close()
			rows, err := st.DB.QueryContext(e.ctx, strings.Join(args, " "))
			if err != nil {
				return fmt.Errorf("query failed: %w", err)
			}
			defer rows.Close()
			return writeRows(e, rows, format)
		},
	})
}

// writeRows prints a result set as an aligned table, JSON objects or CSV.
func writeRows(e *env, rows *sql.Rows, format string) error {
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	switch format {
	case "json":
		objs := make([]map[string]any, 0, len(out))
		for _, r := range out {
			m := map[string]any{}
			for i, c := range cols {
				m[c] = jsonValue(r[i])
			}
			objs = append(objs, m)
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(objs)
	case "csv":
		w := csvsafe.NewWriter(e.stdout)
		w.Write(cols)
		for _, r := range out {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = cellText(v)
			}
			w.Write(rec)
		}
		w.Flush()
		return w.Error()
	case "table":
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
		for _, r := range out {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = cellText(v)
			}
			fmt.Fprintln(tw, strings.Join(rec, "\t"))
		}
		tw.Flush()
		fmt.Fprintf(e.stderr, "(%d rows)\n", len(out))
		return nil
	}
	return fmt.Errorf("--format %q is not supported: use table, json or csv", format)
}

func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05")
	case []byte:
		return string(x)
	case duckdb.Decimal:
		return strconv.FormatFloat(x.Float64(), 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func jsonValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return cellText(x)
	case duckdb.Decimal:
		return x.Float64()
	case fmt.Stringer:
		return x.String()
	}
	return v
}
