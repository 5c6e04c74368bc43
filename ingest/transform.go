package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
)

// entityPlan is the SQL that turns the raw text table into one canonical entity.
type entityPlan struct {
	entity   string
	distinct bool
	fields   []fieldPlan // in the canonical table's column order
	keys     []string
	when     string // raw filter: only rows where this cleaned column is not empty
}

// fieldPlan is one canonical column: its typed expression and the checks that turn a
// value that cannot be read into a reject.
type fieldPlan struct {
	name   string
	expr   string
	checks []check
}

// check is a condition over the raw row that means the value cannot be read.
type check struct {
	cond   string // true when the value is bad
	column string // the file's column name, for the reject
	value  string // SQL expression of the raw value
	reason string
}

// planContext is what planning needs besides the spec: the source, the canonical
// schema and the file's own date (for file_date fields).
type planContext struct {
	src      *source
	schema   schema
	opts     FileOptions
	fileDate time.Time
	lookups  map[string]map[string]string // lookup kind -> raw value -> canonical value
	// sanityReject: unlikely values (sanity rules) reject their row instead of a warning.
	sanityReject bool
}

// resolveFields returns the field specs of an entity map, same_names expanded.
func resolveFields(em EntityMap, sch schema) map[string]FieldSpec {
	out := map[string]FieldSpec{}
	if em.SameNames {
		keys := map[string]bool{}
		for _, k := range canonicalKeys[em.Entity] {
			keys[k] = true
		}
		for _, c := range sch[em.Entity] {
			out[c.Name] = FieldSpec{Column: c.Name, Optional: !keys[c.Name]}
		}
	}
	for k, v := range em.Fields {
		out[k] = v
	}
	return out
}

// missingColumns lists the columns an entity map needs that the file lacks.
func missingColumns(em EntityMap, sch schema, src *source) []string {
	keys := map[string]bool{}
	for _, k := range canonicalKeys[em.Entity] {
		keys[k] = true
	}
	var missing []string
	for name, spec := range resolveFields(em, sch) {
		need := !spec.Optional || keys[name]
		if spec.Column != "" && need && src.col(spec.Column) == "" {
			missing = append(missing, spec.Column)
		}
		if len(spec.Path) > 0 && src.col(spec.Path[0]) == "" {
			missing = append(missing, spec.Path[0])
		}
		for _, c := range spec.Sum {
			if !spec.Optional && src.col(c) == "" {
				missing = append(missing, c)
			}
		}
	}
	if em.When != "" && src.col(em.When) == "" {
		missing = append(missing, em.When)
	}
	sort.Strings(missing)
	return missing
}

// fieldColumns lists the columns a field spec reads, its alternatives' included.
func fieldColumns(spec FieldSpec) []string {
	out := append([]string{spec.Column}, spec.Path...)
	out = append(out, spec.Sum...)
	if spec.NegateIf != nil {
		out = append(out, spec.NegateIf.Column)
	}
	for _, alt := range spec.Coalesce {
		out = append(out, fieldColumns(alt)...)
	}
	return out
}

// duplicateColumn names a column the spec reads that the header holds twice, such as
// ordered_qty in columns 4 and 6: which of the two is meant cannot be told.
func duplicateColumn(spec *FileSpec, sch schema, src *source) error {
	for _, em := range spec.Entities {
		cols := []string{em.When}
		for _, f := range resolveFields(em, sch) {
			cols = append(cols, fieldColumns(f)...)
		}
		for _, c := range cols {
			i, ok := src.columns[normHeader(c)]
			if c == "" || !ok || i >= len(src.header) {
				continue
			}
			var at []string
			for j, h := range src.header {
				if normHeader(h) == normHeader(src.header[i]) {
					at = append(at, fmt.Sprint(j+1))
				}
			}
			if len(at) > 1 {
				return fmt.Errorf("the header names %q twice (columns %s): rename or remove one, then load again", src.heading(c), strings.Join(at, " and "))
			}
		}
	}
	return nil
}

func (pc *planContext) plan(em EntityMap) (*entityPlan, error) {
	p := &entityPlan{entity: em.Entity, distinct: em.Distinct, keys: canonicalKeys[em.Entity]}
	keys := map[string]bool{}
	for _, k := range p.keys {
		keys[k] = true
	}
	specs := resolveFields(em, pc.schema)
	for name := range specs {
		if _, ok := pc.schema.column(em.Entity, name); !ok {
			return nil, fmt.Errorf("the profile maps %s.%s, which the canonical model does not have", em.Entity, name)
		}
	}
	if em.When != "" {
		p.when = pc.clean(pc.src.col(em.When))
	}
	for _, c := range pc.schema[em.Entity] {
		spec, ok := specs[c.Name]
		fp := fieldPlan{name: c.Name, expr: "NULL"}
		if ok {
			var err error
			fp, err = pc.field(em.Entity, c, spec)
			if err != nil {
				return nil, err
			}
		}
		fp.expr = fmt.Sprintf("CAST(%s AS %s)", fp.expr, c.Type)
		if em.Entity == "documents" && c.Name == "doc_type" {
			// the key as the staging model reads it ("Commercial_Invoice" is the commercial
			// invoice): a later extract writing the type in another case replaces the row
			fp.expr = fmt.Sprintf("lower(%s)", fp.expr)
		}
		if c.Name == "shipment_id" && em.Entity == "documents" {
			fp.expr = fmt.Sprintf("coalesce(%s, '')", fp.expr) // an order-level document
		} else if keys[c.Name] || c.Required {
			col := c.Name
			if ok && spec.Column != "" {
				col = pc.src.heading(spec.Column)
			}
			value := "NULL"
			if ok && spec.Column != "" && pc.src.col(spec.Column) != "" {
				value = pc.src.col(spec.Column)
			}
			fp.checks = append(fp.checks, check{
				cond:   fp.expr + " IS NULL",
				column: col, value: value,
				reason: fmt.Sprintf("empty %s: every %s row needs it", c.Name, strings.TrimSuffix(em.Entity, "s")),
			})
		}
		if pc.sanityReject && ok && spec.Column != "" && pc.src.col(spec.Column) != "" {
			pc.sanityChecks(em.Entity, &fp, pc.src.heading(spec.Column), pc.src.col(spec.Column))
		}
		p.fields = append(p.fields, fp)
	}
	return p, nil
}

// clean is the raw text of a column with "empty" placeholders turned into NULL.
func (pc *planContext) clean(col string) string {
	if col == "" {
		return "NULL"
	}
	var conds []string
	if len(pc.opts.NullValues) > 0 {
		var vals []string
		for _, v := range pc.opts.NullValues {
			vals = append(vals, sqlString(strings.ToUpper(strings.TrimSpace(v))))
		}
		conds = append(conds, fmt.Sprintf("upper(trim(%s)) IN (%s)", col, strings.Join(vals, ", ")))
	}
	for _, pat := range pc.opts.NullPatterns {
		conds = append(conds, fmt.Sprintf("regexp_matches(%s, %s)", col, sqlString(pat)))
	}
	base := trimmed(col)
	if len(conds) == 0 {
		return base
	}
	return fmt.Sprintf("(CASE WHEN %s THEN NULL ELSE %s END)", strings.Join(conds, " OR "), base)
}

// trimmed is col without the spaces around it, NULL when nothing else is left. trim()
// is only called on a value that starts or ends with a space or a no-break space (the
// ones exports pad with): on ten million rows of keys, trimming every value cost a
// third of the mapping.
func trimmed(col string) string {
	return fmt.Sprintf("(CASE WHEN %[1]s = '' OR starts_with(%[1]s, ' ') OR ends_with(%[1]s, ' ') OR starts_with(%[1]s, chr(160)) OR ends_with(%[1]s, chr(160)) THEN nullif(trim(%[1]s), '') ELSE %[1]s END)", col)
}

func (pc *planContext) field(entity string, c column, spec FieldSpec) (fieldPlan, error) {
	fp := fieldPlan{name: c.Name}
	switch {
	case len(spec.Coalesce) > 0:
		var alts []string
		for _, sub := range spec.Coalesce {
			if sub.Column != "" && pc.src.col(sub.Column) == "" {
				continue // an optional alternative the file lacks
			}
			sp, err := pc.field(entity, c, sub)
			if err != nil {
				return fp, err
			}
			// an alternative's bad value matters only where the earlier ones gave none
			for _, ch := range sp.checks {
				if len(alts) > 0 {
					ch.cond = fmt.Sprintf("(coalesce(%s) IS NULL AND %s)", strings.Join(alts, ", "), ch.cond)
				}
				fp.checks = append(fp.checks, ch)
			}
			alts = append(alts, fmt.Sprintf("CAST(%s AS %s)", sp.expr, c.Type))
		}
		fp.expr = "NULL"
		if len(alts) > 0 {
			fp.expr = "coalesce(" + strings.Join(alts, ", ") + ")"
		}
		return fp, nil
	case spec.Value != nil:
		fp.expr = sqlString(*spec.Value)
		return fp, nil
	case spec.FileDate:
		if pc.fileDate.IsZero() {
			fp.expr = "NULL"
		} else {
			fp.expr = sqlString(pc.fileDate.Format("2006-01-02"))
		}
		return fp, nil
	case len(spec.Path) > 0:
		var parts []string
		for i, name := range spec.Path {
			col := pc.src.col(name)
			if col == "" {
				if i == 0 {
					return fp, fmt.Errorf("%s.%s: the file lacks column %s", entity, c.Name, name)
				}
				continue // an optional segment the file lacks
			}
			parts = append(parts, pc.clean(col))
		}
		fp.expr = "concat_ws('/', " + strings.Join(parts, ", ") + ")"
		fp.expr = "nullif(" + fp.expr + ", '')"
		return fp, nil
	case len(spec.Sum) > 0:
		var terms []string
		for _, name := range spec.Sum {
			col := pc.src.col(name)
			if col == "" {
				continue // an optional member the file lacks
			}
			v := pc.clean(col)
			num := pc.number(v, c.Type)
			terms = append(terms, fmt.Sprintf("coalesce(%s, 0)", num))
			fp.checks = append(fp.checks, check{cond: fmt.Sprintf("(%s IS NOT NULL AND %s IS NULL)", v, num), column: pc.src.heading(name), value: col, reason: pc.numberReason()})
		}
		if len(terms) == 0 {
			fp.expr = "NULL"
		} else {
			fp.expr = "(" + strings.Join(terms, " + ") + ")"
		}
		return fp, nil
	}
	col := pc.src.col(spec.Column)
	if col == "" {
		fp.expr = "NULL" // optional column absent from this file
		return fp, nil
	}
	if _, typed := pc.src.colTypes[pc.src.columns[normHeader(spec.Column)]]; typed && c.Type != "VARCHAR" {
		fp.expr = col // parsed by the reader itself, which rejects what it cannot read
		if c.Type == "DATE" && pc.src.dateFormat == "" {
			// except that its ISO reading takes "4/1/11" for 0004-01-11 and "12-01-06" for
			// 0012-01-06 (SCMS's m/d/yy dates): no business date is before the year 1000
			fp.checks = append(fp.checks, check{cond: fmt.Sprintf("coalesce(year(%s) < 1000, false)", col), column: pc.src.heading(spec.Column),
				value: col, reason: "not a valid date (expected YYYY-MM-DD): a year before 1000, which is how a short date such as 4/1/11 reads (0004-01-11); give the profile the file's date_formats, such as %m/%d/%y"})
		}
		return fp, nil
	}
	v := pc.clean(col)
	if r := spec.Resolve; r != nil {
		return pc.resolve(c, spec, r, v, col)
	}
	if spec.Extract != "" {
		v = fmt.Sprintf("coalesce(nullif(trim(regexp_extract(%[1]s, %[2]s, 1)), ''), %[1]s)", v, sqlString(spec.Extract))
	}
	if spec.TrimLeadingZeros {
		v = fmt.Sprintf("(CASE WHEN ltrim(%[1]s, '0') = '' AND %[1]s IS NOT NULL THEN '0' ELSE ltrim(%[1]s, '0') END)", v)
	}
	if spec.Lookup != "" {
		m, ok := pc.lookups[spec.Lookup+"\x00"+spec.Column]
		if !ok {
			return fp, fmt.Errorf("unknown lookup %q on %s (known: country)", spec.Lookup, spec.Column)
		}
		fp.expr = mapExpr(v, m, nil, true)
		fp.checks = append(fp.checks, check{cond: fmt.Sprintf("(%s IS NOT NULL AND %s IS NULL)", v, fp.expr), column: pc.src.heading(spec.Column), value: col, reason: "unknown " + spec.Lookup + " name"})
		return fp, nil
	}
	if len(spec.Map) > 0 || spec.Else != nil {
		v = mapExpr(v, spec.Map, spec.Else, false)
	}
	switch {
	case c.Type == "DATE":
		formats := spec.Formats
		if len(formats) == 0 {
			formats = pc.opts.DateFormats
		}
		fp.expr = pc.date(v, formats)
		fp.checks = append(fp.checks, check{cond: fmt.Sprintf("(%s IS NOT NULL AND %s IS NULL)", v, fp.expr), column: pc.src.heading(spec.Column), value: col, reason: dateReason(formats)})
	case isNumeric(c.Type):
		fp.expr = pc.number(v, c.Type)
		fp.checks = append(fp.checks, check{cond: fmt.Sprintf("(%s IS NOT NULL AND %s IS NULL)", v, fp.expr), column: pc.src.heading(spec.Column), value: col, reason: pc.numberReason()})
		if n := spec.NegateIf; n != nil {
			var in []string
			for _, x := range n.In {
				in = append(in, sqlString(strings.ToUpper(strings.TrimSpace(x))))
			}
			if other := pc.src.col(n.Column); other != "" && len(in) > 0 {
				// negative, whether the ERP wrote it positive (Odoo) or already signed
				fp.expr = fmt.Sprintf("(CASE WHEN upper(trim(%s)) IN (%s) THEN -abs(%s) ELSE %s END)", other, strings.Join(in, ", "), fp.expr, fp.expr)
			}
		}
	default:
		fp.expr = v
	}
	return fp, nil
}

// resolve finds the canonical field r.Take of the one loaded r.Entity row whose fields
// r.Match equal the groups of r.Pattern in the value (Odoo's "S00232 - [VN-25] Vanne
// inox DN25" names the order line of order S00232 and product VN-25). A value that
// names no loaded row, or two, is a reject with that reason, never an orphan.
func (pc *planContext) resolve(c column, spec FieldSpec, r *Resolve, v, col string) (fieldPlan, error) {
	fp := fieldPlan{name: c.Name}
	if _, ok := canonicalKeys[r.Entity]; !ok || r.Pattern == "" || len(r.Match) == 0 || r.Take == "" {
		return fp, fmt.Errorf("resolve on %s needs entity (a canonical table), pattern, match and take", spec.Column)
	}
	var conds []string
	for i, f := range r.Match {
		conds = append(conds, fmt.Sprintf("t.%s = regexp_extract(%s, %s, %d)", ident(f), v, sqlString(r.Pattern), i+1))
	}
	from := fmt.Sprintf("FROM %s t WHERE t._superseded IS NOT TRUE AND %s", ident(r.Entity), strings.Join(conds, " AND "))
	count := fmt.Sprintf("(SELECT count(DISTINCT t.%s) %s)", ident(r.Take), from)
	fp.expr = fmt.Sprintf("(SELECT CASE WHEN count(DISTINCT t.%[1]s) = 1 THEN any_value(t.%[1]s) END %[2]s)", ident(r.Take), from)
	what := strings.TrimSuffix(r.Entity, "s")
	fp.checks = append(fp.checks,
		check{cond: fmt.Sprintf("(%s IS NOT NULL AND %s = 0)", v, count), column: pc.src.heading(spec.Column), value: col,
			reason: fmt.Sprintf("names no loaded %s (by %s): load its file first, or export the External ID", what, strings.Join(r.Match, " and "))},
		check{cond: fmt.Sprintf("(%s IS NOT NULL AND %s > 1)", v, count), column: pc.src.heading(spec.Column), value: col,
			reason: fmt.Sprintf("names two or more loaded %ss (by %s): export the External ID to tell them apart", what, strings.Join(r.Match, " and "))})
	return fp, nil
}

func isNumeric(t string) bool {
	return strings.HasPrefix(t, "DECIMAL") || t == "INTEGER" || t == "BIGINT" || t == "DOUBLE"
}

// mapExpr maps values case-insensitively; a "" key gives the value of an empty cell.
// Unmapped values pass through unless strict, or become elseVal when it is set.
func mapExpr(v string, m map[string]string, elseVal *string, strict bool) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("(CASE")
	if empty, ok := m[""]; ok {
		fmt.Fprintf(&b, " WHEN %s IS NULL THEN %s", v, sqlString(empty))
	}
	var whens []string
	for _, k := range keys {
		if k == "" {
			continue
		}
		whens = append(whens, fmt.Sprintf(" WHEN %s THEN %s", sqlString(strings.ToUpper(strings.TrimSpace(k))), sqlString(m[k])))
	}
	if len(whens) > 0 {
		fmt.Fprintf(&b, " WHEN %s IS NOT NULL THEN (CASE upper(%s)%s ELSE %s END)", v, v, strings.Join(whens, ""), elseOf(v, elseVal, strict))
	} else if elseVal != nil || strict {
		fmt.Fprintf(&b, " WHEN %s IS NOT NULL THEN %s", v, elseOf(v, elseVal, strict))
	} else {
		fmt.Fprintf(&b, " ELSE %s", v)
	}
	b.WriteString(" END)")
	return b.String()
}

func elseOf(v string, elseVal *string, strict bool) string {
	switch {
	case elseVal != nil:
		return sqlString(*elseVal)
	case strict:
		return "NULL"
	}
	return v
}

// number parses a cleaned value with the file's decimal and thousands separators and,
// for SAP lists, a trailing minus.
func (pc *planContext) number(v, typ string) string {
	e := v
	if pc.opts.TrailingMinus {
		e = fmt.Sprintf("(CASE WHEN suffix(%[1]s, '-') THEN '-' || rtrim(%[1]s, '-') ELSE %[1]s END)", e)
	}
	if t := pc.opts.Thousands; t != "" {
		e = fmt.Sprintf("replace(%s, %s, '')", e, sqlString(t))
		if t == " " {
			e = fmt.Sprintf("replace(replace(%s, '\u00a0', ''), '\u202f', '')", e)
		}
	}
	if pc.opts.Decimal == "," {
		e = fmt.Sprintf("replace(%s, ',', '.')", e)
	}
	if typ == "INTEGER" || typ == "BIGINT" {
		return fmt.Sprintf("TRY_CAST(round(TRY_CAST(%s AS DOUBLE)) AS %s)", e, typ)
	}
	return fmt.Sprintf("TRY_CAST(%s AS %s)", e, typ)
}

func (pc *planContext) numberReason() string {
	d := pc.opts.Decimal
	if d == "" {
		d = "."
	}
	return fmt.Sprintf("not a number (decimal separator %q)", d)
}

// date parses a cleaned value with the profile's formats, then ISO dates and
// timestamps, then (workbooks only) Excel serial day numbers.
func (pc *planContext) date(v string, formats []string) string {
	var alts []string
	iso := len(formats) == 0
	for _, f := range formats {
		if f == "%Y-%m-%d" {
			iso = true
		}
	}
	// DuckDB's cast reads more than ISO dates: "4/1/11" casts to 0004-01-11 (SCMS's
	// m/d/yy order dates did), "12-01-06" to 0012-01-06. Only a value shaped like a
	// four-digit year and a dash is cast (two string tests, no regular expression: this
	// runs on every date of a ten-million-line extract).
	isoShape := fmt.Sprintf("(substr(%[1]s, 5, 1) = '-' AND substr(%[1]s, 3, 1) BETWEEN '0' AND '9')", v)
	if iso {
		alts = append(alts, fmt.Sprintf("(CASE WHEN %s THEN TRY_CAST(%s AS DATE) END)", isoShape, v))
	}
	var fs []string
	for _, f := range formats {
		if f != "%Y-%m-%d" { // the cast above reads ISO dates, faster
			fs = append(fs, sqlString(f))
		}
	}
	if len(fs) > 0 {
		alts = append(alts, fmt.Sprintf("CAST(try_strptime(%s, [%s]) AS DATE)", v, strings.Join(fs, ", ")))
	}
	alts = append(alts, fmt.Sprintf("(CASE WHEN %s THEN CAST(TRY_CAST(%s AS TIMESTAMP) AS DATE) END)", isoShape, v))
	if pc.src.format == "xlsx" {
		alts = append(alts, fmt.Sprintf("(CASE WHEN regexp_full_match(%[1]s, '[0-9]{4,5}(\\.[0-9]+)?') THEN DATE '1899-12-30' + CAST(floor(CAST(%[1]s AS DOUBLE)) AS INTEGER) END)", v))
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return "coalesce(" + strings.Join(alts, ", ") + ")"
}

func dateReason(formats []string) string {
	if len(formats) == 0 {
		return "not a valid date (expected YYYY-MM-DD)"
	}
	var human []string
	for _, f := range formats {
		human = append(human, strftimeHuman.Replace(f))
	}
	return "not a valid date (expected " + strings.Join(human, " or ") + ")"
}

// strftimeHuman writes a date format the way a user reads it: %d.%m.%Y as DD.MM.YYYY.
var strftimeHuman = strings.NewReplacer("%Y", "YYYY", "%y", "YY", "%m", "MM", "%d", "DD", "%H", "hh", "%M", "mm", "%S", "ss", "%b", "Mon", "%B", "Month")

// typedTable materialises the plan's entity from the raw table as temp table name,
// with _row (file row), _rid (raw record) and _ok (every check passed).
func (p *entityPlan) typedTable(ctx context.Context, conn *sql.Conn, src *source, name string) error {
	var sel, bad []string
	sel = append(sel, src.rowExpr+" AS _row", "rowid AS _rid")
	for _, f := range p.fields {
		sel = append(sel, f.expr+" AS "+ident(f.name))
		for _, c := range f.checks {
			bad = append(bad, c.cond)
		}
	}
	ok := "true"
	if len(bad) > 0 {
		ok = "NOT (" + strings.Join(bad, " OR ") + ")"
	}
	sel = append(sel, ok+" AS _ok")
	q := "CREATE OR REPLACE TEMP TABLE " + ident(name) + " AS SELECT " + strings.Join(sel, ",\n  ") + "\nFROM raw"
	if p.when != "" {
		q += "\nWHERE " + p.when + " IS NOT NULL"
	}
	if p.distinct {
		// Header entities repeat on every item row: keep the first readable row per key.
		q = "CREATE OR REPLACE TEMP TABLE " + ident(name) + " AS SELECT * FROM (" +
			strings.TrimPrefix(q, "CREATE OR REPLACE TEMP TABLE "+ident(name)+" AS ") +
			") QUALIFY NOT _ok OR row_number() OVER (PARTITION BY _ok, " + keyList(p.keys) + " ORDER BY _row) = 1"
	}
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("cannot map %s: %w", p.entity, err)
	}
	return nil
}

func keyList(keys []string) string {
	var out []string
	for _, k := range keys {
		out = append(out, ident(k))
	}
	return strings.Join(out, ", ")
}

// rejectsQuery lists, for the raw records whose row failed, every bad value.
func (p *entityPlan) rejectsQuery(typed string) string {
	var items []string
	for _, f := range p.fields {
		for _, c := range f.checks {
			items = append(items, fmt.Sprintf("CASE WHEN %s THEN {'col': %s, 'val': CAST(%s AS VARCHAR), 'reason': %s} END",
				c.cond, sqlString(c.column), c.value, sqlString(c.reason)))
		}
	}
	if len(items) == 0 {
		return ""
	}
	return fmt.Sprintf(`SELECT r._row, r._rid, struct_extract(r.e, 'col'), struct_extract(r.e, 'val'), struct_extract(r.e, 'reason') FROM (
		SELECT t._row, t._rid, unnest(list_filter([%s], x -> x IS NOT NULL)) AS e
		FROM raw JOIN %s t ON t._rid = raw.rowid AND NOT t._ok) AS r ORDER BY r._row`, strings.Join(items, ", "), ident(typed))
}
