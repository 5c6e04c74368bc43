// Package anomalies turns the anomaly models (sql/models/anomalies: one SQL model per
// code of domain.md's catalogue, their union anomaly_detected) into the worklist of the
// week: it charts the weekly KPIs (control charts, Western Electric rules) for the
// kpi_signal anomalies, materialises the list with its ranking and remedies, keeps what
// people decided about each anomaly (new, acknowledged, resolved) across rebuilds, and
// says each one in plain English or French.
//
// Run Build after models.Build; then List, Signals and SetStatus read and write the
// result:
//
//	models.Build(ctx, st, cfg, asOf, nil)
//	anomalies.Build(ctx, st, cfg, asOf)
//	list, err := anomalies.List(ctx, st.DB, anomalies.Filter{Status: []string{"new"}}, "fr")
package anomalies

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/store"
)

// Codes are the anomaly codes of domain.md, in the catalogue's order.
var Codes = []string{
	"short_shipment", "over_shipment", "shipped_not_invoiced", "invoice_qty_mismatch",
	"invoice_price_mismatch", "delivery_before_ship", "ship_before_order", "orphan_shipment",
	"orphan_invoice", "orphan_claim", "duplicate_record", "late_backlog", "due_soon_short",
	"lc_shipment_date_risk", "lc_expiry_risk", "missing_document", "incoterm_mode_mismatch",
	"obsolete_incoterm", "kpi_signal",
}

// Statuses an anomaly can have.
const (
	StatusNew          = "new"
	StatusAcknowledged = "acknowledged"
	StatusResolved     = "resolved"
)

// Severities, most severe first.
var Severities = []string{"high", "medium", "low"}

// Anomaly is one entry of the worklist. It marshals as contract.md's `anomalies --format
// json` objects: fields that do not apply are omitted.
type Anomaly struct {
	ID         string `json:"id"`  // short key people type: orderflow anomalies ack ID
	Key        string `json:"key"` // stable key: code and business keys
	Code       string `json:"code"`
	Severity   string `json:"severity"`
	OrderID    string `json:"order_id,omitempty"`
	LineNo     string `json:"line_no,omitempty"`
	ShipmentID string `json:"shipment_id,omitempty"`
	InvoiceID  string `json:"invoice_id,omitempty"`
	ClaimID    string `json:"claim_id,omitempty"`
	SKU        string `json:"sku,omitempty"`
	Site       string `json:"site,omitempty"`
	CustomerID string `json:"customer_id,omitempty"`
	DetectedOn string `json:"detected_on"`
	Since      string `json:"since,omitempty"`
	Days       *int   `json:"days,omitempty"`      // late, overdue or open for
	DaysLeft   *int   `json:"days_left,omitempty"` // until the deadline
	// ValueAtStake is in ReportingCurrency, converted from the document's amount
	// (ValueAtStakeDoc, in Currency) at the rate of the order or event date; nil with
	// FXMissing when no rate served that date (it then counts in no total).
	ValueAtStake      *float64       `json:"value_at_stake,omitempty"`
	ReportingCurrency string         `json:"reporting_currency,omitempty"`
	ValueAtStakeDoc   *float64       `json:"value_at_stake_doc,omitempty"`
	Currency          string         `json:"currency,omitempty"`
	FXMissing         bool           `json:"fx_missing,omitempty"`
	CustomerWeight    float64        `json:"customer_weight"`
	Priority          float64        `json:"priority"`
	PriorityReason    string         `json:"priority_reason"`
	Status            string         `json:"status"`
	Reopened          int            `json:"reopened,omitempty"` // times it came back after being resolved
	FirstSeen         string         `json:"first_seen,omitempty"`
	State             string         `json:"state"`      // new, open, worsening, acknowledged, resolved, stale
	AgeDays           int            `json:"age_days"`   // since when the condition holds
	Item              string         `json:"item"`       // the cause it belongs to: its code and order, shipment or invoice
	ItemLines         int            `json:"item_lines"` // anomalies of that item
	ItemRank          int            `json:"item_rank"`  // the item's rank in its list (worklist or stale)
	Bucket            string         `json:"list"`       // worklist, stale (data to clean up) or resolved
	Message           string         `json:"message"`
	Remedy            string         `json:"remedy,omitempty"`
	Facts             map[string]any `json:"-"` // every column of anomaly_list, for reports
}

// Filter narrows List. Empty fields do not filter.
type Filter struct {
	Status     []string
	Codes      []string
	Severities []string
	Customers  []string // a user's portfolio
	Sites      []string
	States     []string // new, open, worsening, acknowledged, resolved, stale
	Buckets    []string // worklist, stale, resolved
	Limit      int      // at most this many anomalies
	// Items keeps the anomalies of the first Items items of each list (by item_rank):
	// the top of the worklist, however many lines each item has.
	Items int
}

// BuildReport tells what Build did.
type BuildReport struct {
	AsOf     time.Time
	ByCode   map[string]int
	Total    int
	Signals  int // control-chart signals, of which Alerts became kpi_signal anomalies
	Alerts   int
	New      int // anomalies seen for the first time
	Reopened int // resolved before, found again by a newer build: new again
	Resolved int // no longer found: resolved by the data
	Duration time.Duration
	// where the time went: the control charts, the anomaly models into anomaly_list,
	// the statuses and the state over time
	SignalsTime, ListTime, StateTime time.Duration
}

// Build computes the KPI signals and materialises the anomaly list of the last
// models.Build (table anomaly_list), then brings each anomaly's status up to date: a
// new key is new; a key marked resolved before that build yet still found is new again
// (reopened); a key no longer found is resolved by the data, unless a build as of a
// later date found it (this one then looks at the past). asOf must be the models'
// as-of date (zero: take it from the build). Running Build twice on one models build
// changes nothing.
func Build(ctx context.Context, st *store.Store, cfg config.Config, asOf time.Time) (BuildReport, error) {
	start := time.Now()
	rep := BuildReport{ByCode: map[string]int{}}
	builtAsOf, _, err := modelsBuild(ctx, st.DB)
	if err != nil {
		return rep, err
	}
	if !asOf.IsZero() && !asOf.Equal(builtAsOf) {
		return rep, fmt.Errorf("the models were built as of %s, not %s: run `orderflow build --as-of %s` first",
			builtAsOf.Format(time.DateOnly), asOf.Format(time.DateOnly), asOf.Format(time.DateOnly))
	}
	rep.AsOf = builtAsOf
	// The anomaly models read the staging models too, which skip the rows marked
	// superseded: a load since the last build has not been marked yet.
	if err := models.MarkSuperseded(ctx, st.DB); err != nil {
		return rep, err
	}
	step := time.Now()
	signals, err := Signals(ctx, st.DB, cfg, builtAsOf)
	rep.SignalsTime = time.Since(step)
	if err != nil {
		return rep, err
	}
	rep.Signals = len(signals)
	for _, s := range signals {
		if s.Alert {
			rep.Alerts++
		}
	}
	err = st.InTx(ctx, func(tx *sql.Tx) error {
		if err := writeSignals(ctx, tx, signals); err != nil {
			return err
		}
		step := time.Now()
		defer func() { rep.StateTime = time.Since(step) - rep.ListTime }()
		if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TABLE anomaly_list AS
			SELECT d.*, p.built_at AS model_built_at, p.reporting_currency FROM anomaly_detected d CROSS JOIN params p`); err != nil {
			return fmt.Errorf("cannot compute the anomalies (sql/models/anomalies): %w", err)
		}
		if err := checkUniqueKeys(ctx, tx); err != nil {
			return err
		}
		rep.ListTime = time.Since(step)
		rows, err := tx.QueryContext(ctx, `SELECT code, count(*) FROM anomaly_list GROUP BY code`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var code string
			var n int
			if err := rows.Scan(&code, &n); err != nil {
				rows.Close()
				return err
			}
			rep.ByCode[code] = n
			rep.Total += n
		}
		rows.Close()
		if err := syncStatus(ctx, tx, &rep); err != nil {
			return err
		}
		return writeState(ctx, tx, cfg)
	})
	if err != nil {
		return rep, err
	}
	if _, err := st.DB.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return rep, fmt.Errorf("anomalies built but the database could not be checkpointed: %w", err)
	}
	rep.Duration = time.Since(start)
	return rep, nil
}

// modelsBuild reads the as-of date and time of the last models.Build.
func modelsBuild(ctx context.Context, db *sql.DB) (asOf, builtAt time.Time, err error) {
	err = db.QueryRowContext(ctx, "SELECT as_of, built_at FROM params").Scan(&asOf, &builtAt)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) || strings.Contains(err.Error(), "does not exist") {
			return asOf, builtAt, errors.New("the models are not built yet: run `orderflow build` first")
		}
		return asOf, builtAt, fmt.Errorf("cannot read the as-of date of the last build: %w", err)
	}
	return asOf, builtAt, nil
}

// Stale tells whether the anomaly list is missing or older than the last models.Build,
// so that a reader knows to run Build first.
func Stale(ctx context.Context, db *sql.DB) (bool, error) {
	_, builtAt, err := modelsBuild(ctx, db)
	if err != nil {
		return false, err
	}
	var listAt sql.NullTime
	err = db.QueryRowContext(ctx, "SELECT max(model_built_at) FROM anomaly_list").Scan(&listAt)
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") {
			return true, nil
		}
		return false, err
	}
	if !listAt.Valid {
		return true, nil // an empty list says nothing of when it was built
	}
	return !listAt.Time.Equal(builtAt), nil
}

// checkUniqueKeys fails when two anomalies share a key: a model would be wrong, and a
// status could not say which one it is about.
func checkUniqueKeys(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT anomaly_key FROM anomaly_list GROUP BY anomaly_key HAVING count(*) > 1 ORDER BY 1 LIMIT 5`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var dup []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return err
		}
		dup = append(dup, k)
	}
	if len(dup) > 0 {
		return fmt.Errorf("anomaly keys are not unique (a model of sql/models/anomalies reports one problem twice), such as %s", strings.Join(dup, ", "))
	}
	return rows.Err()
}

// List returns the anomalies of the last Build that pass the filter, highest priority
// first, with their status and their message and remedy in lang (en or fr).
func List(ctx context.Context, db *sql.DB, f Filter, lang string) ([]Anomaly, error) {
	var where []string
	var args []any
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		marks := make([]string, len(vals))
		for i, v := range vals {
			marks[i] = "?"
			args = append(args, v)
		}
		where = append(where, col+" IN ("+strings.Join(marks, ", ")+")")
	}
	in("coalesce(s.status, 'new')", f.Status)
	in("l.code", f.Codes)
	in("l.severity", f.Severities)
	in("l.customer_id", f.Customers)
	in("l.site", f.Sites)
	in("coalesce(x.state, 'new')", f.States)
	in("coalesce(x.bucket, 'worklist')", f.Buckets)
	if f.Items > 0 {
		where = append(where, "coalesce(x.item_rank, 0) <= ?")
		args = append(args, f.Items)
	}
	q := `SELECT l.* EXCLUDE (model_built_at), coalesce(s.status, 'new') AS status, coalesce(s.reopened, 0) AS reopened,
			s.first_seen, s.changed_at AS status_changed_at, x.state, x.age_days, x.item_key, x.item_lines,
			x.item_rank, x.item_value, x.bucket, x.ref_value, x.stale_after_days
		FROM anomaly_list l LEFT JOIN anomaly_status s USING (anomaly_key) LEFT JOIN anomaly_state x USING (anomaly_key)`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += ` ORDER BY CASE coalesce(x.bucket, 'worklist') WHEN 'worklist' THEN 0 WHEN 'resolved' THEN 1 ELSE 2 END,
		coalesce(x.item_rank, 0), l.priority DESC, l.anomaly_key`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		if strings.Contains(err.Error(), "anomaly_list") && strings.Contains(err.Error(), "does not exist") {
			return nil, errors.New("the anomalies are not built yet: run `orderflow build`, then `orderflow anomalies`")
		}
		return nil, fmt.Errorf("cannot read the anomalies: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []Anomaly
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("cannot read the anomalies: %w", err)
		}
		fs := make(facts, len(cols))
		for i, c := range cols {
			fs[c] = normalise(vals[i])
		}
		out = append(out, fs.anomaly(lang))
	}
	return out, rows.Err()
}

// normalise turns DuckDB's decimals into float64 and narrower integers into int64.
func normalise(v any) any {
	switch x := v.(type) {
	case duckdb.Decimal:
		return x.Float64()
	case *duckdb.Decimal:
		if x == nil {
			return nil
		}
		return x.Float64()
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	case float32:
		return float64(x)
	}
	return v
}

// anomaly fills an Anomaly from one row of anomaly_list.
func (f facts) anomaly(lang string) Anomaly {
	a := Anomaly{
		ID: f.str("anomaly_id"), Key: f.str("anomaly_key"), Code: f.str("code"), Severity: f.str("severity"),
		OrderID: f.str("order_id"), LineNo: f.str("line_no"), ShipmentID: f.str("shipment_id"),
		InvoiceID: f.str("invoice_id"), ClaimID: f.str("claim_id"), SKU: f.str("sku"), Site: f.str("site"),
		CustomerID: f.str("customer_id"), DetectedOn: f.isoDate("detected_on"), Since: f.isoDate("since"),
		Currency: f.str("currency"), Priority: math.Round(f.float("priority")*100) / 100, Status: f.str("status"),
		Reopened: int(f.int("reopened")), FirstSeen: f.isoDate("first_seen"), Facts: f,
		CustomerWeight: f.float("customer_weight"),
		State:          f.str("state"), AgeDays: int(f.int("age_days")), Item: f.str("item_key"),
		ItemLines: int(f.int("item_lines")), ItemRank: int(f.int("item_rank")), Bucket: f.str("bucket"),
	}
	if f.has("days") {
		d := int(f.int("days"))
		a.Days = &d
	}
	if f.has("days_left") {
		d := int(f.int("days_left"))
		a.DaysLeft = &d
	}
	if f.has("value_at_stake") {
		v := f.float("value_at_stake")
		a.ValueAtStake = &v
	}
	if f.has("value_at_stake_doc") {
		v := f.float("value_at_stake_doc")
		a.ValueAtStakeDoc = &v
	}
	a.ReportingCurrency, a.FXMissing = f.str("reporting_currency"), f.bool("fx_missing")
	lang = langOf(lang)
	t := texts[lang][a.Code]
	if t.message != nil {
		a.Message = t.message(f.in(lang))
	}
	if t.remedy != nil {
		a.Remedy = t.remedy(f.in(lang))
	}
	if a.Reopened > 0 && a.Status == StatusNew {
		a.Message += " " + reopenedNote[lang]
	}
	a.PriorityReason = f.in(lang).priorityReason()
	return a
}

// SetStatus sets the status of the anomalies named by keys (their short id or their
// full key) and returns how many changed. A key must belong to an anomaly some Build
// found; by says who decided (a user name).
func SetStatus(ctx context.Context, st *store.Store, status, by string, keys ...string) (int, error) {
	switch status {
	case StatusNew, StatusAcknowledged, StatusResolved:
	default:
		return 0, fmt.Errorf("status %q is not one of new, acknowledged, resolved", status)
	}
	if len(keys) == 0 {
		return 0, errors.New("no anomaly named: give the id (or the key) of each, as `orderflow anomalies` lists them")
	}
	changed := 0
	err := st.InTx(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			var key string
			err := tx.QueryRowContext(ctx, `SELECT anomaly_key FROM anomaly_status WHERE anomaly_id = ? OR anomaly_key = ?`, k, k).Scan(&key)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("no anomaly has the id or key %q: `orderflow anomalies` lists them", k)
			}
			if err != nil {
				return fmt.Errorf("cannot look up anomaly %q: %w", k, err)
			}
			res, err := tx.ExecContext(ctx, `UPDATE anomaly_status SET status = ?, changed_at = current_timestamp,
				resolved_by = CASE WHEN ? = 'resolved' THEN ? END
				WHERE anomaly_key = ? AND status <> ?`, status, status, by, key, status)
			if err != nil {
				return fmt.Errorf("cannot set the status of %s: %w", k, err)
			}
			n, _ := res.RowsAffected()
			changed += int(n)
		}
		return nil
	})
	return changed, err
}

// syncStatus brings anomaly_status up to date with anomaly_list (see Build).
func syncStatus(ctx context.Context, tx *sql.Tx, rep *BuildReport) error {
	steps := []struct {
		count *int
		sql   string
	}{
		// resolved before this build, yet still there: it came back
		{&rep.Reopened, `UPDATE anomaly_status SET status = 'new', reopened = reopened + 1, resolved_by = NULL,
			changed_at = current_timestamp
			WHERE status = 'resolved' AND changed_at < (SELECT built_at FROM params)
			  AND anomaly_key IN (SELECT anomaly_key FROM anomaly_list)`},
		// (first_seen and last_seen are the earliest and latest as-of dates that found
		// it: a build of an earlier week moves first_seen back, never last_seen, so that
		// its age is never negative)
		{nil, `UPDATE anomaly_status SET first_seen = least(first_seen, (SELECT as_of FROM params)),
			last_seen = greatest(last_seen, (SELECT as_of FROM params)), seen_in_build = (SELECT built_at FROM params)
			WHERE anomaly_key IN (SELECT anomaly_key FROM anomaly_list)`},
		{&rep.New, `INSERT INTO anomaly_status (anomaly_key, anomaly_id, code, status, first_seen, last_seen, seen_in_build, changed_at)
			SELECT anomaly_key, anomaly_id, code, 'new', p.as_of, p.as_of, p.built_at, current_timestamp
			FROM anomaly_list l CROSS JOIN params p
			WHERE NOT EXISTS (SELECT 1 FROM anomaly_status s WHERE s.anomaly_key = l.anomaly_key)`},
		// no longer in the data: resolved by it. Only by a build as of its last sighting
		// or later: one as of an earlier date (last week built again) cannot see what
		// began since, and would resolve it only for the next build to reopen it.
		{&rep.Resolved, `UPDATE anomaly_status SET status = 'resolved', resolved_by = 'data', changed_at = current_timestamp
			WHERE status <> 'resolved' AND anomaly_key NOT IN (SELECT anomaly_key FROM anomaly_list)
			  AND (last_seen IS NULL OR last_seen <= (SELECT as_of FROM params))`},
	}
	for _, s := range steps {
		res, err := tx.ExecContext(ctx, s.sql)
		if err != nil {
			return fmt.Errorf("cannot update the anomaly statuses: %w", err)
		}
		if s.count != nil {
			n, _ := res.RowsAffected()
			*s.count = int(n)
		}
	}
	return nil
}

// CountByCode counts the anomalies of a list per code, in the catalogue's order.
func CountByCode(list []Anomaly) []CodeCount {
	n := map[string]int{}
	for _, a := range list {
		n[a.Code]++
	}
	var out []CodeCount
	for _, c := range Codes {
		if n[c] > 0 {
			out = append(out, CodeCount{Code: c, Count: n[c]})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out
}

// CodeCount is a code and how many anomalies carry it.
type CodeCount struct {
	Code  string
	Count int
}
