package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/reports"
	"github.com/orderflow/orderflow/store"
)

// byteSize writes a size in bytes the way people read it: 812 MB, 3.4 GB.
func byteSize(b int64) string {
	switch {
	case b >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(b)/1e9)
	case b >= 1e6:
		return fmt.Sprintf("%.0f MB", float64(b)/1e6)
	}
	return fmt.Sprintf("%d kB", b/1000)
}

func init() {
	var full bool
	register(&command{
		name:    "build",
		summary: "run the SQL models and their data tests",
		usage:   "[--full]",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&full, "full", false, "rebuild every model whole, rather than refresh the incremental ones for the orders that changed")
		},
		run: func(e *env, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("build takes no arguments (got %q): the as-of date is the global --as-of", args[0])
			}
			st, err := e.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			rep, err := models.BuildWith(e.ctx, st, e.cfg, e.asOf, e.stdout, models.Options{Full: full})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "built %d models as of %s and passed %d data tests in %.1f s\n",
				len(rep.Models), rep.AsOf.Format("2006-01-02"), len(rep.Tests), rep.Duration.Seconds())
			for _, n := range rep.Notes {
				fmt.Fprintln(e.stdout, n)
			}
			// the anomaly worklist follows the models: signals, ranking, statuses; the
			// control charts and the reports' figures read the weekly KPIs of one cube
			cube := reports.BuildCube(e.cfg, rep.AsOf)
			ctx := models.WithCube(e.ctx, cube)
			arep, err := anomalies.Build(ctx, st, e.cfg, rep.AsOf)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "found %d anomalies (%d new, %d back after being resolved, %d resolved by the data; %d KPI alerts) in %.1f s (control charts %.1f s, anomaly models %.1f s, statuses and state %.1f s)\n",
				arep.Total, arep.New, arep.Reopened, arep.Resolved, arep.Alerts, arep.Duration.Seconds(),
				arep.SignalsTime.Seconds(), arep.ListTime.Seconds(), arep.StateTime.Seconds())
			// the figures of the dashboards and weekly report, so that writing them takes
			// seconds whatever the size of the company
			start := time.Now()
			if err := reports.Prepare(ctx, st.DB, e.cfg, rep.AsOf); err != nil {
				return fmt.Errorf("the models and anomalies are built, but %w; `orderflow dashboard` and `orderflow report` will compute the figures themselves", err)
			}
			fmt.Fprintf(e.stdout, "prepared the figures of the dashboards and weekly report in %.1f s\n", time.Since(start).Seconds())
			fmt.Fprintf(e.stdout, "(the weekly KPIs both read, every cut of a year of weeks, took %.1f s of the control charts and answered %d of their queries)\n",
				cube.Took().Seconds(), cube.Answered())
			if peak := store.PeakMemory(); peak > 0 {
				fmt.Fprintf(e.stdout, "peak memory %s (DuckDB's limit %s: duckdb.memory_limit in orderflow.yaml)\n", byteSize(peak), byteSize(st.MemoryLimit))
			}
			return nil
		},
	})
}
