// Command orderflow is the whole product as one binary: ingest ERP extracts into an
// embedded DuckDB, build the KPI and anomaly models, write dashboards and reports,
// and serve them on a schedule. This package parses flags and wires; no business logic.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/store"
)

// command is one sub-command; each lives in its own cmd_<name>.go and registers itself.
type command struct {
	name    string
	summary string
	usage   string // arguments after the name, for --help
	// flags declares the command's own flags on fs; run receives what is left.
	flags func(fs *flag.FlagSet)
	run   func(env *env, args []string) error
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// env is what every command gets: the global options, resolved config and output streams.
type env struct {
	ctx        context.Context
	cfg        config.Config
	configPath string
	dbPath     string
	dbExplicit bool // --db or the config named the database
	lang       string
	asOf       time.Time
	stdout     io.Writer
	stderr     io.Writer
}

// openStore opens the configured database.
func (e *env) openStore() (*store.Store, error) {
	st, err := store.Open(e.ctx, e.dbPath)
	if err != nil {
		return nil, err
	}
	d := e.cfg.DuckDB
	if err := st.Apply(e.ctx, store.Resources{MemoryLimit: d.MemoryLimit, TempDirectory: d.TempDirectory, Threads: d.Threads}); err != nil {
		st.Close()
		return nil, fmt.Errorf("%w (in %s)", err, firstNonEmpty(e.configPath, "orderflow.yaml"))
	}
	return st, nil
}

// globalFlags are accepted before or after the command name.
type globalFlags struct {
	config, db, lang, asOf string
}

func (g *globalFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&g.config, "config", "", "configuration file (default ./orderflow.yaml when present)")
	fs.StringVar(&g.db, "db", "", "DuckDB database file (default from the config, else ./orderflow.duckdb)")
	fs.StringVar(&g.lang, "lang", "", "language of labels and messages: en or fr")
	fs.StringVar(&g.asOf, "as-of", "", "measurement date YYYY-MM-DD (default today in the configured time zone)")
}

// merge takes the flags given after the command name over those given before it.
func (g *globalFlags) merge(after globalFlags) {
	g.config = firstNonEmpty(after.config, g.config)
	g.db = firstNonEmpty(after.db, g.db)
	g.lang = firstNonEmpty(after.lang, g.lang)
	g.asOf = firstNonEmpty(after.asOf, g.asOf)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "orderflow:", err)
		}
		os.Exit(exitCode(err))
	}
}

func exitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 1
}

// run is main without the process: tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var g globalFlags
	// Global flags may stand before the command name.
	pre := flag.NewFlagSet("orderflow", flag.ContinueOnError)
	pre.SetOutput(stderr)
	g.declare(pre)
	pre.Usage = func() { usage(stderr) }
	if err := pre.Parse(args); err != nil {
		return err
	}
	rest := pre.Args()
	if len(rest) == 0 {
		usage(stderr)
		return errors.New("no command given: try `orderflow demo`")
	}
	if rest[0] == "help" {
		usage(stdout)
		return nil
	}
	cmd, ok := commands[rest[0]]
	if !ok {
		return fmt.Errorf("unknown command %q: run `orderflow --help` for the list", rest[0])
	}
	fs := flag.NewFlagSet("orderflow "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var after globalFlags
	after.declare(fs) // ... or after it
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: orderflow %s %s\n\n%s\n\nflags:\n", cmd.name, cmd.usage, cmd.summary)
		fs.PrintDefaults()
	}
	if err := fs.Parse(interleave(fs, rest[1:])); err != nil {
		return err
	}
	g.merge(after)
	e, err := newEnv(ctx, g, stdout, stderr)
	if err != nil {
		return err
	}
	return cmd.run(e, fs.Args())
}

// interleave moves flags that follow positional arguments in front of them, so that
// `orderflow ingest data/ --profile sap` works like `orderflow ingest --profile sap data/`.
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil && !isBoolFlag(f) && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return append(flags, positional...)
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func newEnv(ctx context.Context, g globalFlags, stdout, stderr io.Writer) (*env, error) {
	path, required := g.config, true
	if path == "" {
		path, required = "orderflow.yaml", false
	}
	cfg, err := config.Load(path, required)
	if err != nil {
		return nil, err
	}
	e := &env{ctx: ctx, cfg: cfg, configPath: path, stdout: stdout, stderr: stderr}
	e.dbPath = firstNonEmpty(g.db, cfg.DB, "orderflow.duckdb")
	e.dbExplicit = g.db != "" || cfg.DB != config.Default().DB
	e.lang = firstNonEmpty(g.lang, cfg.Lang, "en")
	if e.lang != "en" && e.lang != "fr" {
		return nil, fmt.Errorf("--lang %q is not supported: use en or fr", e.lang)
	}
	e.cfg.Lang = e.lang
	loc := cfg.Location()
	if g.asOf == "" {
		now := time.Now().In(loc)
		e.asOf = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	} else {
		t, err := time.Parse("2006-01-02", g.asOf)
		if err != nil {
			return nil, fmt.Errorf("--as-of %q is not a date: write it as YYYY-MM-DD, such as 2026-11-23", g.asOf)
		}
		e.asOf = t
	}
	return e, nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "orderflow: the weekly truth about an export order flow (OTIF, delays, stock, claims, anomalies).")
	fmt.Fprintln(w, "\nusage: orderflow [--config FILE] [--db FILE] [--lang en|fr] [--as-of YYYY-MM-DD] COMMAND [flags]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\n`orderflow COMMAND --help` tells more about one command.")
}
