// Package store owns the embedded DuckDB file: it opens it, applies the schema
// migrations and hands out the connection every other package works through.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/orderflow/orderflow/server/lockinfo"
	ofsql "github.com/orderflow/orderflow/sql"
)

// Store is an open orderflow database.
type Store struct {
	Path      string
	DB        *sql.DB
	Connector *duckdb.Connector
	readOnly  bool
	// MemoryLimit is the engine's memory limit in bytes once Apply set it (0 before).
	MemoryLimit int64
}

// storageVersion is the storage format a new database file is written in: DuckDB's
// default stays readable by version 0.10; 1.5's format writes the models' tables about
// 20% faster (a 10-million-line fact table in 11.5 s rather than 14.4 s, measured here)
// and stores text and flags more compactly. A file created before keeps its format.
const storageVersion = "v1.5.0"

// Open opens (or creates) the DuckDB file at path and brings its schema up to date.
func Open(ctx context.Context, dbPath string) (*Store, error) {
	connector, err := duckdb.NewConnector(dbPath+"?storage_compatibility_version="+storageVersion, nil)
	if err != nil {
		return nil, explainOpenError(dbPath, err)
	}
	db := sql.OpenDB(connector)
	s := &Store{Path: dbPath, DB: db, Connector: connector}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// OpenReadOnly opens an existing database file without write access, for queries.
func OpenReadOnly(ctx context.Context, dbPath string) (*Store, error) {
	if _, err := os.Stat(dbPath); err != nil {
		return nil, fmt.Errorf("cannot open %s: %w (run `orderflow ingest` or `orderflow demo` first)", dbPath, err)
	}
	connector, err := duckdb.NewConnector(dbPath+"?access_mode=read_only", nil)
	if err != nil {
		return nil, explainOpenError(dbPath, err)
	}
	return &Store{Path: dbPath, DB: sql.OpenDB(connector), Connector: connector, readOnly: true}, nil
}

// explainOpenError turns DuckDB's lock error into a sentence that says what to do.
func explainOpenError(dbPath string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "Could not set lock") || strings.Contains(msg, "Conflicting lock") {
		if held := lockinfo.Describe(dbPath); held != "" {
			return errors.New(held)
		}
		return fmt.Errorf("cannot open %s: the database is in use by another orderflow process (is `orderflow serve` running? use its HTTP API, or stop it first)", dbPath)
	}
	return fmt.Errorf("cannot open database %s: %w", dbPath, err)
}

// Close checkpoints and closes the database.
func (s *Store) Close() error {
	if !s.readOnly {
		_, _ = s.DB.Exec("CHECKPOINT")
	}
	err := s.DB.Close()
	if cerr := s.Connector.Close(); err == nil {
		err = cerr
	}
	return err
}

// migrate applies every schema file not yet applied, each in its own transaction,
// then checkpoints so the file on disk holds the new schema.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.DB.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version VARCHAR PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)`); err != nil {
		return fmt.Errorf("cannot create schema_migrations in %s: %w", s.Path, err)
	}
	applied := map[string]bool{}
	rows, err := s.DB.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()

	files, err := fs.Glob(ofsql.Schema, "schema/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(files)
	changed := false
	for _, f := range files {
		version := strings.TrimSuffix(path.Base(f), ".sql")
		if applied[version] {
			continue
		}
		body, err := fs.ReadFile(ofsql.Schema, f)
		if err != nil {
			return err
		}
		if err := s.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", version, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version) VALUES (?)`, version)
			return err
		}); err != nil {
			return fmt.Errorf("cannot migrate %s: %w", s.Path, err)
		}
		changed = true
	}
	if changed {
		if _, err := s.DB.ExecContext(ctx, "CHECKPOINT"); err != nil {
			return err
		}
	}
	return nil
}

// InTx runs fn in a transaction, rolling back when fn fails.
func (s *Store) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			return fmt.Errorf("%w (and the rollback failed: %v)", err, rerr)
		}
		return err
	}
	return tx.Commit()
}
