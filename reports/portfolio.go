package reports

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/orderflow/orderflow/actions"
	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/models"
)

// checkFilters refuses a filter on something that is not a model dimension: the
// dimension names the column the direct SQL filters on.
func checkFilters(filters map[string][]string) error {
	for d := range filters {
		if !slices.Contains(models.Dimensions(), d) {
			return fmt.Errorf("cannot filter on %q: valid dimensions are %s", d, strings.Join(models.Dimensions(), ", "))
		}
	}
	return nil
}

// leftOut are the KPIs of the registry that filters leave out: their models cannot be
// cut by a filtered dimension (the stock KPIs, by site, family and SKU only, under a
// customer or country filter), so models.Query drops them rather than show them
// unfiltered.
func leftOut(filters map[string][]string) []string {
	dims := make([]string, 0, len(filters))
	for d := range filters {
		dims = append(dims, d)
	}
	var out []string
	for _, k := range models.Registry() {
		if !k.CanCut(dims...) {
			out = append(out, k.Name)
		}
	}
	return out
}

// filterWhere turns filters into a SQL condition over a table of columns cols, its
// values as bound parameters ("true" without filters). ok is false when the table
// lacks a filtered column: it cannot be limited, so nothing of it may be shown.
func filterWhere(cols []string, filters map[string][]string) (where string, args []any, ok bool) {
	dims := make([]string, 0, len(filters))
	for d := range filters {
		dims = append(dims, d)
	}
	sort.Strings(dims)
	conds := []string{"true"}
	for _, d := range dims {
		if !slices.Contains(cols, d) {
			return "", nil, false
		}
		cond, vargs := models.InValues("CAST("+quoteIdent(d)+" AS VARCHAR)", filters[d])
		conds, args = append(conds, cond), append(args, vargs...)
	}
	return strings.Join(conds, " AND "), args, true
}

// AnomaliesWithin keeps the anomalies a portfolio may see, for the reports and the
// server's API alike: one of an order when the order's customer, site and country are
// allowed (dim_order, spelled out by dim_cut); one of a customer without an order when
// the customer is allowed and neither site nor country is limited; a company-wide one
// (a signal of the whole company) never.
func AnomaliesWithin(ctx context.Context, db *sql.DB, list []anomalies.Anomaly, filters map[string][]string) ([]anomalies.Anomaly, error) {
	var where []string
	var args []any
	for _, d := range []string{"customer", "site", "country"} {
		vals, ok := filters[d]
		if !ok {
			continue
		}
		cond, vargs := models.InValues("CAST(c."+quoteIdent(d)+" AS VARCHAR)", vals)
		where, args = append(where, cond), append(args, vargs...)
	}
	if len(where) == 0 {
		return list, nil // no customer, site or country limit: nothing to hide
	}
	orders := map[string]bool{}
	{
		rows, err := db.QueryContext(ctx, "SELECT o.order_id FROM dim_order o JOIN dim_cut c USING (cut_id) WHERE "+strings.Join(where, " AND "), args...)
		if err != nil {
			return nil, fmt.Errorf("cannot list the orders of the portfolio: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			orders[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	customers, limitedCustomers := filters["customer"]
	_, site := filters["site"]
	_, country := filters["country"]
	onlyCustomer := !site && !country
	var out []anomalies.Anomaly
	for _, a := range list {
		switch {
		case a.OrderID != "":
			if orders[a.OrderID] {
				out = append(out, a)
			}
		case a.CustomerID != "":
			if onlyCustomer && (!limitedCustomers || slices.Contains(customers, a.CustomerID)) {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// countList counts anomalies per code, most first, as countAnomalies does in SQL.
func countList(list []anomalies.Anomaly) []CodeCount {
	byCode := map[string]*CodeCount{}
	var out []CodeCount
	for _, a := range list {
		c := byCode[a.Code]
		if c == nil {
			c = &CodeCount{Code: a.Code}
			byCode[a.Code] = c
		}
		c.Count++
		if a.Severity == "high" {
			c.High++
		}
		if a.ValueAtStake != nil {
			c.ValueAtStake += *a.ValueAtStake
		}
	}
	for _, c := range byCode {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// signalsWithin keeps the control-chart signals of a value the filters allow (a
// signal of the company, or of a dimension not filtered, tells about others).
func signalsWithin(list []Signal, filters map[string][]string) []Signal {
	if filters == nil {
		return list
	}
	var out []Signal
	for _, s := range list {
		if vals, ok := filters[s.Dim]; ok && slices.Contains(vals, s.DimValue) {
			out = append(out, s)
		}
	}
	return out
}

// actionsWithin keeps the actions whose scope ("dim=value", several joined by "," or
// ";") is about a value the filters allow; company-wide actions are left out.
func actionsWithin(list []actions.Action, filters map[string][]string) []actions.Action {
	if filters == nil {
		return list
	}
	var out []actions.Action
	for _, a := range list {
		inside, outside := false, false
		for _, part := range strings.FieldsFunc(a.Scope, func(r rune) bool { return r == ',' || r == ';' }) {
			d, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok {
				continue
			}
			if vals, limited := filters[strings.TrimSpace(d)]; limited {
				if slices.Contains(vals, strings.TrimSpace(v)) {
					inside = true
				} else {
					outside = true
				}
			}
		}
		if inside && !outside {
			out = append(out, a)
		}
	}
	return out
}

// shownCustomers keeps the names of the customers the filtered facts show.
func (f *Facts) shownCustomers(names map[string]string) map[string]string {
	out := map[string]string{}
	keep := func(id string) {
		if n, ok := names[id]; ok && id != "" {
			out[id] = n
		}
	}
	for _, id := range f.Filters["customer"] {
		keep(id)
	}
	for _, v := range f.Values {
		keep(v.Dims["customer"])
	}
	for _, v := range f.Snapshot.Values {
		keep(v.Dims["customer"])
	}
	for _, s := range f.Drill {
		keep(s.Dims["customer"])
		for _, r := range s.Rows {
			keep(r.Customer)
		}
	}
	for _, a := range f.Anomalies {
		keep(a.CustomerID)
	}
	return out
}
