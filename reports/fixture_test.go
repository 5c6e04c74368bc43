package reports

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/orderflow/actions"
	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/gen"
	"github.com/orderflow/orderflow/ingest"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/store"
)

// The tests share one generated company, built once: a few thousand order lines, two
// customers whose names are markup and a formula, a small action plan.

var asOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// Customer names that must stay text in every output.
const (
	xssName     = `<img src=x onerror=alert(1)>`
	formulaName = `=HYPERLINK("http://x","y")`
	// twinName is the name of two customers of different countries (twinIDs)
	twinName = "Delta Trading"
)

type fixture struct {
	st        *store.Store
	cfg       config.Config
	xssID     string // the customer named xssName
	formulaID string
	twinIDs   [2]string // two large customers named twinName, in different countries
}

var (
	fixtureOnce sync.Once
	shared      *fixture
	fixtureErr  error
)

// loadFixture generates, loads and builds the shared company (about 15 s the first time).
func loadFixture(t testing.TB) *fixture {
	t.Helper()
	fixtureOnce.Do(func() { shared, fixtureErr = buildFixture(6000) })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return shared
}

func buildFixture(lines int) (*fixture, error) {
	ctx := context.Background()
	if dir := os.Getenv("ORDERFLOW_FIXTURE_DIR"); dir != "" {
		// a developer's cache between runs: reopen the company built by an earlier run
		if fx, err := reopenCompany(ctx, dir); err == nil {
			return fx, nil
		}
		return buildCompany(ctx, dir, lines, 7)
	}
	dir, err := os.MkdirTemp("", "orderflow-reports-")
	if err != nil {
		return nil, err
	}
	return buildCompany(ctx, dir, lines, 7)
}

// buildCompany generates lines order lines into dir, loads and builds them, renames the
// two customers with most lines and records three actions.
func buildCompany(ctx context.Context, dir string, lines int, seed uint64) (*fixture, error) {
	extracts := filepath.Join(dir, "extracts")
	if real, err := filepath.EvalSymlinks(extracts); err == nil {
		extracts = real // extracts generated elsewhere, such as bench/out
	}
	if _, err := os.Stat(filepath.Join(extracts, "order_lines.csv")); err != nil {
		if _, err := gen.Generate(ctx, gen.Options{Out: extracts, Seed: seed, Lines: lines, AsOf: asOf}); err != nil {
			return nil, err
		}
	}
	dbPath := filepath.Join(dir, "orderflow.duckdb")
	os.Remove(dbPath)
	os.Remove(dbPath + ".wal")
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return nil, err
	}
	results, err := ingest.Load(ctx, st, ingest.Options{AsOf: asOf}, extracts)
	if err != nil {
		return nil, err
	}
	if len(results) < 9 {
		return nil, fmt.Errorf("loaded %d files of %s, want the 9 entities", len(results), extracts)
	}
	fx := &fixture{st: st, cfg: config.Default()}
	rows, err := st.DB.QueryContext(ctx, `SELECT o.customer_id FROM order_lines l JOIN orders o USING (order_id)
		GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2`)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	fx.xssID, fx.formulaID = ids[0], ids[1]
	for id, name := range map[string]string{fx.xssID: xssName, fx.formulaID: formulaName} {
		if _, err := st.DB.ExecContext(ctx, `UPDATE customers SET name = ? WHERE customer_id = ?`, name, id); err != nil {
			return nil, err
		}
	}
	if _, err := models.Build(ctx, st, fx.cfg, asOf, nil); err != nil {
		return nil, err
	}
	// two of the ten customers with the largest late backlog (the weekly report lists
	// those ten), in different countries, share a name (names are read from the
	// customers through a view: renaming after the build is renaming before it)
	// (a small company may have too few: then the customers with the most lines)
	err = st.DB.QueryRowContext(ctx, `WITH b AS (
			SELECT customer_id, sum(remaining_qty * unit_price * fx_rate) AS v FROM kpi_backlog GROUP BY 1),
		n AS (SELECT o.customer_id, count(*) AS n FROM order_lines l JOIN orders o USING (order_id) GROUP BY 1),
		c AS (
			SELECT c.customer_id, c.country, coalesce(b.v, 0) + n.n / 1e9 AS v
			FROM customers c JOIN n USING (customer_id) LEFT JOIN b USING (customer_id)
			WHERE c.customer_id NOT IN (?, ?) AND c.country IS NOT NULL ORDER BY v DESC, 1 LIMIT 8)
		SELECT a.customer_id, b.customer_id FROM c a JOIN c b ON a.country <> b.country AND a.customer_id < b.customer_id
		ORDER BY least(a.v, b.v) DESC, a.customer_id, b.customer_id LIMIT 1`, fx.xssID, fx.formulaID).Scan(&fx.twinIDs[0], &fx.twinIDs[1])
	if err != nil {
		return nil, fmt.Errorf("cannot pick two customers to name alike: %w", err)
	}
	if _, err := st.DB.ExecContext(ctx, `UPDATE customers SET name = ? WHERE customer_id IN (?, ?)`, twinName, fx.twinIDs[0], fx.twinIDs[1]); err != nil {
		return nil, err
	}
	if _, err := anomalies.Build(ctx, st, fx.cfg, asOf); err != nil {
		return nil, err
	}
	due := func(days int) time.Time { return asOf.AddDate(0, 0, days) }
	for _, a := range []actions.Action{
		{KPI: "otif_line", Scope: "carrier=DHL", Cause: "Carrier capacity in peak weeks", Action: "Book capacity two weeks ahead", Owner: "M. Durand", Due: due(10), Status: actions.InProgress},
		{Anomaly: "shipped_not_invoiced", Cause: "Invoice run after the cut-off", Action: "Daily check of shipped, not invoiced", Owner: xssName, Due: due(-5)},
		{KPI: "claim_rate", Cause: "Damage in transit", Action: formulaName, Owner: "A. Roux", Due: due(-20), Status: actions.Done},
	} {
		if _, err := actions.Add(ctx, st.DB, a); err != nil {
			return nil, err
		}
	}
	return fx, nil
}

func reopenCompany(ctx context.Context, dir string) (*fixture, error) {
	dbPath := filepath.Join(dir, "orderflow.duckdb")
	if _, err := os.Stat(dbPath); err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return nil, err
	}
	fx := &fixture{st: st, cfg: config.Default()}
	err = st.DB.QueryRowContext(ctx, `SELECT
		(SELECT customer_id FROM customers WHERE name = ?), (SELECT customer_id FROM customers WHERE name = ?)
		FROM anomaly_list LIMIT 1`, xssName, formulaName).Scan(&fx.xssID, &fx.formulaID)
	if err == nil {
		err = st.DB.QueryRowContext(ctx, `SELECT min(customer_id), max(customer_id) FROM customers WHERE name = ?`, twinName).
			Scan(&fx.twinIDs[0], &fx.twinIDs[1])
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return fx, nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil && os.Getenv("ORDERFLOW_FIXTURE_DIR") != "" {
		shared.st.Close()
	} else if shared != nil {
		dir := filepath.Dir(shared.st.Path)
		shared.st.Close()
		os.RemoveAll(dir)
	}
	os.Exit(code)
}
