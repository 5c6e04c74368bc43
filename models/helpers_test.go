package models

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/models/modeltest"
	"github.com/orderflow/orderflow/store"
)

// openStore opens a fresh database in a temporary folder.
func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "test.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// loadCanonical loads a folder of canonical CSVs.
func loadCanonical(t testing.TB, st *store.Store, dir string) {
	t.Helper()
	if err := modeltest.LoadCanonical(context.Background(), st, dir); err != nil {
		t.Fatal(err)
	}
}

func mustBuild(t testing.TB, st *store.Store, cfg config.Config, asOf string) BuildReport {
	t.Helper()
	d, err := time.Parse(time.DateOnly, asOf)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Build(context.Background(), st, cfg, d, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// writeFiles writes the extracts of files (name -> body) into dir.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// queryText runs a query of one text column and joins its rows with spaces.
func queryText(t testing.TB, st *store.Store, query string) string {
	t.Helper()
	return strings.Join(queryRows(t, st, query), " ")
}

// queryRows runs a query of one text column and returns its rows.
func queryRows(t testing.TB, st *store.Store, query string) []string {
	t.Helper()
	rows, err := st.DB.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// buildTwice builds project p twice on st, the second build finding no leftover of the
// first, and returns the second's report.
func buildTwice(t *testing.T, st *store.Store, p *Project) BuildReport {
	t.Helper()
	asOf := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	var rep BuildReport
	for range 2 {
		var err error
		if rep, err = build(context.Background(), st, p, config.Default(), asOf, nil, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	return rep
}
