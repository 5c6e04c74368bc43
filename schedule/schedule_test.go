package schedule

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/orderflow/orderflow/config"
)

func weeklyReportConfig() config.Config {
	cfg := config.Default()
	cfg.Schedules = []config.Schedule{{Name: "weekly-report", Job: KindReport, Cron: "0 7 * * MON", TimeZone: "Europe/Paris"}}
	return cfg
}

// The Monday 07:00 report runs at 07:00 Paris time every week, on either side of the
// changes to summer time (last Sunday of March) and back (last Sunday of October):
// 06:00 UTC in winter, 05:00 UTC in summer.
func TestMondayReportAcrossDaylightSaving(t *testing.T) {
	f := func(start time.Time, want ...time.Time) {
		t.Helper()
		clock := clockwork.NewFakeClockAt(start)
		ran := make(chan time.Time, 10)
		s := startService(t, emptyStore(t), weeklyReportConfig(), clock, Options{Runners: map[string]Runner{
			KindReport: func(ctx context.Context, s *Service, run *Run) error { ran <- s.clock.Now(); return nil },
		}})
		for _, w := range want {
			st, err := s.Status(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			advanceTo(t, clock, 1, w) // wait for the job's timer, so NextRuns is settled
			if st, _ = s.Status(context.Background()); len(st[0].NextRuns) == 0 {
				t.Fatalf("no next run")
			}
			got := receive(t, ran, "the report run of "+w.String())
			if !got.Equal(w) {
				t.Fatalf("report ran at %s, want %s (07:00 Paris)", got.UTC(), w.UTC())
			}
			if local := got.In(paris); local.Hour() != 7 || local.Weekday() != time.Monday {
				t.Fatalf("report ran at %s Paris time", local)
			}
			waitRun(t, s, "weekly-report", w)
		}
	}
	// Spring: Sunday 2026-03-29 02:00 CET becomes 03:00 CEST.
	f(time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 23, 6, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 30, 5, 0, 0, 0, time.UTC),
		time.Date(2026, 4, 6, 5, 0, 0, 0, time.UTC))
	// Autumn: Sunday 2026-10-25 03:00 CEST becomes 02:00 CET.
	f(time.Date(2026, 10, 16, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 10, 19, 5, 0, 0, 0, time.UTC),
		time.Date(2026, 10, 26, 6, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC))
}

// The next runs a server shows are in the schedule's zone and cross the change alike.
func TestNextRunsShownInTheZone(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 3, 24, 12, 0, 0, 0, time.UTC))
	s := startService(t, emptyStore(t), weeklyReportConfig(), clock, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	clock.BlockUntilContext(ctx, 1)
	st, err := s.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range st[0].NextRuns {
		got = append(got, n.Format("2006-01-02 15:04 MST"))
	}
	if want := "2026-03-30 07:00 CEST,2026-04-06 07:00 CEST,2026-04-13 07:00 CEST"; strings.Join(got, ",") != want {
		t.Fatalf("next runs %v, want %s", got, want)
	}
}

// A job slower than its period never runs twice at once: the runs due meanwhile are
// skipped, and it runs again on schedule once done.
func TestSlowJobNeverOverlaps(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
	cfg := config.Default()
	cfg.Schedules = []config.Schedule{{Name: "slow-build", Job: KindBuild, Cron: "0 * * * * *"}} // every minute, with seconds
	var running, maxRunning, runs atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	s := startService(t, emptyStore(t), cfg, clock, Options{Runners: map[string]Runner{
		KindBuild: func(ctx context.Context, s *Service, run *Run) error {
			n := running.Add(1)
			defer running.Add(-1)
			if n > maxRunning.Load() {
				maxRunning.Store(n)
			}
			runs.Add(1)
			started <- struct{}{}
			<-release
			return nil
		},
	}})
	advanceTo(t, clock, 1, time.Date(2026, 11, 23, 8, 1, 0, 0, time.UTC))
	receive(t, started, "the first run")
	// Five more minutes pass while the first run is still going.
	for m := 2; m <= 6; m++ {
		advanceTo(t, clock, 1, time.Date(2026, 11, 23, 8, m, 0, 0, time.UTC))
	}
	time.Sleep(100 * time.Millisecond)
	if n := runs.Load(); n != 1 {
		t.Fatalf("%d runs started while the first was going, want 1", n)
	}
	close(release)
	waitRun(t, s, "slow-build", time.Date(2026, 11, 23, 8, 1, 0, 0, time.UTC))
	advanceTo(t, clock, 1, time.Date(2026, 11, 23, 8, 7, 0, 0, time.UTC))
	receive(t, started, "the run after the slow one")
	if maxRunning.Load() != 1 {
		t.Fatalf("%d runs at once", maxRunning.Load())
	}
	// A manual run while one is going is refused too.
	if err := s.RunNow("slow-build"); err == nil {
		time.Sleep(50 * time.Millisecond)
		if maxRunning.Load() != 1 {
			t.Fatalf("a manual run overlapped")
		}
	}
}

// The catch-up rule after downtime: a weekly report whose Monday 07:00 passed less
// than 12 h ago without a successful run is run once on start; an older one is
// skipped and logged (once); one that ran is left alone.
func TestCatchUpAfterDowntime(t *testing.T) {
	monday7 := time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC) // 07:00 Paris
	f := func(now time.Time, history []Run, wantRun bool, wantSkipped int) {
		t.Helper()
		st := emptyStore(t)
		for _, r := range history {
			if _, err := st.DB.Exec(`INSERT INTO job_runs (run_id, job, kind, triggered_by, scheduled_for, started_at, finished_at, outcome, attempts)
				VALUES (nextval('job_run_id_seq'), 'weekly-report', 'report', 'schedule', ?, ?, ?, ?, 1)`,
				utc(*r.ScheduledFor), utc(r.StartedAt), utc(r.StartedAt), r.Outcome); err != nil {
				t.Fatal(err)
			}
		}
		ran := make(chan *Run, 2)
		clock := clockwork.NewFakeClockAt(now)
		s := startService(t, st, weeklyReportConfig(), clock, Options{Runners: map[string]Runner{
			KindReport: func(ctx context.Context, s *Service, run *Run) error { ran <- run; return nil },
		}})
		if wantRun {
			run := receive(t, ran, "the catch-up run")
			if run.Trigger != TriggerCatchUp || !run.ScheduledFor.Equal(monday7) {
				t.Fatalf("run %+v, want a catch-up of %s", run, monday7)
			}
			waitRun(t, s, "weekly-report", now)
		} else {
			select {
			case run := <-ran:
				t.Fatalf("unexpected run %+v", run)
			case <-time.After(200 * time.Millisecond):
			}
		}
		// Starting again (a second restart) neither runs nor logs it twice.
		s.Stop()
		s2 := startService(t, st, weeklyReportConfig(), clock, Options{Runners: map[string]Runner{
			KindReport: func(ctx context.Context, s *Service, run *Run) error { ran <- run; return nil },
		}})
		select {
		case run := <-ran:
			t.Fatalf("a second start ran it again: %+v", run)
		case <-time.After(200 * time.Millisecond):
		}
		runs, _ := s2.History(context.Background(), "weekly-report", 10)
		skipped := 0
		for _, r := range runs {
			if r.Outcome == OutcomeSkipped {
				skipped++
				if !strings.Contains(r.Message, "missed") || !r.ScheduledFor.Equal(monday7) {
					t.Errorf("skipped run %+v", r)
				}
			}
		}
		if skipped != wantSkipped {
			t.Fatalf("%d skipped runs logged, want %d: %+v", skipped, wantSkipped, runs)
		}
	}
	lastWeek := monday7.AddDate(0, 0, -7)
	ok := []Run{{ScheduledFor: &lastWeek, StartedAt: lastWeek, Outcome: OutcomeSuccess}}
	f(monday7.Add(150*time.Minute), ok, true, 0) // down at 07:00, back at 09:30
	f(monday7.Add(27*time.Hour), ok, false, 1)   // back on Tuesday 10:00: too late
	f(monday7.Add(150*time.Minute), append(ok, Run{ScheduledFor: &monday7, StartedAt: monday7, Outcome: OutcomeSuccess}), false, 0)
	failed := append(ok, Run{ScheduledFor: &monday7, StartedAt: monday7, Outcome: OutcomeFailed})
	f(monday7.Add(time.Hour), failed, true, 0) // it ran but failed: caught up
}

// A failing pull is retried with back-off (1 min, then 2 min) on the scheduler's
// clock; nothing is half loaded; the models are built after new data, and only then.
func TestPullRetriesWithBackoffThenBuilds(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			http.Error(w, "ERP busy", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "customer_id,name,country\n0000100001,Müller GmbH,DE\n0000100002,Dupont SA,FR\n")
	}))
	defer srv.Close()
	cfg := config.Default()
	cfg.Sources = []config.Source{{Name: "erp-api", URL: srv.URL + "/customers.csv"}}
	retries := 3
	cfg.Schedules = []config.Schedule{{Name: "pull", Job: KindPull, Cron: "*/15 * * * *", Retries: &retries, Backoff: "1m"}}
	builds := make(chan time.Time, 5)
	st := emptyStore(t)
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 23, 7, 58, 0, 0, time.UTC))
	s := startService(t, st, cfg, clock, Options{Runners: map[string]Runner{
		KindBuild: func(ctx context.Context, s *Service, run *Run) error { builds <- s.clock.Now(); return nil },
	}})
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	advanceTo(t, clock, 1, at)
	// First attempt fails; the job waits 1 min on the clock (one more timer), then 2.
	advanceTo(t, clock, 2, at.Add(time.Minute))
	advanceTo(t, clock, 2, at.Add(3*time.Minute))
	run := waitRun(t, s, "pull", at)
	if run.Outcome != OutcomeSuccess || run.Attempts != 3 || run.Rows != 2 {
		t.Fatalf("run %+v, want success on the 3rd attempt with 2 rows", run)
	}
	if got := receive(t, builds, "the build after the pull"); !got.Equal(at.Add(3 * time.Minute)) {
		t.Fatalf("build at %s, want right after the pull", got)
	}
	var n int
	st.DB.QueryRow("SELECT count(*) FROM customers").Scan(&n)
	if n != 2 {
		t.Fatalf("%d customers", n)
	}
	b := waitRun(t, s, "pull/build", at)
	if b.Trigger != TriggerAfterPull {
		t.Fatalf("build run %+v", b)
	}
	// The next pull finds the same extract: nothing new, no build.
	advanceTo(t, clock, 1, at.Add(15*time.Minute))
	time.Sleep(100 * time.Millisecond)
	run = waitRun(t, s, "pull", at.Add(15*time.Minute))
	if run.Outcome != OutcomeSuccess || run.Rows != 0 || !strings.Contains(run.Message, "1 already loaded") {
		t.Fatalf("second pull %+v", run)
	}
	select {
	case <-builds:
		t.Fatal("a pull without new rows started a build")
	case <-time.After(200 * time.Millisecond):
	}
}

// A pull that keeps failing gives up after its retries, with the error in the
// history, and loads nothing.
func TestPullGivesUpAfterRetries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "ERP down", http.StatusBadGateway)
	}))
	defer srv.Close()
	cfg := config.Default()
	cfg.Sources = []config.Source{{Name: "erp-api", URL: srv.URL + "/customers.csv"}}
	retries := 1
	cfg.Schedules = []config.Schedule{{Name: "pull", Job: KindPull, Cron: "0 8 * * *", Retries: &retries, Backoff: "30s"}}
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 23, 6, 59, 0, 0, time.UTC))
	s := startService(t, emptyStore(t), cfg, clock, Options{})
	advanceTo(t, clock, 1, time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)) // 08:00 Paris
	advanceTo(t, clock, 2, time.Date(2026, 11, 23, 7, 0, 30, 0, time.UTC))
	run := waitRun(t, s, "pull", time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC))
	if run.Outcome != OutcomeFailed || run.Attempts != 2 || !strings.Contains(run.Message, "502") {
		t.Fatalf("run %+v", run)
	}
}

// The weekly report goes out on Mondays at 07:00 unless told otherwise: a report job
// without cron, or recipients without any report job.
func TestWeeklyReportByDefault(t *testing.T) {
	cfg := config.Default()
	cfg.Report.Recipients = []config.Recipient{{Email: "desk@example.com"}}
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC))
	s := startService(t, emptyStore(t), cfg, clock, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	clock.BlockUntilContext(ctx, 1)
	st, err := s.Status(context.Background())
	if err != nil || len(st) != 1 || st[0].Kind != KindReport || st[0].NextRuns[0].Format("Mon 15:04 MST") != "Mon 07:00 CET" {
		t.Fatalf("status %+v, %v", st, err)
	}
}
