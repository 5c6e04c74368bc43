package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/orderflow/orderflow/schedule"
	"github.com/orderflow/orderflow/server"
	"github.com/orderflow/orderflow/store"
)

func init() {
	var addr, logFormat string
	var hashPassword, newToken bool
	register(&command{
		name:    "serve",
		summary: "serve dashboards, reports and the scheduled jobs over HTTP",
		usage: "[--addr HOST:PORT]\n" +
			"       orderflow serve --hash-password < password.txt\n" +
			"       orderflow serve --new-token\n\n" +
			"One process owns the database: it serves the dashboards, the weekly report and the\n" +
			"API (/api/kpi, /api/explain, /api/anomalies, /api/jobs; JSON, CSV or Arrow), and runs\n" +
			"the schedules of orderflow.yaml. While it runs, the other commands cannot open the\n" +
			"database and say where the server is. Without users it answers on loopback only.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&addr, "addr", "", "address to listen on (default server.addr of the config, 127.0.0.1:8080)")
			fs.StringVar(&logFormat, "log-format", "text", "log lines as text (key=value) or json")
			fs.BoolVar(&hashPassword, "hash-password", false, "read a password on stdin and print its bcrypt hash for server.users password_hash")
			fs.BoolVar(&newToken, "new-token", false, "print a new API token and the token_hash to put in server.users")
		},
		run: func(e *env, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("serve takes no arguments (got %q): the address is --addr HOST:PORT", args[0])
			}
			switch {
			case hashPassword:
				return printPasswordHash(e)
			case newToken:
				token, hash := server.NewToken()
				fmt.Fprintf(e.stdout, "token (give it to the API client, it is shown once): %s\ntoken_hash (put it in orderflow.yaml under server.users): %s\n", token, hash)
				return nil
			}
			if logFormat != "text" && logFormat != "json" {
				return fmt.Errorf("--log-format %q is not supported: use text or json", logFormat)
			}
			st, err := e.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			return serve(e, st, addr, logFormat)
		},
	})
}

// serve runs the scheduler and the HTTP server on an open store until interrupted
// (Ctrl-C or SIGTERM). `orderflow demo --serve` can call it after its build.
func serve(e *env, st *store.Store, addr, logFormat string) error {
	var handler slog.Handler = slog.NewTextHandler(e.stderr, nil)
	if logFormat == "json" {
		handler = slog.NewJSONHandler(e.stderr, nil)
	}
	logger := slog.New(handler)
	ctx, stop := signal.NotifyContext(e.ctx, syscall.SIGTERM)
	defer stop()
	sched, err := schedule.New(st, e.cfg, schedule.Options{Logger: logger, Reporter: schedule.ReportsReporter{}})
	if err != nil {
		return err
	}
	srv, err := server.New(server.Options{Store: st, Config: e.cfg, Addr: addr, Scheduler: sched, Logger: logger,
		Reporter: schedule.ReportsReporter{}, Data: server.ReportsData()})
	if err != nil {
		return err
	}
	if err := sched.Start(ctx); err != nil {
		return err
	}
	defer sched.Stop()
	err = srv.Run(ctx)
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// printPasswordHash reads one line (the password) from stdin.
func printPasswordHash(e *env) error {
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return errors.New("--hash-password reads the password on stdin: echo -n 'the password' | orderflow serve --hash-password")
	}
	hash, err := server.HashPassword(strings.TrimRight(line, "\r\n"))
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, hash)
	return nil
}
