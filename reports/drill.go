package reports

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orderflow/orderflow/dashboards"
	"github.com/orderflow/orderflow/models"
)

// Sample is the largest of the rows behind a figure: the rows of the KPI's mart (the
// population models.Explain lists) in a week and cut, those that pull the figure the
// wrong way first, then by value.
type Sample struct {
	KPIs  []string          // the KPIs of the mart the rows are behind
	Week  string            // "" for every week of the axis (each row tells its own)
	Dims  map[string]string // the cut
	Total int               // candidate rows behind the figure
	Rows  []DrillRow
}

// DrillRow is one row behind a figure.
type DrillRow struct {
	Week                                          string
	OrderID, LineNo, Customer, Country, Site, SKU string
	Carrier, TransportMode, Incoterm              string
	Due, Delivered                                time.Time
	Qty, Value, DaysLate                          float64
	Reason                                        string // late, short, not_shipped, claim, lead_time, open, ok
	ReasonQty                                     float64
	ReasonText                                    string // claim type and cause
}

// drillSpec says how to list the rows of a mart: which rows pull its figures the wrong
// way, what a row is worth, and why it counts.
type drillSpec struct {
	fail   string // SQL boolean, true first ("" : every row counts against)
	value  string
	qty    string
	due    string
	done   string // the date that settled the row (delivery, closure)
	reason string // SQL giving the reason code
	rqty   string // SQL giving the reason's quantity (days or units)
	rtext  string // SQL giving a text reason (claims)
	needs  []string
}

const lineReason = `CASE WHEN otif THEN 'ok' WHEN shipped_qty = 0 THEN 'not_shipped' WHEN NOT on_time OR days_late > 0 THEN 'late' ELSE 'short' END`
const lineReasonQty = `CASE WHEN otif THEN 0 WHEN shipped_qty = 0 OR NOT on_time OR days_late > 0 THEN days_late ELSE required_qty - qty_by_deadline END`

var drillSpecs = map[string]drillSpec{
	"kpi_order_lines": {fail: "NOT otif", value: "ordered_qty * unit_price * fx_rate", qty: "ordered_qty", due: "due_date",
		done: "completing_event_date", reason: lineReason, rqty: lineReasonQty,
		needs: []string{"otif", "on_time", "shipped_qty", "days_late", "required_qty", "qty_by_deadline", "unit_price", "fx_rate"}},
	"kpi_orders": {fail: "NOT perfect_order", value: "ordered_qty * unit_price * fx_rate", qty: "ordered_qty", due: "due_date",
		done: "completing_event_date", reason: lineReason, rqty: lineReasonQty,
		needs: []string{"perfect_order", "otif", "on_time", "shipped_qty", "days_late", "required_qty", "qty_by_deadline", "unit_price", "fx_rate"}},
	"kpi_backlog": {value: "remaining_qty * unit_price * fx_rate", qty: "remaining_qty", due: "due_date", done: "NULL::DATE",
		reason: "'not_shipped'", rqty: "days_late", needs: []string{"remaining_qty", "unit_price", "fx_rate", "days_late"}},
	"kpi_days_late": {value: "ordered_qty * unit_price * fx_rate", qty: "ordered_qty", due: "due_date", done: "completing_event_date",
		reason: "'late'", rqty: "days_late", needs: []string{"unit_price", "fx_rate", "days_late"}},
	"kpi_open_lines": {value: "remaining_qty * unit_price * fx_rate", qty: "remaining_qty", due: "due_date", done: "NULL::DATE",
		reason: "'open'", rqty: "remaining_qty", needs: []string{"remaining_qty", "unit_price", "fx_rate"}},
	"kpi_order_to_ship": {value: "ordered_qty * unit_price * fx_rate", qty: "ordered_qty", due: "order_date", done: "first_ship_date",
		reason: "'lead_time'", rqty: "order_to_ship_days", needs: []string{"unit_price", "fx_rate", "order_to_ship_days"}},
	"kpi_claims": {value: "cost * fx_rate", qty: "claimed_qty", due: "opened_date", done: "closed_date", reason: "'claim'", rqty: "0",
		rtext: "concat_ws(' · ', type, cause)", needs: []string{"cost", "fx_rate", "claimed_qty", "type", "cause"}},
	"kpi_open_claims": {value: "cost * fx_rate", qty: "claimed_qty", due: "opened_date", done: "closed_date", reason: "'claim'", rqty: "0",
		rtext: "concat_ws(' · ', type, cause)", needs: []string{"cost", "fx_rate", "claimed_qty", "type", "cause"}},
}

// drillCols are the cut columns a drill row shows, read as NULL where a mart lacks one.
var drillCols = []string{"order_id", "line_no", "customer", "country", "site", "sku", "carrier", "transport_mode", "incoterm"}

const (
	weekSampleLines = dashboards.MaxDrillLines // per week of the total
	cutSampleLines  = 20                       // per value of a dimension, over the axis
	drillWeeks      = 13                       // weeks of the total with their own sample
)

// drillSamples lists the rows behind the figures the pages and the report open: for the
// total, each of the last weeks; for each value of the dimensions the pages break the
// KPI down by, the whole axis. One query per mart and kind of sample.
//
// With filters (a portfolio) only the rows within them are listed, as bound
// parameters; a mart without a filtered column (none today: every drilled mart holds
// customer, site and country) has no sample rather than an unfiltered one.
func drillSamples(ctx context.Context, db *sql.DB, f *Facts, top map[string][]string, filters map[string][]string) ([]Sample, error) {
	byModel := map[string][]string{}
	var order []string
	for _, k := range models.Registry() {
		if _, ok := drillSpecs[k.Model]; !ok {
			continue
		}
		if _, seen := byModel[k.Model]; !seen {
			order = append(order, k.Model)
		}
		byModel[k.Model] = append(byModel[k.Model], k.Name)
	}
	breakdownDims := pageDims()
	var out []Sample
	for _, model := range order {
		spec := drillSpecs[model]
		cols, err := models.ColumnsOf(ctx, db, model)
		if err != nil {
			return nil, err
		}
		if !hasAll(cols, append([]string{"week"}, spec.needs...)) {
			continue // the mart changed shape: no sample rather than a wrong one
		}
		if _, _, ok := filterWhere(cols, filters); !ok {
			continue // the mart cannot be limited to the portfolio
		}
		kpis := byModel[model]
		from := f.Weeks[max(0, len(f.Weeks)-drillWeeks)]
		s, err := querySamples(ctx, db, model, spec, cols, nil, from, f.Week, weekSampleLines, nil, filters)
		if err != nil {
			return nil, err
		}
		for _, x := range s {
			x.KPIs = kpis
			out = append(out, x)
		}
		var dims []string
		for _, k := range kpis {
			for _, d := range breakdownDims[k] {
				if slices.Contains(cols, d) && !slices.Contains(dims, d) {
					dims = append(dims, d)
				}
			}
		}
		if len(dims) > 0 {
			s, err := querySamples(ctx, db, model, spec, cols, dims, f.Weeks[0], f.Week, cutSampleLines, top, filters)
			if err != nil {
				return nil, err
			}
			for _, x := range s {
				x.KPIs = kpis
				out = append(out, x)
			}
		}
	}
	return out, nil
}

// pageDims lists, per KPI, the dimensions the dashboard pages break it down by.
func pageDims() map[string][]string {
	out := map[string][]string{}
	for _, p := range dashboards.Pages {
		for _, b := range p.Blocks {
			if len(b.By) == 0 {
				continue
			}
			k := b.KPIs[0]
			for _, d := range b.By {
				if !slices.Contains(out[k], d) {
					out[k] = append(out[k], d)
				}
			}
		}
	}
	return out
}

func hasAll(cols, need []string) bool {
	for _, n := range need {
		if !slices.Contains(cols, n) {
			return false
		}
	}
	return true
}

// querySamples runs one sample query: by week of the total when dims is empty, else
// by value of each of dims over the weeks, in one pass over the mart (a value of a
// dimension of keep must be one of its kept values). Each group keeps its limit rows
// of most value (then by order and line) with arg_min over a hash aggregate, rather
// than sorting every row of the mart in a window.
func querySamples(ctx context.Context, db *sql.DB, model string, spec drillSpec, cols, dims []string, from, to string, limit int, keep, filters map[string][]string) ([]Sample, error) {
	rtext := spec.rtext
	if rtext == "" {
		rtext = "NULL::VARCHAR"
	}
	value := "CAST(" + spec.value + " AS DOUBLE)"
	// The row of a sample, as the fields of a struct.
	fields := []string{"week AS week"}
	for i, c := range drillCols {
		e := "NULL::VARCHAR"
		if slices.Contains(cols, c) {
			e = "CAST(" + quoteIdent(c) + " AS VARCHAR)"
		}
		fields = append(fields, fmt.Sprintf("%s AS c%d", e, i))
	}
	fields = append(fields,
		"CAST("+spec.due+" AS DATE) AS due", "CAST("+spec.done+" AS DATE) AS done",
		"CAST("+spec.qty+" AS DOUBLE) AS qty", value+" AS value",
		"CAST("+colOr(cols, "days_late", "0")+" AS DOUBLE) AS late",
		spec.reason+" AS reason", "CAST("+spec.rqty+" AS DOUBLE) AS rqty", rtext+" AS rtext")
	// The order of the rows within a group: most value first (no value last), then by
	// order and line, no order or line last.
	row := "{'week': week"
	for i := range drillCols {
		row += fmt.Sprintf(", 'c%d': c%d", i, i)
	}
	row += ", 'due': due, 'done': done, 'qty': qty, 'value': value, 'late': late, 'reason': reason, 'rqty': rqty, 'rtext': rtext"
	key := "{'v': coalesce(-value, 'infinity'::DOUBLE)"
	order := "value DESC NULLS LAST"
	if slices.Contains(cols, "line_no") {
		fields = append(fields, "order_id AS _o", "line_no AS _l")
		row += ", '_o': _o, '_l': _l"
		key += ", 'o0': _o IS NULL, 'o': _o, 'l0': _l IS NULL, 'l': _l"
		order += ", _o, _l"
	}
	row += "}"
	key += "}"

	where, args, ok, err := sampleWhere(cols, spec, from, to, filters)
	if err != nil || !ok {
		return nil, err
	}
	inner := strings.Join(fields, ", ")
	var part, groupBy, having string
	if len(dims) == 0 {
		part = "NULL::VARCHAR AS cut_dim, NULL::VARCHAR AS cut_value"
		groupBy = "week"
		order = "week, " + order
	} else {
		// One grouping set per dimension: GROUPING(dims...) tells which.
		grouping := "GROUPING(" + strings.Join(quoteIdents(dims), ", ") + ")"
		var names, vals, sets, keeps []string
		for i, d := range dims {
			inner += ", CAST(" + quoteIdent(d) + " AS VARCHAR) AS " + quoteIdent(d)
			mask := (1<<len(dims) - 1) &^ (1 << (len(dims) - 1 - i))
			names = append(names, fmt.Sprintf("WHEN %d THEN '%s'", mask, d))
			vals = append(vals, quoteIdent(d))
			sets = append(sets, "("+quoteIdent(d)+")")
			if kept := keep[d]; len(kept) > 0 {
				in, kargs := models.InValues(quoteIdent(d), kept)
				keeps = append(keeps, fmt.Sprintf("(%s <> %d OR %s)", grouping, mask, in))
				args = append(args, kargs...)
			}
		}
		part = fmt.Sprintf("CASE %s %s END AS cut_dim, coalesce(%s) AS cut_value", grouping, strings.Join(names, " "), strings.Join(vals, ", "))
		groupBy = "GROUPING SETS (" + strings.Join(sets, ", ") + ")"
		if len(keeps) > 0 {
			having = " HAVING " + strings.Join(keeps, " AND ")
		}
	}
	q := fmt.Sprintf(`WITH samples AS (
			SELECT %s, count(*) AS total, arg_min(%s, %s, %d) AS top
			FROM (SELECT %s FROM %s WHERE %s) AS m
			GROUP BY %s%s
		), sample_rows AS (SELECT cut_dim, cut_value, total, unnest(top, recursive := true) FROM samples)
		SELECT week, c0, c1, c2, c3, c4, c5, c6, c7, c8, due, done, qty, value, late, reason, rqty, rtext,
			cut_dim, cut_value, total
		FROM sample_rows ORDER BY cut_dim, cut_value, %s`,
		part, row, key, limit, inner, quoteIdent(model), strings.Join(where, " AND "), groupBy, having, order)
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("cannot list the rows behind %s: %w", model, err)
	}
	defer rows.Close()
	return readSamples(rows, model)
}

// sampleWhere is the WHERE of a sample query: the weeks from..to, the rows that pull
// the figure the wrong way, and the portfolio filters (ok false: a filter the model
// cannot apply, so no sample).
func sampleWhere(cols []string, spec drillSpec, from, to string, filters map[string][]string) (where []string, args []any, ok bool, err error) {
	fromDate, err := models.ParseWeek(from)
	if err != nil {
		return nil, nil, false, err
	}
	toDate, err := models.ParseWeek(to)
	if err != nil {
		return nil, nil, false, err
	}
	where = []string{"week BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)"}
	args = []any{fromDate.Format(time.DateOnly), toDate.Format(time.DateOnly)}
	if spec.fail != "" {
		// Only the rows that pull the figure the wrong way: a sample of on-time lines
		// explains nothing.
		where = append(where, spec.fail)
	}
	if len(filters) > 0 {
		fw, fargs, ok := filterWhere(cols, filters)
		if !ok {
			return nil, nil, false, nil
		}
		where = append(where, fw)
		args = append(args, fargs...)
	}
	return where, args, true, nil
}

// readSamples reads the rows of a sample query (week, the nine text columns, due,
// done, qty, value, late, reason, rqty, rtext, cut_dim, cut_value, total) into one
// Sample per week or cut value.
func readSamples(rows *sql.Rows, model string) ([]Sample, error) {
	var out []Sample
	index := map[string]int{}
	for rows.Next() {
		var week time.Time
		var c [9]sql.NullString
		var due, done sql.NullTime
		var qty, val, late, rqty sql.NullFloat64
		var reason, rtext, cutDim, cutValue sql.NullString
		var total int
		dest := []any{&week}
		for i := range c {
			dest = append(dest, &c[i])
		}
		dest = append(dest, &due, &done, &qty, &val, &late, &reason, &rqty, &rtext, &cutDim, &cutValue, &total)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("cannot read the rows behind %s: %w", model, err)
		}
		r := DrillRow{
			Week: models.FormatWeek(week), OrderID: c[0].String, LineNo: c[1].String, Customer: c[2].String,
			Country: c[3].String, Site: c[4].String, SKU: c[5].String, Carrier: c[6].String,
			TransportMode: c[7].String, Incoterm: c[8].String, Due: due.Time, Delivered: done.Time,
			Qty: qty.Float64, Value: val.Float64, DaysLate: late.Float64,
			Reason: reason.String, ReasonQty: rqty.Float64, ReasonText: rtext.String,
		}
		key := r.Week
		s := Sample{Week: r.Week, Dims: map[string]string{}}
		if cutDim.Valid {
			key = cutDim.String + "\x1f" + cutValue.String
			s = Sample{Dims: map[string]string{cutDim.String: cutValue.String}}
		}
		i, ok := index[key]
		if !ok {
			s.Total = total
			i = len(out)
			index[key] = i
			out = append(out, s)
		}
		out[i].Rows = append(out[i].Rows, r)
	}
	return out, rows.Err()
}

func colOr(cols []string, col, def string) string {
	if slices.Contains(cols, col) {
		return quoteIdent(col)
	}
	return def
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteIdents(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = quoteIdent(n)
	}
	return out
}
