package reports

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/orderflow/models"
)

// The samples of the drill-down (arg_min over grouping sets) are the rows a window
// numbering every row of the mart keeps, in the same order: per week of the total, per
// value of each dimension, with and without the kept top values, with a portfolio.
func TestDrillSamplesMatchAWindow(t *testing.T) {
	fx := loadFixture(t)
	ctx := context.Background()
	db := fx.st.DB
	var customers []string
	vals, err := models.Query(ctx, db, models.KPIQuery{KPIs: []string{"otif_line"}, By: []string{"customer"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vals {
		if len(customers) < 3 && !slices.Contains(customers, v.Dims["customer"]) {
			customers = append(customers, v.Dims["customer"])
		}
	}
	keep := map[string][]string{"customer": customers, "carrier": {}}
	portfolio := map[string][]string{"customer": customers[:2]}
	for model, spec := range drillSpecs {
		cols, err := models.ColumnsOf(ctx, db, model)
		if err != nil {
			t.Fatal(err)
		}
		dims := []string{"site", "customer", "country", "carrier", "transport_mode", "incoterm", "family"}
		if strings.Contains(model, "claim") {
			dims = []string{"type", "cause", "responsible", "customer", "carrier"}
		}
		f := func(dims []string, from string, limit int, keep, filters map[string][]string) {
			t.Helper()
			got, err := querySamples(ctx, db, model, spec, cols, dims, from, "2026-W47", limit, keep, filters)
			if err != nil {
				t.Fatal(err)
			}
			want, err := windowSamples(ctx, db, model, spec, cols, dims, from, "2026-W47", limit, keep, filters)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s by %v (keep %v, filters %v): %d samples, the window keeps %d", model, dims, keep, filters, len(got), len(want))
				for i := range min(len(got), len(want)) {
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Errorf("sample %d:\n got %+v\nwant %+v", i, got[i], want[i])
						break
					}
				}
			}
		}
		f(nil, "2026-W35", weekSampleLines, nil, nil)
		f(nil, "2026-W35", 3, nil, portfolio)
		f(dims, "2025-W48", cutSampleLines, nil, nil)
		f(dims, "2025-W48", 2, keep, nil)
		f(dims, "2025-W48", cutSampleLines, keep, portfolio)
	}
}

// windowSamples is the plain reading of a sample, the oracle of querySamples: every
// row of the mart numbered in a window per week or per value of a dimension.
func windowSamples(ctx context.Context, db *sql.DB, model string, spec drillSpec, cols, dims []string, from, to string, limit int, keep, filters map[string][]string) ([]Sample, error) {
	sel := []string{"week"}
	for _, c := range drillCols {
		if slices.Contains(cols, c) {
			sel = append(sel, "CAST("+quoteIdent(c)+" AS VARCHAR)")
		} else {
			sel = append(sel, "NULL::VARCHAR")
		}
	}
	rtext := spec.rtext
	if rtext == "" {
		rtext = "NULL::VARCHAR"
	}
	value := "CAST(" + spec.value + " AS DOUBLE)"
	sel = append(sel,
		"CAST("+spec.due+" AS DATE)", "CAST("+spec.done+" AS DATE)",
		"CAST("+spec.qty+" AS DOUBLE)", value,
		"CAST("+colOr(cols, "days_late", "0")+" AS DOUBLE)",
		spec.reason, "CAST("+spec.rqty+" AS DOUBLE)", rtext)
	where, args, ok, err := sampleWhere(cols, spec, from, to, filters)
	if err != nil || !ok {
		return nil, err
	}
	source := quoteIdent(model)
	part := "week"
	var outer []string
	if len(dims) == 0 {
		sel = append(sel, "NULL::VARCHAR", "NULL::VARCHAR")
	} else {
		// each row once per dimension: (dim, value) pairs partition the sample
		pairs := make([]string, len(dims))
		for i, d := range dims {
			pairs[i] = fmt.Sprintf("{'d': '%s', 'v': CAST(%s AS VARCHAR)}", d, quoteIdent(d))
			if vals := keep[d]; len(vals) > 0 {
				marks := make([]string, len(vals))
				for j, v := range vals {
					marks[j] = "?"
					args = append(args, v)
				}
				outer = append(outer, fmt.Sprintf("(_cut.d <> '%s' OR _cut.v IN (%s))", d, strings.Join(marks, ", ")))
			}
		}
		source = fmt.Sprintf("(SELECT *, unnest([%s]) AS _cut FROM %s WHERE %s) AS m", strings.Join(pairs, ", "), quoteIdent(model), strings.Join(where, " AND "))
		where = outer
		part = "_cut.d, _cut.v"
		sel = append(sel, "_cut.d", "_cut.v")
	}
	if len(where) == 0 {
		where = []string{"true"}
	}
	order := value + " DESC NULLS LAST"
	if slices.Contains(cols, "line_no") {
		order += ", order_id, line_no"
	}
	q := fmt.Sprintf(`SELECT %s, count(*) OVER (PARTITION BY %s) AS total
		FROM %s WHERE %s
		QUALIFY row_number() OVER (PARTITION BY %s ORDER BY %s) <= %d
		ORDER BY %s, %s`,
		strings.Join(sel, ", "), part, source, strings.Join(where, " AND "), part, order, limit, part, order)
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("cannot list the rows behind %s: %w", model, err)
	}
	defer rows.Close()
	return readSamples(rows, model)
}
