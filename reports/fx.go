package reports

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/models"
)

// FXInfo is what the reports say of money: the reporting currency every figure is in,
// whether the orders hold other currencies (converted at their dates' rates), and what
// no rate could convert (fx_unconverted, and anomaly_list.fx_missing), left out of
// every total.
type FXInfo struct {
	Currency string
	Mixed    bool // some orders are in another currency
	MaxAge   int  // fx_rate_max_age_days of the build
	Gaps     []FXGap
}

// FXGap is one kind of amount of one currency that no rate converted.
type FXGap = models.Unconverted

// readFX reads the reporting currency of the last build and what it left unconverted;
// a database built before the conversion existed has neither (zero FXInfo but the
// currency).
func readFX(ctx context.Context, db *sql.DB, currency string) (FXInfo, error) {
	x := FXInfo{Currency: currency}
	err := db.QueryRowContext(ctx, `SELECT p.fx_rate_max_age_days,
			EXISTS (SELECT 1 FROM dim_cut c WHERE c.currency IS NOT NULL AND c.currency <> p.reporting_currency)
		FROM params p`).Scan(&x.MaxAge, &x.Mixed)
	if err != nil {
		return FXInfo{Currency: currency}, nil // built before the conversion: nothing to say
	}
	if x.Gaps, err = models.ReadUnconverted(ctx, db); err != nil {
		return x, err
	}
	// the anomalies' part comes from anomaly_list (materialised once per build), when
	// the anomalies were built with the conversion
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_columns()
		WHERE table_name = 'anomaly_list' AND column_name IN ('fx_missing', 'value_at_stake_doc')`).Scan(&n); err != nil || n < 2 {
		return x, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT coalesce(currency, '?'), count(*), coalesce(sum(value_at_stake_doc), 0)
		FROM anomaly_list WHERE fx_missing GROUP BY currency ORDER BY currency`)
	if err != nil {
		return x, fmt.Errorf("cannot read the anomalies' values left unconverted (anomaly_list): %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		g := FXGap{Amounts: "anomalies"}
		if err := rows.Scan(&g.Currency, &g.Rows, &g.Amount); err != nil {
			return x, err
		}
		x.Gaps = append(x.Gaps, g)
	}
	return x, rows.Err()
}

// Notes are the report's sentences on money: the basis of the conversion when the
// orders hold several currencies, and what was left unconverted.
func (x FXInfo) Notes(l string) []string {
	var out []string
	if x.Mixed {
		out = append(out, i18n.T(l, "report.fx.basis", x.Currency))
	}
	if len(x.Gaps) > 0 {
		var parts []string
		for _, g := range x.Gaps {
			parts = append(parts, i18n.T(l, "report.fx.gap."+g.Amounts, i18n.Number(l, float64(g.Rows), 0), g.Currency, i18n.Money(l, g.Amount, g.Currency, 0)))
		}
		out = append(out, i18n.T(l, "report.fx.unconverted", strings.Join(parts, ", "), x.Currency, x.MaxAge))
	}
	return out
}
