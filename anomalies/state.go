package anomalies

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/orderflow/orderflow/config"
)

// States an anomaly has over time (anomaly_state.state), as the worklist shows them.
const (
	StateNew          = "new"          // the condition began this week (or, a week after an earlier build, it was not there then)
	StateOpen         = "open"         // still open, as it was a week ago
	StateWorsening    = "worsening"    // its value or severity grew, or its deadline passed, since a week ago
	StateAcknowledged = "acknowledged" // someone took it
	StateResolved     = "resolved"     // marked resolved by someone, still in the data until the next build
	StateStale        = "stale"        // older than its code's limit: data to clean up, not this week's task
)

// Buckets split the anomalies: the worklist of the week, the data to clean up (stale)
// and those marked resolved that the data still shows.
const (
	BucketWorklist = "worklist"
	BucketStale    = "stale"
	BucketResolved = "resolved"
)

// DefaultStaleAfterDays is the age (days since the condition began) past which an
// anomaly of a code is stale; 0 never. An invoicing gap of a year is a data or process
// problem, not this week's task; a line late for four months is a line to cancel or
// renegotiate. Forward-looking risks (stock running short, a KPI signal) never age.
var DefaultStaleAfterDays = map[string]int{
	"short_shipment": 90, "over_shipment": 90, "shipped_not_invoiced": 90, "invoice_qty_mismatch": 90,
	"invoice_price_mismatch": 90, "delivery_before_ship": 90, "ship_before_order": 90, "orphan_shipment": 90,
	"orphan_invoice": 90, "orphan_claim": 90, "duplicate_record": 90, "late_backlog": 120, "due_soon_short": 0,
	"lc_shipment_date_risk": 90, "lc_expiry_risk": 90, "missing_document": 90, "incoterm_mode_mismatch": 90,
	"obsolete_incoterm": 90, "kpi_signal": 0,
}

// snapshotWeeks is how long the snapshots of past builds are kept.
const snapshotWeeks = 8

// staleAfter merges the configuration's limits over the defaults, refusing a code the
// catalogue does not have or a negative age.
func staleAfter(cfg config.Config) (map[string]int, error) {
	out := map[string]int{}
	for c, d := range DefaultStaleAfterDays {
		out[c] = d
	}
	for c, d := range cfg.Anomalies.StaleAfterDays {
		if !slices.Contains(Codes, c) {
			return nil, fmt.Errorf("anomalies.stale_after_days names %q, which is not an anomaly code: use one of %s", c, strings.Join(Codes, ", "))
		}
		if d < 0 {
			return nil, fmt.Errorf("anomalies.stale_after_days.%s is %d: write a number of days, or 0 for never", c, d)
		}
		out[c] = d
	}
	return out, nil
}

// itemKeySQL names the item an anomaly belongs to: the lines of one order (or shipment,
// or invoice) with the same code are one item, the cause a person fixes once.
const itemKeySQL = `CASE
    WHEN l.code IN ('short_shipment', 'over_shipment', 'shipped_not_invoiced', 'invoice_qty_mismatch',
                    'late_backlog', 'due_soon_short', 'lc_shipment_date_risk', 'lc_expiry_risk', 'missing_document')
         AND l.order_id IS NOT NULL THEN l.code || '/' || l.order_id
    WHEN l.code IN ('delivery_before_ship', 'ship_before_order', 'orphan_shipment') AND l.shipment_id IS NOT NULL
         THEN l.code || '/' || l.shipment_id
    WHEN l.code IN ('invoice_price_mismatch', 'orphan_invoice') AND l.invoice_id IS NOT NULL
         THEN l.code || '/' || l.invoice_id
    ELSE l.anomaly_key END`

// writeState computes anomaly_state from anomaly_list, anomaly_status and the snapshot
// of a week before, then keeps this build's snapshot. Run inside Build's transaction,
// after syncStatus. Running it twice on one build gives the same table.
func writeState(ctx context.Context, tx *sql.Tx, cfg config.Config) error {
	limits, err := staleAfter(cfg)
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(limits))
	for c := range limits {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	values := make([]string, len(codes))
	args := make([]any, 0, 2*len(codes))
	for i, c := range codes {
		values[i] = "(?, ?)"
		args = append(args, c, limits[c])
	}
	steps := []struct {
		sql  string
		args []any
	}{
		{`CREATE OR REPLACE TEMP TABLE anomaly_stale_after (code VARCHAR, days INTEGER)`, nil},
		{`INSERT INTO anomaly_stale_after VALUES ` + strings.Join(values, ", "), args},
		{`CREATE OR REPLACE TABLE anomaly_state AS
		WITH ref AS (
		    SELECT max(a.as_of) AS ref_as_of FROM anomaly_snapshot a, params p WHERE a.as_of <= p.as_of - 7
		),
		prev AS (
		    SELECT a.* FROM anomaly_snapshot a, ref WHERE a.as_of = ref.ref_as_of
		),
		cur AS (
		    SELECT
		        l.anomaly_key, l.code, l.value_at_stake, l.priority,
		        ` + itemKeySQL + ` AS cause_key,
		        (l.detected_on - least(coalesce(l.since, s.first_seen, l.detected_on), coalesce(s.first_seen, l.detected_on)))::INTEGER AS age_days,
		        coalesce(sa.days, 0) AS stale_after_days,
		        coalesce(s.status, 'new') AS status,
		        ref.ref_as_of,
		        pr.anomaly_key IS NOT NULL AS was_there,
		        pr.value_at_stake AS ref_value,
		        coalesce(l.value_at_stake, 0) > coalesce(pr.value_at_stake, 0) * 1.01 + 0.5
		          OR (CASE l.severity WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END)
		             > (CASE pr.severity WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END)
		          OR (pr.days_left IS NOT NULL AND l.days_left IS NULL AND l.days IS NOT NULL) AS grew
		    FROM anomaly_list l
		    CROSS JOIN ref
		    LEFT JOIN anomaly_status s USING (anomaly_key)
		    LEFT JOIN anomaly_stale_after sa ON sa.code = l.code
		    LEFT JOIN prev pr ON pr.anomaly_key = l.anomaly_key
		),
		stated AS (
		    SELECT *,
		        CASE
		            WHEN stale_after_days > 0 AND age_days > stale_after_days THEN 'stale'
		            WHEN status = 'resolved' THEN 'resolved'
		            WHEN was_there AND grew THEN 'worsening'
		            WHEN status = 'acknowledged' THEN 'acknowledged'
		            WHEN ref_as_of IS NOT NULL AND NOT was_there THEN 'new'
		            WHEN ref_as_of IS NULL AND age_days < 7 THEN 'new'
		            ELSE 'open' END AS state
		    FROM cur
		),
		bucketed AS (
		    SELECT *,
		        CASE state WHEN 'stale' THEN 'stale' WHEN 'resolved' THEN 'resolved' ELSE 'worklist' END AS bucket
		    FROM stated
		),
		items AS (
		    SELECT *,
		        cause_key || CASE bucket WHEN 'worklist' THEN '' ELSE '#' || bucket END AS item_key
		    FROM bucketed
		),
		ranked AS (
		    SELECT *,
		        count(*) OVER (PARTITION BY item_key) AS item_lines,
		        sum(value_at_stake) OVER (PARTITION BY item_key) AS item_value,
		        sum(priority) OVER (PARTITION BY item_key) AS item_priority
		    FROM items
		)
		SELECT anomaly_key, age_days, stale_after_days, state, ref_as_of, ref_value, bucket, item_key,
		    item_lines::INTEGER AS item_lines, item_value, item_priority,
		    (dense_rank() OVER (PARTITION BY bucket ORDER BY item_priority DESC, item_key))::INTEGER AS item_rank
		FROM ranked`, nil},
		{`DELETE FROM anomaly_snapshot WHERE as_of = (SELECT as_of FROM params)
		    OR as_of < (SELECT as_of FROM params) - ` + fmt.Sprint(7*snapshotWeeks), nil},
		{`INSERT INTO anomaly_snapshot
		    SELECT p.as_of, l.anomaly_key, l.code, l.customer_id, l.value_at_stake, l.currency, l.days, l.days_left, l.severity, s.state
		    FROM anomaly_list l JOIN anomaly_state s USING (anomaly_key) CROSS JOIN params p`, nil},
	}
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("cannot work out the anomalies' state over time: %w", err)
		}
	}
	return nil
}

// Change counts anomalies and their value at stake.
type Change struct {
	Count int
	Value float64
}

// Changes is what changed since last week: the anomalies new, worsening and resolved
// against the build of a week before (RefAsOf; zero when none was kept, then "new" is
// what began in the last 7 days and nothing is known resolved), and the size of the
// worklist and of the data to clean up.
type Changes struct {
	AsOf, RefAsOf                                       time.Time
	New, Worsening, Resolved, Open, Acknowledged, Stale Change
	Items, StaleItems                                   int    // causes on the worklist, on the clean-up list
	Currency                                            string // the values' (the build's reporting currency)
}

// ReadChanges reads what changed since last week, from anomaly_state and the snapshots.
// Only anomalies of the customers named count when customers is not empty.
func ReadChanges(ctx context.Context, db *sql.DB, customers []string) (Changes, error) {
	var c Changes
	if err := db.QueryRowContext(ctx, `SELECT reporting_currency FROM params`).Scan(&c.Currency); err != nil {
		c.Currency = "" // a build before the conversion: the values read as plain numbers
	}
	cond, args := "", []any{}
	if len(customers) > 0 {
		marks := make([]string, len(customers))
		for i, v := range customers {
			marks[i] = "?"
			args = append(args, v)
		}
		cond = " AND l.customer_id IN (" + strings.Join(marks, ", ") + ")"
	}
	rows, err := db.QueryContext(ctx, `SELECT s.state, count(*), coalesce(sum(l.value_at_stake), 0),
			count(DISTINCT s.item_key), any_value(s.ref_as_of), any_value(l.detected_on)
		FROM anomaly_state s JOIN anomaly_list l USING (anomaly_key) WHERE true`+cond+` GROUP BY s.state`, args...)
	if err != nil {
		return c, fmt.Errorf("cannot read what changed since last week: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var ch Change
		var items int
		var ref, asOf sql.NullTime
		if err := rows.Scan(&state, &ch.Count, &ch.Value, &items, &ref, &asOf); err != nil {
			return c, err
		}
		if ref.Valid {
			c.RefAsOf = ref.Time
		}
		if asOf.Valid {
			c.AsOf = asOf.Time
		}
		switch state {
		case StateNew:
			c.New = ch
		case StateWorsening:
			c.Worsening = ch
		case StateOpen:
			c.Open = ch
		case StateAcknowledged:
			c.Acknowledged = ch
		case StateStale:
			c.Stale, c.StaleItems = ch, items
		}
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	if err := db.QueryRowContext(ctx, `SELECT count(DISTINCT s.item_key)
		FROM anomaly_state s JOIN anomaly_list l USING (anomaly_key) WHERE s.bucket = 'worklist'`+cond, args...).Scan(&c.Items); err != nil {
		return c, fmt.Errorf("cannot count the worklist: %w", err)
	}
	if c.RefAsOf.IsZero() {
		return c, nil
	}
	// resolved: found a week ago (and not stale then), no longer found now
	err = db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(l.value_at_stake), 0)
		FROM anomaly_snapshot l
		WHERE l.as_of = ? AND coalesce(l.state, '') <> 'stale'
		  AND NOT EXISTS (SELECT 1 FROM anomaly_list a WHERE a.anomaly_key = l.anomaly_key)`+cond,
		append([]any{c.RefAsOf}, args...)...).Scan(&c.Resolved.Count, &c.Resolved.Value)
	if err != nil {
		return c, fmt.Errorf("cannot count the anomalies resolved since last week: %w", err)
	}
	return c, nil
}
