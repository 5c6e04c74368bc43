package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/orderflow/orderflow/i18n"
)

// KPIQuery asks for weekly KPI values.
type KPIQuery struct {
	// KPIs to compute, by name; empty means every KPI of the registry that can be cut
	// by By and filtered by Filters (the others are left out rather than refused).
	KPIs []string
	// From and To bound the weeks, inclusive, as ISO weeks such as "2026-W47";
	// empty means unbounded on that side.
	From, To string
	// By lists the dimensions to cut by (see Dimensions); several make a cross cut.
	By []string
	// Filters keeps only the rows whose dimension takes one of the given values, such
	// as {"customer": {"C001", "C002"}} for a user limited to a portfolio. A KPI that
	// has no such dimension is left out, so a filter never shows more than allowed.
	Filters map[string][]string
	// Period asks for one value per cut over the whole week range instead of one per
	// week: the KPI of the weeks taken together (the 4 weeks to the report's week, the
	// volume of a customer over a year), dated by the last week of the range with rows.
	Period bool
}

// KPIValue is one KPI for one week and one cut; it marshals as contract.md's
// `kpi --format json` objects. Numerator and denominator are set for every ratio
// (value = numerator / denominator, x 100 for a percent); Value is nil when the
// denominator is zero.
type KPIValue struct {
	KPI         string            `json:"kpi"`
	Week        string            `json:"week"`
	Dims        map[string]string `json:"dims"`
	Value       *float64          `json:"value"`
	Numerator   *float64          `json:"numerator,omitempty"`
	Denominator *float64          `json:"denominator,omitempty"`
	Unit        Unit              `json:"unit"`
	// Rows is how many rows of the KPI's mart the group holds (the lines, orders or
	// claims behind the value), the population of a control chart. QueryCuts sets it.
	Rows int64 `json:"-"`
}

// Query computes the asked KPIs per week and cut from the built models. Values come
// sorted by KPI (registry order), week, then dimension values.
func Query(ctx context.Context, db *sql.DB, q KPIQuery) ([]KPIValue, error) {
	p, err := LoadProject()
	if err != nil {
		return nil, err
	}
	a, err := resolveQuery(q)
	if err != nil {
		return nil, err
	}
	kpis, from, to := a.kpis, a.from, a.to
	// One pass over each model computes all its asked KPIs.
	var order []*Model
	byModel := map[*Model][]KPI{}
	for _, k := range kpis {
		ref := p.kpis[k.Name]
		if _, seen := byModel[ref.model]; !seen {
			order = append(order, ref.model)
		}
		byModel[ref.model] = append(byModel[ref.model], k)
	}
	// The marts are queried side by side: each query is small once its week is found.
	results := make([][]KPIValue, len(order))
	errs := make([]error, len(order))
	var wg sync.WaitGroup
	for i, m := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = queryModel(ctx, db, p, m, byModel[m], q, from, to)
		}()
	}
	wg.Wait()
	var out []KPIValue
	for i := range order {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out = append(out, results[i]...)
	}
	sortValues(out, q.By)
	return out, nil
}

// selectKPIs resolves q.KPIs against the registry and checks the dimensions.
func selectKPIs(q KPIQuery) ([]KPI, error) {
	for _, d := range q.By {
		if !isDimension(d) {
			return nil, fmt.Errorf("unknown dimension %q: valid dimensions are %s", d, strings.Join(Dimensions(), ", "))
		}
	}
	filterDims := sortedKeys(q.Filters)
	for _, d := range filterDims {
		if !isDimension(d) {
			return nil, fmt.Errorf("cannot filter on %q: valid dimensions are %s", d, strings.Join(Dimensions(), ", "))
		}
	}
	if len(q.KPIs) == 0 {
		var out []KPI
		for _, k := range Registry() {
			if k.CanCut(q.By...) && k.CanCut(filterDims...) {
				out = append(out, k)
			}
		}
		return out, nil
	}
	var out []KPI
	for _, name := range q.KPIs {
		k, ok := LookupKPI(name)
		if !ok {
			return nil, fmt.Errorf("unknown KPI %q: valid KPIs are %s", name, strings.Join(KPINames(), ", "))
		}
		if !k.CanCut(q.By...) {
			return nil, fmt.Errorf("KPI %s cannot be cut by %s: it can be cut by %s", k.Name, strings.Join(q.By, ","), strings.Join(k.Dims, ", "))
		}
		if !k.CanCut(filterDims...) {
			continue // a filter it cannot apply: leave the KPI out rather than show it unfiltered
		}
		out = append(out, k)
	}
	return out, nil
}

// weekRange turns ISO week bounds into the Mondays the models store.
func weekRange(from, to string) (time.Time, time.Time, error) {
	var f, t time.Time
	var err error
	if from != "" {
		if f, err = ParseWeek(from); err != nil {
			return f, t, err
		}
	}
	if to != "" {
		if t, err = ParseWeek(to); err != nil {
			return f, t, err
		}
	}
	if from != "" && to != "" && t.Before(f) {
		return f, t, fmt.Errorf("the week range %s to %s is empty: --from must not be after --to", from, to)
	}
	return f, t, nil
}

// queryModel aggregates one model for its asked KPIs, in a single GROUP BY.
func queryModel(ctx context.Context, db *sql.DB, p *Project, m *Model, kpis []KPI, q KPIQuery, from, to time.Time) ([]KPIValue, error) {
	formulas := make([]kpiFormula, len(kpis))
	for i, k := range kpis {
		formulas[i] = p.kpis[k.Name].formula
	}
	where, args := weekFilter(from, to)
	for _, d := range sortedKeys(q.Filters) {
		where, args = appendIn(where, args, d, q.Filters[d])
	}
	query := modelAggregateSQL(m.Name, formulas, q.By, where, q.Period)
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, explainQueryError(m, err)
	}
	defer rows.Close()
	var out []KPIValue
	for rows.Next() {
		var week sql.NullTime
		dims := make([]sql.NullString, len(q.By))
		nums := make([]sql.NullFloat64, 3*len(formulas))
		dest := []any{&week}
		for i := range dims {
			dest = append(dest, &dims[i])
		}
		for i := range nums {
			dest = append(dest, &nums[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("cannot read the KPIs of %s: %w", m.Name, err)
		}
		if !week.Valid {
			continue // a period without rows
		}
		cut := map[string]string{}
		for i, d := range q.By {
			cut[d] = dims[i].String
		}
		for i, f := range formulas {
			out = append(out, kpiValue(kpis[i], f, week.Time, cut, nums[3*i:3*i+3]))
		}
	}
	return out, rows.Err()
}

// kpiValue is the value of k in a week and cut, from the three columns of its formula
// (numerator, denominator, value) that modelAggregateSQL selects.
func kpiValue(k KPI, f kpiFormula, week time.Time, cut map[string]string, nums []sql.NullFloat64) KPIValue {
	v := KPIValue{KPI: k.Name, Week: FormatWeek(week), Dims: cut, Unit: k.Unit}
	n, d, val := nums[0], nums[1], nums[2]
	if f.isRatio() {
		v.Numerator, v.Denominator = &n.Float64, &d.Float64 // NULL sums read as 0
	}
	if val.Valid {
		v.Value = &val.Float64
	}
	return v
}

// weekFilter bounds the week column.
func weekFilter(from, to time.Time) (where []string, args []any) {
	where = []string{"week IS NOT NULL"}
	if !from.IsZero() {
		where = append(where, "week >= CAST(? AS DATE)")
		args = append(args, from.Format(time.DateOnly))
	}
	if !to.IsZero() {
		where = append(where, "week <= CAST(? AS DATE)")
		args = append(args, to.Format(time.DateOnly))
	}
	return where, args
}

// modelAggregateSQL groups the rows of a model (read from relation) by week and dims, or
// by dims alone over the whole period (its last week first); for each formula it returns
// three columns: numerator, denominator (NULL unless a ratio) and value, as DOUBLE.
func modelAggregateSQL(relation string, formulas []kpiFormula, dims []string, where []string, period bool) string {
	sel := []string{"week"}
	var group []string
	if period {
		sel = []string{"max(week)"}
	} else {
		group = append(group, "week")
	}
	for _, d := range dims {
		sel = append(sel, "CAST("+quoteIdent(d)+" AS VARCHAR)")
		group = append(group, quoteIdent(d))
	}
	sel = append(sel, formulaColumns(formulas)...)
	query := "SELECT " + strings.Join(sel, ", ") + " FROM " + quoteIdent(relation)
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	if len(group) == 0 {
		return query
	}
	return query + " GROUP BY " + strings.Join(group, ", ")
}

// formulaColumns are the three columns of each formula: numerator, denominator (NULL
// unless a ratio) and value, as DOUBLE.
func formulaColumns(formulas []kpiFormula) []string {
	var sel []string
	for _, f := range shareQuantiles(formulas) {
		if f.isRatio() {
			num := "CAST((" + f.Numerator + ") AS DOUBLE)"
			den := "CAST((" + f.Denominator + ") AS DOUBLE)"
			sel = append(sel, "coalesce("+num+", 0)", "coalesce("+den+", 0)",
				fmt.Sprintf("%s * %v / nullif(%s, 0)", num, f.Scale, den))
		} else {
			sel = append(sel, "NULL", "NULL", "CAST(("+f.Value+") AS DOUBLE)")
		}
	}
	return sel
}

// quantileOf is a quantile KPI: quantile_cont(column, fraction), or quantile_disc.
var quantileOf = regexp.MustCompile(`(?i)^(quantile_cont|quantile_disc)\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*,\s*([0-9]*\.?[0-9]+)\s*\)$`)

// shareQuantiles has the quantiles of one column (order_to_ship_days p50 and p90)
// computed by one aggregate, quantile_cont(column, [0.5, 0.9]), each KPI taking its
// element: DuckDB keeps and sorts the values of each group once instead of once per
// quantile (a quarter to a third less time on millions of lines). The values are the same.
func shareQuantiles(formulas []kpiFormula) []kpiFormula {
	type quantile struct{ fn, col string }
	fractions := map[quantile][]string{}
	for _, f := range formulas {
		if m := quantileOf.FindStringSubmatch(strings.TrimSpace(f.Value)); m != nil && !f.isRatio() {
			q := quantile{strings.ToLower(m[1]), m[2]}
			if !slices.Contains(fractions[q], m[3]) {
				fractions[q] = append(fractions[q], m[3])
			}
		}
	}
	out := slices.Clone(formulas)
	for i, f := range out {
		m := quantileOf.FindStringSubmatch(strings.TrimSpace(f.Value))
		if m == nil || f.isRatio() {
			continue
		}
		q := quantile{strings.ToLower(m[1]), m[2]}
		if fr := fractions[q]; len(fr) > 1 {
			out[i].Value = fmt.Sprintf("(%s(%s, [%s]))[%d]", q.fn, q.col, strings.Join(fr, ", "), slices.Index(fr, m[3])+1)
		}
	}
	return out
}

// aggregateSQL is one KPI per week, without cut: columns week, numerator, denominator,
// value; the KPI's model is read from relation.
func aggregateSQL(ref kpiRef, relation string) string {
	inner := modelAggregateSQL(relation, []kpiFormula{ref.formula}, nil, []string{"week IS NOT NULL"}, false)
	return "SELECT * FROM (" + inner + ") AS t(week, numerator, denominator, value)"
}

// explainQueryError says that the models are missing rather than a bare catalog error.
func explainQueryError(m *Model, err error) error {
	if strings.Contains(err.Error(), "does not exist") && strings.Contains(err.Error(), m.Name) {
		return fmt.Errorf("the KPI models are not built yet (no %s): run `orderflow build` first", m.Name)
	}
	return fmt.Errorf("cannot compute the KPIs of %s: %w", m.Name, err)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ParseWeek reads an ISO week such as "2026-W47" and returns its Monday.
func ParseWeek(s string) (time.Time, error) {
	y, w, ok := i18n.ParseISOWeek(s)
	if ok {
		// ISO week 1 holds January 4th; its Monday starts the ISO year.
		jan4 := time.Date(y, time.January, 4, 0, 0, 0, 0, time.UTC)
		monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(w-1))
		if yy, ww := monday.ISOWeek(); yy == y && ww == w {
			return monday, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO week: write it as YYYY-Www, such as 2026-W47", s)
}

// FormatWeek names the ISO week of t, such as "2026-W47".
func FormatWeek(t time.Time) string { return i18n.ISOWeekName(t) }

// LastCompleteWeek is the ISO week before the one holding asOf: the default of reports.
func LastCompleteWeek(asOf time.Time) string {
	return FormatWeek(asOf.AddDate(0, 0, -7))
}

// BuiltAsOf returns the as-of date of the last build, from the params table.
func BuiltAsOf(ctx context.Context, db *sql.DB) (time.Time, error) {
	var asOf time.Time
	err := db.QueryRowContext(ctx, "SELECT as_of FROM params").Scan(&asOf)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) || strings.Contains(err.Error(), "does not exist") {
			return asOf, errors.New("the KPI models are not built yet: run `orderflow build` first")
		}
		return asOf, fmt.Errorf("cannot read the as-of date of the last build: %w", err)
	}
	return asOf, nil
}
