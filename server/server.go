// Package server is the HTTP side of `orderflow serve`: the dashboards served live
// (the same pages as the static ones, their data and filters answered by the server),
// the weekly report to download, an API for KPIs, anomalies and the lines behind a
// figure (JSON, CSV, Arrow IPC streams), the status and history of the scheduled jobs,
// and a health endpoint.
//
// One process owns the DuckDB file; every request reads through a snapshot (one
// read-only transaction, schedule.Snapshot), so that its figures all come from one
// committed build even while a pull or a build runs. Access: loopback without users by
// default; bound elsewhere, users (bcrypt passwords) or API tokens (SHA-256) are
// required, and a user limited to a portfolio sees only it everywhere. No request text
// reaches SQL: names are checked against whitelists, values are bound parameters.
package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/dashboards"
	"github.com/orderflow/orderflow/schedule"
	"github.com/orderflow/orderflow/server/lockinfo"
	"github.com/orderflow/orderflow/store"
)

// DataFunc builds what the dashboard pages draw from the database, as of the build,
// limited by filters (dimension -> allowed values, the user's portfolio and the page's
// own filters), with texts in lang.
type DataFunc func(ctx context.Context, db *sql.DB, cfg config.Config, asOf time.Time, filters map[string][]string, lang string) (dashboards.Data, error)

// Options configure a Server.
type Options struct {
	Store  *store.Store
	Config config.Config
	// Addr overrides Config.Server.Addr (the --addr flag).
	Addr string
	// Scheduler runs the jobs whose status the server shows (nil: none).
	Scheduler *schedule.Service
	// Snapshots are the copies of the builds requests read (default: the scheduler's,
	// else the server's own).
	Snapshots *schedule.Snapshots
	Logger    *slog.Logger
	Data      DataFunc          // default ReportsData()
	Reporter  schedule.Reporter // default schedule.ReportsReporter
	Now       func() time.Time  // default time.Now
}

// Server serves one database.
type Server struct {
	opts     Options
	cfg      config.Config
	st       *store.Store
	log      *slog.Logger
	snaps    *schedule.Snapshots
	addr     string
	auth     *authenticator
	values   *valueCache
	answers  *answerCache
	mux      *http.ServeMux
	handler  http.Handler
	tls      bool
	now      func() time.Time
	reporter schedule.Reporter
	data     DataFunc

	reportsMu    sync.Mutex
	reportsBuilt time.Time
	reports      map[string]schedule.WeeklyReport // by portfolio and language, for reportsBuilt
}

// New checks the access rules and prepares the handlers.
func New(opts Options) (*Server, error) {
	if opts.Store == nil {
		return nil, errors.New("server: no database")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Data == nil {
		opts.Data = ReportsData()
	}
	if opts.Reporter == nil {
		opts.Reporter = schedule.ReportsReporter{}
	}
	cfg := opts.Config
	addr := firstNonEmpty(opts.Addr, cfg.Server.Addr, "127.0.0.1:8080")
	s := &Server{opts: opts, cfg: cfg, st: opts.Store, log: opts.Logger, addr: addr,
		now: opts.Now, reporter: opts.Reporter, data: opts.Data, tls: cfg.Server.TLSCert != ""}
	auth, err := newAuthenticator(cfg.Server, !IsLoopback(addr), s.tls, opts.Now)
	if err != nil {
		return nil, err
	}
	s.auth = auth
	if opts.Snapshots == nil && opts.Scheduler != nil {
		opts.Snapshots = opts.Scheduler.Snapshots()
	}
	if opts.Snapshots == nil {
		if opts.Snapshots, err = schedule.NewSnapshots(context.Background(), opts.Store, opts.Logger); err != nil {
			return nil, err
		}
	}
	s.snaps = opts.Snapshots
	s.values = newValueCache()
	s.answers = newAnswerCache(64 << 20)
	s.routes()
	return s, nil
}

// IsLoopback tells whether an address listens on this machine only.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// Handler is the server's whole HTTP handler, middleware included.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes() {
	m := http.NewServeMux()
	// Public.
	m.HandleFunc("GET /healthz", s.health)
	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.login)
	m.HandleFunc("GET /logout", s.logoutPage)
	m.HandleFunc("POST /logout", s.logout)
	// Everything else needs a user (anonymous on loopback without users).
	m.Handle("GET /{$}", s.authed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/dashboards/overview.html", http.StatusSeeOther)
	})))
	m.Handle("GET /dashboards/{$}", s.authed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/dashboards/overview.html", http.StatusSeeOther)
	})))
	m.Handle("GET /dashboards/{page}", s.authed(http.HandlerFunc(s.dashboard)))
	m.Handle("GET "+dashboards.EChartsPath(), s.authed(http.HandlerFunc(s.echarts)))
	m.Handle("GET /api/me", s.authed(http.HandlerFunc(s.me)))
	m.Handle("GET /api/kpi", s.authed(http.HandlerFunc(s.apiKPI)))
	m.Handle("GET /api/kpis", s.authed(http.HandlerFunc(s.apiKPIList)))
	m.Handle("GET /api/explain", s.authed(http.HandlerFunc(s.apiExplain)))
	m.Handle("GET /api/anomalies", s.authed(http.HandlerFunc(s.apiAnomalies)))
	m.Handle("GET /api/jobs", s.authed(http.HandlerFunc(s.apiJobs)))
	m.Handle("POST /api/jobs/{name}/run", s.authed(http.HandlerFunc(s.apiRunJob)))
	m.Handle("GET /jobs", s.authed(http.HandlerFunc(s.jobsPage)))
	m.Handle("GET /reports/{$}", s.authed(http.HandlerFunc(s.reportsPage)))
	m.Handle("GET /reports/{file}", s.authed(http.HandlerFunc(s.reportDownload)))
	m.Handle("GET /reports/archive/{week}/{file}", s.authed(http.HandlerFunc(s.reportArchive)))
	s.mux = m
	s.handler = s.logged(s.secure(m))
}

// Run listens, publishes the server's address beside the database (for the other
// commands), serves until ctx ends, then shuts down gracefully.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w (is another server using the port? choose another with --addr)", s.addr, err)
	}
	scheme := "http"
	if s.tls {
		scheme = "https"
	}
	url := scheme + "://" + ln.Addr().String()
	if err := lockinfo.Write(s.st.Path, lockinfo.Info{PID: os.Getpid(), URL: url, DB: s.st.Path, Started: s.now()}); err != nil {
		s.log.Warn("cannot publish the server's address beside the database", "error", err)
	}
	defer lockinfo.Remove(s.st.Path)
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() {
		if s.tls {
			errc <- srv.ServeTLS(ln, s.cfg.Server.TLSCert, s.cfg.Server.TLSKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	s.log.Info("serving", "url", url, "db", s.st.Path, "auth", s.auth.mode())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.log.Info("shutting down")
	return srv.Shutdown(shutdown)
}

// view pins the snapshot a request reads.
func (s *Server) view() *schedule.View { return s.snaps.View() }

// secure sets the headers every answer carries.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		// Authenticated data is never cached, by the browser or a proxy.
		h.Set("Cache-Control", "no-store")
		h.Set("Pragma", "no-cache")
		// Pages set a stricter one of their own (the dashboards: their script hashes).
		h.Set("Content-Security-Policy", pageCSP)
		if s.tls {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// pageCSP is the policy of the server's own pages: no script at all.
const pageCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// statusWriter remembers the status and size of an answer for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

type ctxKey int

const userKey ctxKey = 1

// logged writes one structured line per request.
func (s *Server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		holder := &userHolder{}
		ctx, cancel := context.WithTimeout(context.WithValue(r.Context(), userKey, holder), 2*time.Minute)
		defer cancel()
		next.ServeHTTP(sw, r.WithContext(ctx))
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		} else if sw.status >= 400 {
			level = slog.LevelWarn
		}
		user := ""
		if holder.u != nil {
			user = holder.u.name
		}
		s.log.Log(r.Context(), level, "request", "method", r.Method, "path", trimForMessage(r.URL.Path), "query", trimForMessage(r.URL.RawQuery),
			"status", sw.status, "bytes", sw.bytes, "duration_ms", float64(time.Since(start).Microseconds())/1000,
			"user", user, "remote", r.RemoteAddr)
	})
}

type userHolder struct{ u *user }

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
