// Package config reads orderflow.yaml: time zone, tolerances, targets, thresholds,
// sources, schedules, server and report delivery.
package config

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the whole of orderflow.yaml. Zero values are replaced by Default's.
type Config struct {
	DB        string `yaml:"db"`
	Lang      string `yaml:"lang"`      // en or fr
	TimeZone  string `yaml:"time_zone"` // IANA name, default Europe/Paris
	WeekStart string `yaml:"week_start"`
	// ReportingCurrency is the one currency every money figure is shown in (ISO 4217,
	// default EUR): an amount in another currency is converted at the rate of its
	// event's date (fx_rates), and left out of totals, shown unconverted, when no rate
	// of its currency is at most FXRateMaxAgeDays older than that date (default 7: the
	// ECB publishes no rate on weekends and its holidays).
	ReportingCurrency string     `yaml:"reporting_currency"`
	FXRateMaxAgeDays  int        `yaml:"fx_rate_max_age_days"`
	KPI               KPIConfig  `yaml:"kpi"`
	Anomalies         Thresholds `yaml:"anomalies"`
	Sources           []Source   `yaml:"sources"`
	Profiles          []string   `yaml:"profiles"` // extra profile YAML files or folders
	// Sites maps a site as an extract writes it (a warehouse name such as "Lyon", an
	// Odoo External ID, a plant text) to the site code the stock extracts use ("LYO").
	// Without an entry, a stock location path such as "LYO/Stock/Shelf 2" stands for
	// its first segment.
	Sites     map[string]string `yaml:"sites"`
	Schedules []Schedule        `yaml:"schedules"`
	Server    Server            `yaml:"server"`
	Report    Report            `yaml:"report"`
	Alerts    Alerts            `yaml:"alerts"`
	// Limits bound what one extract may ask of the machine (ingest.Limits gives the
	// defaults: lines of 2 MiB, cells of 1 MiB, workbooks unpacking to 4 GiB or 100
	// times their size, 1,048,576 rows a sheet).
	Limits Limits `yaml:"limits"`
	// DuckDB bounds the database engine: how much memory it may hold before it spills to
	// its temporary folder, and how many threads it runs.
	DuckDB DuckDB `yaml:"duckdb"`
	// Sanity is what a value unlikely for the business does (an ordered quantity of
	// zero or less, a negative price, a date decades away): warn (default: the row
	// loads, the warning is kept in load_warnings) or reject (the row goes to rejects).
	Sanity string `yaml:"sanity"`
}

// DuckDB are the engine's resources. MemoryLimit is a size ("4GB", "512MiB") or a share
// of the machine's memory ("50%"; default 50%): past it, joins, sorts and aggregations
// spill to TempDirectory (default: beside the database file, <db>.tmp) instead of
// growing. Threads 0 uses every core.
type DuckDB struct {
	MemoryLimit   string `yaml:"memory_limit"`
	TempDirectory string `yaml:"temp_directory"`
	Threads       int    `yaml:"threads"`
}

// Limits are ingest.Limits as orderflow.yaml writes them; zero means the default.
type Limits struct {
	MaxLineBytes int64   `yaml:"max_line_bytes"`
	MaxCellBytes int64   `yaml:"max_cell_bytes"`
	MaxXLSXBytes int64   `yaml:"max_xlsx_unpacked_bytes"`
	MaxXLSXRatio float64 `yaml:"max_xlsx_compression_ratio"`
	MaxSheetRows int64   `yaml:"max_sheet_rows"`
}

// KPIConfig holds the tolerances and targets of domain.md's KPI definitions.
type KPIConfig struct {
	LateToleranceDays  int                `yaml:"late_tolerance_days"`
	EarlyToleranceDays int                `yaml:"early_tolerance_days"`
	QtyTolerance       float64            `yaml:"qty_tolerance"`
	DeliveryBasis      string             `yaml:"delivery_basis"` // incoterm, ship or delivery
	CoverageTargetDays int                `yaml:"coverage_target_days"`
	OverstockDays      int                `yaml:"overstock_days"`
	DemandWindowDays   int                `yaml:"demand_window_days"`
	Targets            map[string]float64 `yaml:"targets"`
	BaselineWeeks      int                `yaml:"baseline_weeks"`
}

// Thresholds parameterise the anomaly catalogue.
type Thresholds struct {
	InvoiceDelayDays     int     `yaml:"invoice_delay_days"`
	DueSoonDays          int     `yaml:"due_soon_days"`
	DocumentLeadDays     int     `yaml:"document_lead_days"`
	LCPresentationDays   int     `yaml:"lc_presentation_days"`
	PriceTolerance       float64 `yaml:"price_tolerance"`
	AlertMinRelChange    float64 `yaml:"alert_min_relative_change"`
	AlertMinAbsChange    float64 `yaml:"alert_min_absolute_change"`
	AlertMinLinesPerWeek int     `yaml:"alert_min_lines_per_week"`
	// StaleAfterDays sets, per anomaly code, the age past which an anomaly leaves the
	// worklist for the "data to clean up" list (0: never); codes not named keep the
	// defaults of package anomalies (90 days for invoicing gaps, for instance).
	StaleAfterDays map[string]int `yaml:"stale_after_days"`
	// WorklistSize is how many items the anomaly report and `orderflow anomalies` show
	// by default, highest priority first (default 50; the rest one flag or click away).
	WorklistSize int `yaml:"worklist_size"`
}

// Source is a folder or URL to pull extracts from.
type Source struct {
	Name    string            `yaml:"name"`
	Folder  string            `yaml:"folder"`
	URL     string            `yaml:"url"`
	Headers map[string]string `yaml:"headers"`
	DSN     string            `yaml:"dsn"`
	Query   string            `yaml:"query"`
	Entity  string            `yaml:"entity"`
	Profile string            `yaml:"profile"`
	Archive string            `yaml:"archive"`
	Reject  string            `yaml:"rejected"`
	// Settle is how long a file of a watched folder must stay unmodified before it is
	// taken, so that a file still being copied is not read half-written (default 5s).
	Settle string `yaml:"settle"`
	// Timeout bounds an HTTP or database pull (default 10m).
	Timeout string `yaml:"timeout"`
}

// Schedule is a job of `orderflow serve`.
type Schedule struct {
	Name     string `yaml:"name"`
	Job      string `yaml:"job"`       // pull, build, report, alerts
	Cron     string `yaml:"cron"`      // 5 fields, or 6 with seconds first; report: default Monday 07:00
	TimeZone string `yaml:"time_zone"` // default: the top-level time_zone
	// Sources limits a pull job to these sources, by name (default: every source).
	Sources []string `yaml:"sources"`
	// CatchUp: on start, a run missed while the server was down is run once if its
	// scheduled time is less than this long ago; older ones are skipped and logged.
	// Default 12h for report jobs, 0 (never caught up) for the others.
	CatchUp string `yaml:"catch_up"`
	// Retries of a failed pull, waiting Backoff then twice as long each time
	// (default 3 retries, 1m).
	Retries *int   `yaml:"retries"`
	Backoff string `yaml:"backoff"`
}

// Server configures `orderflow serve`.
type Server struct {
	Addr  string `yaml:"addr"`
	Users []User `yaml:"users"`
	// SessionTTL is the lifetime of a login (default 8h); IdleTimeout ends a session
	// unused for that long (default 1h).
	SessionTTL  string `yaml:"session_ttl"`
	IdleTimeout string `yaml:"idle_timeout"`
	// LoginAttempts is how many failed logins a user name or a client address may make
	// per 15 minutes before being refused (default 5).
	LoginAttempts int `yaml:"login_attempts"`
	// TLSCert and TLSKey serve HTTPS (PEM files); without them, put a TLS proxy in
	// front when the server is reachable from other machines.
	TLSCert string `yaml:"tls_cert"`
	TLSKey  string `yaml:"tls_key"`
}

// User is a login of the server, optionally limited to a portfolio.
type User struct {
	Name         string   `yaml:"name"`
	PasswordHash string   `yaml:"password_hash"`
	Token        string   `yaml:"token_hash"` // sha256:<hex> of an API token (`orderflow serve --new-token`)
	Customers    []string `yaml:"customers"`
	Sites        []string `yaml:"sites"`
	Countries    []string `yaml:"countries"`
}

// Report configures where the weekly report goes.
type Report struct {
	Folder     string      `yaml:"folder"`
	SMTP       SMTP        `yaml:"smtp"`
	Recipients []Recipient `yaml:"recipients"`
	// Subject of the report e-mail; {week} is replaced by the ISO week.
	Subject string `yaml:"subject"`
}

// SMTP is the outgoing mail server.
type SMTP struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	From     string `yaml:"from"`
	TLS      string `yaml:"tls"` // starttls, tls or none
	// CAFile holds PEM certificates to trust besides the system's (a private CA or a
	// self-signed server certificate).
	CAFile string `yaml:"ca_file"`
}

// Alerts say where a new high-severity anomaly or control-chart signal is sent,
// once: by e-mail (through report.smtp) and/or to a webhook (JSON POST).
type Alerts struct {
	Email       []string          `yaml:"email"`
	Webhook     string            `yaml:"webhook"`
	Headers     map[string]string `yaml:"headers"`
	MinSeverity string            `yaml:"min_severity"` // high (default), medium or low
}

// Recipient receives the weekly report, filtered to their portfolio.
type Recipient struct {
	Email     string   `yaml:"email"`
	Lang      string   `yaml:"lang"`
	Customers []string `yaml:"customers"`
	Sites     []string `yaml:"sites"`
	Countries []string `yaml:"countries"`
}

// Default is the configuration used when no orderflow.yaml exists.
func Default() Config {
	return Config{
		DB:                "orderflow.duckdb",
		Lang:              "en",
		TimeZone:          "Europe/Paris",
		WeekStart:         "monday",
		ReportingCurrency: "EUR",
		FXRateMaxAgeDays:  7,
		KPI: KPIConfig{
			DeliveryBasis:      "incoterm",
			CoverageTargetDays: 14,
			OverstockDays:      180,
			DemandWindowDays:   91,
			BaselineWeeks:      26,
			Targets: map[string]float64{
				"otif_line": 0.95, "service_rate": 0.95, "on_time_line": 0.95, "in_full_line": 0.97,
				"otif_order": 0.90, "unit_fill_rate": 0.98, "value_fill_rate": 0.98, "claim_rate": 1.0,
			},
		},
		Anomalies: Thresholds{
			InvoiceDelayDays:     3,
			DueSoonDays:          10,
			DocumentLeadDays:     5,
			LCPresentationDays:   21,
			PriceTolerance:       0.01,
			AlertMinRelChange:    0.05,
			AlertMinAbsChange:    0.02,
			AlertMinLinesPerWeek: 20,
			WorklistSize:         50,
		},
		Server: Server{Addr: "127.0.0.1:8080", SessionTTL: "8h", IdleTimeout: "1h", LoginAttempts: 5},
		Report: Report{Folder: "reports", Subject: "Weekly order-flow report {week}",
			SMTP: SMTP{Port: 587, TLS: "starttls"}},
		Alerts: Alerts{MinSeverity: "high"},
	}
}

// Load reads path over the defaults. A missing file at the default path is not an error.
func Load(path string, required bool) (Config, error) {
	cfg := Default()
	body, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !required {
			return cfg, nil
		}
		return cfg, fmt.Errorf("cannot read config %s: %w", path, err)
	}
	if err := yaml.Unmarshal(body, &cfg); err != nil {
		return cfg, fmt.Errorf("cannot parse config %s: %w (check the indentation and the key names against the example `orderflow demo` writes)", path, err)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// Validate checks the values that would otherwise fail later and far from their cause.
func (c Config) Validate() error {
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		return fmt.Errorf("time_zone %q is not a known IANA zone (such as Europe/Paris)", c.TimeZone)
	}
	switch c.KPI.DeliveryBasis {
	case "incoterm", "ship", "delivery":
	default:
		return fmt.Errorf("kpi.delivery_basis %q must be incoterm, ship or delivery", c.KPI.DeliveryBasis)
	}
	if c.KPI.QtyTolerance < 0 || c.KPI.QtyTolerance >= 1 {
		return fmt.Errorf("kpi.qty_tolerance %v must be between 0 and 1 (0.02 means 2%%)", c.KPI.QtyTolerance)
	}
	if !currencyCode.MatchString(c.ReportingCurrency) {
		return fmt.Errorf("reporting_currency %q must be an ISO 4217 code of three capital letters, such as EUR, USD or GBP", c.ReportingCurrency)
	}
	if c.FXRateMaxAgeDays < 0 || c.FXRateMaxAgeDays > 366 {
		return fmt.Errorf("fx_rate_max_age_days %d must be between 0 and 366 (days a rate stays usable after its date)", c.FXRateMaxAgeDays)
	}
	switch c.Lang {
	case "en", "fr":
	default:
		return fmt.Errorf("lang %q must be en or fr", c.Lang)
	}
	return c.validateService()
}

// validateService checks the keys of `orderflow serve`: sources, schedules, server,
// report delivery and alerts.
func (c Config) validateService() error {
	duration := func(key, v string) error {
		if v == "" {
			return nil
		}
		if d, err := time.ParseDuration(v); err != nil || d < 0 {
			return fmt.Errorf("%s %q is not a duration: write it such as 30s, 15m or 12h", key, v)
		}
		return nil
	}
	sources := map[string]bool{}
	for i, s := range c.Sources {
		key := fmt.Sprintf("sources[%d]", i)
		if s.Name == "" {
			return fmt.Errorf("%s has no name: give each source a name the schedules can refer to", key)
		}
		if sources[s.Name] {
			return fmt.Errorf("%s: the source name %q is used twice", key, s.Name)
		}
		sources[s.Name] = true
		kinds := 0
		for _, set := range []bool{s.Folder != "", s.URL != "", s.DSN != ""} {
			if set {
				kinds++
			}
		}
		if kinds != 1 {
			return fmt.Errorf("source %q must have exactly one of folder, url or dsn", s.Name)
		}
		if s.DSN != "" && s.Query == "" {
			return fmt.Errorf("source %q has a dsn but no query: give the SELECT whose rows are ingested", s.Name)
		}
		if err := duration("source "+s.Name+" settle", s.Settle); err != nil {
			return err
		}
		if err := duration("source "+s.Name+" timeout", s.Timeout); err != nil {
			return err
		}
	}
	names := map[string]bool{}
	for i, s := range c.Schedules {
		if s.Name == "" {
			return fmt.Errorf("schedules[%d] has no name", i)
		}
		if names[s.Name] {
			return fmt.Errorf("the schedule name %q is used twice", s.Name)
		}
		names[s.Name] = true
		switch s.Job {
		case "pull", "build", "report", "alerts":
		default:
			return fmt.Errorf("schedule %q: job %q must be pull, build, report or alerts", s.Name, s.Job)
		}
		if s.Cron == "" && s.Job != "report" {
			return fmt.Errorf("schedule %q has no cron expression (such as \"*/15 * * * *\")", s.Name)
		}
		if s.TimeZone != "" {
			if _, err := time.LoadLocation(s.TimeZone); err != nil {
				return fmt.Errorf("schedule %q: time_zone %q is not a known IANA zone (such as Europe/Paris)", s.Name, s.TimeZone)
			}
		}
		for _, src := range s.Sources {
			if !sources[src] {
				return fmt.Errorf("schedule %q pulls source %q, which sources does not define", s.Name, src)
			}
		}
		if err := duration("schedule "+s.Name+" catch_up", s.CatchUp); err != nil {
			return err
		}
		if err := duration("schedule "+s.Name+" backoff", s.Backoff); err != nil {
			return err
		}
	}
	if err := duration("server.session_ttl", c.Server.SessionTTL); err != nil {
		return err
	}
	if err := duration("server.idle_timeout", c.Server.IdleTimeout); err != nil {
		return err
	}
	switch c.Report.SMTP.TLS {
	case "", "starttls", "tls", "none":
	default:
		return fmt.Errorf("report.smtp.tls %q must be starttls, tls or none", c.Report.SMTP.TLS)
	}
	switch c.Alerts.MinSeverity {
	case "", "high", "medium", "low":
	default:
		return fmt.Errorf("alerts.min_severity %q must be high, medium or low", c.Alerts.MinSeverity)
	}
	return nil
}

// Location is the configured time zone.
func (c Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

//go:embed example.yaml
var example []byte

// Example is the commented configuration `orderflow demo` writes.
func Example() []byte { return example }

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// ExpandEnv replaces each ${NAME} in s by the environment variable NAME, so that
// secrets (passwords, tokens) stay out of orderflow.yaml; any other $ is kept as is.
func ExpandEnv(s string) string {
	return envRef.ReplaceAllStringFunc(s, func(ref string) string {
		return os.Getenv(ref[2 : len(ref)-1])
	})
}
