package schedule

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/xuri/excelize/v2"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/internal/servicetest"
	"github.com/orderflow/orderflow/mail"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/reports"
	"github.com/orderflow/orderflow/server/portfolio"
	"github.com/orderflow/orderflow/store"
)

// The whole chain on a real PostgreSQL: at its cron time the pull job copies the
// ERP's order lines and ingests them, the models and anomalies are built after the new
// data (and only then), and the new high-severity anomalies go to the webhook and by
// e-mail, once: the next alerts run sends nothing again.
func TestScheduledPullFromPostgresThenBuildThenAlertsOnce(t *testing.T) {
	dsn := servicetest.PostgresDSN(t)
	schema := servicetest.CreateERPSchema(t, dsn)
	st := builtStore(t)
	var mu sync.Mutex
	var hooks [][]map[string]any
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer hook-token" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		var body struct{ Alerts []map[string]any }
		json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		hooks = append(hooks, body.Alerts)
		mu.Unlock()
	}))
	defer hook.Close()
	var mails []mail.Message
	cfg := config.Default()
	cfg.Sources = []config.Source{{Name: "erp-db", DSN: dsn, Entity: "order_lines", Query: servicetest.ERPOrderLinesQuery(schema)}}
	cfg.Schedules = []config.Schedule{
		{Name: "erp-pull", Job: KindPull, Cron: "*/30 * * * *"},
		{Name: "alerts", Job: KindAlerts, Cron: "15 * * * *"},
	}
	cfg.Alerts = config.Alerts{Email: []string{"supply-chain@example.com"}, Webhook: hook.URL, Headers: map[string]string{"Authorization": "Bearer hook-token"}, MinSeverity: "high"}
	before := count(t, st, "SELECT count(*) FROM order_lines")
	builtBefore := builtAt(context.Background(), st.DB)
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 23, 7, 55, 0, 0, time.UTC))
	s := startService(t, st, cfg, clock, Options{Send: func(ctx context.Context, c config.SMTP, m mail.Message) error {
		mu.Lock()
		mails = append(mails, m)
		mu.Unlock()
		return nil
	}})
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	advanceTo(t, clock, 2, at)
	pullRun := waitRun(t, s, "erp-pull", at)
	if pullRun.Outcome != OutcomeSuccess || pullRun.Rows != 3 {
		t.Fatalf("pull run %+v", pullRun)
	}
	if n := count(t, st, "SELECT count(*) FROM order_lines"); n != before+3 {
		t.Fatalf("%d order lines, want %d", n, before+3)
	}
	build := waitRun(t, s, "erp-pull/build", at)
	if build.Outcome != OutcomeSuccess || build.Trigger != TriggerAfterPull || !builtAt(context.Background(), st.DB).After(builtBefore) {
		t.Fatalf("build run %+v", build)
	}
	// The build prepared the figures of the reports: a reader of the new build (a
	// read-only snapshot transaction) reads them back rather than computing them.
	db, release, err := s.snaps.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	builtAsOf, err := models.BuiltAsOf(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	f, err := reports.Collect(context.Background(), db, cfg, builtAsOf, "en", reports.DashboardPlan())
	release()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(f.Timings, func(s reports.Timing) bool { return s.Step == "kept figures" }) {
		t.Errorf("a reader computed the figures the build prepared: %v", f.Timings)
	}
	alerts := waitRun(t, s, "erp-pull/alerts", at)
	if alerts.Outcome != OutcomeSuccess || alerts.Rows == 0 {
		t.Fatalf("alerts run %+v", alerts)
	}
	mu.Lock()
	if len(hooks) != 1 || len(mails) != 1 || len(hooks[0]) == 0 || !strings.Contains(mails[0].HTML, "new anomal") {
		t.Fatalf("%d webhook posts, %d mails", len(hooks), len(mails))
	}
	for _, a := range hooks[0] {
		if a["severity"] != "high" {
			t.Fatalf("alert of severity %v sent", a["severity"])
		}
	}
	sentOnce := len(hooks[0])
	mu.Unlock()
	if n := count(t, st, "SELECT count(*) FROM alerts_sent WHERE channel = 'webhook'"); n != sentOnce {
		t.Fatalf("%d alerts recorded, %d sent", n, sentOnce)
	}
	// The hourly alerts job finds nothing new to send.
	advanceTo(t, clock, 2, at.Add(15*time.Minute))
	again := waitRun(t, s, "alerts", at.Add(15*time.Minute))
	if again.Outcome != OutcomeSuccess || again.Rows != 0 || !strings.Contains(again.Message, "no new alert") {
		t.Fatalf("second alerts run %+v", again)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(hooks) != 1 || len(mails) != 1 {
		t.Fatalf("alerts sent again: %d webhook posts, %d mails", len(hooks), len(mails))
	}
}

func count(t *testing.T, st *store.Store, q string) int {
	t.Helper()
	var n int
	if err := st.DB.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The Monday report reaches a real SMTP server (STARTTLS, AUTH): one message per
// recipient, to that recipient only, each with the figures of their own portfolio, the
// HTML in the body and an XLSX (that opens) and a PDF attached; a second run sends
// nothing again.
func TestWeeklyReportMailedPerRecipient(t *testing.T) {
	smtp, maildir := servicetest.SMTP(t, "starttls")
	st := builtStore(t)
	country, customers := portfolios(t, st.DB)
	var id [5]byte
	rand.Read(id[:])
	token := hex.EncodeToString(id[:])
	cfg := config.Default()
	cfg.Report.Folder = t.TempDir()
	cfg.Report.SMTP = smtp
	cfg.Report.Subject = "Weekly report {week} " + token
	cfg.Report.Recipients = []config.Recipient{
		{Email: "de-desk@example.com", Countries: []string{country}},
		{Email: "key-account@example.com", Lang: "fr", Customers: customers},
		{Email: "director@example.com"},
	}
	cfg.Schedules = []config.Schedule{{Name: "weekly-report", Job: KindReport, Cron: "0 7 * * MON", TimeZone: "Europe/Paris"}}
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 23, 5, 59, 0, 0, time.UTC))
	s := startService(t, st, cfg, clock, Options{})
	at := time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)
	advanceTo(t, clock, 1, at)
	run := waitRun(t, s, "weekly-report", at)
	if run.Outcome != OutcomeSuccess || run.Rows != 3 {
		t.Fatalf("report run %+v", run)
	}
	week := models.LastCompleteWeek(asOf)
	got := servicetest.Mails(t, maildir, token, 3)
	byRecipient := map[string]servicetest.Mail{}
	for _, m := range got {
		if len(m.EnvelopeTo) != 1 {
			t.Fatalf("a report went to %v: one recipient per message", m.EnvelopeTo)
		}
		byRecipient[m.EnvelopeTo[0]] = m
	}
	check := func(email string, p portfolio.Portfolio) float64 {
		t.Helper()
		m, ok := byRecipient[email]
		if !ok {
			t.Fatalf("nothing sent to %s", email)
		}
		if !strings.Contains(m.Subject, week) {
			t.Errorf("subject %q lacks the week %s", m.Subject, week)
		}
		if !strings.Contains(m.HTML, "<table") || !strings.Contains(m.HTML, "<html") {
			t.Errorf("the body of %s is not the HTML report", email)
		}
		// The full report, not a stand-in: its sections are there, and a limited
		// recipient's says which portfolio it covers.
		for _, section := range []string{`class="tiles"`, `class="band"`} {
			if !strings.Contains(m.HTML, section) {
				t.Errorf("the report of %s lacks %s", email, section)
			}
		}
		if p.Limited() != strings.Contains(m.HTML, "data-scope") {
			t.Errorf("the report of %s (portfolio %s) says its scope: %v", email, p, strings.Contains(m.HTML, "data-scope"))
		}
		if pdf := m.Attachments["weekly-"+week+".pdf"]; !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf[len(pdf)-10:], []byte("%%EOF")) {
			t.Errorf("the PDF of %s is not a PDF", email)
		}
		x, err := excelize.OpenReader(bytes.NewReader(m.Attachments["weekly-"+week+".xlsx"]))
		if err != nil {
			t.Fatalf("the XLSX of %s does not open: %v", email, err)
		}
		defer x.Close()
		rows, err := x.GetRows(x.GetSheetName(0), excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		want, err := models.Query(context.Background(), st.DB, models.KPIQuery{KPIs: []string{"service_rate"}, From: week, To: week, Filters: p.Filters()})
		if err != nil || len(want) != 1 || want[0].Value == nil {
			t.Fatalf("reference figure of %s for %s: %v %v", week, p, want, err)
		}
		for _, r := range rows {
			if len(r) > 3 && r[1] == "service_rate" {
				v, _ := strconv.ParseFloat(r[3], 64)
				if diff := v - *want[0].Value; diff > 1e-9 || diff < -1e-9 {
					t.Fatalf("%s: service_rate %v in the XLSX, %v for the portfolio %s", email, v, *want[0].Value, p)
				}
				return v
			}
		}
		t.Fatalf("no service_rate row in the XLSX of %s: %v", email, rows)
		return 0
	}
	de := check("de-desk@example.com", portfolio.Of(nil, nil, []string{country}))
	key := check("key-account@example.com", portfolio.Of(customers, nil, nil))
	all := check("director@example.com", portfolio.Portfolio{})
	if de == all && key == all {
		t.Fatalf("the filtered reports show the company's figure %v", all)
	}
	if !strings.Contains(byRecipient["key-account@example.com"].Subject, customers[0]) {
		t.Errorf("the key account's subject does not say its portfolio: %q", byRecipient["key-account@example.com"].Subject)
	}
	// Retried (a catch-up, a manual run): nobody gets it twice.
	clock.Advance(time.Minute)
	if err := s.RunNow("weekly-report"); err != nil {
		t.Fatal(err)
	}
	if run := waitRun(t, s, "weekly-report", clock.Now()); run.Rows != 0 || !strings.Contains(run.Message, "3 already served") {
		t.Fatalf("second run %+v", run)
	}
	servicetest.Mails(t, maildir, token, 3)
}

// portfolios picks the ship-to country (but France) and the two customers with the
// most lines due in the report's week, to filter by.
func portfolios(t *testing.T, db *sql.DB) (string, []string) {
	t.Helper()
	week := models.LastCompleteWeek(asOf)
	top := func(dim string, n int, skip string) []string {
		vals, err := models.Query(context.Background(), db, models.KPIQuery{KPIs: []string{"otif_line"}, From: week, To: week, By: []string{dim}})
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(vals, func(i, j int) bool { return *vals[i].Denominator > *vals[j].Denominator })
		var out []string
		for _, v := range vals {
			if v.Dims[dim] != skip && v.Dims[dim] != "(none)" && len(out) < n {
				out = append(out, v.Dims[dim])
			}
		}
		return out
	}
	return top("country", 1, "FR")[0], top("customer", 2, "")
}
