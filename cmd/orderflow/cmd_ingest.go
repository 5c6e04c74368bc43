package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/orderflow/orderflow/ingest"
	"github.com/orderflow/orderflow/store"
)

func init() {
	var profile string
	var explain bool
	register(&command{
		name:    "ingest",
		summary: "load ERP extract files or folders into the database",
		usage:   "[--profile NAME|FILE] [--explain] PATH...",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&profile, "profile", "", "mapping profile: canonical, sap, odoo, scms or a YAML file (default: recognise each file by its header)")
			fs.BoolVar(&explain, "explain", false, "load nothing: show, column by column, which canonical field each header feeds and why")
		},
		run: func(e *env, args []string) error {
			if len(args) == 0 {
				return fmt.Errorf("give the extract files or folders to load, such as `orderflow ingest exports/`")
			}
			st, err := e.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			if explain {
				return explainFiles(e, st, ingest.Options{Profile: profile, ProfilePaths: e.cfg.Profiles, AsOf: e.asOf, Limits: ingest.Limits(e.cfg.Limits), Sanity: e.cfg.Sanity}, args)
			}
			failed := 0
			results, err := ingest.Load(e.ctx, st, ingest.Options{
				Profile: profile, ProfilePaths: e.cfg.Profiles, Progress: e.stderr, AsOf: e.asOf, Limits: ingest.Limits(e.cfg.Limits), Sanity: e.cfg.Sanity,
				OnResult: func(r ingest.FileResult) { failed += printLoadResult(e, st.DB, r) },
			}, args...)
			if err != nil {
				return err
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d file(s) could not be loaded (nothing of them was written): see the messages above", failed, len(results))
			}
			return nil
		},
	})
}

// explainFiles prints how each file would load, or why it would not.
func explainFiles(e *env, st *store.Store, opts ingest.Options, paths []string) error {
	refused := 0
	for _, p := range paths {
		text, err := ingest.Explain(e.ctx, st, opts, p)
		if err != nil {
			refused++
			fmt.Fprintf(e.stdout, "%s\n\n", err)
			continue
		}
		fmt.Fprintln(e.stdout, text)
	}
	if refused > 0 {
		return fmt.Errorf("%d of %d file(s) would be refused: see above; `orderflow profile draft FILE` writes a profile to start from", refused, len(paths))
	}
	return nil
}

// printLoadResult prints a file's line and its first rejects; 1 when it failed.
func printLoadResult(e *env, db queryer, r ingest.FileResult) int {
	failed := 0
	{
		switch {
		case r.Err != nil:
			failed++
			fmt.Fprintf(e.stderr, "FAILED  %s\n", r.Err)
		case r.Skipped:
			fmt.Fprintf(e.stdout, "skipped %s: already loaded with the same content (load %d)\n", r.Path, r.LoadID)
		default:
			fmt.Fprintf(e.stdout, "loaded  %s [%s %s -> %s]: %s rows read, %s loaded, %s rejected (%.1f s)\n",
				r.Path, r.Profile, r.FileSpec, strings.Join(r.Entities, ", "),
				groupDigits(r.RowsRead), groupDigits(r.RowsLoaded), groupDigits(r.RowsRejected), r.Duration.Seconds())
			if r.RowsRejected > 0 {
				printRejects(e, db, r)
			}
			if r.RowsWarned > 0 {
				printWarnings(e, db, r)
			}
			if r.EmptyCells > 0 {
				fmt.Fprintf(e.stdout, "        %s cell(s) without a rate (N/A) skipped: no rate that day, not a reject\n", groupDigits(r.EmptyCells))
			}
		}
	}
	return failed
}

const rejectsShown = 5

// printWarnings shows the first sanity warnings of a load: rows that loaded with a
// value unlikely for the business.
func printWarnings(e *env, db queryer, r ingest.FileResult) {
	fmt.Fprintf(e.stdout, "        %s row(s) loaded with an unlikely value: check them in the source (all in table load_warnings; `sanity: reject` in orderflow.yaml rejects them instead)\n", groupDigits(r.RowsWarned))
	rows, err := db.QueryContext(e.ctx, `SELECT coalesce(CAST(row_no AS VARCHAR), ''), entity, coalesce(record_key, ''), column_name, coalesce(value, ''), reason
		FROM load_warnings WHERE load_id = ? ORDER BY row_no NULLS LAST, record_key, column_name LIMIT ?`, r.LoadID, rejectsShown)
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var row, entity, key, col, val, reason string
		if rows.Scan(&row, &entity, &key, &col, &val, &reason) != nil {
			return
		}
		where := entity + " " + key
		if row != "" {
			where = "row " + row + " (" + where + ")"
		}
		fmt.Fprintf(e.stdout, "        warning %s, %s = %q: %s\n", where, col, val, reason)
	}
}

func printRejects(e *env, db queryer, r ingest.FileResult) {
	rows, err := db.QueryContext(e.ctx, `SELECT row_no, coalesce(column_name, ''), coalesce(raw_value, ''), reason
		FROM rejects WHERE load_id = ? ORDER BY row_no, column_name LIMIT ?`, r.LoadID, rejectsShown)
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var row int64
		var col, val, reason string
		if rows.Scan(&row, &col, &val, &reason) == nil {
			fmt.Fprintf(e.stdout, "        row %d, column %s, value %q: %s\n", row, col, val, reason)
		}
	}
	var n int64
	if db.QueryRowContext(e.ctx, `SELECT count(*) FROM rejects WHERE load_id = ?`, r.LoadID).Scan(&n) == nil && n > rejectsShown {
		fmt.Fprintf(e.stdout, "        ... %d bad values in all: orderflow sql \"SELECT * FROM rejects WHERE load_id = %d\"\n", n, r.LoadID)
	}
}

// groupDigits writes 1234567 as 1,234,567.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
