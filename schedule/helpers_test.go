package schedule

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/gen"
	"github.com/orderflow/orderflow/ingest"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/store"
)

var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// testLog keeps the service's log lines and prints them when the test fails.
func testLog(t *testing.T) *slog.Logger {
	var mu sync.Mutex
	var buf bytes.Buffer
	t.Cleanup(func() {
		if t.Failed() {
			mu.Lock()
			t.Log("service log:\n" + buf.String())
			mu.Unlock()
		}
	})
	return slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// emptyStore is a fresh database with the schema only.
func emptyStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "of.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// asOf is the as-of date of the generated company: a Monday.
var asOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

var fixture = struct {
	once sync.Once
	path string
	err  error
}{}

// builtStore is a copy of a database holding a generated company (1,000 order lines),
// built as of asOf, anomalies included. The first call makes it (about 10 s).
func builtStore(t *testing.T) *store.Store {
	t.Helper()
	fixture.once.Do(func() {
		dir, err := os.MkdirTemp("", "orderflow-schedule-test-")
		if err != nil {
			fixture.err = err
			return
		}
		ctx := context.Background()
		if _, err := gen.Generate(ctx, gen.Options{Out: filepath.Join(dir, "extracts"), Seed: 7, Lines: 1000, AsOf: asOf}); err != nil {
			fixture.err = err
			return
		}
		path := filepath.Join(dir, "template.duckdb")
		st, err := store.Open(ctx, path)
		if err != nil {
			fixture.err = err
			return
		}
		defer st.Close()
		if _, err := ingest.Load(ctx, st, ingest.Options{AsOf: asOf}, filepath.Join(dir, "extracts")); err != nil {
			fixture.err = err
			return
		}
		if _, err := models.Build(ctx, st, config.Default(), asOf, nil); err != nil {
			fixture.err = err
			return
		}
		if _, err := anomalies.Build(ctx, st, config.Default(), asOf); err != nil {
			fixture.err = err
			return
		}
		fixture.path = path
	})
	if fixture.err != nil {
		t.Fatalf("cannot make the test database: %v", fixture.err)
	}
	// Copied after the template is closed, hence after its checkpoint.
	body, err := os.ReadFile(fixture.path)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "of.duckdb")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.path != "" {
		os.RemoveAll(filepath.Dir(fixture.path))
	}
	os.Exit(code)
}

// startService starts a service on a fake clock and stops it when the test ends.
func startService(t *testing.T, st *store.Store, cfg config.Config, clock *clockwork.FakeClock, opts Options) *Service {
	t.Helper()
	opts.Clock = clock
	if opts.Logger == nil {
		opts.Logger = testLog(t)
	}
	s, err := New(st, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop() })
	return s
}

// advanceTo moves the fake clock to t once the scheduler waits on its timers.
func advanceTo(t *testing.T, clock *clockwork.FakeClock, waiters int, to time.Time) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := clock.BlockUntilContext(ctx, waiters); err != nil {
		t.Fatalf("the scheduler never waited on %d timer(s): %v", waiters, err)
	}
	if d := to.Sub(clock.Now()); d > 0 {
		clock.Advance(d)
	}
}

func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
	var zero T
	return zero
}

// waitRun waits for a run of a job started at or after from (on the service's clock)
// to finish, and returns it.
func waitRun(t *testing.T, s *Service, name string, from time.Time) Run {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		runs, err := s.History(context.Background(), name, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) == 1 && runs[0].Outcome != OutcomeRunning && !runs[0].StartedAt.Before(from) {
			return runs[0]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("job %s did not finish", name)
	return Run{}
}
