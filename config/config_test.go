package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The example the demo writes parses, and says what the defaults are.
func TestExampleIsTheDefault(t *testing.T) {
	p := filepath.Join(t.TempDir(), "orderflow.yaml")
	os.WriteFile(p, Example(), 0o644)
	cfg, err := Load(p, true)
	if err != nil {
		t.Fatal(err)
	}
	def := Default()
	if !reflect.DeepEqual(cfg.KPI, def.KPI) || !reflect.DeepEqual(cfg.Anomalies, def.Anomalies) || cfg.TimeZone != def.TimeZone || cfg.Server.Addr != def.Server.Addr {
		t.Fatalf("example differs from the defaults:\n%+v\n%+v", cfg, def)
	}
}

func TestBadValuesSayWhatToWrite(t *testing.T) {
	f := func(body, want string) {
		t.Helper()
		p := filepath.Join(t.TempDir(), "orderflow.yaml")
		os.WriteFile(p, []byte(body), 0o644)
		_, err := Load(p, true)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%q: error %v, want %q", body, err, want)
		}
	}
	f("time_zone: Paris/Europe\n", "IANA")
	f("kpi: {delivery_basis: pod}\n", "incoterm, ship or delivery")
	f("kpi: {qty_tolerance: 2}\n", "between 0 and 1")
	f("lang: de\n", "en or fr")
	f("kpi: [1, 2]\n", "cannot parse")
}

func TestMissingDefaultFileIsFine(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "orderflow.yaml"), false); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), true); err == nil {
		t.Fatal("a named config that does not exist must be an error")
	}
}

// The keys of `orderflow serve` in the example are the defaults too.
func TestExampleServiceKeysAreTheDefault(t *testing.T) {
	p := filepath.Join(t.TempDir(), "orderflow.yaml")
	os.WriteFile(p, Example(), 0o644)
	cfg, err := Load(p, true)
	if err != nil {
		t.Fatal(err)
	}
	def := Default()
	cfg.Server.Users, def.Server.Users = nil, nil
	cfg.Report.Recipients, def.Report.Recipients = nil, nil
	if !reflect.DeepEqual(cfg.Server, def.Server) || !reflect.DeepEqual(cfg.Report, def.Report) || !reflect.DeepEqual(cfg.Alerts, def.Alerts) {
		t.Fatalf("example differs from the defaults:\n%+v %+v %+v\n%+v %+v %+v", cfg.Server, cfg.Report, cfg.Alerts, def.Server, def.Report, def.Alerts)
	}
	bad := func(body, want string) {
		t.Helper()
		p := filepath.Join(t.TempDir(), "orderflow.yaml")
		os.WriteFile(p, []byte(body), 0o644)
		if _, err := Load(p, true); err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%q: error %v, want %q", body, err, want)
		}
	}
	bad("schedules: [{name: a, job: mail, cron: '* * * * *'}]\n", "pull, build, report or alerts")
	bad("schedules: [{name: a, job: pull, cron: '* * * * *', sources: [x]}]\n", "does not define")
	bad("schedules: [{name: a, job: report, cron: '0 7 * * MON', catch_up: soon}]\n", "not a duration")
	bad("sources: [{name: a, folder: in, url: http://x}]\n", "exactly one of")
	bad("report: {smtp: {tls: ssl}}\n", "starttls, tls or none")
}
