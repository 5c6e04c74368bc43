package models

import (
	"context"
	"path/filepath"
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
