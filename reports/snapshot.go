package reports

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/orderflow/orderflow/models"
)

// snapshotKPIs are measured at the as-of date and spread by the week their rows belong
// to (the late backlog by the week its lines were due, the open claims by the week they
// were opened, the stock projection at its latest snapshot): their state today is the
// sum over every week.
var snapshotKPIs = []string{
	"backlog_lines", "backlog_value", "open_lines", "open_order_value", "open_claims",
	"projected_stockouts", "lines_at_risk", "stock_value_at_risk",
}

// Snapshot is the state at the as-of date of the snapshot KPIs, by week (all of them).
type Snapshot struct {
	Values []models.KPIValue
}

// Total sums a snapshot KPI over its weeks, for a cut (nil: the company); ok is false
// when the models gave no row at all.
func (s Snapshot) Total(kpi string, dims map[string]string) (total float64, ok bool) {
	key := cutKey(dims)
	for _, v := range s.Values {
		if v.KPI == kpi && v.Value != nil && cutKey(v.Dims) == key {
			total += *v.Value
			ok = true
		}
	}
	return total, ok
}

// ByValue sums a snapshot KPI per value of dim, largest first.
func (s Snapshot) ByValue(kpi, dim string) []Ranked {
	sum := map[string]float64{}
	for _, v := range s.Values {
		if v.KPI != kpi || v.Value == nil || len(v.Dims) != 1 {
			continue
		}
		if val, ok := v.Dims[dim]; ok {
			sum[val] += *v.Value
		}
	}
	out := make([]Ranked, 0, len(sum))
	for k, v := range sum {
		out = append(out, Ranked{Value: k, Amount: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Amount != out[j].Amount {
			return out[i].Amount > out[j].Amount
		}
		return out[i].Value < out[j].Value
	})
	return out
}

// Ranked is a dimension value and an amount.
type Ranked struct {
	Value  string
	Amount float64
}

// snapshotQueries ask for the snapshot KPIs over every week: for the company, by
// customer (every one: the weekly report ranks them), and by the cut of each of cuts
// with its filters (the top values of a dimension with many, the portfolio), for the
// dashboards' tiles under a filter.
func snapshotQueries(filters map[string][]string, cuts []models.KPIQuery) []models.KPIQuery {
	asked := []models.KPIQuery{{Filters: filters}, {By: []string{"customer"}, Filters: filters}}
	for _, c := range cuts {
		if !slices.Equal(c.By, []string{"customer"}) {
			asked = append(asked, models.KPIQuery{By: c.By, Filters: c.Filters})
		}
	}
	var qs []models.KPIQuery
	for _, q := range asked {
		for _, name := range snapshotKPIs {
			if k, ok := models.LookupKPI(name); ok && k.CanCut(q.By...) {
				q.KPIs = append(q.KPIs, name)
			}
		}
		if len(q.KPIs) > 0 {
			qs = append(qs, q)
		}
	}
	return qs
}

// StockRisk is a site and SKU whose stock runs out before the open lines are served.
type StockRisk struct {
	Site, SKU    string
	Snapshot     time.Time
	Available    float64
	StockoutDate time.Time
	LinesAtRisk  float64
	ValueAtRisk  float64
	IncomingQty  float64
	IncomingDate time.Time
}

// stockRisks lists the rows of kpi_stock_projection (the figures of stock_value_at_risk),
// most value at risk first.
// With filters, only the rows within them; none when the projection has no such
// column (a customer or country filter: stock is held by site and SKU).
func stockRisks(ctx context.Context, db *sql.DB, limit int, filters map[string][]string) ([]StockRisk, error) {
	cols, err := models.ColumnsOf(ctx, db, "kpi_stock_projection")
	if err != nil {
		return nil, err
	}
	need := []string{"site", "sku", "snapshot_date", "available_qty", "projected_stockout_date", "lines_at_risk", "value_at_risk"}
	if !hasAll(cols, need) {
		return nil, nil
	}
	where, args, ok := filterWhere(cols, filters)
	if !ok {
		return nil, nil
	}
	in := colOr(cols, "incoming_qty", "NULL")
	ind := colOr(cols, "incoming_date", "NULL")
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT CAST(site AS VARCHAR), CAST(sku AS VARCHAR), snapshot_date,
			CAST(available_qty AS DOUBLE), projected_stockout_date, CAST(lines_at_risk AS DOUBLE),
			CAST(value_at_risk AS DOUBLE), CAST(%s AS DOUBLE), CAST(%s AS DATE)
		FROM kpi_stock_projection WHERE %s ORDER BY value_at_risk DESC NULLS LAST, site, sku LIMIT %d`, in, ind, where, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("cannot list the stock at risk: %w", err)
	}
	defer rows.Close()
	var out []StockRisk
	for rows.Next() {
		var r StockRisk
		var snap, out_, incDate sql.NullTime
		var avail, lines, val, inc sql.NullFloat64
		if err := rows.Scan(&r.Site, &r.SKU, &snap, &avail, &out_, &lines, &val, &inc, &incDate); err != nil {
			return nil, err
		}
		r.Snapshot, r.StockoutDate, r.IncomingDate = snap.Time, out_.Time, incDate.Time
		r.Available, r.LinesAtRisk, r.ValueAtRisk, r.IncomingQty = avail.Float64, lines.Float64, val.Float64, inc.Float64
		out = append(out, r)
	}
	return out, rows.Err()
}

// ParetoRow is one bar of a Pareto: a value, its count and cost, its share and the
// cumulative share of the count.
type ParetoRow struct {
	Dim, Value      string
	Count, Cost     float64
	Share, CumShare float64
}

// claimsPareto ranks the claims opened in the weeks from..to by dim, most first. The
// counts are claim_count and claim_cost of the models cut by dim (models.Query); for
// the claim's own fields (type, cause, responsible), which the models do not cut by
// yet, the rows of kpi_claims are grouped directly (the same rows and aggregates the
// kpi block of kpi_claims.sql declares).
func claimsPareto(ctx context.Context, db *sql.DB, f *Facts, dim, from, to string) ([]ParetoRow, error) {
	count := map[string]float64{}
	cost := map[string]float64{}
	if slices.Contains(models.Dimensions(), dim) {
		for _, v := range f.Values {
			if len(v.Dims) != 1 || v.Week < from || v.Week > to || v.Value == nil {
				continue
			}
			val, ok := v.Dims[dim]
			if !ok {
				continue
			}
			switch v.KPI {
			case "claim_count":
				count[val] += *v.Value
			case "claim_cost":
				cost[val] += *v.Value
			}
		}
	} else {
		cols, err := models.ColumnsOf(ctx, db, "kpi_claims")
		if err != nil {
			return nil, err
		}
		if !hasAll(cols, []string{dim, "week", "cost", "fx_rate"}) {
			return nil, nil
		}
		where, fargs, ok := filterWhere(cols, f.Filters)
		if !ok {
			return nil, nil
		}
		fd, _ := models.ParseWeek(from)
		td, _ := models.ParseWeek(to)
		args := append([]any{fd.Format(time.DateOnly), td.Format(time.DateOnly)}, fargs...)
		rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT coalesce(CAST(%s AS VARCHAR), '(none)'), count(*), coalesce(sum(cost * fx_rate), 0)
			FROM kpi_claims WHERE week BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) AND %s GROUP BY 1`, quoteIdent(dim), where),
			args...)
		if err != nil {
			return nil, fmt.Errorf("cannot rank the claims by %s: %w", dim, err)
		}
		defer rows.Close()
		for rows.Next() {
			var val string
			var n, c float64
			if err := rows.Scan(&val, &n, &c); err != nil {
				return nil, err
			}
			count[val], cost[val] = n, c
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	// Shares are of every claim of the period, also when a cut keeps only the largest
	// customers: the company's claim_count over the same weeks.
	var total, grand float64
	if s := f.Series("claim_count", ""); s != nil {
		for i := max(f.WeekIndex(from), 0); i <= f.WeekIndex(to) && i < len(s); i++ {
			grand += value(s[i])
		}
	}
	out := make([]ParetoRow, 0, len(count))
	for val, n := range count {
		if n <= 0 {
			continue
		}
		total += n
		out = append(out, ParetoRow{Dim: dim, Value: val, Count: n, Cost: cost[val]})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	if grand > total {
		total = grand
	}
	cum := 0.0
	for i := range out {
		cum += out[i].Count
		out[i].Share = out[i].Count / total
		out[i].CumShare = cum / total
	}
	return out, nil
}
