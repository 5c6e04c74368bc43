package models

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DataTest is one assertion on a model's rows, as written in the model's header.
type DataTest struct {
	Model string
	KPI   string // set for a KPI test: between(lo, hi) on each week's value
	Spec  string // as written, such as unique(order_id, line_no)
	// Warn marks a test written "warn expect(...)": its failing rows are reported
	// with the build, which still lands (data to look at, not data that is wrong).
	Warn bool
	kind string
	args []string
	expr string // the argument text of expect(...)
}

func (t DataTest) String() string {
	if t.KPI != "" {
		return fmt.Sprintf("KPI %s %s", t.KPI, t.Spec)
	}
	return t.Spec
}

// parseTest reads "kind(args)".
func parseTest(model, kpi, spec string) (DataTest, error) {
	t := DataTest{Model: model, KPI: kpi, Spec: spec}
	if rest, ok := strings.CutPrefix(spec, "warn "); ok {
		t.Warn, spec = true, strings.TrimSpace(rest)
	}
	open, close := strings.IndexByte(spec, '('), strings.LastIndexByte(spec, ')')
	if open <= 0 || close < open {
		return t, fmt.Errorf("test %q: write it as kind(arguments)", spec)
	}
	t.kind = strings.TrimSpace(spec[:open])
	inner := strings.TrimSpace(spec[open+1 : close])
	checkIdents := func(names ...string) error {
		for _, n := range names {
			if !identRe.MatchString(n) {
				return fmt.Errorf("test %q: %q is not a column name", spec, n)
			}
		}
		return nil
	}
	switch t.kind {
	case "not_null", "unique":
		t.args = splitList(inner)
		if len(t.args) == 0 {
			return t, fmt.Errorf("test %q names no column", spec)
		}
		return t, checkIdents(t.args...)
	case "accepted_values":
		col, vals, ok := strings.Cut(inner, ":")
		if !ok {
			return t, fmt.Errorf("test %q: write accepted_values(column: value, value)", spec)
		}
		t.args = append([]string{strings.TrimSpace(col)}, splitList(vals)...)
		return t, checkIdents(t.args[0])
	case "relationships":
		col, ref, ok := strings.Cut(inner, "->")
		other, otherCol, ok2 := strings.Cut(strings.TrimSpace(ref), ".")
		if !ok || !ok2 {
			return t, fmt.Errorf("test %q: write relationships(column -> model.column)", spec)
		}
		t.args = []string{strings.TrimSpace(col), strings.TrimSpace(other), strings.TrimSpace(otherCol)}
		return t, checkIdents(t.args...)
	case "expect":
		if inner == "" {
			return t, fmt.Errorf("test %q: expect needs a condition", spec)
		}
		t.expr = inner
		return t, nil
	case "between":
		t.args = splitList(inner)
		if kpi == "" || len(t.args) != 2 {
			return t, fmt.Errorf("test %q: between(low, high) belongs to a KPI block", spec)
		}
		for _, a := range t.args {
			if _, err := strconv.ParseFloat(a, 64); err != nil {
				return t, fmt.Errorf("test %q: %q is not a number", spec, a)
			}
		}
		return t, nil
	}
	return t, fmt.Errorf("unknown test %q (not_null, unique, accepted_values, relationships, expect, between)", t.kind)
}

// failingRows is a query returning the rows that break the test (none when it passes);
// name gives the relation a model is read from.
func (t DataTest) failingRows(p *Project, name func(string) string) (string, error) {
	m := quoteIdent(name(t.Model))
	cols := quoteIdents(t.args)
	switch t.kind {
	case "not_null":
		conds := make([]string, len(cols))
		for i, c := range cols {
			conds[i] = c + " IS NULL"
		}
		return fmt.Sprintf("SELECT %s FROM %s WHERE %s", strings.Join(cols, ", "), m, strings.Join(conds, " OR ")), nil
	case "unique":
		// Grouping by one 64-bit hash of the key is much cheaper than by its text on
		// millions of rows; the few hashes seen twice are then checked on the key itself.
		list := strings.Join(cols, ", ")
		return fmt.Sprintf("SELECT %[1]s, count(*) AS n FROM %[2]s WHERE hash(%[1]s) IN (SELECT hash(%[1]s) FROM %[2]s GROUP BY 1 HAVING count(*) > 1) GROUP BY %[1]s HAVING count(*) > 1", list, m), nil
	case "accepted_values":
		vals := make([]string, len(t.args)-1)
		for i, v := range t.args[1:] {
			vals[i] = quoteLiteral(v)
		}
		return fmt.Sprintf("SELECT %s FROM %s WHERE %s NOT IN (%s)", cols[0], m, cols[0], strings.Join(vals, ", ")), nil
	case "relationships":
		return fmt.Sprintf("SELECT t.%s FROM %s AS t ANTI JOIN %s AS r ON t.%s = r.%s WHERE t.%s IS NOT NULL",
			cols[0], m, quoteIdent(name(t.args[1])), cols[0], cols[2], cols[0]), nil
	case "expect":
		// the condition may read other objects of the build (a ref_ table, a model)
		expr := wordRe.ReplaceAllStringFunc(t.expr, func(w string) string {
			if n := name(strings.ToLower(w)); n != strings.ToLower(w) {
				return n
			}
			return w
		})
		return fmt.Sprintf("SELECT * FROM %s WHERE NOT coalesce((%s), false)", m, expr), nil
	case "between":
		ref, ok := p.kpis[t.KPI]
		if !ok {
			return "", fmt.Errorf("KPI %s has no formula", t.KPI)
		}
		agg := aggregateSQL(ref, name(ref.model.Name))
		return fmt.Sprintf("SELECT week, numerator, denominator, value FROM (%s) WHERE value < %s OR value > %s", agg, t.args[0], t.args[1]), nil
	}
	return "", fmt.Errorf("unknown test kind %q", t.kind)
}

// TestResult is the outcome of one data test.
type TestResult struct {
	Test     DataTest
	Failing  int64    // rows (or weeks, for a KPI) that break it
	Sample   []string // up to three of them, as "column=value, ..."
	Duration time.Duration
}

// run executes the test on q and reports its failing rows.
func (t DataTest) run(ctx context.Context, q querier, p *Project, name func(string) string) (TestResult, error) {
	res := TestResult{Test: t}
	start := time.Now()
	failing, err := t.failingRows(p, name)
	if err != nil {
		return res, err
	}
	// Counting lets DuckDB read only the columns the test looks at.
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM ("+failing+")").Scan(&res.Failing); err != nil {
		return res, fmt.Errorf("model %s: cannot run data test %s: %w", t.Model, t, err)
	}
	if res.Failing > 0 {
		if res.Sample, err = sampleRows(ctx, q, failing); err != nil {
			return res, err
		}
	}
	res.Duration = time.Since(start)
	return res, nil
}

// sampleRows writes up to three rows of a query as "column=value, ...".
func sampleRows(ctx context.Context, q querier, query string) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT * FROM ("+query+") LIMIT 3")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		var parts []string
		for i, c := range cols {
			if i == 8 {
				parts = append(parts, "...")
				break
			}
			parts = append(parts, fmt.Sprintf("%s=%v", c, displayValue(vals[i])))
		}
		out = append(out, strings.Join(parts, ", "))
	}
	return out, rows.Err()
}

// runKPITests checks the between tests of the KPIs of one model in a single pass over
// its rows; the failing ones are then run alone for their sample.
func runKPITests(ctx context.Context, q querier, p *Project, m *Model, tests []DataTest, name func(string) string) ([]TestResult, error) {
	start := time.Now()
	formulas := make([]kpiFormula, len(tests))
	cols := []string{"week"}
	checks := make([]string, len(tests))
	for i, t := range tests {
		formulas[i] = p.kpis[t.KPI].formula
		cols = append(cols, fmt.Sprintf("n%d", i), fmt.Sprintf("d%d", i), fmt.Sprintf("v%d", i))
		checks[i] = fmt.Sprintf("count(*) FILTER (WHERE v%d < %s OR v%d > %s)", i, t.args[0], i, t.args[1])
	}
	agg := modelAggregateSQL(name(m.Name), formulas, nil, []string{"week IS NOT NULL"}, false)
	query := fmt.Sprintf("SELECT %s FROM (%s) AS t(%s)", strings.Join(checks, ", "), agg, strings.Join(cols, ", "))
	failing := make([]int64, len(tests))
	dest := make([]any, len(tests))
	for i := range failing {
		dest[i] = &failing[i]
	}
	if err := q.QueryRowContext(ctx, query).Scan(dest...); err != nil {
		return nil, fmt.Errorf("model %s: cannot run the KPI tests: %w", m.Name, err)
	}
	out := make([]TestResult, len(tests))
	for i, t := range tests {
		out[i] = TestResult{Test: t, Failing: failing[i], Duration: time.Since(start) / time.Duration(len(tests))}
		if failing[i] > 0 {
			res, err := t.run(ctx, q, p, name)
			if err != nil {
				return nil, err
			}
			out[i] = res
		}
	}
	return out, nil
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteIdents(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = quoteIdent(n)
	}
	return out
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
