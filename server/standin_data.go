package server

// STAND-IN until package reports builds dashboards.Data for a portfolio (filters): the
// KPIs of the last 26 weeks, the total and each filter dimension alone, from
// models.Query with the filters. Replace StandInData by the reports package's builder
// in Options.Data (cmd/orderflow/cmd_serve.go) once it takes filters.

import (
	"context"
	"database/sql"
	"math"
	"strings"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/dashboards"
	"github.com/orderflow/orderflow/models"
)

// StandInData implements DataFunc.
func StandInData(ctx context.Context, db *sql.DB, cfg config.Config, asOf time.Time, filters map[string][]string, lang string) (dashboards.Data, error) {
	last := models.LastCompleteWeek(asOf)
	monday, err := models.ParseWeek(last)
	if err != nil {
		return dashboards.Data{}, err
	}
	d := dashboards.Data{AsOf: asOf, Currency: "EUR", KPIs: map[string]dashboards.KPIInfo{}, Labels: map[string]map[string]string{}}
	for i := 25; i >= 0; i-- {
		d.Weeks = append(d.Weeks, models.FormatWeek(monday.AddDate(0, 0, -7*i)))
	}
	cuts := [][]string{nil}
	for _, dim := range dashboards.FilterDims {
		cuts = append(cuts, []string{dim})
	}
	for _, by := range cuts {
		vals, err := models.Query(ctx, db, models.KPIQuery{From: d.Weeks[0], To: last, By: by, Filters: filters})
		if err != nil {
			return d, err
		}
		for _, v := range vals {
			dv := dashboards.Value{KPI: v.KPI, Week: v.Week, Dims: v.Dims, Value: math.NaN(),
				Numerator: v.Numerator, Denominator: v.Denominator, Unit: dashUnit(v.Unit)}
			if v.Value != nil {
				dv.Value = *v.Value
			}
			d.Values = append(d.Values, dv)
		}
	}
	for k, t := range cfg.KPI.Targets {
		t := t
		d.KPIs[k] = dashboards.KPIInfo{Target: &t}
	}
	// Customer names, of the customers shown only.
	var ids []string
	seen := map[string]bool{}
	for _, v := range d.Values {
		if c := v.Dims["customer"]; c != "" && !seen[c] {
			seen[c] = true
			ids = append(ids, c)
		}
	}
	names := map[string]string{}
	for lo := 0; lo < len(ids); lo += 500 {
		chunk := ids[lo:min(lo+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := db.QueryContext(ctx, `SELECT customer_id, any_value(name) FROM stg_customers WHERE customer_id IN (?`+
			strings.Repeat(", ?", len(chunk)-1)+`) GROUP BY customer_id`, args...)
		if err != nil {
			break // names are a nicety: the IDs show without them
		}
		for rows.Next() {
			var id string
			var name sql.NullString
			if rows.Scan(&id, &name) == nil && name.Valid {
				names[id] = name.String
			}
		}
		rows.Close()
	}
	d.Labels["customer"] = names
	return d, nil
}

func dashUnit(u models.Unit) string {
	switch u {
	case models.UnitCurrency:
		return dashboards.UnitMoney
	case models.UnitCurrencyPerKg:
		return dashboards.UnitPerKg
	}
	return string(u)
}
