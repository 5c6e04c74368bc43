package models

// Incremental builds. A model that declares `-- incremental: order_id` is a table a build
// may refresh rather than write whole: only the rows of the orders in the refresh set are
// computed again (the model's SQL narrows what it reads to them where it says
// /* refresh: <expr> */), then deleted and inserted in the transaction that swaps the build
// in. The refresh set is
//   - every order whose rows changed since the last build in any order-keyed extract
//     (orders, order_lines, shipments, invoices, documents, claims: a digest of its rows,
//     so that a weekly full extract that rewrites every row changes only what it changes),
//     plus the orders of the customers whose row changed (which row of a key is the
//     latest is in the digest: the rows a later one replaces are marked _superseded);
//   - every order whose rows the move of the as-of date can change although its data did
//     not (sql/incremental/unsettled_orders.sql: shipments not yet made or not yet
//     invoiceable, invoices not yet dated, open lines still short at the last as-of date).
// A model is built whole instead, and the build says why, on `--full`, on the first build,
// when the as-of date goes back, when its SQL, a model it reads, the trade rules, the
// parameters (other than the as-of date) or the site map changed, when an extract it reads
// that is not keyed by order (products, stock, exchange rates) changed, or when a model it
// reads is built whole. Incremental and full builds give the same rows
// (TestIncrementalBuildEqualsFull).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/orderflow/orderflow/ingest"
	"github.com/orderflow/orderflow/rules"
	ofsql "github.com/orderflow/orderflow/sql"
)

// incrementalVersion changes when the Go side of a build changes what a model computes
// (how params or the rule tables are written): every incremental model is then rebuilt
// whole once.
const incrementalVersion = "2"

// Options tune a build.
type Options struct {
	Full bool // rebuild every incremental model whole (`orderflow build --full`)
}

// The state an incremental build compares with, written by every build of a project that
// has incremental models and swapped in with it.
const (
	stateModels         = "build_state"                  // model, fingerprint (of its SQL and inputs)
	stateOrderDigest    = "build_order_digest"           // order_id, digest of its rows in every order-keyed extract
	stateCustomerDigest = "build_customer_digest"        // customer_id, digest of its rows
	stateTableDigest    = "build_table_digest"           // entity, digest of the whole extract (not keyed by order)
	refreshTable        = "build_refresh" + stagedSuffix // the orders this build refreshes
)

// orderEntities are the extracts whose rows belong to one order (their order_id); claims
// too, though keyed by claim_id: a claim moved to another order changes both digests.
var orderEntities = []string{"orders", "order_lines", "shipments", "invoices", "documents", "claims"}

// tableEntities are the extracts read whole; a change of one rebuilds whole the
// incremental models that read it.
var tableEntities = []string{"products", "stock", "fx_rates"}

var refreshMarkRe = regexp.MustCompile(`/\*\s*refresh:\s*([^*]+?)\s*\*/`)

// unsettledOrders is sql/incremental/unsettled_orders.sql and the models it covers.
var unsettledOrders = sync.OnceValues(func() (unsettled, error) {
	body, err := fs.ReadFile(ofsql.Incremental, "incremental/unsettled_orders.sql")
	if err != nil {
		return unsettled{}, err
	}
	u := unsettled{SQL: string(body), covers: map[string]bool{}}
	for _, line := range strings.Split(u.SQL, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "-- models:"); ok {
			for _, m := range splitList(rest) {
				u.covers[m] = true
			}
		}
	}
	return u, nil
})

type unsettled struct {
	SQL    string
	covers map[string]bool
}

// checkIncremental refuses an incremental model that a refresh could get wrong: one that is
// not a table, marks no refresh filter, reads the as-of date in a way
// unsettled_orders.sql does not cover, or reads a table built whole (whose rows an
// incremental build could not narrow to the refreshed orders).
func checkIncremental(p *Project) error {
	for _, m := range p.Models {
		if m.Incremental == "" {
			continue
		}
		if m.Materialized != "table" {
			return fmt.Errorf("%s: an incremental model must be materialized: table", m.Path)
		}
		if !refreshMarkRe.MatchString(m.SQL) {
			return fmt.Errorf("%s: an incremental model marks, with /* refresh: order_id */ after a WHERE condition, where its rows are narrowed to the orders refreshed", m.Path)
		}
		u, err := unsettledOrders()
		if err != nil {
			return err
		}
		if !u.covers[m.Name] {
			return fmt.Errorf("%s: sql/incremental/unsettled_orders.sql does not list %s under \"-- models:\": say there how its rows move with the as-of date", m.Path, m.Name)
		}
		var walk func(name string) error
		walk = func(name string) error {
			for _, d := range p.byName[name].Deps {
				dm := p.byName[d]
				switch {
				case dm.Materialized == "view":
					if err := walk(d); err != nil {
						return err
					}
				case dm.Incremental == "":
					return fmt.Errorf("%s: incremental model %s reads %s, a %s built whole: make it a view or incremental too", m.Path, m.Name, d, dm.Materialized)
				}
			}
			return nil
		}
		if err := walk(m.Name); err != nil {
			return err
		}
	}
	return nil
}

// upstream lists m and every model it reads, directly or not, sorted.
func (p *Project) upstream(m *Model) []*Model {
	seen := map[string]bool{}
	var walk func(*Model)
	walk = func(m *Model) {
		if seen[m.Name] {
			return
		}
		seen[m.Name] = true
		for _, d := range m.Deps {
			walk(p.byName[d])
		}
	}
	walk(m)
	var out []*Model
	for name := range seen {
		out = append(out, p.byName[name])
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// extractsRead lists the canonical tables m reads, directly or through the models it reads.
func (p *Project) extractsRead(m *Model) map[string]bool {
	out := map[string]bool{}
	for _, u := range p.upstream(m) {
		for _, span := range codeSpans(u.SQL) {
			for _, w := range wordRe.FindAllString(u.SQL[span[0]:span[1]], -1) {
				if w = strings.ToLower(w); ingest.CanonicalKeys(w) != nil {
					out[w] = true
				}
			}
		}
	}
	return out
}

// incPlan is what a build refreshes rather than rebuilds.
type incPlan struct {
	refreshed map[string]bool   // the incremental models built by refresh
	why       map[string]string // the incremental models built whole, and why
	orders    int64             // orders in the refresh set
	of        int64             // orders in the data
}

// planIncremental writes the state the next build compares with (staged, swapped in
// with this build), decides which incremental models this build refreshes and, if any,
// writes the refresh set.
func planIncremental(ctx context.Context, db querier, p *Project, stage *staging, opts Options, asOf time.Time) (*incPlan, error) {
	plan := &incPlan{refreshed: map[string]bool{}, why: map[string]string{}}
	var incs []*Model
	for _, m := range p.Models {
		if m.Incremental != "" {
			incs = append(incs, m)
		}
	}
	if len(incs) == 0 {
		return plan, nil
	}
	inputs, err := buildInputs(ctx, db, stage)
	if err != nil {
		return nil, err
	}
	fingerprints := map[string]string{}
	for _, m := range incs {
		h := sha256.New()
		fmt.Fprintf(h, "%s\x00%s\x00", incrementalVersion, inputs)
		for _, u := range p.upstream(m) {
			fmt.Fprintf(h, "%s\x00%s\x00", u.Name, u.SQL)
		}
		fingerprints[m.Name] = hex.EncodeToString(h.Sum(nil))
	}
	if err := writeState(ctx, db, stage, incs, fingerprints); err != nil {
		return nil, err
	}
	kinds, err := existingKinds(ctx, db)
	if err != nil {
		return nil, err
	}
	whole := func(why string) (*incPlan, error) {
		for _, m := range incs {
			plan.why[m.Name] = why
		}
		return plan, nil
	}
	switch {
	case opts.Full:
		return whole("--full")
	case kinds[stateModels] == "" || kinds[stateOrderDigest] == "" || kinds[stateCustomerDigest] == "" || kinds[stateTableDigest] == "" || kinds["params"] == "":
		return whole("no earlier build to refresh")
	}
	var lastAsOf time.Time
	if err := db.QueryRowContext(ctx, "SELECT as_of FROM params").Scan(&lastAsOf); err != nil {
		return nil, err
	}
	if asOf.Before(lastAsOf) {
		return whole(fmt.Sprintf("the as-of date goes back, from %s", lastAsOf.Format(time.DateOnly)))
	}
	prev, err := readPairs(ctx, db, "SELECT model, fingerprint FROM "+stateModels)
	if err != nil {
		return nil, err
	}
	changed, err := readPairs(ctx, db, fmt.Sprintf(`SELECT n.entity, 'changed' FROM %s n LEFT JOIN %s o USING (entity)
		WHERE o.digest IS DISTINCT FROM n.digest`, stage.name(stateTableDigest), stateTableDigest))
	if err != nil {
		return nil, err
	}
	for _, m := range incs { // in build order: what a model reads is decided before it
		why := ""
		switch {
		case kinds[m.Name] != "TABLE":
			why = "no table of the last build"
		case prev[m.Name] != fingerprints[m.Name]:
			why = "its SQL, a model it reads, the trade rules or the parameters changed"
		}
		if why == "" {
			read := p.extractsRead(m)
			for _, t := range tableEntities {
				if changed[t] != "" && read[t] {
					why = "the " + t + " extract changed"
					break
				}
			}
		}
		if why == "" {
			for _, u := range p.upstream(m) {
				if u != m && u.Incremental != "" && !plan.refreshed[u.Name] {
					why = u.Name + " is built whole"
					break
				}
			}
		}
		if why != "" {
			plan.why[m.Name] = why
		} else {
			plan.refreshed[m.Name] = true
		}
	}
	if len(plan.refreshed) == 0 {
		return plan, nil
	}
	u, err := unsettledOrders()
	if err != nil {
		return nil, err
	}
	refresh := fmt.Sprintf(`CREATE TABLE %[1]s AS
		SELECT DISTINCT order_id FROM (
		    -- orders whose rows changed, appeared or went
		    (SELECT order_id, digest FROM %[2]s EXCEPT SELECT order_id, digest FROM %[3]s)
		    UNION ALL
		    (SELECT order_id, digest FROM %[3]s EXCEPT SELECT order_id, digest FROM %[2]s)
		    UNION ALL
		    -- the orders of customers whose row changed
		    SELECT order_id, NULL FROM orders WHERE customer_id IN (
		        SELECT customer_id FROM (SELECT customer_id, digest FROM %[4]s EXCEPT SELECT customer_id, digest FROM %[5]s)
		        UNION ALL
		        SELECT customer_id FROM (SELECT customer_id, digest FROM %[5]s EXCEPT SELECT customer_id, digest FROM %[4]s))
		    UNION ALL
		    SELECT order_id, NULL FROM (
		%[6]s
		    )
		) WHERE order_id IS NOT NULL`,
		quoteIdent(refreshTable), stage.name(stateOrderDigest), stateOrderDigest,
		stage.name(stateCustomerDigest), stateCustomerDigest, strings.TrimSpace(u.SQL))
	if _, err := db.ExecContext(ctx, refresh); err != nil {
		return nil, fmt.Errorf("cannot list the orders to refresh (sql/incremental/unsettled_orders.sql): %w", err)
	}
	if err := db.QueryRowContext(ctx, fmt.Sprintf("SELECT (SELECT count(*) FROM %s), (SELECT count(*) FROM %s)",
		quoteIdent(refreshTable), stage.name(stateOrderDigest))).Scan(&plan.orders, &plan.of); err != nil {
		return nil, err
	}
	return plan, nil
}

// buildInputs is what every model reads besides the models and the extracts, as text:
// the trade rules, unsettled_orders.sql, the parameters other than the as-of date, the
// site map.
func buildInputs(ctx context.Context, db querier, stage *staging) (string, error) {
	var b strings.Builder
	err := fs.WalkDir(rules.FS, ".", func(f string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(rules.FS, f)
		fmt.Fprintf(&b, "%s\x00%s\x00", f, body)
		return err
	})
	if err != nil {
		return "", err
	}
	u, err := unsettledOrders()
	if err != nil {
		return "", err
	}
	b.WriteString(u.SQL)
	var params, sites string
	if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT CAST(p AS VARCHAR) FROM (SELECT * EXCLUDE (as_of, built_at) FROM %s) p`,
		stage.name("params"))).Scan(&params); err != nil {
		return "", fmt.Errorf("cannot read the build's parameters: %w", err)
	}
	if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT coalesce(string_agg(alias || '=' || site, ';' ORDER BY alias, site), '') FROM %s`,
		stage.name("site_map"))).Scan(&sites); err != nil {
		return "", fmt.Errorf("cannot read the build's site map: %w", err)
	}
	fmt.Fprintf(&b, "\x00%s\x00%s", params, sites)
	return b.String(), nil
}

// writeState writes the staged state tables: the models' fingerprints and the digests of
// the extracts as this build reads them.
func writeState(ctx context.Context, db querier, stage *staging, incs []*Model, fingerprints map[string]string) error {
	rowHash := func(entity, key string) (string, error) {
		cols, err := ColumnsOf(ctx, db, entity)
		if err != nil {
			return "", err
		}
		if len(cols) == 0 {
			return "", fmt.Errorf("the database has no table %s: was it created by this version of orderflow?", entity)
		}
		var keep []string
		for _, c := range cols {
			if c != "_load_id" && c != "_row" { // where a row came from, not what it says
				keep = append(keep, quoteIdent(c))
			}
		}
		// hashed again: DuckDB's hash of several values XORs the last one's hash in, so
		// under bit_xor two rows swapping their last value (_superseded: which of a key's
		// two rows is the latest) would leave the digest as it was
		return fmt.Sprintf("SELECT %s, hash(hash(%s, %s)) AS h FROM %s", key, quoteLiteral(entity), strings.Join(keep, ", "), quoteIdent(entity)), nil
	}
	var orders, tables []string
	for _, e := range orderEntities {
		q, err := rowHash(e, "order_id")
		if err != nil {
			return err
		}
		orders = append(orders, q)
	}
	for _, e := range tableEntities {
		q, err := rowHash(e, quoteLiteral(e)+" AS entity")
		if err != nil {
			return err
		}
		tables = append(tables, q)
	}
	customers, err := rowHash("customers", "customer_id")
	if err != nil {
		return err
	}
	var values []string
	for _, m := range incs {
		values = append(values, fmt.Sprintf("(%s, %s)", quoteLiteral(m.Name), quoteLiteral(fingerprints[m.Name])))
	}
	for _, q := range []struct{ table, sql string }{
		{stateModels, "SELECT * FROM (VALUES " + strings.Join(values, ", ") + ") AS s(model, fingerprint)"},
		// bit_xor: the same rows in any order give the same digest
		{stateOrderDigest, "SELECT order_id, bit_xor(h) AS digest FROM (" + strings.Join(orders, "\nUNION ALL\n") + ") WHERE order_id IS NOT NULL GROUP BY order_id"},
		{stateCustomerDigest, "SELECT customer_id, bit_xor(h) AS digest FROM (" + customers + ") GROUP BY customer_id"},
		{stateTableDigest, "SELECT entity, coalesce(bit_xor(h), 0) AS digest FROM (" + strings.Join(tables, "\nUNION ALL\n") + ") GROUP BY entity"},
	} {
		stage.objects[q.table] = true
		stage.state = append(stage.state, q.table)
		if _, err := db.ExecContext(ctx, "CREATE TABLE "+stage.name(q.table)+" AS "+q.sql); err != nil {
			return fmt.Errorf("cannot write the state of the build (%s): %w", q.table, err)
		}
	}
	return nil
}

// ColumnsOf lists the columns of a table or view of the main schema, in their order;
// none when there is no such table.
func ColumnsOf(ctx context.Context, db querier, table string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, fmt.Errorf("cannot read the columns of %s: %w", table, err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// readPairs reads a two-column query into a map.
func readPairs(ctx context.Context, db querier, q string) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// deltaName is the table of the rows a refresh computes again.
func deltaName(m *Model) string { return m.Name + "__delta" + stagedSuffix }

// buildDelta computes the rows of the refreshed orders, and stages the model as a view of
// the last build's rows of the other orders and these: what the data tests and the models
// after it read, and what the swap makes of the table.
func buildDelta(ctx context.Context, db querier, m *Model, stage *staging) (ModelRun, error) {
	start := time.Now()
	run := ModelRun{Name: m.Name, Materialized: m.Materialized, Refreshed: true}
	in := fmt.Sprintf("IN (SELECT order_id FROM %s)", quoteIdent(refreshTable))
	body := refreshMarkRe.ReplaceAllString(stage.rewrite(m.SQL), "AND ($1) "+in)
	delta := quoteIdent(deltaName(m))
	if err := execProfiled(ctx, db, m.Name, "CREATE TABLE "+delta+" AS\n"+body); err != nil {
		return run, fmt.Errorf("cannot refresh model %s (sql/%s): %w", m.Name, m.Path, err)
	}
	key := quoteIdent(m.Incremental)
	if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM %s WHERE %s NOT %s UNION ALL SELECT * FROM %s",
		quoteIdent(stage.name(m.Name)), quoteIdent(m.Name), key, in, delta)); err != nil {
		return run, fmt.Errorf("cannot stage the refreshed model %s: %w", m.Name, err)
	}
	if err := db.QueryRowContext(ctx, fmt.Sprintf("SELECT (SELECT count(*) FROM %s), (SELECT count(*) FROM %s)",
		quoteIdent(stage.name(m.Name)), delta)).Scan(&run.Rows, &run.DeltaRows); err != nil {
		return run, err
	}
	run.Duration = time.Since(start)
	return run, nil
}

// applyDelta replaces, in the swap, the refreshed orders' rows of an incremental table.
func applyDelta(exec func(string) error, m *Model) error {
	key := quoteIdent(m.Incremental)
	for _, q := range []string{
		"DROP VIEW " + quoteIdent(m.Name+stagedSuffix),
		fmt.Sprintf("DELETE FROM %s WHERE %s IN (SELECT order_id FROM %s)", quoteIdent(m.Name), key, quoteIdent(refreshTable)),
		fmt.Sprintf("INSERT INTO %s SELECT * FROM %s", quoteIdent(m.Name), quoteIdent(deltaName(m))),
		"DROP TABLE " + quoteIdent(deltaName(m)),
	} {
		if err := exec(q); err != nil {
			return err
		}
	}
	return nil
}

// String says what the build refreshes and what it builds whole, and why.
func (p *incPlan) String() string {
	var parts []string
	if len(p.refreshed) > 0 {
		parts = append(parts, fmt.Sprintf("refreshing %s for %d of %d orders (their rows changed, or can change with the as-of date)",
			strings.Join(sortedKeys(p.refreshed), ", "), p.orders, p.of))
	}
	byWhy := map[string][]string{}
	for m, why := range p.why {
		byWhy[why] = append(byWhy[why], m)
	}
	for _, why := range sortedKeys(byWhy) {
		sort.Strings(byWhy[why])
		parts = append(parts, fmt.Sprintf("building %s whole (%s)", strings.Join(byWhy[why], ", "), why))
	}
	return strings.Join(parts, "; ")
}
