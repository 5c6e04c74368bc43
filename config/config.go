// Package config reads orderflow.yaml: time zone, tolerances, targets, thresholds,
// sources, schedules, server and report delivery.
package config

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the whole of orderflow.yaml. Zero values are replaced by Default's.
type Config struct {
	DB        string     `yaml:"db"`
	Lang      string     `yaml:"lang"`      // en or fr
	TimeZone  string     `yaml:"time_zone"` // IANA name, default Europe/Paris
	WeekStart string     `yaml:"week_start"`
	KPI       KPIConfig  `yaml:"kpi"`
	Anomalies Thresholds `yaml:"anomalies"`
	Sources   []Source   `yaml:"sources"`
	Profiles  []string   `yaml:"profiles"` // extra profile YAML files or folders
	Schedules []Schedule `yaml:"schedules"`
	Server    Server     `yaml:"server"`
	Report    Report     `yaml:"report"`
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
}

// Schedule is a job of `orderflow serve`.
type Schedule struct {
	Name     string `yaml:"name"`
	Job      string `yaml:"job"` // pull, build, report, alerts
	Cron     string `yaml:"cron"`
	TimeZone string `yaml:"time_zone"`
}

// Server configures `orderflow serve`.
type Server struct {
	Addr  string `yaml:"addr"`
	Users []User `yaml:"users"`
}

// User is a login of the server, optionally limited to a portfolio.
type User struct {
	Name         string   `yaml:"name"`
	PasswordHash string   `yaml:"password_hash"`
	Token        string   `yaml:"token_hash"`
	Customers    []string `yaml:"customers"`
	Sites        []string `yaml:"sites"`
	Countries    []string `yaml:"countries"`
}

// Report configures where the weekly report goes.
type Report struct {
	Folder     string      `yaml:"folder"`
	SMTP       SMTP        `yaml:"smtp"`
	Recipients []Recipient `yaml:"recipients"`
}

// SMTP is the outgoing mail server.
type SMTP struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	From     string `yaml:"from"`
	TLS      string `yaml:"tls"` // starttls, tls or none
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
		DB:        "orderflow.duckdb",
		Lang:      "en",
		TimeZone:  "Europe/Paris",
		WeekStart: "monday",
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
		},
		Server: Server{Addr: "127.0.0.1:8080"},
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
	switch c.Lang {
	case "en", "fr":
	default:
		return fmt.Errorf("lang %q must be en or fr", c.Lang)
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
