package models

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/orderflow/store"
)

// scratch: time each mart pass of QueryCuts on a bench DB (deleted before handing over).
func TestScratchPasses(t *testing.T) {
	path := os.Getenv("SCRATCH_DB")
	if path == "" {
		t.Skip()
	}
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, _ := LoadProject()
	cuts := [][]string{nil, {"site"}, {"customer"}, {"country"}, {"carrier"}, {"transport_mode"}, {"incoterm"}, {"family"}, {"site", "country"}, {"site", "carrier"}}
	if s := os.Getenv("SCRATCH_SQL"); s != "" {
		for _, q := range strings.Split(s, ";;") {
			start := time.Now()
			rows, err := st.DB.QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			t.Logf("%6.2f s %d rows: %.200s", time.Since(start).Seconds(), n, q)
		}
		return
	}
	for _, m := range p.Models {
		var kpis []string
		for _, k := range Registry() {
			if k.Model == m.Name {
				kpis = append(kpis, k.Name)
			}
		}
		if len(kpis) == 0 {
			continue
		}
		var qs []KPIQuery
		for _, c := range cuts {
			if k, _ := LookupKPI(kpis[0]); k.CanCut(c...) {
				qs = append(qs, KPIQuery{KPIs: kpis, From: "2025-W48", To: "2026-W47", By: c})
			}
		}
		start := time.Now()
		if _, err := QueryCuts(ctx, st.DB, qs); err != nil {
			t.Fatal(err)
		}
		t.Logf("%-22s all cuts %6.2f s", m.Name, time.Since(start).Seconds())
		start = time.Now()
		if _, err := QueryCuts(ctx, st.DB, qs[:1]); err != nil {
			t.Fatal(err)
		}
		t.Logf("%-22s total    %6.2f s", m.Name, time.Since(start).Seconds())
		for _, k := range kpis {
			start = time.Now()
			if _, err := QueryCuts(ctx, st.DB, []KPIQuery{{KPIs: []string{k}, From: "2025-W48", To: "2026-W47", By: []string{"customer"}}}); err != nil {
				t.Fatal(err)
			}
			t.Logf("%-22s   %-28s by customer %6.2f s", m.Name, k, time.Since(start).Seconds())
		}
	}
}
