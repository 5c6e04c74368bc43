package ingest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/orderflow/orderflow/store"
)

// newStore opens a fresh DuckDB file in the test's temporary folder.
func newStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "test.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// load ingests paths and fails the test on a load error.
func load(t testing.TB, st *store.Store, opts Options, paths ...string) []FileResult {
	t.Helper()
	res, err := Load(context.Background(), st, opts, paths...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// queryInt runs a one-value query.
func queryInt(t testing.TB, st *store.Store, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := st.DB.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func queryString(t testing.TB, st *store.Store, q string, args ...any) string {
	t.Helper()
	var s *string
	if err := st.DB.QueryRow(q, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if s == nil {
		return "<nil>"
	}
	return *s
}
