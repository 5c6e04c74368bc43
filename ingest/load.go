package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/orderflow/orderflow/store"
)

// Load ingests every file of paths (folders are walked; entries whose name starts with
// '_' or '.' are skipped) and returns one result per file. A file that fails leaves the
// database as it was and does not stop the others; the error is in its result.
func Load(ctx context.Context, st *store.Store, opts Options, paths ...string) ([]FileResult, error) {
	files, err := expandPaths(paths)
	if err != nil {
		return nil, err
	}
	profiles, err := candidateProfiles(opts)
	if err != nil {
		return nil, err
	}
	sch, err := readSchema(ctx, st.DB)
	if err != nil {
		return nil, err
	}
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	opts.Limits = opts.Limits.withDefaults()
	l := &loader{conn: conn, schema: sch, profiles: profiles, opts: opts, forced: opts.Profile != ""}
	var results []FileResult
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		if opts.Progress != nil && len(files) > 1 {
			fmt.Fprintf(opts.Progress, "[%d/%d] %s\n", i+1, len(files), f)
		}
		start := time.Now()
		res := l.loadFile(ctx, f)
		res.Duration = time.Since(start)
		if res.Err != nil {
			l.logFailure(ctx, &res)
		}
		results = append(results, res)
		if opts.OnResult != nil {
			opts.OnResult(res)
		}
	}
	return results, nil
}

// expandPaths turns files and folders into a sorted list of files.
func expandPaths(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("cannot load %s: %w", p, err)
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if path != p && (strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".")) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() && !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml") && !strings.HasSuffix(name, ".md") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("cannot list %s: %w", p, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("folder %s holds no extract file to load", p)
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// candidateProfiles are the profiles a file may be recognised by: the forced one, or
// the user's then the built-in ones.
func candidateProfiles(opts Options) ([]*Profile, error) {
	builtin, err := BuiltinProfiles()
	if err != nil {
		return nil, err
	}
	var user []*Profile
	for _, p := range opts.ProfilePaths {
		ps, err := profilesAt(p)
		if err != nil {
			return nil, err
		}
		user = append(user, ps...)
	}
	if opts.Profile == "" {
		return append(user, builtin...), nil
	}
	for _, p := range append(user, builtin...) {
		if p.Name == opts.Profile {
			return []*Profile{p}, nil
		}
	}
	if strings.HasSuffix(opts.Profile, ".yaml") || strings.HasSuffix(opts.Profile, ".yml") || strings.ContainsRune(opts.Profile, os.PathSeparator) {
		p, err := LoadProfileFile(opts.Profile)
		if err != nil {
			return nil, err
		}
		return []*Profile{p}, nil
	}
	var names []string
	for _, p := range append(user, builtin...) {
		names = append(names, p.Name)
	}
	return nil, fmt.Errorf("unknown profile %q: use one of %s, or the path of a YAML profile", opts.Profile, strings.Join(names, ", "))
}

func profilesAt(path string) ([]*Profile, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read profiles at %s: %w", path, err)
	}
	if !info.IsDir() {
		p, err := LoadProfileFile(path)
		if err != nil {
			return nil, err
		}
		return []*Profile{p}, nil
	}
	var out []*Profile
	for _, pat := range []string{"*.yaml", "*.yml"} {
		names, _ := filepath.Glob(filepath.Join(path, pat))
		sort.Strings(names)
		for _, n := range names {
			p, err := LoadProfileFile(n)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// testHookAfterStore lets tests fail a load half-way through its transaction.
var testHookAfterStore func(entity string) error

type loader struct {
	conn     *sql.Conn
	schema   schema
	profiles []*Profile
	opts     Options
	forced   bool
}

// recognised is the profile file kind a file was matched to.
type recognised struct {
	profile *Profile
	spec    *FileSpec
	cand    headerCandidate
	sheet   string
	score   int
}

// trace prints the time spent in each phase when ORDERFLOW_TRACE is set.
func (l *loader) trace(phase string, since time.Time) {
	if os.Getenv("ORDERFLOW_TRACE") != "" {
		fmt.Fprintf(os.Stderr, "trace: %-28s %v\n", phase, time.Since(since).Round(time.Millisecond))
	}
}

// ticker prints the elapsed time of a long load every few seconds, until stopped.
func (l *loader) ticker(name string) (stop func()) {
	if l.opts.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	start := time.Now()
	go func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				l.progress("... %s: %.0f s", name, time.Since(start).Seconds())
			}
		}
	}()
	return func() { close(done) }
}

func (l *loader) progress(format string, args ...any) {
	if l.opts.Progress != nil {
		fmt.Fprintf(l.opts.Progress, "  "+format+"\n", args...)
	}
}

func (l *loader) loadFile(ctx context.Context, path string) (res FileResult) {
	res.Path = path
	t0 := time.Now()
	fi, err := scanFile(path)
	l.trace("checksum and line count", t0)
	if err != nil {
		res.Err = err
		return res
	}
	checksum, size := fi.checksum, fi.size
	var prev int64
	err = l.conn.QueryRowContext(ctx, `SELECT load_id FROM load_log WHERE checksum = ? AND outcome IN ('loaded', 'partial') ORDER BY load_id DESC LIMIT 1`, checksum).Scan(&prev)
	if err == nil {
		res.Skipped, res.LoadID = true, prev
		return res
	} else if !errors.Is(err, sql.ErrNoRows) {
		res.Err = err
		return res
	}
	// The ECB's reference-rate files are one publisher's fixed format, whatever the
	// ERP's profile: they load beside any extract.
	if codes, ok := ecbHeader(path); ok {
		if err := l.loadECB(ctx, path, codes, fi, &res); err != nil {
			res.Err = fmt.Errorf("cannot load %s (ECB reference rates): %w", path, err)
		}
		return res
	}
	if size > 64<<20 {
		l.progress("reading %s (%d MB)", filepath.Base(path), size>>20)
		defer l.ticker(filepath.Base(path))()
	}
	format, err := formatOf(path, "")
	if err != nil {
		res.Err = err
		return res
	}
	t0 = time.Now()
	src, rec, err := l.open(ctx, path, format)
	l.trace("open "+format, t0)
	if err != nil {
		res.Err = err
		return res
	}
	defer src.close()
	if src.format == "csv" {
		src.longLines, src.lineLimit = fi.longLinesFor(src.newLine), l.opts.Limits.MaxLineBytes
	}
	src.columns = rec.spec.withLabels(src.columns)
	res.Profile, res.FileSpec = rec.profile.Name, rec.spec.Kind
	if err := l.mapAndStore(ctx, src, rec, fi, &res); err != nil {
		res.Err = fmt.Errorf("cannot load %s (profile %s, %s): %w", path, rec.profile.Name, rec.spec.Kind, err)
	}
	return res
}

// open recognises the file and stages its records in the raw table.
func (l *loader) open(ctx context.Context, path, format string) (*source, *recognised, error) {
	base := filepath.Base(path)
	switch format {
	case "csv":
		var best *recognised
		var closest *nearMiss
		for _, p := range l.profiles {
			for i := range p.Files {
				spec := &p.Files[i]
				if f, _ := formatOf(path, spec.Format); f != "csv" {
					continue
				}
				sn, err := sniffText(path, spec.Encoding)
				if err != nil {
					return nil, nil, err
				}
				for _, hc := range sn.headerCandidates(spec.Delimiter, spec.Quote) {
					if spec.HeaderRow > 0 && hc.line != spec.HeaderRow-1 {
						continue
					}
					best, closest = consider(best, closest, p, spec, hc, "", base)
				}
			}
		}
		if best == nil {
			return nil, nil, l.unrecognised(path, closest)
		}
		sn, err := sniffText(path, best.spec.Encoding)
		if err != nil {
			return nil, nil, err
		}
		src, err := openCSV(ctx, l.conn, path, sn, best.cand, best.spec.FileOptions, filepath.Dir(l.tempDir()))
		return src, best, err
	case "xlsx":
		var best *recognised
		var closest *nearMiss
		for _, p := range l.profiles {
			for i := range p.Files {
				spec := &p.Files[i]
				if f, _ := formatOf(path, spec.Format); f != "xlsx" {
					continue
				}
				heads, _, err := xlsxHeaders(path, spec.Sheet, l.opts.Limits)
				if err != nil {
					return nil, nil, err
				}
				sheets := make([]string, 0, len(heads))
				for sh := range heads {
					sheets = append(sheets, sh)
				}
				sort.Strings(sheets)
				for _, sh := range sheets {
					for _, hc := range heads[sh] {
						if spec.HeaderRow > 0 && hc.line != spec.HeaderRow-1 {
							continue
						}
						best, closest = consider(best, closest, p, spec, hc, sh, base)
					}
				}
			}
		}
		if best == nil {
			return nil, nil, l.unrecognised(path, closest)
		}
		l.progress("reading sheet %q of %s", best.sheet, base)
		src, err := openXLSX(ctx, l.conn, path, best.sheet, best.cand, best.spec.FileOptions, l.opts.Limits)
		return src, best, err
	default:
		src, err := openTable(ctx, l.conn, path, format)
		if err != nil {
			return nil, nil, err
		}
		var best *recognised
		var closest *nearMiss
		for _, p := range l.profiles {
			for i := range p.Files {
				best, closest = consider(best, closest, p, &p.Files[i], headerCandidate{cells: src.header}, "", base)
			}
		}
		if best == nil {
			src.close()
			return nil, nil, l.unrecognised(path, closest)
		}
		return src, best, nil
	}
}

// nearMiss is the file kind that came closest to recognising a header, for the error.
type nearMiss struct {
	profile *Profile
	spec    *FileSpec
	missing []string
	header  []string
	present int
}

func consider(best *recognised, closest *nearMiss, p *Profile, spec *FileSpec, hc headerCandidate, sheet, base string) (*recognised, *nearMiss) {
	idx := spec.withLabels(newColumnIndex(hc.cells))
	if ok, score := spec.matches(idx, base); ok {
		if best == nil || score > best.score {
			return &recognised{profile: p, spec: spec, cand: hc, sheet: sheet, score: score}, closest
		}
		return best, closest
	}
	cols := spec.Match
	if len(cols) == 0 {
		cols = spec.requiredColumns()
	}
	var missing []string
	for _, c := range cols {
		if _, ok := idx[normHeader(c)]; !ok {
			missing = append(missing, c)
		}
	}
	present := len(cols) - len(missing)
	if closest == nil || present > closest.present || (present == closest.present && len(hc.cells) > len(closest.header)) {
		closest = &nearMiss{profile: p, spec: spec, missing: missing, header: hc.cells, present: present}
	}
	return best, closest
}

func (l *loader) unrecognised(path string, nm *nearMiss) error {
	var tried []string
	for _, p := range l.profiles {
		tried = append(tried, p.Name)
	}
	if nm == nil {
		if why := unreadableText(path); why != "" {
			return fmt.Errorf("cannot load %s: %s", path, why)
		}
		return fmt.Errorf("cannot load %s: none of the profiles tried (%s) reads this file type", path, strings.Join(tried, ", "))
	}
	head := nm.header
	if len(head) > 8 {
		head = append(append([]string{}, head[:8]...), "…")
	}
	if l.forced {
		return fmt.Errorf("cannot load %s with profile %s: the header lacks column(s) %s needed for %s (header found: %s)",
			path, nm.profile.Name, strings.Join(nm.missing, ", "), nm.spec.Kind, strings.Join(head, ", "))
	}
	return fmt.Errorf("cannot load %s: no profile recognises its header (%s); profiles tried: %s; closest: %s %s, which lacks %s. Name the profile with --profile, or write one (see README, \"Map your own extract\")",
		path, strings.Join(head, ", "), strings.Join(tried, ", "), nm.profile.Name, nm.spec.Kind, strings.Join(nm.missing, ", "))
}

// unreadableText says why a text file offered no header at all: it is empty, or its
// first line holds none of the delimiters the reader looks for.
func unreadableText(path string) string {
	if f, _ := formatOf(path, ""); f != "csv" {
		return ""
	}
	sn, err := sniffText(path, "")
	if err != nil {
		return ""
	}
	first := ""
	for _, line := range sn.lines {
		if strings.TrimSpace(line) != "" {
			first = line
			break
		}
	}
	if first == "" {
		return "the file is empty (no header, no rows): export it again, or remove it from the folder"
	}
	if strings.ContainsAny(first, ",;\t|") {
		return ""
	}
	counts := map[rune]int{}
	best, bestN := rune(0), 0
	for _, r := range first {
		if r < 128 && !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ' ' && r != '_' && r != '"' && r != '\'' && r != '-' && r != '/' && r != '.' {
			counts[r]++
			if counts[r] > bestN {
				best, bestN = r, counts[r]
			}
		}
	}
	if bestN > 0 {
		return fmt.Sprintf("its header line has none of the delimiters orderflow reads (comma, semicolon, tab, |) but %d times %q: set `delimiter: %q` in a profile for this file (see README, \"Map your own extract\")", bestN, best, string(best))
	}
	return "its first line has no delimiter (comma, semicolon, tab, |): it is not a delimited extract, or it holds one column only"
}

func (l *loader) tempDir() string {
	return filepath.Join(os.TempDir(), "x")
}

// mapAndStore maps the raw table onto the spec's entities and writes them, the
// rejects and the load log in one transaction.
func (l *loader) mapAndStore(ctx context.Context, src *source, rec *recognised, fi fileInfo, res *FileResult) error {
	checksum := fi.checksum
	for _, em := range rec.spec.Entities {
		if missing := missingColumns(em, l.schema, src); len(missing) > 0 {
			return fmt.Errorf("the header lacks column(s) %s needed for %s; found: %s", strings.Join(missing, ", "), em.Entity, strings.Join(src.header, ", "))
		}
	}
	if err := duplicateColumn(rec.spec, l.schema, src); err != nil {
		return err
	}
	pc := &planContext{src: src, schema: l.schema, opts: rec.spec.FileOptions, fileDate: fileDate(src.path), lookups: map[string]map[string]string{},
		sanityReject: l.opts.Sanity == "reject"}
	if fastPathFits(src, rec.spec) {
		return l.fastCSV(ctx, pc, rec, fi, res)
	}
	if src.format == "csv" {
		t0 := time.Now()
		if err := src.materializeCSV(ctx, l.conn); err != nil {
			return err
		}
		l.trace("read csv", t0)
	}
	if err := fillDown(ctx, l.conn, src, rec.spec.FillDown); err != nil {
		return err
	}
	if pc.opts.Decimal == "auto" {
		d, t, err := detectNotation(ctx, l.conn, numberColumns(rec.spec, l.schema, src), ",")
		if err != nil {
			return err
		}
		pc.opts.Decimal = d
		if pc.opts.Thousands == "" || pc.opts.Thousands == "auto" {
			pc.opts.Thousands = t
		}
	}
	if err := l.prepareLookups(ctx, pc, rec.spec); err != nil {
		return err
	}
	if err := l.conn.QueryRowContext(ctx, "SELECT count(*) FROM raw").Scan(&res.RowsRead); err != nil {
		return err
	}
	res.RowsRead += src.structuralRows()
	var plans []*entityPlan
	for i, em := range rec.spec.Entities {
		p, err := pc.plan(em)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("typed_%d", i)
		t0 := time.Now()
		if err := p.typedTable(ctx, l.conn, src, name); err != nil {
			return err
		}
		l.trace("map "+em.Entity, t0)
		defer dropTemp(context.Background(), l.conn, name)
		plans = append(plans, p)
		res.Entities = append(res.Entities, em.Entity)
	}
	// Rejects are staged before the transaction: the file rows of CSV records may need
	// a pass over the file (blank lines, unreadable lines) that must not hold it open.
	var rejTables []string
	for i, p := range plans {
		name := fmt.Sprintf("rejected_%d", i)
		t0 := time.Now()
		if err := l.stageRejects(ctx, src, p, fmt.Sprintf("typed_%d", i), name); err != nil {
			return err
		}
		l.trace("rejects "+p.entity, t0)
		defer dropTemp(context.Background(), l.conn, name)
		rejTables = append(rejTables, name)
	}
	if err := l.conn.QueryRowContext(ctx, "SELECT nextval('load_id_seq')").Scan(&res.LoadID); err != nil {
		return err
	}
	started := time.Now().UTC()
	tx, err := l.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for i, p := range plans {
		t0 := time.Now()
		if err := l.storeEntity(ctx, tx, p, fmt.Sprintf("typed_%d", i), res.LoadID); err != nil {
			return err
		}
		l.trace("store "+p.entity, t0)
		if testHookAfterStore != nil {
			if err := testHookAfterStore(p.entity); err != nil {
				return err
			}
		}
	}
	entities := make([]string, len(plans))
	for i, p := range plans {
		entities[i] = p.entity
	}
	return l.finish(ctx, tx, src, rec, checksum, started, rejTables, entities, -1, res)
}

// fillDown gives the continuation rows of a record (those whose first column of cols is
// empty) the values of cols from the record's first row, in file order.
func fillDown(ctx context.Context, conn *sql.Conn, src *source, cols []string) error {
	if len(cols) == 0 {
		return nil
	}
	key := src.col(cols[0])
	if key == "" {
		return fmt.Errorf("fill_down names %s, which the header lacks", cols[0])
	}
	var sets, firsts []string
	for _, c := range cols {
		rc := src.col(c)
		if rc == "" {
			continue // an optional column the file does not have
		}
		sets = append(sets, fmt.Sprintf("%s = f.%s", rc, rc))
		firsts = append(firsts, fmt.Sprintf("first_value(%s) OVER (PARTITION BY grp ORDER BY rid) AS %s", rc, rc))
	}
	q := fmt.Sprintf(`UPDATE raw SET %s FROM (
		SELECT rid, %s FROM (SELECT rowid AS rid, *, count(%s) OVER (ORDER BY rowid) AS grp FROM raw)
	) f WHERE raw.rowid = f.rid AND raw.%s IS NULL`, strings.Join(sets, ", "), strings.Join(firsts, ", "), key, key)
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("cannot fill down %s: %w", strings.Join(cols, ", "), err)
	}
	return nil
}

// numberColumns are the raw columns (cN) the spec reads into number fields.
func numberColumns(spec *FileSpec, sch schema, src *source) []string {
	seen := map[string]bool{}
	var out []string
	for _, em := range spec.Entities {
		for name, fs := range resolveFields(em, sch) {
			c, ok := sch.column(em.Entity, name)
			if !ok || !isNumeric(c.Type) {
				continue
			}
			for _, sp := range append([]FieldSpec{fs}, fs.Coalesce...) {
				for _, col := range append([]string{sp.Column}, sp.Sum...) {
					if rc := src.col(col); col != "" && rc != "" && !seen[rc] {
						seen[rc] = true
						out = append(out, rc)
					}
				}
			}
		}
	}
	return out
}

// finish writes the staged rejects and the load log row, and commits.
// inserted is the number of rows the load inserted when it counts them (-1 if not).
func (l *loader) finish(ctx context.Context, tx *sql.Tx, src *source, rec *recognised, checksum string, started time.Time, rejTables, entities []string, inserted int64, res *FileResult) error {
	var union []string
	for _, e := range src.structural {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rejects VALUES (?, ?, ?, NULL, ?, ?, ?)`, res.LoadID, src.path, e.row, e.column, e.value, e.reason); err != nil {
			return err
		}
		union = append(union, fmt.Sprintf("SELECT %d AS row_no", e.row))
	}
	for i, name := range rejTables {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO rejects SELECT %d, %s, row_no, %s, column_name, raw_value, reason FROM %s`,
			res.LoadID, sqlString(src.path), sqlString(entities[i]), ident(name))); err != nil {
			return err
		}
		union = append(union, "SELECT row_no FROM "+ident(name))
	}
	if len(union) > 0 {
		if err := tx.QueryRowContext(ctx, "SELECT count(DISTINCT row_no) FROM ("+strings.Join(union, " UNION ALL ")+")").Scan(&res.RowsRejected); err != nil {
			return err
		}
	}
	if l.opts.Sanity != "reject" {
		n, err := recordWarnings(ctx, tx, l.schema, res.LoadID, src.path, entities)
		if err != nil {
			return err
		}
		res.RowsWarned = n
	}
	// Row accounting: every row read is loaded or rejected, once. The fast path counts
	// what it inserted; a load that cannot account for a row is undone whole.
	if inserted < 0 {
		res.RowsLoaded = res.RowsRead - res.RowsRejected
	} else if res.RowsLoaded = inserted; res.RowsLoaded+res.RowsRejected != res.RowsRead {
		return fmt.Errorf("cannot account for every row: %d read, %d loaded, %d rejected; nothing was loaded (please report this file)",
			res.RowsRead, res.RowsLoaded, res.RowsRejected)
	}
	outcome := "loaded"
	if res.RowsRejected > 0 {
		outcome = "partial"
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
		res.LoadID, src.path, checksum, rec.profile.Name, rec.spec.Kind, strings.Join(res.Entities, ","),
		res.RowsRead, res.RowsLoaded, res.RowsRejected, started, time.Now().UTC(), outcome); err != nil {
		return err
	}
	return tx.Commit()
}

// storeEntity replaces the rows whose business key the file carries, then inserts.
func (l *loader) storeEntity(ctx context.Context, tx *sql.Tx, p *entityPlan, typed string, loadID int64) error {
	var on []string
	for _, k := range p.keys {
		on = append(on, fmt.Sprintf("%s.%s = n.%s", ident(p.entity), ident(k), ident(k)))
	}
	del := fmt.Sprintf("DELETE FROM %s USING (SELECT DISTINCT %s FROM %s WHERE _ok) n WHERE %s",
		ident(p.entity), keyList(p.keys), ident(typed), strings.Join(on, " AND "))
	if _, err := tx.ExecContext(ctx, del); err != nil {
		return fmt.Errorf("cannot replace %s rows: %w", p.entity, err)
	}
	var cols []string
	for _, f := range p.fields {
		cols = append(cols, ident(f.name))
	}
	ins := fmt.Sprintf("INSERT INTO %s (%s, _load_id, _row) SELECT %s, %d, _row FROM %s WHERE _ok",
		ident(p.entity), strings.Join(cols, ", "), strings.Join(cols, ", "), loadID, ident(typed))
	if _, err := tx.ExecContext(ctx, ins); err != nil {
		return fmt.Errorf("cannot insert %s rows: %w", p.entity, err)
	}
	return nil
}

// stageRejects lists every bad value of the rows that failed into a temp table
// (row_no, rid, column_name, raw_value, reason), with CSV rows mapped to file lines.
func (l *loader) stageRejects(ctx context.Context, src *source, p *entityPlan, typed, name string) error {
	q := p.rejectsQuery(typed)
	if q == "" {
		q = "SELECT 0::BIGINT, 0::BIGINT, ''::VARCHAR, ''::VARCHAR, ''::VARCHAR WHERE false"
	}
	if _, err := l.conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+ident(name)+" (row_no BIGINT, rid BIGINT, column_name VARCHAR, raw_value VARCHAR, reason VARCHAR)"); err != nil {
		return err
	}
	if _, err := l.conn.ExecContext(ctx, "INSERT INTO "+ident(name)+" "+q); err != nil {
		return fmt.Errorf("cannot list rejects of %s: %w", p.entity, err)
	}
	return l.fixRejectLines(ctx, src, name)
}

// fixRejectLines maps the staged rejects' record indexes to file lines where the
// reader skipped lines (blank lines, unreadable rows) that the record count ignores.
func (l *loader) fixRejectLines(ctx context.Context, src *source, name string) error {
	if src.lineOf == nil {
		return nil
	}
	rows, err := l.conn.QueryContext(ctx, "SELECT DISTINCT rid FROM "+ident(name))
	if err != nil {
		return err
	}
	var rids []int64
	for rows.Next() {
		var r int64
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return err
		}
		rids = append(rids, r)
	}
	rows.Close()
	if len(rids) == 0 {
		return nil
	}
	lines, err := src.lineOf(rids)
	if err != nil {
		return err
	}
	var values []string
	for rid, line := range lines {
		if line != 0 {
			values = append(values, fmt.Sprintf("(%d, %d)", rid, line))
		}
	}
	if len(values) == 0 {
		return nil
	}
	_, err = l.conn.ExecContext(ctx, "UPDATE "+ident(name)+" SET row_no = m.line FROM (VALUES "+strings.Join(values, ", ")+") m(rid, line) WHERE "+ident(name)+".rid = m.rid")
	return err
}

// logFailure records a failed file in the load log; its data was rolled back.
func (l *loader) logFailure(ctx context.Context, res *FileResult) {
	fi, _ := scanFile(res.Path)
	checksum := fi.checksum
	now := time.Now().UTC()
	_, _ = l.conn.ExecContext(context.Background(), `INSERT INTO load_log VALUES (nextval('load_id_seq'), ?, ?, ?, ?, NULL, 0, 0, 0, ?, ?, 'failed', ?)`,
		res.Path, checksum, res.Profile, res.FileSpec, now.Add(-res.Duration), now, res.Err.Error())
}

// fileInfo is what one pass over a file's bytes tells: its checksum, size and line ends.
type fileInfo struct {
	checksum          string // sha256, hex
	size              int64
	lf, cr            int64 // count of '\n' and '\r' bytes
	endsWithLineBreak bool
	longLF, longCR    []longLine // lines of a megabyte or more, between '\n' or '\r'
}

// longLines adds the line of a megabyte or more that ends in chunk (read at offset
// pos, after count line ends; nil at the end of the file) to found. Chunks are at most
// a megabyte, so such a line always spans a chunk boundary: two byte searches per chunk
// find them all.
func longLines(found []longLine, chunk []byte, end byte, pos, count int64, last *int64) []longLine {
	i := bytes.IndexByte(chunk, end)
	if chunk != nil && i < 0 {
		return found
	}
	if chunk == nil {
		i = 0 // the end of the file ends the last line
	}
	if gap := pos + int64(i) - *last - 1; gap >= 1<<20 {
		found = append(found, longLine{line: count + 1, offset: *last + 1, size: gap})
	}
	if chunk != nil {
		*last = pos + int64(bytes.LastIndexByte(chunk, end))
	}
	return found
}

// longLinesFor is the long lines under the file's line end.
func (fi fileInfo) longLinesFor(newLine string) []longLine {
	if newLine == "\r" {
		return fi.longCR
	}
	return fi.longLF
}

// lines is the number of lines of the file for the given line end.
func (fi fileInfo) lines(newLine string) int64 {
	n := fi.lf
	if newLine == "\r" {
		n = fi.cr
	}
	if fi.size > 0 && !fi.endsWithLineBreak {
		n++
	}
	return n
}

func scanFile(path string) (fileInfo, error) {
	var fi fileInfo
	f, err := os.Open(path)
	if err != nil {
		return fi, fmt.Errorf("cannot read %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	buf := make([]byte, 1<<20)
	var last byte
	lastLF, lastCR := int64(-1), int64(-1) // offsets of the last '\n' and '\r' seen
	for {
		n, err := f.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			h.Write(chunk)
			// A line of a megabyte or more spans a chunk boundary (chunks are a
			// megabyte): two byte searches per chunk find them all.
			fi.longLF = longLines(fi.longLF, chunk, '\n', fi.size, fi.lf, &lastLF)
			fi.longCR = longLines(fi.longCR, chunk, '\r', fi.size, fi.cr, &lastCR)
			fi.lf += int64(bytes.Count(chunk, []byte{'\n'}))
			fi.cr += int64(bytes.Count(chunk, []byte{'\r'}))
			fi.size += int64(n)
			last = chunk[n-1]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fi, fmt.Errorf("cannot read %s: %w", path, err)
		}
	}
	fi.endsWithLineBreak = last == '\n' || last == '\r'
	fi.longLF = longLines(fi.longLF, nil, '\n', fi.size, fi.lf, &lastLF)
	fi.longCR = longLines(fi.longCR, nil, '\r', fi.size, fi.cr, &lastCR)
	fi.checksum = hex.EncodeToString(h.Sum(nil))
	return fi, nil
}

var fileDateRE = regexp.MustCompile(`(20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])`)

// fileDate is the date a file's name carries (stock_20261123.txt), else its
// modification date: the snapshot date of stock lists that hold none.
func fileDate(path string) time.Time {
	if m := fileDateRE.FindStringSubmatch(filepath.Base(path)); m != nil {
		if t, err := time.Parse("20060102", m[1]+m[2]+m[3]); err == nil {
			return t
		}
	}
	if info, err := os.Stat(path); err == nil {
		t := info.ModTime()
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return time.Time{}
}
