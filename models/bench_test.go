package models

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/gen"
	"github.com/orderflow/orderflow/models/modeltest"
	"github.com/orderflow/orderflow/store"
)

// The benchmarks build the models on generated data. ORDERFLOW_BENCH_LINES sets the
// number of order lines (default 1,000,000; the target is 10,000,000 built in under
// 60 s and a one-week, two-cut KPI query in under 1 s on a 2-core machine).
// ORDERFLOW_BENCH_DIR keeps the generated and loaded database between runs (default: a
// folder of the system's temporary directory), since generating and loading take longer
// than building. Run: go test ./models -run '^$' -bench . -benchtime 1x
var benchAsOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func benchLines(b *testing.B) int {
	n := 1_000_000
	if s := os.Getenv("ORDERFLOW_BENCH_LINES"); s != "" {
		v, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
		if err != nil || v < 1 {
			b.Fatalf("ORDERFLOW_BENCH_LINES=%q is not a number of lines", s)
		}
		n = v
	}
	return n
}

// benchStore returns a store holding the generated extracts of n lines, generated and
// loaded on the first run only.
func benchStore(b *testing.B, n int) *store.Store {
	b.Helper()
	ctx := context.Background()
	dir := os.Getenv("ORDERFLOW_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "orderflow-bench")
	}
	base := filepath.Join(dir, fmt.Sprintf("loaded-%d.duckdb", n))
	if _, err := os.Stat(base); err != nil {
		extracts := filepath.Join(dir, fmt.Sprintf("extracts-%d", n))
		start := time.Now()
		if _, err := gen.Generate(ctx, gen.Options{Out: extracts, Seed: 1, Lines: n, Profile: "canonical", AsOf: benchAsOf}); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %d lines in %s", n, time.Since(start).Round(time.Second))
		start = time.Now()
		tmp := base + ".tmp"
		os.Remove(tmp)
		st, err := store.Open(ctx, tmp)
		if err != nil {
			b.Fatal(err)
		}
		err = modeltest.LoadCanonicalRaw(ctx, st, extracts)
		st.Close()
		if err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, base); err != nil {
			b.Fatal(err)
		}
		os.RemoveAll(extracts)
		b.Logf("loaded in %s", time.Since(start).Round(time.Second))
	}
	// A build replaces only the models: the loaded extracts stay as they are.
	st, err := store.Open(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// BenchmarkBuild rebuilds every model (with the data tests) on n generated lines.
func BenchmarkBuild(b *testing.B) {
	p, err := LoadProject()
	if err != nil {
		b.Fatal(err)
	}
	benchBuild(b, p)
}

// BenchmarkBuildKPIModels rebuilds the models of the KPIs (all but anomalies/), with
// their data tests.
func BenchmarkBuildKPIModels(b *testing.B) { benchBuild(b, kpiProject(b)) }

// kpiProject is the project without the anomaly models.
func kpiProject(b *testing.B) *Project {
	p, err := LoadProject()
	if err != nil {
		b.Fatal(err)
	}
	kpiOnly := &Project{byName: map[string]*Model{}, kpis: p.kpis}
	for _, m := range p.Models {
		if !strings.HasPrefix(m.Path, "models/anomalies/") {
			kpiOnly.Models = append(kpiOnly.Models, m)
			kpiOnly.byName[m.Name] = m
		}
	}
	return kpiOnly
}

func benchBuild(b *testing.B, p *Project) {
	n := benchLines(b)
	st := benchStore(b, n)
	b.ResetTimer()
	for b.Loop() {
		cpu := cpuTime()
		rep, err := build(context.Background(), st, p, config.Default(), benchAsOf, &cpuProgress{last: cpu}, Options{Full: true})
		if err != nil {
			b.Fatal(err)
		}
		reportBuild(b, n, rep)
		fmt.Fprintf(os.Stderr, "CPU time %s (wall time varies on a shared machine; load average %s)\n", (cpuTime() - cpu).Round(10*time.Millisecond), loadAverage())
	}
}

// reportBuild logs the time of the KPI models and of the others (anomalies) apart.
func reportBuild(b *testing.B, n int, rep BuildReport) {
	var kpiModels, others time.Duration
	for _, m := range rep.Models {
		if strings.HasPrefix(m.Name, "anomaly_") {
			others += m.Duration
		} else {
			kpiModels += m.Duration
		}
	}
	fmt.Fprintf(os.Stderr, "%d lines: build %s (KPI models %s, anomaly models %s, %d data tests in the rest)",
		n, rep.Duration.Round(10*time.Millisecond), kpiModels.Round(10*time.Millisecond),
		others.Round(10*time.Millisecond), len(rep.Tests))
	fmt.Fprintln(os.Stderr)
	for _, m := range rep.Models {
		if m.Rows >= 0 {
			fmt.Fprintf(os.Stderr, "  %-28s %10d rows %8.2fs\n", m.Name, m.Rows, m.Duration.Seconds())
		}
	}
	for _, t := range rep.Tests {
		if t.Duration > 200*time.Millisecond {
			fmt.Fprintf(os.Stderr, "  test %-60s %8.2fs\n", t.Test.Model+" "+t.Test.String(), t.Duration.Seconds())
		}
	}
}

// cpuProgress prints the build's progress lines with the CPU time of each step (the
// models run one after the other, so the process's CPU time between two lines is the
// step's).
type cpuProgress struct{ last time.Duration }

func (c *cpuProgress) Write(p []byte) (int, error) {
	now := cpuTime()
	fmt.Fprintf(os.Stderr, "%s  (CPU %.2fs)\n", strings.TrimRight(string(p), "\n"), (now - c.last).Seconds())
	c.last = now
	return len(p), nil
}

// cpuTime is the user and system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// BenchmarkQueryWeekTwoCuts asks every KPI of one week cut by country and carrier.
func BenchmarkQueryWeekTwoCuts(b *testing.B) {
	n := benchLines(b)
	st := benchStore(b, n)
	if _, err := BuiltAsOf(context.Background(), st.DB); err != nil { // not built by a previous benchmark
		if _, err := build(context.Background(), st, kpiProject(b), config.Default(), benchAsOf, nil, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	q := KPIQuery{From: "2026-W47", To: "2026-W47", By: []string{"country", "carrier"}}
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		vals, err := Query(context.Background(), st.DB, q)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "%d lines: %d values for 2026-W47 by country, carrier in %s (load average %s)\n", n, len(vals), time.Since(start).Round(time.Millisecond), loadAverage())
	}
}
