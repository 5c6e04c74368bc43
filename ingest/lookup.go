package ingest

import (
	"context"
	"strings"
)

// prepareLookups maps the distinct values of every lookup column (country names to
// ISO codes) once per file, so the SQL only has to apply a value map.
func (l *loader) prepareLookups(ctx context.Context, pc *planContext, spec *FileSpec) error {
	for _, em := range spec.Entities {
		for _, fs := range em.Fields {
			if fs.Lookup == "" || fs.Column == "" || pc.src.col(fs.Column) == "" {
				continue
			}
			key := fs.Lookup + "\x00" + fs.Column
			if _, done := pc.lookups[key]; done {
				continue
			}
			rows, err := l.conn.QueryContext(ctx, "SELECT DISTINCT "+pc.clean(pc.src.col(fs.Column))+" FROM raw")
			if err != nil {
				return err
			}
			m := map[string]string{}
			for rows.Next() {
				var v *string
				if err := rows.Scan(&v); err != nil {
					rows.Close()
					return err
				}
				if v == nil {
					continue
				}
				if code, ok := lookupValue(fs.Lookup, *v); ok {
					m[strings.ToUpper(strings.TrimSpace(*v))] = code
				}
			}
			rows.Close()
			pc.lookups[key] = m
		}
	}
	return nil
}
