package main

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/reports"
	"github.com/orderflow/orderflow/store"
)

type reportOptions struct {
	week, format, out string
}

func init() {
	var o reportOptions
	register(&command{
		name:    "report",
		summary: "the weekly KPI report or the anomaly report",
		usage: "weekly|anomalies [--week YYYY-Www] [--format html|xlsx|pdf] [--out FILE]\n\n" +
			"weekly: the KPI report of a week (default: the last complete ISO week before the as-of date of\n" +
			"the last build), headline KPIs, commentary, service, delays, stock, claims, signals, anomalies\n" +
			"and the action plan. anomalies: the ranked worklist of open anomalies by owner and type.\n" +
			"pdf is printed by headless Chromium (apt-get install chromium).",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&o.week, "week", "", "weekly: the ISO week of the report, such as 2026-W47 (default: the last complete week)")
			fs.StringVar(&o.format, "format", "html", "html, xlsx or pdf")
			fs.StringVar(&o.out, "out", "", "output file (default: weekly-report-WEEK.FORMAT or anomaly-report-DATE.FORMAT, in report.folder of the config or here)")
		},
		run: o.run,
	})
}

func (o *reportOptions) run(e *env, args []string) error {
	if len(args) != 1 || (args[0] != "weekly" && args[0] != "anomalies") {
		return fmt.Errorf("say which report: `orderflow report weekly` or `orderflow report anomalies`")
	}
	o.format = strings.ToLower(o.format)
	if o.format != reports.HTML && o.format != reports.XLSX && o.format != reports.PDF {
		return fmt.Errorf("--format %q is not supported: use html, xlsx or pdf", o.format)
	}
	if o.format == reports.PDF {
		if _, err := reports.ChromiumPath(); err != nil {
			return err
		}
	}
	st, err := store.OpenReadOnly(e.ctx, e.dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	asOf, err := builtAsOf(e, st)
	if err != nil {
		return err
	}
	start := time.Now()
	var path string
	if args[0] == "weekly" {
		if o.week != "" {
			if _, err := models.ParseWeek(o.week); err != nil {
				return fmt.Errorf("--week: %w", err)
			}
		}
		w, err := reports.WeeklyReport(e.ctx, st.DB, e.cfg, asOf, e.lang, o.week)
		if err != nil {
			return err
		}
		path = o.outPath(e, reports.WeeklyFileName(w.Week, o.format))
		if err := w.WriteFile(e.ctx, path, o.format); err != nil {
			return err
		}
	} else {
		if o.week != "" {
			return fmt.Errorf("--week applies to the weekly report; the anomaly report lists what is open at the as-of date")
		}
		r, err := reports.CollectAnomalies(e.ctx, st.DB, e.cfg, asOf, e.lang)
		if err != nil {
			return err
		}
		path = o.outPath(e, reports.AnomalyFileName(asOf, o.format))
		if err := r.WriteFile(path, o.format); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "wrote %s (%.1f s)\n", path, time.Since(start).Seconds())
	return nil
}

func (o *reportOptions) outPath(e *env, name string) string {
	if o.out != "" {
		return o.out
	}
	return filepath.Join(e.cfg.Report.Folder, name)
}

// builtAsOf is the as-of date of the last build, which the figures are measured at; a
// different --as-of gets a note rather than figures that do not exist.
func builtAsOf(e *env, st *store.Store) (time.Time, error) {
	asOf, err := models.BuiltAsOf(e.ctx, st.DB)
	if err != nil {
		return asOf, err
	}
	if !asOf.Equal(e.asOf) {
		fmt.Fprintf(e.stderr, "note: figures are as of %s, the date of the last build (run `orderflow build` to refresh them)\n", asOf.Format("2006-01-02"))
	}
	return asOf, nil
}
