package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/orderflow/orderflow/reports"
	"github.com/orderflow/orderflow/store"
)

func init() {
	var out string
	register(&command{
		name:    "dashboard",
		summary: "write the interactive dashboards as self-contained HTML files",
		usage:   "[--out DIR]\n\nWrites the eight pages (overview, service, delays, stock, claims, costs, portfolio,\nimprovement) with a year of the figures of the last build; each opens from disk, offline.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&out, "out", "dashboards", "folder to write the pages into")
		},
		run: func(e *env, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("dashboard takes no arguments (got %q): use --out DIR", args[0])
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
			paths, err := reports.WriteDashboards(e.ctx, st.DB, e.cfg, asOf, e.lang, out)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "wrote %d dashboard pages into %s (%.1f s); open %s\n", len(paths), out, time.Since(start).Seconds(), paths[0])
			return nil
		},
	})
}
