package models

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
)

// QueryCuts answers several queries at once, each with exactly the values Query would
// return for it, in the same order. The queries that read the same mart share one pass
// over it (GROUP BY GROUPING SETS, one set per cut), instead of one pass each: a pass
// reads the mart's view and its joins once and feeds every cut. Queries may differ
// by KPIs, cut, week range and filters; a filter one query has and another has not
// must be on a dimension of its own cut (such as the largest customers of a cut by
// customer), else that query reads the mart alone.
func QueryCuts(ctx context.Context, db *sql.DB, qs []KPIQuery) ([][]KPIValue, error) {
	p, err := LoadProject()
	if err != nil {
		return nil, err
	}
	asked := make([]cutQuery, len(qs))
	for i, q := range qs {
		if q.Period {
			return nil, fmt.Errorf("QueryCuts answers weekly queries; ask Query for the KPIs of a period")
		}
		if asked[i], err = resolveQuery(q); err != nil {
			return nil, err
		}
	}
	// Each mart: the queries asking for one of its KPIs, split into passes.
	order, members := byMart(p, asked)
	type pass struct {
		model   *Model
		queries []int
		cube    *cubeMart // the groups a build's cube kept answer the queries
	}
	cube := cubeFrom(ctx)
	if cube != nil {
		if err := cube.fill(ctx, db, p); err != nil {
			return nil, err
		}
	}
	var passes []pass
	for _, m := range order {
		live := members[m]
		if cube != nil {
			var kept []int
			live = nil
			for _, i := range members[m] {
				if cube.covers(p, m, asked[i]) {
					kept = append(kept, i)
				} else {
					live = append(live, i)
				}
			}
			if len(kept) > 0 {
				passes = append(passes, pass{m, kept, cube.marts[m]})
			}
		}
		if len(live) == 0 {
			continue
		}
		for _, group := range sharePasses(asked, live) {
			passes = append(passes, pass{m, group, nil})
		}
	}
	if cube != nil {
		live := make([]bool, len(qs))
		for _, ps := range passes {
			for _, i := range ps.queries {
				live[i] = live[i] || ps.cube == nil
			}
		}
		for _, l := range live {
			if !l {
				cube.answered.Add(1)
			}
		}
	}
	// Two passes at a time: while DuckDB aggregates one, Go reads the rows of the other
	// (more only compete for the same cores and memory on a large company).
	results := make([][][]KPIValue, len(passes))
	g, gctx := errgroup.WithContext(ctx) // the first failure stops the other passes
	g.SetLimit(2)
	for i, ps := range passes {
		if ps.cube != nil {
			// (no filter applied to every group: each query keeps its own)
			results[i] = ps.cube.pass.answer(asked, ps.queries, nil)
			continue
		}
		g.Go(func() (err error) {
			results[i], err = queryModelCuts(gctx, db, p, ps.model, asked, ps.queries)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make([][]KPIValue, len(qs))
	for i, ps := range passes {
		for j, qi := range ps.queries {
			out[qi] = append(out[qi], results[i][j]...)
		}
	}
	for i := range out {
		sortValues(out[i], qs[i].By)
	}
	return out, nil
}

// byMart lists the marts asked queries read, in the order first asked, and for each
// the queries (indexes into asked) asking for one of its KPIs.
func byMart(p *Project, asked []cutQuery) (order []*Model, members map[*Model][]int) {
	members = map[*Model][]int{}
	for i, a := range asked {
		for _, k := range a.kpis {
			m := p.kpis[k.Name].model
			if _, seen := members[m]; !seen {
				order = append(order, m)
			}
			if ms := members[m]; len(ms) == 0 || ms[len(ms)-1] != i {
				members[m] = append(ms, i)
			}
		}
	}
	return order, members
}

// cutQuery is a query with its KPIs and weeks resolved.
type cutQuery struct {
	q        KPIQuery
	kpis     []KPI
	from, to time.Time
}

// resolveQuery checks q's KPIs, dimensions and weeks against the registry.
func resolveQuery(q KPIQuery) (cutQuery, error) {
	kpis, err := selectKPIs(q)
	if err != nil {
		return cutQuery{}, err
	}
	from, to, err := weekRange(q.From, q.To)
	if err != nil {
		return cutQuery{}, err
	}
	return cutQuery{q: q, kpis: kpis, from: from, to: to}, nil
}

// sortValues orders values as Query returns them: by KPI (registry order), week, then
// the values of the dimensions of by. The values are first put in KPI order (a KPI's
// values stay in the order they came), then each KPI's run is sorted unless it already
// is: a cube's groups come sorted by week and cut (Cube.fill), and a cut of a year holds
// hundreds of thousands of values.
func sortValues(out []KPIValue, by []string) {
	rank := map[string]int{}
	for i, k := range Registry() {
		rank[k.Name] = i
	}
	// the runs of each KPI, in registry order (stable)
	ranks := make([]int, len(out))
	count := make([]int, len(rank)+1)
	for i, v := range out {
		r, ok := rank[v.KPI]
		if !ok {
			r = len(rank)
		}
		ranks[i] = r
		count[r]++
	}
	start := make([]int, len(count))
	for r := 1; r < len(count); r++ {
		start[r] = start[r-1] + count[r-1]
	}
	sorted := make([]KPIValue, len(out))
	next := slices.Clone(start)
	for i, v := range out {
		sorted[next[ranks[i]]] = v
		next[ranks[i]]++
	}
	copy(out, sorted)
	compare := func(a, b KPIValue) int {
		if c := strings.Compare(a.Week, b.Week); c != 0 {
			return c
		}
		for _, d := range by {
			if c := strings.Compare(a.Dims[d], b.Dims[d]); c != 0 {
				return c
			}
		}
		return 0
	}
	for r := range count {
		if run := out[start[r] : start[r]+count[r]]; !slices.IsSortedFunc(run, compare) {
			sortRun(run, by)
		}
	}
}

// sortRun sorts the values of one KPI by week, then the values of the dimensions of by,
// stable. The keys are read once.
func sortRun(run []KPIValue, by []string) {
	type key struct {
		week string
		dims []string
		pos  int
	}
	keys := make([]key, len(run))
	for i, v := range run {
		k := key{week: v.Week, pos: i}
		if len(by) > 0 {
			k.dims = make([]string, len(by))
			for j, d := range by {
				k.dims[j] = v.Dims[d]
			}
		}
		keys[i] = k
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := strings.Compare(a.week, b.week); c != 0 {
			return c
		}
		for j := range a.dims {
			if c := strings.Compare(a.dims[j], b.dims[j]); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.pos, b.pos) // stable
	})
	sorted := make([]KPIValue, len(run))
	for i, k := range keys {
		sorted[i] = run[k.pos]
	}
	copy(run, sorted)
}

// sharePasses splits the queries of a mart into passes: those whose filters, beyond
// the ones every query of the mart has, are on dimensions of their own cut share one;
// each of the others reads the mart alone.
func sharePasses(asked []cutQuery, queries []int) [][]int {
	shared := sharedFilters(asked, queries)
	var together []int
	var out [][]int
	for _, i := range queries {
		if residualOutsideCut(asked[i].q, shared) {
			out = append(out, []int{i})
		} else {
			together = append(together, i)
		}
	}
	if len(together) > 0 {
		out = append([][]int{together}, out...)
	}
	return out
}

// sharedFilters are the filters (dimension -> values) every query of queries has, with
// the same values.
func sharedFilters(asked []cutQuery, queries []int) map[string][]string {
	out := map[string][]string{}
	first := asked[queries[0]].q.Filters
	for d, vals := range first {
		same := true
		for _, i := range queries[1:] {
			other, ok := asked[i].q.Filters[d]
			if !ok || !sameSet(vals, other) {
				same = false
				break
			}
		}
		if same {
			out[d] = vals
		}
	}
	return out
}

// residualOutsideCut tells whether q filters, beyond shared, on a dimension it does
// not cut by (a filter a pass cannot apply to q's groups alone).
func residualOutsideCut(q KPIQuery, shared map[string][]string) bool {
	for d := range q.Filters {
		if _, ok := shared[d]; !ok && !slices.Contains(q.By, d) {
			return true
		}
	}
	return false
}

func sameSet(a, b []string) bool {
	in := map[string]bool{}
	for _, v := range a {
		in[v] = true
	}
	for _, v := range b {
		if !in[v] {
			return false
		}
	}
	for _, v := range b {
		delete(in, v)
	}
	return len(in) == 0
}

// queryModelCuts aggregates one mart for the queries of a pass, in one GROUP BY
// GROUPING SETS: one set per cut, the week in each. It returns the values of each query.
func queryModelCuts(ctx context.Context, db *sql.DB, p *Project, m *Model, asked []cutQuery, queries []int) ([][]KPIValue, error) {
	pr, err := runPass(ctx, db, p, m, asked, queries)
	if err != nil {
		return nil, err
	}
	return pr.answer(asked, queries, sharedFilters(asked, queries)), nil
}

// passResult is what one pass over a mart returned: the groups of its grouping sets,
// each with the three numbers (numerator, denominator, value) of every KPI it computes.
type passResult struct {
	dims     []string // of the sets; GROUPING(dims...) is a group's mask
	formulas []kpiFormula
	col      map[string]int // KPI -> its formula
	rows     []passRow
}

type passRow struct {
	week time.Time
	mask int
	rows int64             // of the mart in the group
	vals []sql.NullString  // by dims
	nums []sql.NullFloat64 // 3 per formula
}

// maskOf is GROUPING(dims...) of the set of by: bit n-1-j is set when dims[j] is not
// grouped.
func maskOf(dims, by []string) int {
	mask := 0
	for j, d := range dims {
		if !slices.Contains(by, d) {
			mask |= 1 << (len(dims) - 1 - j)
		}
	}
	return mask
}

// runPass runs the pass of queries over mart m and reads its groups.
func runPass(ctx context.Context, db *sql.DB, p *Project, m *Model, asked []cutQuery, queries []int) (*passResult, error) {
	// The KPIs of the mart the pass computes, in registry order.
	var kpis []KPI
	for _, k := range Registry() {
		if p.kpis[k.Name].model != m {
			continue
		}
		for _, i := range queries {
			if slices.ContainsFunc(asked[i].kpis, func(x KPI) bool { return x.Name == k.Name }) {
				kpis = append(kpis, k)
				break
			}
		}
	}
	col := map[string]int{}
	formulas := make([]kpiFormula, len(kpis))
	for i, k := range kpis {
		formulas[i] = p.kpis[k.Name].formula
		col[k.Name] = i
	}
	// The dimensions of every cut, and each cut's grouping set.
	var dims []string
	for _, i := range queries {
		for _, d := range asked[i].q.By {
			if !slices.Contains(dims, d) {
				dims = append(dims, d)
			}
		}
	}
	var sets []string
	setOf := map[int]bool{}
	for _, i := range queries {
		mask := maskOf(dims, asked[i].q.By)
		if setOf[mask] {
			continue
		}
		setOf[mask] = true
		group := []string{"week"}
		for _, d := range dims {
			if slices.Contains(asked[i].q.By, d) {
				group = append(group, quoteIdent(d))
			}
		}
		sets = append(sets, "("+strings.Join(group, ", ")+")")
	}

	// The pass reads the weeks of every query (a zero bound is unbounded, and stays so)
	// and the filters they all have.
	var from, to time.Time
	for n, i := range queries {
		a := asked[i]
		if n == 0 || (!from.IsZero() && (a.from.IsZero() || a.from.Before(from))) {
			from = a.from
		}
		if n == 0 || (!to.IsZero() && (a.to.IsZero() || a.to.After(to))) {
			to = a.to
		}
	}
	shared := sharedFilters(asked, queries)
	where, args := weekFilter(from, to)
	for _, d := range sortedKeys(shared) {
		where, args = appendIn(where, args, d, shared[d])
	}
	// Each query keeps the groups of its cut within its weeks and its own filters.
	var having []string
	var hargs []any
	grouping := "0"
	if len(dims) > 0 {
		grouping = "GROUPING(" + strings.Join(quoteIdents(dims), ", ") + ")"
	}
	// A pass of distinct counts of one key reads the groups of an inner pass instead.
	key, flags, counted, distinct := distinctRewrite(formulas)
	groupingRef := grouping
	if distinct {
		groupingRef = "grouping_id"
	}
	for _, i := range queries {
		a := asked[i]
		cond := []string{fmt.Sprintf("%s = %d", groupingRef, maskOf(dims, a.q.By))}
		if !a.from.IsZero() && !a.from.Equal(from) {
			cond = append(cond, "week >= CAST(? AS DATE)")
			hargs = append(hargs, a.from.Format(time.DateOnly))
		}
		if !a.to.IsZero() && !a.to.Equal(to) {
			cond = append(cond, "week <= CAST(? AS DATE)")
			hargs = append(hargs, a.to.Format(time.DateOnly))
		}
		for _, d := range sortedKeys(a.q.Filters) {
			if _, ok := shared[d]; !ok {
				cond, hargs = appendIn(cond, hargs, d, a.q.Filters[d])
			}
		}
		having = append(having, "("+strings.Join(cond, " AND ")+")")
	}
	args = append(args, hargs...)

	sel := []string{"week"}
	for _, d := range dims {
		sel = append(sel, "CAST("+quoteIdent(d)+" AS VARCHAR)")
	}
	var query string
	if !distinct {
		sel = append(sel, grouping, "count(*)")
		sel = append(sel, formulaColumns(formulas)...)
		query = "SELECT " + strings.Join(sel, ", ") + " FROM " + quoteIdent(m.Name) +
			" WHERE " + strings.Join(where, " AND ") +
			" GROUP BY GROUPING SETS (" + strings.Join(sets, ", ") + ")" +
			" HAVING " + strings.Join(having, " OR ")
	} else {
		// The inner pass groups each set by the key too, one row per key of a group with
		// a flag per FILTER (some row of the key passes it); the outer pass counts them.
		// Exact, and several times faster than DISTINCT aggregates over grouping sets,
		// each of which keeps a hash table of the keys of every group.
		inner := []string{"week"}
		inner = append(inner, quoteIdents(dims)...)
		inner = append(inner, grouping+" AS grouping_id", "count(*) AS key_rows")
		for i, c := range flags {
			inner = append(inner, fmt.Sprintf("bool_or(%s) AS distinct_flag_%d", c, i))
		}
		keyed := make([]string, len(sets))
		for i, set := range sets {
			keyed[i] = strings.TrimSuffix(set, ")") + ", " + quoteIdent(key) + ")"
		}
		outer := []string{"week"}
		outer = append(outer, quoteIdents(dims)...)
		outer = append(outer, "grouping_id")
		sel = append(sel, "grouping_id", "CAST(sum(key_rows) AS BIGINT)")
		sel = append(sel, formulaColumns(counted)...)
		query = "SELECT " + strings.Join(sel, ", ") + " FROM (SELECT " + strings.Join(inner, ", ") +
			" FROM " + quoteIdent(m.Name) +
			" WHERE " + strings.Join(where, " AND ") +
			" GROUP BY GROUPING SETS (" + strings.Join(keyed, ", ") + "))" +
			" GROUP BY " + strings.Join(outer, ", ") +
			" HAVING " + strings.Join(having, " OR ")
	}
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, explainQueryError(m, err)
	}
	defer rows.Close()
	pr := &passResult{dims: dims, formulas: formulas, col: col}
	for rows.Next() {
		r := passRow{vals: make([]sql.NullString, len(dims)), nums: make([]sql.NullFloat64, 3*len(formulas))}
		dest := []any{&r.week}
		for i := range r.vals {
			dest = append(dest, &r.vals[i])
		}
		dest = append(dest, &r.mask, &r.rows)
		for i := range r.nums {
			dest = append(dest, &r.nums[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("cannot read the KPIs of %s: %w", m.Name, err)
		}
		pr.rows = append(pr.rows, r)
	}
	return pr, rows.Err()
}

// answer hands each of queries the groups of its cut, within its weeks and its own
// filters beyond shared (those the pass applied to every group).
func (pr *passResult) answer(asked []cutQuery, queries []int, shared map[string][]string) [][]KPIValue {
	masks := make([]int, len(queries))
	for n, i := range queries {
		masks[n] = maskOf(pr.dims, asked[i].q.By)
	}
	out := make([][]KPIValue, len(queries))
	for _, r := range pr.rows {
		for n, i := range queries {
			a := asked[i]
			if r.mask != masks[n] || !a.keeps(r.week, pr.dims, r.vals, shared) {
				continue
			}
			cut := map[string]string{}
			for j, d := range pr.dims {
				if slices.Contains(a.q.By, d) {
					cut[d] = r.vals[j].String
				}
			}
			for _, k := range a.kpis {
				c, ok := pr.col[k.Name]
				if !ok {
					continue // a KPI of another mart
				}
				v := kpiValue(k, pr.formulas[c], r.week, cut, r.nums[3*c:3*c+3])
				v.Rows = r.rows
				out[n] = append(out[n], v)
			}
		}
	}
	return out
}

// keeps tells whether a group of the query's cut is within its weeks and its filters
// beyond shared (the HAVING clause sorts the groups out; a cut two queries share needs
// this to tell their groups apart).
func (a cutQuery) keeps(week time.Time, dims []string, vals []sql.NullString, shared map[string][]string) bool {
	if (!a.from.IsZero() && week.Before(a.from)) || (!a.to.IsZero() && week.After(a.to)) {
		return false
	}
	for d, allowed := range a.q.Filters {
		if _, ok := shared[d]; ok {
			continue
		}
		j := slices.Index(dims, d)
		if j < 0 || !vals[j].Valid || !slices.Contains(allowed, vals[j].String) {
			return false
		}
	}
	return true
}

// appendIn adds the condition that column d takes one of vals ("false" for none).
func appendIn(where []string, args []any, d string, vals []string) ([]string, []any) {
	cond, vargs := InValues(quoteIdent(d), vals)
	return append(where, cond), append(args, vargs...)
}

// InValues is the SQL condition that expr takes one of vals, each value a bound
// parameter (never SQL text), and those parameters; "false" when vals is empty: an
// empty list of allowed values allows nothing.
func InValues(expr string, vals []string) (string, []any) {
	if len(vals) == 0 {
		return "false", nil
	}
	marks := make([]string, len(vals))
	args := make([]any, len(vals))
	for i, v := range vals {
		marks[i], args[i] = "?", v
	}
	return expr + " IN (" + strings.Join(marks, ", ") + ")", args
}

// distinctCount is count(DISTINCT key), maybe FILTER (WHERE condition).
var distinctCount = regexp.MustCompile(`(?is)^count\(\s*DISTINCT\s+([A-Za-z_][A-Za-z0-9_]*)\s*\)(?:\s+FILTER\s*\(\s*WHERE\s+(.+)\))?$`)

// distinctRewrite tells whether every aggregate of formulas counts the distinct values
// of one column, key (otif_order: count(DISTINCT order_key) FILTER (WHERE order_otif)).
// If so it returns the FILTER conditions (flags) and the formulas over the groups of an
// inner pass grouped by the key as well, in which flag i is bool_or(flags[i]): a count
// of the groups, of those with the flag.
func distinctRewrite(formulas []kpiFormula) (key string, flags []string, counted []kpiFormula, ok bool) {
	rewrite := func(expr string) (string, bool) {
		m := distinctCount.FindStringSubmatch(strings.TrimSpace(expr))
		if m == nil || (key != "" && !strings.EqualFold(m[1], key)) {
			return "", false
		}
		key = m[1]
		if m[2] == "" {
			return "count(*)", true
		}
		i := slices.Index(flags, m[2])
		if i < 0 {
			i = len(flags)
			flags = append(flags, m[2])
		}
		return fmt.Sprintf("count(*) FILTER (WHERE distinct_flag_%d)", i), true
	}
	for _, f := range formulas {
		g := f
		var okN, okD, okV bool
		if f.isRatio() {
			g.Numerator, okN = rewrite(f.Numerator)
			g.Denominator, okD = rewrite(f.Denominator)
			if !okN || !okD {
				return "", nil, nil, false
			}
		} else {
			if g.Value, okV = rewrite(f.Value); !okV {
				return "", nil, nil, false
			}
		}
		counted = append(counted, g)
	}
	return key, flags, counted, len(counted) > 0
}
