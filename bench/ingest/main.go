// Command ingest benchmarks `orderflow ingest` against DuckDB's own read_csv of the
// same generated order_lines.csv, each in a fresh process and a fresh database file,
// and reports wall time and peak memory (the child's maximum resident set).
//
//	go run ./bench/ingest                       # 1 and 10 million lines
//	go run ./bench/ingest -lines 1000000 -runs 3
//
// Targets (issue 2): ingest within 1.5x of the bare read, peak memory under 4 GB; each
// size is also read from a copy with every cell quoted and CRLF (issue 14: 1.1x).
// It exits non-zero when a target is missed.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/orderflow/orderflow/gen"
	"github.com/orderflow/orderflow/ingest"
	"github.com/orderflow/orderflow/store"
)

func main() {
	lines := flag.String("lines", "1000000,10000000", "order line counts to benchmark, comma separated")
	dir := flag.String("dir", "bench/out", "work folder for the generated data and databases")
	runs := flag.Int("runs", 2, "runs of each side; the fastest counts")
	child := flag.String("child", "", "internal: run one side (bare or ingest) in this process")
	file := flag.String("file", "", "internal: the CSV file")
	db := flag.String("db", "", "internal: the database file")
	flag.Parse()
	if *child != "" {
		if err := runChild(*child, *file, *db); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	ok := true
	fmt.Printf("%-11s %9s %10s %10s %7s %12s %12s\n", "lines", "file MB", "read_csv s", "ingest s", "ratio", "read_csv MB", "ingest MB")
	for _, s := range strings.Split(*lines, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fail("bad -lines value %q", s)
		}
		data := filepath.Join(*dir, fmt.Sprintf("lines-%d", n))
		csv := filepath.Join(data, "order_lines.csv")
		if _, err := os.Stat(csv); err != nil {
			fmt.Fprintf(os.Stderr, "generating %d order lines into %s...\n", n, data)
			asOf := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
			if _, err := gen.Generate(context.Background(), gen.Options{Out: data, Seed: 1, Lines: n, AsOf: asOf}); err != nil {
				fail("generate: %v", err)
			}
		}
		// The same rows as pandas' to_csv(quoting=QUOTE_ALL) and Odoo write them: every
		// cell quoted, CRLF (issue 14: quoted or not, within 1.1x of the bare read).
		quoted := filepath.Join(data, "quoted", "order_lines.csv")
		if _, err := os.Stat(quoted); err != nil {
			if err := writeQuoted(csv, quoted); err != nil {
				fail("quoted copy: %v", err)
			}
		}
		for _, file := range []string{csv, quoted} {
			label := strconv.Itoa(n)
			if file == quoted {
				label += " q"
			}
			info, _ := os.Stat(file)
			bare, bareRSS := best(*runs, "bare", file, data)
			ing, ingRSS := best(*runs, "ingest", file, data)
			ratio := ing.Seconds() / bare.Seconds()
			fmt.Printf("%-11s %9.0f %10.2f %10.2f %6.2fx %12.0f %12.0f\n", label, float64(info.Size())/1e6, bare.Seconds(), ing.Seconds(), ratio, bareRSS, ingRSS)
			if ratio > 1.5 {
				fmt.Printf("  MISSED: ingest takes %.2fx the bare read (target 1.5x)\n", ratio)
				ok = false
			} else if ratio > 1.1 {
				fmt.Printf("  over issue 14's 1.1x: ingest takes %.2fx the bare read\n", ratio)
			}
			if ingRSS > 4000 {
				fmt.Printf("  MISSED: ingest peak memory %.0f MB (target 4,000 MB)\n", ingRSS)
				ok = false
			}
		}
	}
	if !ok {
		os.Exit(1)
	}
}

// best runs one side runs times in fresh processes and returns its fastest time and
// its largest peak memory in MB.
func best(runs int, side, csv, data string) (time.Duration, float64) {
	var fastest time.Duration
	var peak float64
	for i := 0; i < runs; i++ {
		db := filepath.Join(data, side+".duckdb")
		os.Remove(db)
		os.Remove(db + ".wal")
		cmd := exec.Command(os.Args[0], "-child", side, "-file", csv, "-db", db)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			fail("%s run: %v", side, err)
		}
		d, err := time.ParseDuration(strings.TrimSpace(string(out)))
		if err != nil {
			fail("%s run printed %q", side, out)
		}
		if fastest == 0 || d < fastest {
			fastest = d
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			if mb := float64(ru.Maxrss) / 1024; mb > peak {
				peak = mb
			}
		}
		os.Remove(db)
		os.Remove(db + ".wal")
	}
	return fastest, peak
}

// runChild times one side in this process and prints the duration.
func runChild(side, csv, dbPath string) error {
	ctx := context.Background()
	switch side {
	case "bare":
		db, err := sql.Open("duckdb", dbPath)
		if err != nil {
			return err
		}
		defer db.Close()
		start := time.Now()
		if _, err := db.ExecContext(ctx, "CREATE TABLE order_lines AS SELECT * FROM read_csv('"+csv+"')"); err != nil {
			return err
		}
		if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
			return err
		}
		fmt.Println(time.Since(start))
	case "ingest":
		st, err := store.Open(ctx, dbPath)
		if err != nil {
			return err
		}
		defer st.Close()
		start := time.Now()
		res, err := ingest.Load(ctx, st, ingest.Options{Profile: "canonical"}, csv)
		if err != nil {
			return err
		}
		if res[0].Err != nil || res[0].RowsRejected > 0 {
			return fmt.Errorf("ingest: %+v", res[0])
		}
		if _, err := st.DB.ExecContext(ctx, "CHECKPOINT"); err != nil {
			return err
		}
		fmt.Println(time.Since(start))
	default:
		return fmt.Errorf("unknown side %q", side)
	}
	return nil
}

// writeQuoted copies a plain CSV (no quotes in it, as the generator writes) with every
// cell quoted and CRLF line ends.
func writeQuoted(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		w.WriteString(`"` + strings.ReplaceAll(sc.Text(), ",", `","`) + "\"\r\n")
	}
	if err := sc.Err(); err != nil {
		out.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}
