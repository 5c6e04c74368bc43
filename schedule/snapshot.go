package schedule

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/store"
)

// Snapshots keep what the readers of a running server query — the KPI marts, the
// dimensions, the anomaly list, the build's parameters — as tables copied in one
// transaction right after each committed build, in an in-memory database attached to
// the store. Readers query the latest copy: their figures always come from one
// committed build, never from a build in progress nor from rows a pull loaded since
// (the marts are views over the canonical tables), and they do not recompute the
// marts' views on every request. Anything not copied is read from the store itself.
type Snapshots struct {
	st  *store.Store
	log *slog.Logger
	// gate is held shared by every reader for the length of its read transaction, and
	// exclusively by a checkpoint (DuckDB refuses one while a reader is still on an
	// older catalog).
	gate sync.RWMutex

	mu      sync.Mutex
	catalog string // the store's own catalog name, for the search path
	id      int64  // tells the schemas of two Snapshots of one store apart
	seq     int
	cur     *generation
	old     []*generation
}

type generation struct {
	schema        string
	builtAt, asOf time.Time
	readers       int
}

var instances atomic.Int64

// snapCatalog is the in-memory database the copies live in.
const snapCatalog = "of_snapshot"

// NewSnapshots attaches the in-memory database and takes a first copy when the store
// holds a build.
func NewSnapshots(ctx context.Context, st *store.Store, log *slog.Logger) (*Snapshots, error) {
	if log == nil {
		log = slog.Default()
	}
	s := &Snapshots{st: st, log: log, id: instances.Add(1)}
	if err := st.DB.QueryRowContext(ctx, "SELECT current_database()").Scan(&s.catalog); err != nil {
		return nil, err
	}
	var attached int
	st.DB.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_databases() WHERE database_name = ?", snapCatalog).Scan(&attached)
	if attached == 0 {
		if _, err := st.DB.ExecContext(ctx, "ATTACH ':memory:' AS "+snapCatalog); err != nil {
			return nil, fmt.Errorf("cannot attach the in-memory snapshot database: %w", err)
		}
	}
	if !builtAt(ctx, st.DB).IsZero() {
		if err := s.Take(ctx); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// snapshotTables lists what a copy holds: the KPI marts, the dimensions and the
// tables the readers join (customer names, anomalies, signals, actions), those that
// exist.
func snapshotTables(ctx context.Context, db *sql.DB) ([]string, error) {
	want := map[string]bool{"params": true, "stg_customers": true, "anomaly_list": true, "anomaly_status": true, "kpi_signals": true, "actions": true}
	for _, k := range models.Registry() {
		want[k.Model] = true
	}
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_catalog = current_database() AND table_schema = 'main' ORDER BY table_name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		if want[name] || strings.HasPrefix(name, "dim_") {
			out = append(out, name)
		}
	}
	return out, rows.Err()
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Take copies the current build into a new generation and makes it the one readers
// get. Call it with no write in progress (the scheduler holds its writer lock): the
// copy must be of one committed build.
func (s *Snapshots) Take(ctx context.Context) error {
	start := time.Now()
	tables, err := snapshotTables(ctx, s.st.DB)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.seq++
	g := &generation{schema: fmt.Sprintf("build_%d_%d", s.id, s.seq)}
	s.mu.Unlock()
	target := snapCatalog + "." + g.schema
	err = s.st.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "CREATE SCHEMA "+target); err != nil {
			return err
		}
		for _, t := range tables {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("CREATE TABLE %s.%s AS SELECT * FROM %s.main.%s", target, quoteIdent(t), quoteIdent(s.catalog), quoteIdent(t))); err != nil {
				return fmt.Errorf("cannot copy %s into the snapshot: %w", t, err)
			}
		}
		return tx.QueryRowContext(ctx, fmt.Sprintf("SELECT built_at, as_of FROM %s.params", target)).Scan(&g.builtAt, &g.asOf)
	})
	if err != nil {
		s.st.DB.ExecContext(context.WithoutCancel(ctx), "DROP SCHEMA IF EXISTS "+target+" CASCADE")
		return fmt.Errorf("cannot take the snapshot of the build: %w", err)
	}
	s.mu.Lock()
	if s.cur != nil {
		s.old = append(s.old, s.cur)
	}
	s.cur = g
	drop := s.unused()
	s.mu.Unlock()
	s.drop(ctx, drop)
	s.log.Info("snapshot taken", "schema", g.schema, "tables", len(tables), "built_at", g.builtAt, "duration", time.Since(start).String())
	return nil
}

// unused takes the old generations no reader holds any more (s.mu held).
func (s *Snapshots) unused() []*generation {
	var keep, drop []*generation
	for _, g := range s.old {
		if g.readers == 0 {
			drop = append(drop, g)
		} else {
			keep = append(keep, g)
		}
	}
	s.old = keep
	return drop
}

func (s *Snapshots) drop(ctx context.Context, gens []*generation) {
	for _, g := range gens {
		if _, err := s.st.DB.ExecContext(context.WithoutCancel(ctx), "DROP SCHEMA IF EXISTS "+snapCatalog+"."+g.schema+" CASCADE"); err != nil {
			s.log.Warn("cannot drop an old snapshot", "schema", g.schema, "error", err)
		}
	}
}

// BuiltAt is the build time of the snapshot readers get (zero: none yet).
func (s *Snapshots) BuiltAt() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return time.Time{}
	}
	return s.cur.builtAt
}

// View is what one reader reads: the latest snapshot when it started, until Release.
type View struct {
	BuiltAt, AsOf time.Time // of the snapshot's build; zero when there is none yet

	snaps *Snapshots
	g     *generation
	db    *sql.DB
	err   error
	once  sync.Once
}

// View pins the latest snapshot for a reader; the database connection is opened by
// the first call to DB, so that a reader answering from a cache costs nothing.
func (s *Snapshots) View() *View {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := &View{snaps: s, g: s.cur}
	if v.g != nil {
		v.g.readers++
		v.BuiltAt, v.AsOf = v.g.builtAt, v.g.asOf
	}
	return v
}

// DB is one connection, in a read-only transaction, whose unqualified names find the
// view's snapshot first, then the store.
func (v *View) DB(ctx context.Context) (*sql.DB, error) {
	if v.db != nil || v.err != nil {
		return v.db, v.err
	}
	s := v.snaps
	s.gate.RLock()
	path := quoteIdent(s.catalog) + ".main"
	if v.g != nil {
		path = snapCatalog + "." + v.g.schema + "," + path
	}
	db := sql.OpenDB(snapshotConnector{base: s.st.Connector, searchPath: path})
	// One connection: a second one would be a second transaction.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		s.gate.RUnlock()
		v.err = fmt.Errorf("cannot open a read view of %s: %w", s.st.Path, err)
		return nil, v.err
	}
	v.db = db
	return db, nil
}

// Release ends the reader's use of the view.
func (v *View) Release() {
	v.once.Do(func() {
		s := v.snaps
		if v.db != nil {
			v.db.Close()
			s.gate.RUnlock()
		}
		if v.g == nil {
			return
		}
		s.mu.Lock()
		v.g.readers--
		drop := s.unused()
		s.mu.Unlock()
		s.drop(context.Background(), drop)
	})
}

// Read opens a view and its connection at once; release must be called when done.
func (s *Snapshots) Read(ctx context.Context) (*sql.DB, func(), error) {
	v := s.View()
	db, err := v.DB(ctx)
	if err != nil {
		v.Release()
		return nil, nil, err
	}
	return db, v.Release, nil
}

// Checkpoint writes the store's file once no reader is on an older catalog.
func (s *Snapshots) Checkpoint(ctx context.Context) error {
	s.gate.Lock()
	defer s.gate.Unlock()
	_, err := s.st.DB.ExecContext(ctx, "CHECKPOINT")
	return err
}

type snapshotConnector struct {
	base       driver.Connector
	searchPath string
}

func (c snapshotConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	ex, ok := conn.(driver.ExecerContext)
	if !ok {
		conn.Close()
		return nil, errors.New("the database driver cannot execute statements on a connection")
	}
	for _, stmt := range []string{"SET search_path = '" + strings.ReplaceAll(c.searchPath, "'", "''") + "'", "BEGIN TRANSACTION READ ONLY"} {
		if _, err := ex.ExecContext(ctx, stmt, nil); err != nil {
			conn.Close()
			return nil, err
		}
	}
	return conn, nil
}

func (c snapshotConnector) Driver() driver.Driver { return c.base.Driver() }
