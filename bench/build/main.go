// Command build benchmarks the whole `orderflow build` (models, anomalies, report
// figures) on data written by the project's generator, the weekly increment, and,
// side by side in the same run, a bare DuckDB OTIF query over the same CSV files and
// the pandas equivalent (bench/build/otif_pandas.py), as ratios (issue 16).
//
//	go run ./bench/build                            # 1M lines, a couple of minutes
//	go run ./bench/build -lines 1000000,10000000    # 10M too: ~20 minutes, ~15 GB under the default memory limit
//	go run ./bench/build -json                      # the figures as JSON too
//	go run ./bench/build -against 0f71947 -runs 3   # this build against another commit's
//
// -against builds the binary of another commit (a git worktree under -dir) and runs its
// `orderflow build` and this one's, alternately, -runs times each on copies of the same
// database as loaded by this binary, and prints the median wall and CPU times and their
// ratio: what a change costs the whole build on the same data (issue 15: the currency
// conversion may not grow it by more than 10%). The other commit must be able to read
// this binary's database (the schema only grows: older commits can).
// Each step runs the built binary (go build ./cmd/orderflow) in a fresh process, so
// its peak memory is the child's maximum resident set (rusage maxrss). The "increment"
// loads this week's full extract over last week's (cut from it, see cutBase; ingest
// supersedes by business key), then runs `orderflow build`, which refreshes the
// incremental models for the orders that changed or can change with the as-of date; the
// same build with --full, on a copy of the same database, shows what that saves. It prints
// PASS or MISS per target and exits 0 either way.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/orderflow/orderflow/gen"
)

var asOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// step is one timed child process.
type step struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
	CPU     float64 `json:"cpu_seconds"`
	PeakMB  float64 `json:"peak_mb"`
	Output  string  `json:"output,omitempty"`
}

// result is one size's figures.
type result struct {
	Lines      int       `json:"lines"`
	Steps      []step    `json:"steps"`
	Build      float64   `json:"build_s"`
	BuildMB    float64   `json:"build_peak_mb"`
	Increment  float64   `json:"increment_s"`
	IncLines   int64     `json:"increment_new_lines"`
	Bare       float64   `json:"bare_duckdb_s"`
	BareOTIF   string    `json:"bare_duckdb_otif"`
	Pandas     float64   `json:"pandas_s,omitempty"`
	PandasOTIF string    `json:"pandas_otif,omitempty"`
	PandasNote string    `json:"pandas_note,omitempty"`
	Against    *compared `json:"against,omitempty"`
}

// compared is this build against another commit's on the same database.
type compared struct {
	Rev       string    `json:"rev"`
	Runs      int       `json:"runs"`
	This      []float64 `json:"this_s"`
	Other     []float64 `json:"other_s"`
	ThisCPU   []float64 `json:"this_cpu_s"`
	OtherCPU  []float64 `json:"other_cpu_s"`
	ThisMB    float64   `json:"this_peak_mb"`
	WallRatio float64   `json:"wall_ratio"`
	CPURatio  float64   `json:"cpu_ratio"`
}

func main() {
	lines := flag.String("lines", "1000000", "order line counts, comma separated (10000000 takes ~20 minutes and ~15 GB under the default memory limit)")
	dir := flag.String("dir", "bench/out/build", "work folder for the generated data, databases and binary")
	asJSON := flag.Bool("json", false, "also print the figures as JSON")
	against := flag.String("against", "", "a git commit whose whole build to time against this one's, on the same database")
	runs := flag.Int("runs", 3, "with -against: builds of each binary, alternately")
	increment := flag.Bool("increment", true, "also time the weekly increment (with -against, false skips it and the extra build)")
	child := flag.String("child", "", "internal: run the bare DuckDB OTIF query on this folder")
	childAsOf := flag.String("asof", "", "internal: the as-of date of -child")
	flag.Parse()
	if *child != "" {
		if err := bareOTIF(*child, *childAsOf); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fail("%v", err)
	}
	bin, _ := filepath.Abs(filepath.Join(*dir, "orderflow"))
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/orderflow").CombinedOutput(); err != nil {
		fail("go build ./cmd/orderflow: %v\n%s", err, out)
	}
	other := ""
	if *against != "" {
		other = buildAt(*dir, *against)
	}
	var results []result
	for _, s := range strings.Split(*lines, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fail("bad -lines value %q", s)
		}
		results = append(results, runSize(bin, *dir, n, other, *against, *runs, *increment))
	}
	report(results)
	if *asJSON {
		b, _ := json.MarshalIndent(results, "", "  ")
		fmt.Println(string(b))
	}
}

// buildAt builds the orderflow binary of commit rev in a worktree under dir.
func buildAt(dir, rev string) string {
	wt, _ := filepath.Abs(filepath.Join(dir, "against-"+rev))
	bin := wt + ".bin"
	if _, err := os.Stat(wt); err != nil {
		if out, err := exec.Command("git", "worktree", "add", "--detach", wt, rev).CombinedOutput(); err != nil {
			fail("git worktree add %s %s: %v\n%s", wt, rev, err, out)
		}
	}
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/orderflow")
	cmd.Dir = wt
	if out, err := cmd.CombinedOutput(); err != nil {
		fail("go build ./cmd/orderflow at %s: %v\n%s", rev, err, out)
	}
	return bin
}

// compare runs this binary's build and other's alternately on copies of loaded.
func compare(bin, other, rev, loaded, day string, runs int) *compared {
	c := &compared{Rev: rev, Runs: runs}
	copyDB := func(to string) {
		os.Remove(to)
		os.Remove(to + ".wal")
		if out, err := exec.Command("cp", loaded, to).CombinedOutput(); err != nil {
			fail("cp %s: %v\n%s", loaded, err, out)
		}
	}
	db := loaded + ".run"
	for i := 0; i < runs; i++ {
		copyDB(db)
		s := run(fmt.Sprintf("build, this commit (run %d)", i+1), bin, "--db", db, "--as-of", day, "build")
		c.This, c.ThisCPU, c.ThisMB = append(c.This, s.Seconds), append(c.ThisCPU, s.CPU), max(c.ThisMB, s.PeakMB)
		keep(loaded, fmt.Sprintf("this-%d", i+1), s.Output)
		copyDB(db)
		s = run(fmt.Sprintf("build, %s (run %d)", rev, i+1), other, "--db", db, "--as-of", day, "build")
		c.Other, c.OtherCPU = append(c.Other, s.Seconds), append(c.OtherCPU, s.CPU)
		keep(loaded, fmt.Sprintf("%s-%d", rev, i+1), s.Output)
	}
	os.Remove(db)
	os.Remove(db + ".wal")
	c.WallRatio = median(c.This) / median(c.Other)
	c.CPURatio = median(c.ThisCPU) / median(c.OtherCPU)
	return c
}

// keep writes a build's output (the time of each model and step) beside the database,
// to compare where two commits' builds differ.
func keep(loaded, name, out string) {
	path := strings.TrimSuffix(loaded, ".loaded") + "." + name + ".txt"
	if err := os.WriteFile(path, []byte(out), 0o644); err == nil {
		fmt.Fprintf(os.Stderr, "   its output: %s\n", path)
	}
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func runSize(bin, dir string, n int, other, rev string, runs int, increment bool) result {
	r := result{Lines: n}
	full := filepath.Join(dir, fmt.Sprintf("lines-%d", n))
	base := filepath.Join(dir, fmt.Sprintf("lines-%d-base", n))
	// The generator writes a company's whole extract as of one date; the same seed at
	// another date is another company. So this week's extract is generated once (as of
	// asOf) and last week's is cut from it: the orders dated before asOf - 7 days and
	// what was shipped, invoiced, claimed and snapshotted before then. Loading this
	// week's full extract over it is then a real weekly load: the new orders of the
	// week are new keys, the rest supersedes by business key.
	generate(full, n, asOf)
	prev := asOf.AddDate(0, 0, -7)
	week, err := cutBase(full, base, prev)
	if err != nil {
		fail("last week's extract: %v", err)
	}
	r.IncLines = week
	db := filepath.Join(dir, fmt.Sprintf("lines-%d.duckdb", n))
	os.Remove(db)
	os.Remove(db + ".wal")
	day := prev.Format("2006-01-02")
	nextDay := asOf.Format("2006-01-02")
	fmt.Fprintf(os.Stderr, "== %d lines\n", n)
	ing := run("ingest (last week's extract)", bin, "--db", db, "--as-of", day, "ingest", base)
	if other != "" {
		loaded := db + ".loaded"
		if out, err := exec.Command("cp", db, loaded).CombinedOutput(); err != nil {
			fail("cp %s: %v\n%s", db, err, out)
		}
		r.Against = compare(bin, other, rev, loaded, day, runs)
		os.Remove(loaded)
	}
	r.Steps = []step{ing}
	if increment || other == "" {
		bld := run("build", bin, "--db", db, "--as-of", day, "build")
		r.Build, r.BuildMB = bld.Seconds, bld.PeakMB
		r.Steps = append(r.Steps, bld)
	} else { // the build's figures are those of this commit's runs against the other's
		r.Build, r.BuildMB = median(r.Against.This), r.Against.ThisMB
	}
	if increment {
		inc1 := run("increment: ingest this week's extract", bin, "--db", db, "--as-of", nextDay, "ingest", full)
		whole := db + ".full"
		if out, err := exec.Command("cp", db, whole).CombinedOutput(); err != nil {
			fail("cp %s: %v\n%s", db, err, out)
		}
		inc2 := run("increment: build (incremental)", bin, "--db", db, "--as-of", nextDay, "build")
		inc3 := run("increment: build --full, for comparison", bin, "--db", whole, "--as-of", nextDay, "build", "--full")
		os.Remove(whole)
		r.Increment = inc1.Seconds + inc2.Seconds
		r.Steps = append(r.Steps, inc1, inc2, inc3)
	}

	self, _ := os.Executable()
	bare := run("bare DuckDB OTIF (last week's extract)", self, "-child", base, "-asof", day)
	r.Bare = bare.Seconds
	r.BareOTIF = strings.TrimSpace(bare.Output)
	r.Steps = append(r.Steps, bare)

	if err := exec.Command("python3", "-c", "import pandas").Run(); err != nil {
		r.PandasNote = "pandas: not available (python3 cannot import pandas and the machine's package registries do not serve PyPI)"
	} else {
		p := run("pandas OTIF", "python3", "bench/build/otif_pandas.py", base, day)
		f := strings.Fields(p.Output)
		if len(f) == 3 {
			r.Pandas, _ = strconv.ParseFloat(f[0], 64)
			r.PandasOTIF = f[1] + " due, " + f[2] + " OTIF"
		}
		p.Name = "pandas OTIF (process)"
		r.Steps = append(r.Steps, p)
	}
	return r
}

// cutBase writes into base the extract of full as it stood at cut, and returns how
// many order lines the week after cut adds.
func cutBase(full, base string, cut time.Time) (int64, error) {
	if err := os.MkdirAll(base, 0o755); err != nil {
		return 0, err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	c := "'" + cut.Format("2006-01-02") + "'"
	in := func(name string) string {
		return "read_csv('" + filepath.Join(full, name+".csv") + "', all_varchar = true, header = true)"
	}
	before := func(col string) string { return "(" + col + " IS NULL OR " + col + " < " + c + ")" }
	inOrders := "(order_id IS NULL OR order_id IN (SELECT order_id FROM " + in("orders") + " WHERE " + before("order_date") + "))"
	where := map[string]string{
		"customers":   "true",
		"products":    "true",
		"orders":      before("order_date"),
		"order_lines": inOrders,
		"shipments":   inOrders + " AND " + before("ship_date"),
		"invoices":    inOrders + " AND " + before("invoice_date"),
		"claims":      inOrders + " AND " + before("opened_date"),
		"documents":   inOrders + " AND " + before("issued_date"),
		"stock":       before("snapshot_date"),
	}
	fx, err := os.ReadFile(filepath.Join(full, "eurofxref-hist.csv"))
	if err == nil {
		err = os.WriteFile(filepath.Join(base, "eurofxref-hist.csv"), fx, 0o644)
	}
	if err != nil {
		return 0, err
	}
	for name, w := range where {
		out := filepath.Join(base, name+".csv")
		if _, err := os.Stat(out); err == nil {
			continue
		}
		if _, err := db.Exec("COPY (SELECT * FROM " + in(name) + " WHERE " + w + ") TO '" + out + "' (HEADER, DELIMITER ',')"); err != nil {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
	}
	var all, kept int64
	if err := db.QueryRow("SELECT (SELECT count(*) FROM "+in("order_lines")+"), (SELECT count(*) FROM read_csv('"+filepath.Join(base, "order_lines.csv")+"', all_varchar = true))").Scan(&all, &kept); err != nil {
		return 0, err
	}
	return all - kept, nil
}

func generate(out string, n int, at time.Time) {
	if _, err := os.Stat(filepath.Join(out, "order_lines.csv")); err == nil {
		return
	}
	fmt.Fprintf(os.Stderr, "generating %d order lines as of %s into %s...\n", n, at.Format("2006-01-02"), out)
	if _, err := gen.Generate(context.Background(), gen.Options{Out: out, Seed: 1, Lines: n, AsOf: at}); err != nil {
		fail("generate: %v", err)
	}
}

// run times one child process and reads its peak memory.
func run(name, prog string, args ...string) step {
	cmd := exec.Command(prog, args...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	out, err := cmd.Output()
	d := time.Since(start)
	if err != nil {
		fail("%s: %v\n%s", name, err, out)
	}
	s := step{Name: name, Seconds: d.Seconds(), Output: string(out)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.PeakMB = float64(ru.Maxrss) / 1024
	}
	s.CPU = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	fmt.Fprintf(os.Stderr, "%s: %.1f s (CPU %.1f s), %.0f MB\n", name, s.Seconds, s.CPU, s.PeakMB)
	return s
}

// bareOTIF is otif_line of domain.md (defaults: no tolerance, the delivery event by
// Incoterm group) over the CSV files straight, in one query, and prints its time,
// due lines and OTIF lines.
func bareOTIF(dir, day string) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	f := func(name string) string { return "read_csv('" + filepath.Join(dir, name) + "')" }
	q := `WITH l AS (
  SELECT order_id::VARCHAR AS order_id, line_no::VARCHAR AS line_no, ordered_qty,
         coalesce(promised_date, requested_date) AS due
  FROM ` + f("order_lines.csv") + ` WHERE coalesce(status, '') <> 'cancelled' AND ordered_qty > 0),
o AS (SELECT order_id::VARCHAR AS order_id, upper(incoterm) IN ('DAP', 'DPU', 'DDP') AS group_d FROM ` + f("orders.csv") + `),
s AS (SELECT order_id::VARCHAR AS order_id, line_no::VARCHAR AS line_no, shipped_qty, ship_date, delivery_date FROM ` + f("shipments.csv") + `),
e AS (SELECT s.order_id, s.line_no, s.shipped_qty,
             CASE WHEN o.group_d THEN coalesce(s.delivery_date, s.ship_date) ELSE s.ship_date END AS event
      FROM s LEFT JOIN o USING (order_id)),
q AS (SELECT l.order_id, l.line_no, any_value(l.ordered_qty) AS ordered,
             coalesce(sum(e.shipped_qty) FILTER (WHERE e.event <= l.due), 0) AS qty
      FROM l LEFT JOIN e ON e.order_id = l.order_id AND e.line_no = l.line_no
      WHERE l.due < DATE '` + day + `'
      GROUP BY l.order_id, l.line_no)
SELECT count(*), count(*) FILTER (WHERE qty >= ordered) FROM q`
	start := time.Now()
	var due, otif int64
	if err := db.QueryRow(q).Scan(&due, &otif); err != nil {
		return err
	}
	fmt.Printf("%d due, %d OTIF (%.4f) in %.3f s\n", due, otif, float64(otif)/float64(max(due, 1)), time.Since(start).Seconds())
	return nil
}

func report(rs []result) {
	for _, r := range rs {
		fmt.Printf("\n== %d order lines (generated, seed 1; build as of %s, increment as of %s)\n", r.Lines, asOf.AddDate(0, 0, -7).Format("2006-01-02"), asOf.Format("2006-01-02"))
		fmt.Printf("%-50s %9s %10s\n", "step", "seconds", "peak MB")
		for _, s := range r.Steps {
			fmt.Printf("%-50s %9.1f %10.0f\n", s.Name, s.Seconds, s.PeakMB)
		}
		for _, s := range r.Steps {
			if strings.HasPrefix(s.Name, "build") || strings.HasPrefix(s.Name, "increment: build") {
				fmt.Printf("-- %s reports:\n", s.Name)
				for _, l := range strings.Split(strings.TrimSpace(s.Output), "\n") {
					if !strings.HasPrefix(l, "warning") {
						fmt.Println("   " + l)
					}
				}
			}
		}
		fmt.Printf("bare DuckDB OTIF: %s\n", r.BareOTIF)
		fmt.Printf("orderflow build / bare DuckDB OTIF (process): %.1fx\n", r.Build/r.Bare)
		if r.PandasNote != "" {
			fmt.Println(r.PandasNote)
		} else {
			fmt.Printf("pandas OTIF: %s in %.2f s; orderflow build / pandas: %.1fx\n", r.PandasOTIF, r.Pandas, r.Build/r.Pandas)
		}
		if c := r.Against; c != nil {
			fmt.Printf("this commit against %s, the same loaded database, %d builds each, alternately:\n", c.Rev, c.Runs)
			fmt.Printf("   this commit: wall %s s (median %.1f), CPU %s s (median %.1f)\n", list(c.This), median(c.This), list(c.ThisCPU), median(c.ThisCPU))
			fmt.Printf("   %s: wall %s s (median %.1f), CPU %s s (median %.1f)\n", c.Rev, list(c.Other), median(c.Other), list(c.OtherCPU), median(c.OtherCPU))
			fmt.Printf("   ratio this / %s: wall %.2f, CPU %.2f\n", c.Rev, c.WallRatio, c.CPURatio)
		}
		if r.Increment > 0 {
			fmt.Printf("increment (this week's full extract over last week's, %d new lines, ingest + incremental build incl. anomalies and report figures): %.1f s\n", r.IncLines, r.Increment)
		}
	}
	fmt.Println("\ntargets (issue 16):")
	for _, r := range rs {
		if c := r.Against; c != nil {
			target(fmt.Sprintf("%d lines: build cost vs %s <= +10%%", r.Lines, c.Rev), c.WallRatio <= 1.10 && c.CPURatio <= 1.10,
				fmt.Sprintf("x%.2f wall, x%.2f CPU", c.WallRatio, c.CPURatio))
		}
		switch r.Lines {
		case 1000000:
			target("build at 1M <= 10 s", r.Build <= 10, fmt.Sprintf("%.1f s", r.Build))
			if r.Increment > 0 {
				target("increment at 1M <= 10 s", r.Increment <= 10, fmt.Sprintf("%.1f s", r.Increment))
			}
		case 10000000:
			target("build at 10M <= 90 s", r.Build <= 90, fmt.Sprintf("%.1f s", r.Build))
			target("build at 10M peak <= 4 GB", r.BuildMB <= 4000, fmt.Sprintf("%.0f MB", r.BuildMB))
			if r.Increment > 0 {
				target("increment on 10M <= 10 s", r.Increment <= 10, fmt.Sprintf("%.1f s", r.Increment))
			}
		default:
			fmt.Printf("  %d lines: no target of issue 16 at this size\n", r.Lines)
		}
	}
}

func target(name string, ok bool, got string) {
	v := "MISS"
	if ok {
		v = "PASS"
	}
	fmt.Printf("  %-45s %-10s %s\n", name, got, v)
}

func list(v []float64) string {
	var parts []string
	for _, x := range v {
		parts = append(parts, fmt.Sprintf("%.1f", x))
	}
	return strings.Join(parts, ", ")
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", a...)
	os.Exit(1)
}
