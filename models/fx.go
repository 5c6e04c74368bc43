package models

import (
	"context"
	"database/sql"
	"fmt"
)

// Unconverted is one kind of amount in one currency that no exchange rate converted to
// the reporting currency: left out of every money figure and total.
type Unconverted struct {
	Amounts     string // order_lines, shipments, claims; anomalies (anomaly_list.fx_missing, read by package reports)
	Currency    string // '?' when the rows name none
	Rows        int64
	Amount      float64      // in Currency
	First, Last sql.NullTime // the rows' dates, where to look for rates
}

// ReadUnconverted reads the fx_unconverted view of the last build: order lines, then
// shipments, then claims, each by currency.
func ReadUnconverted(ctx context.Context, db interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}) ([]Unconverted, error) {
	rows, err := db.QueryContext(ctx, `SELECT amounts, coalesce(currency, '?'), rows, coalesce(amount, 0), first_date, last_date
		FROM fx_unconverted ORDER BY CASE amounts WHEN 'order_lines' THEN 0 WHEN 'shipments' THEN 1 WHEN 'claims' THEN 2 ELSE 3 END, currency`)
	if err != nil {
		return nil, fmt.Errorf("cannot read the amounts left unconverted (fx_unconverted): %w", err)
	}
	defer rows.Close()
	var out []Unconverted
	for rows.Next() {
		var u Unconverted
		if err := rows.Scan(&u.Amounts, &u.Currency, &u.Rows, &u.Amount, &u.First, &u.Last); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
