package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/gen"
	"github.com/orderflow/orderflow/ingest"
)

func init() {
	var out string
	var lines int
	var seed uint64
	var serve bool
	register(&command{
		name:    "demo",
		summary: "generate a realistic export company, load it, build every model and write the dashboards and reports",
		usage:   "[--out DIR] [--lines N] [--seed N] [--serve]",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&out, "out", "orderflow-demo", "output folder for the extracts, the database, the dashboards and the reports")
			fs.IntVar(&lines, "lines", 30000, "order lines to generate (two years of history)")
			fs.Uint64Var(&seed, "seed", 1, "random seed: the same seed and as-of date give the same company")
			fs.BoolVar(&serve, "serve", false, "serve the results over HTTP afterwards")
		},
		run: func(e *env, args []string) error {
			return runDemo(e, out, lines, seed, serve)
		},
	})
}

func runDemo(e *env, out string, lines int, seed uint64, serve bool) error {
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
	fmt.Fprintf(e.stdout, "\nDone in %.1f s. Database: %s; example configuration: %s\n", time.Since(start).Seconds(), e.dbPath, filepath.Join(out, "orderflow.yaml"))
	if serve {
		return fmt.Errorf("`orderflow demo --serve` is not yet available in this build")
	}
	return nil
}

// writeExampleConfig writes the commented example configuration, unless one is there.
func writeExampleConfig(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	return os.WriteFile(path, config.Example(), 0o644)
}
