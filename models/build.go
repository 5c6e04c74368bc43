package models

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/ingest"
	"github.com/orderflow/orderflow/rules"
	"github.com/orderflow/orderflow/store"
)

// BuildReport tells what a build did.
type BuildReport struct {
	AsOf   time.Time
	Models []ModelRun
	Tests  []TestResult // every data test run, all passed when Build returns no error
	// Warnings are the failing warn tests, one sentence each: the build landed.
	Warnings []string
	// Notes tell what the build could not compute for this as-of, one sentence each,
	// such as the stock figures when every stock snapshot is later than the as-of date.
	Notes []string
	// Refresh says, in one sentence, what the build refreshed rather than rebuilt, and
	// which incremental models it built whole and why ("" without incremental models).
	Refresh  string
	Duration time.Duration
}

// ModelRun is one model built.
type ModelRun struct {
	Name         string
	Materialized string
	Rows         int64 // -1 for a view
	Refreshed    bool  // an incremental model refreshed for the orders of the refresh set
	DeltaRows    int64 // the rows a refresh computed again
	Duration     time.Duration
}

// Build rebuilds every model as of asOf, then runs the data tests; a model that fails
// or a test that finds bad rows leaves the previous build in place (all or nothing).
// Tolerances, basis and targets come from cfg through the params table; progress (may
// be nil) receives one line per model.
//
// Each model is first built under a staged name (int_order_line__build), in its own
// commit: DuckDB scans committed tables much faster than the uncommitted data of one
// long transaction (it has their statistics). When every test passes, one short
// transaction swaps the staged objects in.
//
// The models that declare `-- incremental: order_id` are refreshed, when they can be,
// for the orders whose rows changed or can change with the as-of date (incremental.go).
func Build(ctx context.Context, st *store.Store, cfg config.Config, asOf time.Time, progress io.Writer) (BuildReport, error) {
	return BuildWith(ctx, st, cfg, asOf, progress, Options{})
}

// BuildWith is Build with options: Options.Full rebuilds every model whole.
func BuildWith(ctx context.Context, st *store.Store, cfg config.Config, asOf time.Time, progress io.Writer, opts Options) (BuildReport, error) {
	p, err := LoadProject()
	if err != nil {
		return BuildReport{AsOf: asOf}, err
	}
	return build(ctx, st, p, cfg, asOf, progress, opts)
}

// stagedSuffix marks the objects of a build in progress.
const stagedSuffix = "__build"

// build runs the models of p; tests give it a project of their own.
func build(ctx context.Context, st *store.Store, p *Project, cfg config.Config, asOf time.Time, progress io.Writer, opts Options) (BuildReport, error) {
	start := time.Now()
	rep := BuildReport{AsOf: asOf}
	if progress == nil {
		progress = io.Discard
	}
	// One connection runs the whole build: temp models are tables of that connection.
	db, err := st.DB.Conn(ctx)
	if err != nil {
		return rep, err
	}
	defer db.Close()
	if err := dropStaged(ctx, db); err != nil { // left by a build that was killed
		return rep, err
	}
	defer dropTemp(context.WithoutCancel(ctx), db, p)
	stage, err := newStaging(p)
	if err != nil {
		return rep, err
	}
	err = func() error {
		if err := markSuperseded(ctx, db, progress); err != nil {
			return err
		}
		if err := writeParams(ctx, db, stage.name("params"), cfg, asOf); err != nil {
			return err
		}
		if err := writeSiteMap(ctx, db, stage.name("site_map"), cfg.Sites); err != nil {
			return err
		}
		for _, table := range stage.rules {
			if err := loadRule(ctx, db, table, stage.name(table)); err != nil {
				return err
			}
		}
		planStart := time.Now()
		plan, err := planIncremental(ctx, db, p, stage, opts, asOf)
		if err != nil {
			return err
		}
		stage.refreshed = plan.refreshed
		if rep.Refresh = plan.String(); rep.Refresh != "" {
			fmt.Fprintf(progress, "%s (%.2fs)\n", rep.Refresh, time.Since(planStart).Seconds())
		}
		for _, m := range p.Models {
			build := buildModel
			if plan.refreshed[m.Name] {
				build = buildDelta
			}
			run, err := build(ctx, db, m, stage)
			if err != nil {
				return err
			}
			rep.Models = append(rep.Models, run)
			if run.Refreshed {
				fmt.Fprintf(progress, "built %-28s table %12d rows %8.2fs (refreshed: %d rows computed again)\n", m.Name, run.Rows, run.Duration.Seconds(), run.DeltaRows)
			} else if m.Materialized == "enum" {
				fmt.Fprintf(progress, "built %-28s enum  %12d values %6.2fs\n", m.Name, run.Rows, run.Duration.Seconds())
			} else if run.Rows >= 0 {
				fmt.Fprintf(progress, "built %-28s table %12d rows %8.2fs\n", m.Name, run.Rows, run.Duration.Seconds())
			} else {
				fmt.Fprintf(progress, "built %-28s view\n", m.Name)
			}
		}
		testStart := time.Now()
		var failed []string
		record := func(res TestResult) {
			rep.Tests = append(rep.Tests, res)
			if res.Failing > 0 && res.Test.Warn {
				w := fmt.Sprintf("model %s: %d row(s) fail %s, such as %s", res.Test.Model, res.Failing, strings.TrimPrefix(res.Test.Spec, "warn "), strings.Join(res.Sample, "; "))
				rep.Warnings = append(rep.Warnings, w)
				fmt.Fprintln(progress, "warning: "+w)
			} else if res.Failing > 0 {
				failed = append(failed, fmt.Sprintf("model %s fails its data test %s: %d row(s), such as %s",
					res.Test.Model, res.Test, res.Failing, strings.Join(res.Sample, "; ")))
			}
		}
		for _, m := range p.Models {
			for _, t := range m.Tests {
				res, err := t.run(ctx, db, p, stage.name)
				if err != nil {
					return err
				}
				record(res)
			}
		}
		for _, m := range p.Models {
			var kpiTests []DataTest
			for _, k := range m.KPIs {
				kpiTests = append(kpiTests, k.Tests...)
			}
			if len(kpiTests) == 0 {
				continue
			}
			results, err := runKPITests(ctx, db, p, m, kpiTests, stage.name)
			if err != nil {
				return err
			}
			for _, res := range results {
				record(res)
			}
		}
		if len(failed) > 0 {
			return fmt.Errorf("build rolled back: %s", strings.Join(failed, "\n"))
		}
		fmt.Fprintf(progress, "passed %d data tests in %.2fs\n", len(rep.Tests), time.Since(testStart).Seconds())
		return st.InTx(ctx, func(tx *sql.Tx) error { return stage.swap(ctx, tx, p) })
	}()
	if err != nil {
		if derr := dropStaged(ctx, db); derr != nil {
			err = fmt.Errorf("%w (and the staged objects could not be dropped: %v)", err, derr)
		}
		return rep, err
	}
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return rep, fmt.Errorf("models built but the database could not be checkpointed: %w", err)
	}
	if _, ok := p.Model("stg_stock"); ok {
		note, err := stockNote(ctx, db, asOf)
		if err != nil {
			return rep, err
		}
		if note != "" {
			rep.Notes = append(rep.Notes, note)
		}
	}
	if _, ok := p.Model("fx_unconverted"); ok {
		note, err := fxNote(ctx, db)
		if err != nil {
			return rep, err
		}
		if note != "" {
			rep.Notes = append(rep.Notes, note)
		}
	}
	rep.Duration = time.Since(start)
	return rep, nil
}

// fxNote says, in one sentence, which amounts no exchange rate could convert to the
// reporting currency (fx_unconverted): they are left out of the money figures, which
// would otherwise read as complete.
func fxNote(ctx context.Context, db querier) (string, error) {
	gaps, err := ReadUnconverted(ctx, db)
	if err != nil || len(gaps) == 0 {
		return "", err
	}
	var cur string
	var age int
	if err := db.QueryRowContext(ctx, `SELECT reporting_currency, fx_rate_max_age_days FROM params`).Scan(&cur, &age); err != nil {
		return "", err
	}
	noun := map[string]string{"order_lines": "order line(s)", "shipments": "shipment(s)", "claims": "claim(s)"}
	var parts []string
	var first, last sql.NullTime
	for _, g := range gaps {
		parts = append(parts, fmt.Sprintf("%d %s in %s", g.Rows, noun[g.Amounts], g.Currency))
		if g.First.Valid && (!first.Valid || g.First.Time.Before(first.Time)) {
			first = g.First
		}
		if g.Last.Valid && (!last.Valid || g.Last.Time.After(last.Time)) {
			last = g.Last
		}
	}
	span := ""
	if first.Valid && last.Valid {
		span = fmt.Sprintf(" (dated %s to %s)", first.Time.Format(time.DateOnly), last.Time.Format(time.DateOnly))
	}
	// a company whose orders are all in one other currency (the SCMS file: USD) most
	// likely reports in it
	var only sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT CASE WHEN count(DISTINCT currency) = 1 THEN min(currency) END
		FROM dim_cut WHERE currency IS NOT NULL`).Scan(&only); err != nil {
		return "", err
	}
	or := ""
	if only.Valid && only.String != cur {
		or = fmt.Sprintf(" (or, since every order is in %s, report in it: reporting_currency: %s in orderflow.yaml)", only.String, only.String)
	}
	return fmt.Sprintf("no exchange rate to %s at most %d day(s) before their date for %s%s: their amounts are left out of every money figure and total, not added as if in %s; load the rates (the ECB's eurofxref-hist.csv as published, or a rate_date,currency,rate file) with orderflow ingest, then build again%s",
		cur, age, strings.Join(parts, ", "), span, cur, or), nil
}

// stockNote says when stock snapshots exist but none is on or before asOf: the stock
// models (fct_stock_coverage reads the snapshots up to the as-of) then hold nothing,
// which would otherwise pass for a company without stock problems.
func stockNote(ctx context.Context, db querier, asOf time.Time) (string, error) {
	var first sql.NullTime
	var before int64
	day := asOf.Format("2006-01-02")
	err := db.QueryRowContext(ctx, `SELECT min(snapshot_date), count(*) FILTER (WHERE snapshot_date <= CAST(? AS DATE))
		FROM stg_stock WHERE snapshot_date IS NOT NULL`, day).Scan(&first, &before)
	if err != nil {
		return "", fmt.Errorf("models built but the stock snapshots could not be dated: %w", err)
	}
	if !first.Valid || before > 0 {
		return "", nil
	}
	return fmt.Sprintf("no stock snapshot on or before %s (the first is %s): stock coverage, stock projection and the stock-based anomalies are skipped for this as-of",
		day, first.Time.Format("2006-01-02")), nil
}

// supersededEntities are the canonical tables whose staging model reads the rows not
// marked _superseded (sql/schema/006_superseded.sql, 011_documents_doc_type.sql).
var supersededEntities = []string{"customers", "products", "orders", "order_lines", "shipments", "invoices", "stock", "claims", "documents"}

// MarkSuperseded marks the superseded rows of the loads no build has marked yet (see
// markSuperseded), for a reader of the staging models that runs without a build, such as
// anomalies.Build after a load.
func MarkSuperseded(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx) // one connection: markSuperseded uses a temp table
	if err != nil {
		return err
	}
	defer conn.Close()
	return markSuperseded(ctx, conn, io.Discard)
}

// markSuperseded flags, in the loads not yet marked, the rows that a later row of the
// same business key in the same load replaces: the last row of the file wins (_row, or
// the table's order where the fast CSV path left _row NULL). A load is marked once, by
// the first build after it (2 to 3.7 s per table of ten million rows), and listed in
// superseded_marked; the flags only cache what the rows say, so a build that fails later
// leaves them right.
func markSuperseded(ctx context.Context, db querier, progress io.Writer) error {
	for _, entity := range supersededEntities {
		table, keys := quoteIdent(entity), strings.Join(quoteIdents(ingest.CanonicalKeys(entity)), ", ")
		unmarked := fmt.Sprintf("_load_id NOT IN (SELECT load_id FROM superseded_marked WHERE entity = %s)", quoteLiteral(entity))
		var loads int
		if err := db.QueryRowContext(ctx, "SELECT count(DISTINCT _load_id) FROM "+table+" WHERE "+unmarked).Scan(&loads); err != nil {
			return fmt.Errorf("cannot list the loads of %s: %w", entity, err)
		}
		if loads == 0 {
			continue
		}
		start := time.Now()
		// The rows first, then the update by rowid: one statement doing both took twice
		// as long (6 s against 3 s for ten million lines). Only the rows whose key hashes
		// like another's of the same load are ranked, by their key itself: a collision
		// of hashes costs a row ranked for nothing, never a row marked wrongly.
		if _, err := db.ExecContext(ctx, fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE superseded_rows AS
			SELECT rowid AS rid FROM %[1]s
			WHERE %[2]s AND hash(_load_id, %[3]s) IN (
				SELECT hash(_load_id, %[3]s) FROM %[1]s WHERE %[2]s GROUP BY 1 HAVING count(*) > 1)
			QUALIFY row_number() OVER (PARTITION BY _load_id, %[3]s ORDER BY _row DESC NULLS LAST, rowid DESC) > 1`,
			table, unmarked, keys)); err != nil {
			return fmt.Errorf("cannot find the %s rows that a later row of their key in the same load replaces: %w", entity, err)
		}
		_, err := db.ExecContext(ctx, "UPDATE "+table+" SET _superseded = true WHERE rowid IN (SELECT rid FROM superseded_rows)")
		db.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS temp.superseded_rows")
		if err != nil {
			return fmt.Errorf("cannot mark the %s rows that a later row of their key in the same load replaces: %w", entity, err)
		}
		if _, err := db.ExecContext(ctx, "INSERT INTO superseded_marked (entity, load_id) SELECT DISTINCT ?, _load_id FROM "+table+" WHERE "+unmarked, entity); err != nil {
			return err
		}
		if d := time.Since(start); d > time.Second {
			fmt.Fprintf(progress, "marked the superseded rows of %s (loads not yet marked: %d) in %.2fs\n", entity, loads, d.Seconds())
		}
	}
	return nil
}

// staging names the objects of a build in progress and rewrites the models' SQL to
// read them.
type staging struct {
	objects   map[string]bool // every name built: params, ref_* tables, state tables, models
	rules     []string        // the ref_* tables
	state     []string        // the state tables of incremental builds (incremental.go)
	refreshed map[string]bool // the incremental models this build refreshes
}

func newStaging(p *Project) (*staging, error) {
	s := &staging{objects: map[string]bool{"params": true, "site_map": true}}
	files, err := fs.Glob(rules.FS, "data/*.csv")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		table := "ref_" + strings.TrimSuffix(path.Base(f), ".csv")
		s.rules = append(s.rules, table)
		s.objects[table] = true
	}
	for _, m := range p.Models {
		s.objects[m.Name] = true
	}
	return s, nil
}

// name is the staged name of an object of the build; other names stay as they are.
func (s *staging) name(n string) string {
	if s.objects[n] {
		return n + stagedSuffix
	}
	return n
}

// rewrite points the names of built objects in sql (outside comments and strings) at
// their staged copies.
func (s *staging) rewrite(sql string) string {
	var b strings.Builder
	last := 0
	for _, span := range codeSpans(sql) {
		b.WriteString(sql[last:span[0]])
		code := sql[span[0]:span[1]]
		b.WriteString(wordRe.ReplaceAllStringFunc(code, func(w string) string {
			if s.objects[strings.ToLower(w)] {
				return w + stagedSuffix
			}
			return w
		}))
		last = span[1]
	}
	b.WriteString(sql[last:])
	return b.String()
}

// swap replaces the objects of the previous build by the staged ones: tables are
// renamed, views created again from their own SQL.
func (s *staging) swap(ctx context.Context, tx *sql.Tx, p *Project) error {
	kinds, err := existingKinds(ctx, tx)
	if err != nil {
		return err
	}
	exec := func(q string) error {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("cannot swap the new build in (%s): %w", q, err)
		}
		return nil
	}
	var tables []string
	tables = append(tables, "params", "site_map")
	tables = append(tables, s.rules...)
	tables = append(tables, s.state...)
	for _, m := range p.Models {
		if m.Materialized == "table" && !s.refreshed[m.Name] {
			tables = append(tables, m.Name)
		}
	}
	for name := range s.objects {
		if s.refreshed[name] {
			continue // kept, and refreshed below
		}
		if kind := kinds[name]; kind != "" {
			if err := exec(fmt.Sprintf("DROP %s %s", kind, quoteIdent(name))); err != nil {
				return err
			}
		}
	}
	for _, t := range tables {
		if err := exec(fmt.Sprintf("ALTER TABLE %s RENAME TO %s", quoteIdent(t+stagedSuffix), quoteIdent(t))); err != nil {
			return err
		}
	}
	for _, m := range p.Models {
		if s.refreshed[m.Name] {
			if err := applyDelta(exec, m); err != nil {
				return err
			}
		}
	}
	if len(s.refreshed) > 0 {
		if err := exec("DROP TABLE " + quoteIdent(refreshTable)); err != nil {
			return err
		}
	}
	for _, m := range p.Models {
		if m.Materialized == "view" {
			if err := exec(fmt.Sprintf("CREATE VIEW %s AS\n%s", quoteIdent(m.Name), m.SQL)); err != nil {
				return err
			}
		}
	}
	// The staged views go last: the views above were bound while they still existed.
	for i := len(p.Models) - 1; i >= 0; i-- {
		if m := p.Models[i]; m.Materialized == "view" {
			if err := exec("DROP VIEW " + quoteIdent(m.Name+stagedSuffix)); err != nil {
				return err
			}
		}
	}
	return nil
}

// dropTemp drops the temp models of a build, which would otherwise live on with the
// pooled connection. (A table keeps the values of an enum column when its type is
// dropped.)
func dropTemp(ctx context.Context, db querier, p *Project) {
	for _, m := range p.Models {
		switch m.Materialized {
		case "temp":
			db.ExecContext(ctx, "DROP TABLE IF EXISTS temp.main."+quoteIdent(m.Name+stagedSuffix))
		case "enum":
			db.ExecContext(ctx, "DROP TYPE IF EXISTS temp.main."+quoteIdent(m.Name+stagedSuffix))
		}
	}
}

// dropStaged drops every object a build left under a staged name.
func dropStaged(ctx context.Context, db querier) error {
	kinds, err := existingKinds(ctx, db)
	if err != nil {
		return err
	}
	var drops []string
	for _, name := range sortedKeys(kinds) {
		if strings.HasSuffix(name, stagedSuffix) {
			drops = append(drops, fmt.Sprintf("DROP %s IF EXISTS %s", kinds[name], quoteIdent(name)))
		}
	}
	// Views first: a staged view may read a staged table.
	sort.SliceStable(drops, func(i, j int) bool { return strings.Contains(drops[i], "VIEW") && !strings.Contains(drops[j], "VIEW") })
	for _, d := range drops {
		if _, err := db.ExecContext(ctx, d); err != nil {
			return fmt.Errorf("cannot clean up a previous build (%s): %w", d, err)
		}
	}
	return nil
}

// buildModel creates the staged table or view of one model.
func buildModel(ctx context.Context, db querier, m *Model, stage *staging) (ModelRun, error) {
	start := time.Now()
	run := ModelRun{Name: m.Name, Materialized: m.Materialized, Rows: -1}
	kind := "VIEW"
	switch m.Materialized {
	case "table":
		kind = "TABLE"
	case "temp":
		kind = "TEMP TABLE"
	case "enum":
		kind = "TEMP TYPE"
	}
	staged := quoteIdent(stage.name(m.Name))
	stmt := fmt.Sprintf("CREATE %s %s AS\n%s", kind, staged, stage.rewrite(m.SQL))
	if kind == "TEMP TYPE" {
		// The distinct texts of the query's one column, sorted: an enum sorts (and takes
		// its min and max) by the order of its values, which is then that of the texts.
		stmt = fmt.Sprintf("CREATE TEMP TYPE %s AS ENUM (SELECT DISTINCT CAST(v AS VARCHAR) FROM (\n%s\n) AS q(v) WHERE v IS NOT NULL ORDER BY 1)",
			staged, stage.rewrite(m.SQL))
	}
	var err error
	if kind == "VIEW" {
		_, err = db.ExecContext(ctx, stmt)
	} else {
		err = execProfiled(ctx, db, m.Name, stmt)
	}
	if err != nil {
		return run, fmt.Errorf("cannot build model %s (sql/%s): %w", m.Name, m.Path, err)
	}
	switch kind {
	case "VIEW":
	case "TEMP TYPE": // the number of values
		if err := db.QueryRowContext(ctx, "SELECT len(labels) FROM duckdb_types() WHERE database_name = 'temp' AND type_name = ?", stage.name(m.Name)).Scan(&run.Rows); err != nil {
			return run, err
		}
	default:
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+staged).Scan(&run.Rows); err != nil {
			return run, err
		}
	}
	run.Duration = time.Since(start)
	return run, nil
}

// execProfiled runs the statement that builds a table or type. For developers:
// ORDERFLOW_PROFILE_DIR=dir writes DuckDB's profile of it to dir/<model>.json.
func execProfiled(ctx context.Context, db querier, model, stmt string) error {
	profile := os.Getenv("ORDERFLOW_PROFILE_DIR")
	if profile != "" {
		if _, err := db.ExecContext(ctx, "PRAGMA enable_profiling='json'; PRAGMA profiling_output="+quoteLiteral(filepath.Join(profile, model+".json"))); err != nil {
			return err
		}
		defer db.ExecContext(ctx, "PRAGMA disable_profiling")
	}
	_, err := db.ExecContext(ctx, stmt)
	return err
}

// existingKinds maps each table or view of the main schema to TABLE or VIEW.
func existingKinds(ctx context.Context, q querier) (map[string]string, error) {
	return readPairs(ctx, q, `SELECT table_name, CASE table_type WHEN 'VIEW' THEN 'VIEW' ELSE 'TABLE' END
		FROM information_schema.tables WHERE table_schema = 'main'`)
}

// writeParams writes the one-row params table the models read their parameters from.
func writeParams(ctx context.Context, db querier, table string, cfg config.Config, asOf time.Time) error {
	k, a := cfg.KPI, cfg.Anomalies
	def := config.Default().KPI
	if k.DeliveryBasis == "" {
		k.DeliveryBasis = def.DeliveryBasis
	}
	if k.DemandWindowDays <= 0 {
		k.DemandWindowDays = def.DemandWindowDays
	}
	cur := cfg.ReportingCurrency
	if cur == "" {
		cur = config.Default().ReportingCurrency
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE `+quoteIdent(table)+` (
		as_of                DATE NOT NULL,     -- only what is due before it counts
		late_tolerance_days  INTEGER NOT NULL,  -- deadline = due_date + late_tolerance_days
		early_tolerance_days INTEGER NOT NULL,
		qty_tolerance        DECIMAL(9,6) NOT NULL, -- required_qty = ordered_qty x (1 - qty_tolerance)
		delivery_basis       VARCHAR NOT NULL,  -- incoterm, ship or delivery
		coverage_target_days INTEGER NOT NULL,
		overstock_days       INTEGER NOT NULL,
		demand_window_days   INTEGER NOT NULL,
		invoice_delay_days   INTEGER NOT NULL,
		due_soon_days        INTEGER NOT NULL,
		document_lead_days   INTEGER NOT NULL,
		lc_presentation_days INTEGER NOT NULL,
		price_tolerance      DOUBLE NOT NULL,
		reporting_currency   VARCHAR NOT NULL,  -- every money figure is converted to it (fx_day)
		fx_rate_max_age_days INTEGER NOT NULL,  -- a rate serves the days up to this many after its date
		built_at             TIMESTAMP NOT NULL)`); err != nil {
		return fmt.Errorf("cannot create the params table: %w", err)
	}
	_, err := db.ExecContext(ctx, `INSERT INTO `+quoteIdent(table)+` VALUES (CAST(? AS DATE), ?, ?, CAST(? AS DECIMAL(9,6)), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)`,
		asOf.Format(time.DateOnly), k.LateToleranceDays, k.EarlyToleranceDays,
		strconv.FormatFloat(k.QtyTolerance, 'f', -1, 64), k.DeliveryBasis,
		k.CoverageTargetDays, k.OverstockDays, k.DemandWindowDays,
		a.InvoiceDelayDays, a.DueSoonDays, a.DocumentLeadDays, a.LCPresentationDays, a.PriceTolerance,
		cur, cfg.FXRateMaxAgeDays)
	if err != nil {
		return fmt.Errorf("cannot write the params table: %w", err)
	}
	return nil
}

// writeSiteMap writes the config's site aliases (sites:) as the site_map table the
// staging models read, keyed as they look it up: upper case, accents and spaces folded.
func writeSiteMap(ctx context.Context, db querier, table string, sites map[string]string) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE `+quoteIdent(table)+` (alias VARCHAR NOT NULL, site VARCHAR NOT NULL)`); err != nil {
		return fmt.Errorf("cannot create the site map: %w", err)
	}
	for alias, site := range sites {
		if _, err := db.ExecContext(ctx, `INSERT INTO `+quoteIdent(table)+` VALUES (upper(strip_accents(trim(?))), trim(?))`, alias, site); err != nil {
			return fmt.Errorf("cannot write the site map (%s: %s): %w", alias, site, err)
		}
	}
	return nil
}

// loadRule copies the trade-rule file of package rules behind a ref_<name> table
// (data/<name>.csv) into table, as text columns, so that SQL applies the same rules as Go.
func loadRule(ctx context.Context, db querier, ref, table string) error {
	f := "data/" + strings.TrimPrefix(ref, "ref_") + ".csv"
	body, err := fs.ReadFile(rules.FS, f)
	if err != nil {
		return err
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(recs) == 0 {
		return fmt.Errorf("cannot read rules file %s: %v", f, err)
	}
	cols := make([]string, len(recs[0]))
	for i, c := range recs[0] {
		cols[i] = quoteIdent(strings.TrimSpace(c)) + " VARCHAR"
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE TABLE %s (%s)", quoteIdent(table), strings.Join(cols, ", "))); err != nil {
		return fmt.Errorf("cannot create %s: %w", table, err)
	}
	rowMarks := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	const batch = 100
	for lo := 1; lo < len(recs); lo += batch {
		hi := min(lo+batch, len(recs))
		var marks []string
		var args []any
		for _, rec := range recs[lo:hi] {
			marks = append(marks, rowMarks)
			for _, v := range rec {
				args = append(args, v)
			}
		}
		if _, err := db.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s VALUES %s", quoteIdent(table), strings.Join(marks, ", ")), args...); err != nil {
			return fmt.Errorf("cannot load %s into %s: %w", f, table, err)
		}
	}
	return nil
}
