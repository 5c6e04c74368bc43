package ingest

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/orderflow/orderflow/store"
)

// Explain tells, column by column, how a file would load: the profile and file kind that
// recognise its header, then for each header cell the canonical fields it feeds and how
// it matched (by its name, or as a label of the profile's column), the columns left unread
// and the fields the file lacks. Nothing is written to the database. A file no profile
// recognises gets the closest kind and what it lacks.
func Explain(ctx context.Context, st *store.Store, opts Options, path string) (string, error) {
	profiles, err := candidateProfiles(opts)
	if err != nil {
		return "", err
	}
	sch, err := readSchema(ctx, st.DB)
	if err != nil {
		return "", err
	}
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	format, err := formatOf(path, "")
	if err != nil {
		return "", err
	}
	l := &loader{conn: conn, schema: sch, profiles: profiles, opts: opts, forced: opts.Profile != ""}
	src, rec, err := l.open(ctx, path, format)
	if err != nil {
		return "", err
	}
	defer src.close()
	src.columns = rec.spec.withLabels(src.columns)

	var b strings.Builder
	fmt.Fprintf(&b, "%s: profile %s, %s (%s)", filepath.Base(path), rec.profile.Name, rec.spec.Kind, format)
	if format == "csv" {
		fmt.Fprintf(&b, ", header on line %d, delimiter %q", rec.cand.line+1, string(rec.cand.delim))
		if src.framed {
			b.WriteString(", a framed list (SAP unconverted)")
		}
	}
	if rec.sheet != "" {
		fmt.Fprintf(&b, ", sheet %q", rec.sheet)
	}
	b.WriteString("\n")
	feeds := map[int][]string{}
	var lacking []string
	keys := map[string]bool{}
	for _, em := range rec.spec.Entities {
		for _, k := range canonicalKeys[em.Entity] {
			keys[em.Entity+"."+k] = true
		}
		fields := resolveFields(em, sch)
		names := make([]string, 0, len(fields))
		for n := range fields {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, name := range names {
			fs := fields[name]
			target := em.Entity + "." + name
			found := false
			for _, sp := range append([]FieldSpec{fs}, fs.Coalesce...) {
				for _, col := range append(append([]string{sp.Column}, sp.Sum...), sp.Path...) {
					if col == "" {
						continue
					}
					i, ok := src.columns[normHeader(col)]
					if !ok {
						continue
					}
					found = true
					how := "by its name"
					if normHeader(src.header[i]) != normHeader(col) {
						how = "as a label of " + col
					}
					feeds[i] = append(feeds[i], target+" ("+how+")")
				}
				if sp.Value != nil || sp.FileDate {
					found = true
				}
			}
			if !found && (!fs.Optional || keys[target]) {
				lacking = append(lacking, target)
			}
		}
	}
	width := 0
	for _, h := range src.header {
		width = max(width, len([]rune(strings.TrimSpace(h))))
	}
	for i, h := range src.header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == "" {
			continue
		}
		what := "not read"
		if f := feeds[i]; len(f) > 0 {
			what = "-> " + strings.Join(f, ", ")
		}
		fmt.Fprintf(&b, "  %-*s  %s\n", width, h, what)
	}
	if len(lacking) > 0 {
		fmt.Fprintf(&b, "lacking: %s (the file cannot load without a column for each)\n", strings.Join(lacking, ", "))
	}
	return b.String(), nil
}
