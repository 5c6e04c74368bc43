package ingest

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orderflow/orderflow/store"
)

// TestCrashTrialChild is the child of TestCrashTrials: it loads the files it is given
// into the database it is given, and is killed somewhere along the way.
func TestCrashTrialChild(t *testing.T) {
	db := os.Getenv("ORDERFLOW_CRASH_DB")
	if db == "" {
		t.Skip("the child of TestCrashTrials")
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := Load(context.Background(), st, Options{}, strings.Split(os.Getenv("ORDERFLOW_CRASH_FILES"), ",")...); err != nil {
		t.Fatal(err)
	}
}

// TestCrashTrials kills (SIGKILL) a process loading two extracts at random points,
// 20 times. After each kill the database opens, holds each file whole or not at all
// with a load log that says which, and loading again gives every row exactly once.
func TestCrashTrials(t *testing.T) {
	if testing.Short() {
		t.Skip("crash trials take half a minute")
	}
	dir := t.TempDir()
	write := func(name, prefix string, n int) string {
		var b strings.Builder
		b.WriteString("order_id,line_no,sku,ordered_qty,unit_price,requested_date,promised_date\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "%s%07d,10,SKU-%d,%d,12.50,2026-11-%02d,2026-11-%02d\n", prefix, i, i%97, 1+i%9, 1+i%28, 1+i%28)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const small, big = 5_000, 300_000
	files := []string{write("lines_a.csv", "A", small), write("lines_b.csv", "B", big)}

	run := func(db string, kill time.Duration) (killed bool) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashTrialChild$")
		cmd.Env = append(os.Environ(), "ORDERFLOW_CRASH_DB="+db, "ORDERFLOW_CRASH_FILES="+strings.Join(files, ","))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("the child failed: %v", err)
			}
			return false
		case <-time.After(kill):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-done
			return true
		}
	}
	// A whole run, to know how long one takes.
	t0 := time.Now()
	run(filepath.Join(dir, "full.duckdb"), time.Hour)
	full := time.Since(t0)

	rng := rand.New(rand.NewSource(17))
	trials, killed := 20, 0
	for i := 0; i < trials; i++ {
		db := filepath.Join(dir, fmt.Sprintf("trial%d.duckdb", i))
		if run(db, time.Duration(rng.Int63n(int64(full)))) {
			killed++
		}
		st, err := store.Open(context.Background(), db)
		if err != nil {
			t.Fatalf("trial %d: the database does not open after the kill: %v", i, err)
		}
		for _, c := range []struct {
			prefix string
			n      int64
			file   string
		}{{"A", small, files[0]}, {"B", big, files[1]}} {
			rows := queryInt(t, st, "SELECT count(*) FROM order_lines WHERE starts_with(order_id, ?)", c.prefix)
			logged := queryInt(t, st, "SELECT count(*) FROM load_log WHERE path = ? AND outcome = 'loaded'", c.file)
			if !(rows == 0 && logged == 0) && !(rows == c.n && logged == 1) {
				t.Fatalf("trial %d: %s holds %d of its %d rows with %d load log rows: a partial load survived", i, filepath.Base(c.file), rows, c.n, logged)
			}
		}
		r := load(t, st, Options{}, files...)
		for _, fr := range r {
			if fr.Err != nil {
				t.Fatalf("trial %d: reloading: %v", i, fr.Err)
			}
		}
		if n := queryInt(t, st, "SELECT count(*) FROM order_lines"); n != small+big {
			t.Fatalf("trial %d: %d order lines after the re-run, want %d", i, n, small+big)
		}
		if n := queryInt(t, st, "SELECT count(*) FROM load_log WHERE outcome = 'loaded'"); n != 2 {
			t.Fatalf("trial %d: %d loaded files in the log, want 2", i, n)
		}
		st.Close()
		os.Remove(db)
	}
	t.Logf("%d trials, %d killed mid-run (a whole run takes %v): every one recovered", trials, killed, full.Round(time.Millisecond))
	if killed < trials/2 {
		t.Fatalf("only %d of %d trials were killed before the end", killed, trials)
	}
}
