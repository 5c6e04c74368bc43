package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// Explanation lists the rows behind one KPI figure: the rows of the KPI's model (order
// lines, orders' lines, shipments, claims, stock snapshots) in that week and cut, with
// the columns that decide the figure.
type Explanation struct {
	KPI     string            `json:"kpi"`
	Week    string            `json:"week"`
	Dims    map[string]string `json:"dims"`
	Model   string            `json:"model"`
	Columns []string          `json:"columns"`
	Rows    [][]any           `json:"rows"` // dates as YYYY-MM-DD, numbers as float64
}

// Explain lists the rows behind the figure of kpi in week (an ISO week such as
// "2026-W47") for the cut given by filters (dimension -> value).
func Explain(ctx context.Context, db *sql.DB, kpi, week string, filters map[string]string) (Explanation, error) {
	ex := Explanation{KPI: kpi, Week: week, Dims: map[string]string{}}
	p, err := LoadProject()
	if err != nil {
		return ex, err
	}
	k, ok := LookupKPI(kpi)
	if !ok {
		return ex, fmt.Errorf("unknown KPI %q: valid KPIs are %s", kpi, strings.Join(KPINames(), ", "))
	}
	monday, err := ParseWeek(week)
	if err != nil {
		return ex, err
	}
	ex.Week = FormatWeek(monday)
	m := p.kpis[k.Name].model
	ex.Model = m.Name
	where, args := weekFilter(monday, monday)
	multi := map[string][]string{}
	for d, v := range filters {
		multi[d] = []string{v}
		ex.Dims[d] = v
	}
	for _, d := range sortedKeys(multi) {
		if !isDimension(d) {
			return ex, fmt.Errorf("unknown dimension %q: valid dimensions are %s", d, strings.Join(Dimensions(), ", "))
		}
		if !k.CanCut(d) {
			return ex, fmt.Errorf("KPI %s cannot be cut by %s: it can be cut by %s", k.Name, d, strings.Join(k.Dims, ", "))
		}
		where = append(where, quoteIdent(d)+" = ?")
		args = append(args, filters[d])
	}
	cols := "*"
	if len(m.Explain) > 0 {
		cols = strings.Join(quoteIdents(m.Explain), ", ")
	}
	query := fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY ALL", cols, quoteIdent(m.Name), strings.Join(where, " AND "))
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return ex, explainQueryError(m, err)
	}
	defer rows.Close()
	if ex.Columns, err = rows.Columns(); err != nil {
		return ex, err
	}
	for rows.Next() {
		vals := make([]any, len(ex.Columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return ex, err
		}
		for i, v := range vals {
			vals[i] = plainValue(v)
		}
		ex.Rows = append(ex.Rows, vals)
	}
	return ex, rows.Err()
}

// plainValue turns what the driver returns into JSON-friendly values.
func plainValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.Format(time.RFC3339)
	case duckdb.Decimal:
		return x.Float64()
	case int32:
		return int64(x)
	}
	return v
}

// displayValue writes a value for a message.
func displayValue(v any) string {
	if v == nil {
		return "NULL"
	}
	return fmt.Sprint(plainValue(v))
}
