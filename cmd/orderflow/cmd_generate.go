package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/orderflow/orderflow/gen"
)

func init() {
	var out, profile string
	var seed uint64
	var lines int
	register(&command{
		name:    "generate",
		summary: "write synthetic ERP extracts of a realistic export company",
		usage:   "--out DIR [--seed N] [--lines N] [--profile NAME]",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&out, "out", "", "output folder (required); the ground truth of the injected anomalies goes to DIR/"+gen.TruthFile)
			fs.Uint64Var(&seed, "seed", 1, "random seed: the same seed, line count and as-of date give the same bytes")
			fs.IntVar(&lines, "lines", 20000, "order lines to generate over the two years before the as-of date")
			fs.StringVar(&profile, "profile", "canonical", "file layout: canonical (one CSV per entity) or sap (SAP list exports)")
		},
		run: func(e *env, args []string) error {
			if out == "" {
				return fmt.Errorf("give the output folder with --out, such as `orderflow generate --out extracts`")
			}
			if len(args) > 0 {
				return fmt.Errorf("unexpected argument %q: generate takes only flags", args[0])
			}
			start := time.Now()
			sum, err := gen.Generate(e.ctx, gen.Options{Out: out, Seed: seed, Lines: lines, Profile: profile, AsOf: e.asOf, Progress: e.stderr})
			if err != nil {
				return err
			}
			printGenerateSummary(e, out, profile, sum, time.Since(start))
			return nil
		},
	})
}

func printGenerateSummary(e *env, out, profile string, sum gen.Summary, took time.Duration) {
	fmt.Fprintf(e.stdout, "wrote %d files (%s profile, as of %s) into %s in %.1f s:\n", len(sum.Files), profile, e.asOf.Format("2006-01-02"), out, took.Seconds())
	// SAP stock lists come one file per weekly snapshot: one line for them all.
	snapshots, snapshotRows := 0, int64(0)
	for _, f := range sum.Files {
		if strings.HasPrefix(f.Name, "stock_") && strings.HasSuffix(f.Name, ".txt") {
			snapshots++
			snapshotRows += f.Rows
			continue
		}
		fmt.Fprintf(e.stdout, "  %-28s %12s rows\n", f.Name, groupDigits(f.Rows))
	}
	if snapshots > 0 {
		fmt.Fprintf(e.stdout, "  %-28s %12s rows\n", fmt.Sprintf("stock_YYYYMMDD.txt (%d)", snapshots), groupDigits(snapshotRows))
	}
	total, open := 0, 0
	for _, a := range sum.Anomalies {
		total, open = total+a.Count, open+a.Open
	}
	fmt.Fprintf(e.stdout, "injected anomalies (%s truth rows, %s open at the as-of date, the rest fixed by the desk):\n",
		groupDigits(int64(total)), groupDigits(int64(open)))
	for _, a := range sum.Anomalies {
		fmt.Fprintf(e.stdout, "  %-28s %12s %12s open\n", a.Code, groupDigits(int64(a.Count)), groupDigits(int64(a.Open)))
	}
}
