package ingest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
)

// fastPathFits tells whether a file can be mapped straight from the CSV reader into
// its canonical table in one pass: one entity, no deduplication, filter or lookup.
// That is the shape of canonical extracts, the large ones.
func fastPathFits(src *source, spec *FileSpec) bool {
	if src.format != "csv" || len(spec.Entities) != 1 || src.framed || src.wide || spec.Decimal == "auto" || len(spec.FillDown) > 0 {
		return false
	}
	em := spec.Entities[0]
	if em.Distinct || em.When != "" {
		return false
	}
	for _, f := range em.Fields {
		if f.Lookup != "" {
			return false
		}
	}
	return true
}

// fastCSV loads a one-entity CSV in a single pass: read_csv feeds the typed INSERT
// directly (no staging copy) and the file is read a second time only when the line
// count says some rows did not load. The loaded rows keep the file's order as their
// order in the table and leave _row NULL: numbering them afterwards (an UPDATE of every
// row) cost a third of the load. Rejected rows carry their exact file row.
func (l *loader) fastCSV(ctx context.Context, pc *planContext, rec *recognised, fi fileInfo, res *FileResult) error {
	src := pc.src
	em := rec.spec.Entities[0]
	typeInReader(src, em, pc.schema, pc.opts)
	p, err := pc.plan(em)
	if err != nil {
		return err
	}
	res.Entities = []string{em.Entity}
	if err := l.conn.QueryRowContext(ctx, "SELECT nextval('load_id_seq')").Scan(&res.LoadID); err != nil {
		return err
	}
	started := time.Now().UTC()
	tx, err := l.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	table := ident(p.entity)
	var before int64
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&before); err != nil {
		return err
	}

	var cols, exprs, bad []string
	for _, f := range p.fields {
		cols = append(cols, ident(f.name))
		exprs = append(exprs, f.expr)
		for _, c := range f.checks {
			bad = append(bad, c.cond)
		}
	}
	ok := "true"
	if len(bad) > 0 {
		ok = "NOT (" + strings.Join(bad, " OR ") + ")"
	}
	t0 := time.Now()
	insert := fmt.Sprintf("INSERT INTO %s (%s, _load_id, _row) SELECT %s, %d, NULL FROM %s WHERE %s",
		table, strings.Join(cols, ", "), strings.Join(exprs, ", "), res.LoadID, src.csvRead("fast_rejects"), ok)
	if os.Getenv("ORDERFLOW_TRACE") == "sql" {
		fmt.Fprintln(os.Stderr, insert)
	}
	r, err := tx.ExecContext(ctx, insert)
	if err != nil {
		return fmt.Errorf("cannot read and map %s: %w", p.entity, err)
	}
	inserted, _ := r.RowsAffected()
	l.trace("read+map+insert "+p.entity, t0)
	if err := src.readStructural(ctx, tx, "fast_rejects"); err != nil {
		return err
	}

	// More lines than loaded and unreadable rows: find the rows that failed.
	var failed int64
	rejTables := []string{}
	if expected := fi.lines(src.newLine) - int64(src.skip); inserted+src.structuralRows() < expected {
		t0 := time.Now()
		if failed, err = l.fastRejects(ctx, src, p, "rejected_fast"); err != nil {
			return err
		}
		rejTables = append(rejTables, "rejected_fast")
		l.trace("second pass for rejects", t0)
	}
	res.RowsRead = inserted + failed + src.structuralRows()

	if before > 0 {
		t0 = time.Now()
		if err := supersede(ctx, tx, p, res.LoadID); err != nil {
			return err
		}
		l.trace("supersede older rows", t0)
	}
	if testHookAfterStore != nil {
		if err := testHookAfterStore(p.entity); err != nil {
			return err
		}
	}
	t0 = time.Now()
	defer l.trace("log and commit", t0)
	return l.finish(ctx, tx, src, rec, fi.checksum, started, rejTables, []string{p.entity}, inserted, res)
}

// typeInReader lets DuckDB's CSV reader parse the typed columns itself when the
// mapping is plain (columns named, no placeholders, maps or SAP number forms): the
// file is then read at the speed of a bare read_csv, and a value it cannot parse is
// rejected by the reader with its line, column and value.
func typeInReader(src *source, em EntityMap, sch schema, opts FileOptions) {
	if len(opts.NullValues) > 0 || len(opts.NullPatterns) > 0 || opts.TrailingMinus || opts.Thousands != "" ||
		(opts.Decimal != "" && opts.Decimal != "." && opts.Decimal != ",") || len(opts.DateFormats) > 1 {
		return
	}
	types := map[int]string{}
	used := map[int]int{}
	for name, spec := range resolveFields(em, sch) {
		c, ok := sch.column(em.Entity, name)
		if !ok {
			return
		}
		if spec.Column == "" {
			if spec.Value != nil || spec.FileDate {
				continue
			}
			return // sum, coalesce
		}
		idx, present := src.columns[normHeader(spec.Column)]
		if !present {
			continue
		}
		if spec.Map != nil || spec.Else != nil || spec.Lookup != "" || spec.TrimLeadingZeros || len(spec.Formats) > 0 || spec.Extract != "" || spec.NegateIf != nil || spec.Resolve != nil {
			return
		}
		used[idx]++
		if c.Type != "VARCHAR" {
			types[idx] = c.Type
		}
	}
	for idx := range types {
		if used[idx] > 1 {
			return // one column read as two fields
		}
	}
	src.colTypes = types
	src.decimal = opts.Decimal
	src.dateFormats = opts.DateFormats
	if len(opts.DateFormats) == 1 && opts.DateFormats[0] != "%Y-%m-%d" {
		src.dateFormat = opts.DateFormats[0]
	}
}

// fastRejects reads the file again to stage the values of the rows that failed, with
// their record index (rid), and returns how many rows failed.
func (l *loader) fastRejects(ctx context.Context, src *source, p *entityPlan, name string) (int64, error) {
	var items, bad, empty []string
	for _, f := range p.fields {
		for _, c := range f.checks {
			bad = append(bad, c.cond)
			items = append(items, fmt.Sprintf("CASE WHEN %s THEN {'col': %s, 'val': CAST(%s AS VARCHAR), 'reason': %s} END",
				c.cond, sqlString(c.column), c.value, sqlString(c.reason)))
		}
	}
	for i := range src.header {
		empty = append(empty, fmt.Sprintf("nullif(trim(CAST(c%d AS VARCHAR)), '') IS NULL", i))
	}
	if _, err := l.conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+ident(name)+" (row_no BIGINT, rid BIGINT, column_name VARCHAR, raw_value VARCHAR, reason VARCHAR)"); err != nil {
		return 0, err
	}
	if len(bad) == 0 {
		return 0, nil
	}
	q := fmt.Sprintf(`INSERT INTO %s SELECT rid + %d, rid, struct_extract(e, 'col'), struct_extract(e, 'val'), struct_extract(e, 'reason') FROM (
		SELECT rid, unnest(list_filter([%s], x -> x IS NOT NULL)) AS e
		FROM (SELECT *, row_number() OVER () - 1 AS rid FROM %s)
		WHERE (%s) AND NOT (%s))`,
		ident(name), src.skip+1, strings.Join(items, ", "), src.csvRead("pass2_rejects"), strings.Join(bad, " OR "), strings.Join(empty, " AND "))
	if _, err := l.conn.ExecContext(ctx, q); err != nil {
		return 0, fmt.Errorf("cannot list rejects of %s: %w", p.entity, err)
	}
	var failed int64
	if err := l.conn.QueryRowContext(ctx, "SELECT count(DISTINCT rid) FROM "+ident(name)).Scan(&failed); err != nil {
		return 0, err
	}
	return failed, l.fixRejectLines(ctx, src, name)
}

// supersede deletes the rows of earlier loads whose business key this load carries.
func supersede(ctx context.Context, tx execQueryer, p *entityPlan, loadID int64) error {
	var on []string
	for _, k := range p.keys {
		on = append(on, fmt.Sprintf("%s.%s = n.%s", ident(p.entity), ident(k), ident(k)))
	}
	q := fmt.Sprintf("DELETE FROM %s USING (SELECT DISTINCT %s FROM %s WHERE _load_id = %d) n WHERE %s AND %s._load_id <> %d",
		ident(p.entity), keyList(p.keys), ident(p.entity), loadID, strings.Join(on, " AND "), ident(p.entity), loadID)
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("cannot replace older %s rows: %w", p.entity, err)
	}
	return nil
}
