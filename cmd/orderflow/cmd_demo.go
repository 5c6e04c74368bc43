package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/gen"
	"github.com/orderflow/orderflow/ingest"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/reports"
)

func init() {
	var out string
	var lines int
	var seed uint64
	var andServe bool
	register(&command{
		name:    "demo",
		summary: "generate a realistic export company, load it, build every model and write the dashboards and reports",
		usage:   "[--out DIR] [--lines N] [--seed N] [--serve]",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&out, "out", "orderflow-demo", "output folder for the extracts, the database, the dashboards and the reports")
			fs.IntVar(&lines, "lines", 30000, "order lines to generate (two years of history)")
			fs.Uint64Var(&seed, "seed", 1, "random seed: the same seed and as-of date give the same company")
			fs.BoolVar(&andServe, "serve", false, "serve the results over HTTP afterwards")
		},
		run: func(e *env, args []string) error {
			return runDemo(e, out, lines, seed, andServe)
		},
	})
}

func runDemo(e *env, out string, lines int, seed uint64, andServe bool) error {
	start := time.Now()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("cannot create the demo folder %s: %w", out, err)
	}
	if !e.dbExplicit {
		e.dbPath = filepath.Join(out, "orderflow.duckdb")
	}
	extracts := filepath.Join(out, "extracts")
	fmt.Fprintf(e.stdout, "1. Generating %s order lines of a synthetic export company (seed %d, as of %s) into %s\n",
		groupDigits(int64(lines)), seed, e.asOf.Format("2006-01-02"), extracts)
	sum, err := gen.Generate(e.ctx, gen.Options{Out: extracts, Seed: seed, Lines: lines, AsOf: e.asOf, Progress: e.stderr})
	if err != nil {
		return err
	}
	injected := 0
	for _, a := range sum.Anomalies {
		injected += a.Count
	}
	fmt.Fprintf(e.stdout, "   %d files, %d anomalies injected (ground truth in %s)\n", len(sum.Files), injected, filepath.Join(extracts, "_injected"))

	fmt.Fprintf(e.stdout, "2. Loading the extracts into %s\n", e.dbPath)
	st, err := e.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	failed := 0
	_, err = ingest.Load(e.ctx, st, ingest.Options{
		ProfilePaths: e.cfg.Profiles, AsOf: e.asOf,
		OnResult: func(r ingest.FileResult) { failed += printLoadResult(e, st.DB, r) },
	}, extracts)
	if err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d generated file(s) could not be loaded: this is a bug, please report it with the messages above", failed)
	}
	if err := writeExampleConfig(filepath.Join(out, "orderflow.yaml")); err != nil {
		return err
	}

	// The desk built last week too: a build as of a week before keeps the anomalies it
	// found, so that this week's report shows what changed since (new, worsening,
	// resolved). The models read only the events dated up to their as-of date.
	lastWeek := e.asOf.AddDate(0, 0, -7)
	fmt.Fprintf(e.stdout, "3. Building the models as of last week (%s), to compare with, then as of %s\n",
		lastWeek.Format("2006-01-02"), e.asOf.Format("2006-01-02"))
	if _, err := models.Build(e.ctx, st, e.cfg, lastWeek, nil); err != nil {
		return err
	}
	if _, err := anomalies.Build(e.ctx, st, e.cfg, lastWeek); err != nil {
		return err
	}
	rep, err := models.Build(e.ctx, st, e.cfg, e.asOf, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "   %d models, %d data tests passed (%.1f s)\n", len(rep.Models), len(rep.Tests), rep.Duration.Seconds())
	for _, n := range rep.Notes {
		fmt.Fprintln(e.stdout, "   "+n)
	}
	week := models.LastCompleteWeek(e.asOf)
	vals, err := models.Query(e.ctx, st.DB, models.KPIQuery{KPIs: demoHeadline, From: week, To: week})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\n   Headline KPIs, week %s:\n", week)
	writeKPITable(indent(e.stdout, "   "), e.lang, vals, nil)

	fmt.Fprintln(e.stdout, "\n4. Finding anomalies, risks and trade-rule breaches")
	arep, err := anomalies.Build(e.ctx, st, e.cfg, e.asOf)
	if err != nil {
		return err
	}
	list, err := anomalies.List(e.ctx, st.DB, anomalies.Filter{Buckets: []string{anomalies.BucketWorklist}}, e.lang)
	if err != nil {
		return err
	}
	changes, err := anomalies.ReadChanges(e.ctx, st.DB, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "   %d anomalies found (%d control-chart signals, %d alerts); %d on the worklist, in %d items:\n",
		arep.Total, arep.Signals, arep.Alerts, len(list), changes.Items)
	for _, c := range anomalies.CountByCode(list) {
		fmt.Fprintf(e.stdout, "     %-24s %6d\n", c.Code, c.Count)
	}
	fmt.Fprintln(e.stdout)
	writeChanges(indent(e.stdout, "   "), e.lang, changes, 0)
	top, err := anomalies.List(e.ctx, st.DB, anomalies.Filter{Buckets: []string{anomalies.BucketWorklist}, Items: 10}, e.lang)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "\n   The ten items first on the worklist:")
	writeAnomalyTable(indent(e.stdout, "   "), e.lang, top)

	fmt.Fprintln(e.stdout, "\n5. Writing the dashboards and reports")
	paths, err := reports.WriteAll(e.ctx, st, e.cfg, e.asOf, e.lang, out)
	if err != nil {
		return err
	}
	for _, p := range paths {
		fmt.Fprintf(e.stdout, "   %s\n", p)
	}
	fmt.Fprintf(e.stdout, "\nDone in %.1f s. Database: %s; example configuration: %s\n", time.Since(start).Seconds(), e.dbPath, filepath.Join(out, "orderflow.yaml"))
	if andServe {
		fmt.Fprintln(e.stdout, "\n6. Serving them (Ctrl-C stops)")
		return serve(e, st, "", "text")
	}
	return nil
}

// demoHeadline are the KPIs the demo prints for the last complete week.
var demoHeadline = []string{"service_rate", "on_time_line", "in_full_line", "otif_order", "unit_fill_rate",
	"backlog_value", "days_late_mean", "claim_rate", "freight_cost_per_kg"}

// indent prefixes every line written to w.
func indent(w io.Writer, prefix string) io.Writer {
	return &indentWriter{w: w, prefix: prefix, bol: true}
}

type indentWriter struct {
	w      io.Writer
	prefix string
	bol    bool
}

func (iw *indentWriter) Write(p []byte) (int, error) {
	for _, b := range p {
		if iw.bol {
			if _, err := io.WriteString(iw.w, iw.prefix); err != nil {
				return 0, err
			}
		}
		if _, err := iw.w.Write([]byte{b}); err != nil {
			return 0, err
		}
		iw.bol = b == '\n'
	}
	return len(p), nil
}

// writeExampleConfig writes the commented example configuration, unless one is there.
func writeExampleConfig(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	return os.WriteFile(path, config.Example(), 0o644)
}
