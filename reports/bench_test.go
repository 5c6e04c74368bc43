package reports

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/dashboards"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/store"
)

// BenchmarkWriteDashboardsAndWeekly writes the eight dashboards and the weekly report
// (HTML and XLSX) of a generated company, from its built database, as a user does after
// `orderflow build`: the build has prepared the figures (Prepare, reported apart as
// s-prepare, computed afresh: the benchmark empties report_cache first). Skipped unless
// ORDERFLOW_BENCH_LINES gives the order lines to generate (1000000, 10000000); the
// company is generated, loaded and built once into ORDERFLOW_BENCH_DIR (default a
// folder under the system's temp dir), which later runs reuse.
//
//	ORDERFLOW_BENCH_LINES=1000000 go test ./reports -run '^$' -bench WriteDashboards -benchtime 1x
func BenchmarkWriteDashboardsAndWeekly(b *testing.B) {
	lines, _ := strconv.Atoi(os.Getenv("ORDERFLOW_BENCH_LINES"))
	if lines <= 0 {
		b.Skip("set ORDERFLOW_BENCH_LINES to the order lines of the generated company, such as 1000000")
	}
	ctx := context.Background()
	dir := os.Getenv("ORDERFLOW_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "orderflow-bench-"+strconv.Itoa(lines))
	}
	st := benchStore(b, ctx, dir, lines)
	defer st.Close()
	cfg := config.Default()
	out := b.TempDir()
	if _, err := st.DB.ExecContext(ctx, "DELETE FROM report_cache"); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := Prepare(ctx, st.DB, cfg, asOf); err != nil {
		b.Fatal(err)
	}
	prepared := time.Since(start)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		f, err := Collect(ctx, st.DB, cfg, asOf, "en", DashboardPlan())
		if err != nil {
			b.Fatal(err)
		}
		collected := time.Since(start)
		for _, st := range f.Timings {
			b.Logf("collect %-12s %6.2f s", st.Step, st.Duration.Seconds())
		}
		paths, err := dashboards.Write(filepath.Join(out, "dashboards"), DashboardData(f, "en"), "en")
		if err != nil {
			b.Fatal(err)
		}
		drawn := time.Since(start)
		w := BuildWeekly(f, "en")
		b.Logf("weekly layout %.2f s", (time.Since(start) - drawn).Seconds())
		var h, x bytes.Buffer
		if err := w.WriteHTML(&h); err != nil {
			b.Fatal(err)
		}
		if err := w.WriteXLSX(&x); err != nil {
			b.Fatal(err)
		}
		total := time.Since(start)
		largest := int64(0)
		for _, p := range paths {
			if s, err := os.Stat(p); err == nil && s.Size() > largest {
				largest = s.Size()
			}
		}
		b.ReportMetric(prepared.Seconds(), "s-prepare")
		b.ReportMetric(collected.Seconds(), "s-collect")
		b.ReportMetric((drawn - collected).Seconds(), "s-dashboards")
		b.ReportMetric((total - drawn).Seconds(), "s-weekly")
		b.ReportMetric(total.Seconds(), "s-total")
		b.ReportMetric(float64(largest)/(1<<20), "MB-largest-page")
		b.ReportMetric(float64(len(f.Values)), "kpi-values")
		if largest > dashboards.MaxPageBytes {
			b.Errorf("a page weighs %d bytes, over %d", largest, dashboards.MaxPageBytes)
		}
	}
	b.StopTimer() // not the checkpoint of the deferred Close
}

// benchStore opens the company of dir, generating, loading and building it first when
// it is not there.
func benchStore(b *testing.B, ctx context.Context, dir string, lines int) *store.Store {
	dbPath := filepath.Join(dir, "orderflow.duckdb")
	if _, err := os.Stat(dbPath); err == nil {
		st, err := store.Open(ctx, dbPath)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := models.BuiltAsOf(ctx, st.DB); err == nil {
			if ok, err := anomalies.Stale(ctx, st.DB); err == nil && !ok {
				return st
			}
			if _, err := anomalies.Build(ctx, st, config.Default(), asOf); err != nil {
				b.Fatal(err)
			}
			return st
		}
		st.Close()
	}
	start := time.Now()
	fx, err := buildCompany(ctx, dir, lines, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated, loaded and built %d lines in %v", lines, time.Since(start))
	return fx.st
}
