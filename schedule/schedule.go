// Package schedule runs the jobs of `orderflow serve` declared in orderflow.yaml: pull
// the sources, build the models (after new data, and only then), write and e-mail the
// weekly report, send the alerts. Jobs run on cron expressions in a time zone (gocron
// v2, daylight saving included), never overlap themselves, retry a failed pull with
// back-off, and keep their history (job_runs) in the database. A run missed while the
// server was down is caught up on start when it is recent enough (Schedule.CatchUp),
// else skipped and logged.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
	"github.com/robfig/cron/v3"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/mail"
	"github.com/orderflow/orderflow/store"
)

// The kinds of job a schedule can run.
const (
	KindPull   = "pull"
	KindBuild  = "build"
	KindReport = "report"
	KindAlerts = "alerts"
)

// What started a run.
const (
	TriggerSchedule  = "schedule"
	TriggerCatchUp   = "catch_up"
	TriggerManual    = "manual"
	TriggerAfterPull = "after_pull"
	TriggerBefore    = "before_report"
)

// Outcomes of a run.
const (
	OutcomeRunning = "running"
	OutcomeSuccess = "success"
	OutcomeFailed  = "failed"
	OutcomeSkipped = "skipped"
)

// Runner does the work of one kind of job. It fills run.Rows and run.Message; an error
// fails the run, and is retried (pull and report jobs) unless it is Permanent.
type Runner func(ctx context.Context, s *Service, run *Run) error

// Options steer a Service; zero values take the defaults.
type Options struct {
	Clock  clockwork.Clock // default the real clock; tests pass a fake one
	Logger *slog.Logger
	// Snapshots are the copies of the builds readers read (the server's too); one is
	// taken after each committed build. nil: the service makes its own.
	Snapshots *Snapshots
	// Reporter renders the weekly report (default: ReportsReporter, package reports).
	Reporter Reporter
	// Send delivers an e-mail (default mail.Send).
	Send func(context.Context, config.SMTP, mail.Message) error
	// HTTPClient posts the webhooks and fetches HTTP sources.
	HTTPClient *http.Client
	// Runners replace the work of a kind of job (tests: a slow job).
	Runners map[string]Runner
	// AfterBuild is called after each committed build (and its snapshot) with its
	// built_at time.
	AfterBuild func(builtAt time.Time)
}

// Service is the scheduler of one server process.
type Service struct {
	st      *store.Store
	cfg     config.Config
	clock   clockwork.Clock
	log     *slog.Logger
	snaps   *Snapshots
	opts    Options
	runners map[string]Runner
	sched   gocron.Scheduler

	mu   sync.Mutex
	jobs map[string]*job // by schedule name

	// writer serialises what writes the canonical tables and the models: one pull or
	// build at a time, whichever schedule started it.
	writer sync.Mutex
	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
}

// job is a schedule and its state.
type job struct {
	cfg      config.Schedule
	loc      *time.Location
	cron     cron.Schedule
	catchUp  time.Duration
	retries  int
	backoff  time.Duration
	running  sync.Mutex // held while a run of this job is going: no overlap, whatever started it
	gocron   gocron.Job
	building bool // a synthetic build job (after a pull), not in the config
}

// New prepares the jobs of cfg; Start starts them.
func New(st *store.Store, cfg config.Config, opts Options) (*Service, error) {
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Snapshots == nil {
		snaps, err := NewSnapshots(context.Background(), st, opts.Logger)
		if err != nil {
			return nil, err
		}
		opts.Snapshots = snaps
	}
	if opts.Reporter == nil {
		opts.Reporter = ReportsReporter{}
	}
	if opts.Send == nil {
		opts.Send = mail.Send
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 2 * time.Minute}
	}
	cfg.Schedules = withDefaultReport(cfg)
	s := &Service{st: st, cfg: cfg, clock: opts.Clock, log: opts.Logger, snaps: opts.Snapshots, opts: opts, jobs: map[string]*job{}}
	s.runners = map[string]Runner{KindPull: runPull, KindBuild: runBuild, KindReport: runReport, KindAlerts: runAlerts}
	for k, r := range opts.Runners {
		s.runners[k] = r
	}
	sched, err := gocron.NewScheduler(gocron.WithClock(opts.Clock), gocron.WithLocation(cfg.Location()),
		gocron.WithLogger(gocronLogger{opts.Logger}), gocron.WithStopTimeout(30*time.Second))
	if err != nil {
		return nil, err
	}
	s.sched = sched
	for _, sc := range cfg.Schedules {
		j, err := newJob(cfg, sc)
		if err != nil {
			return nil, err
		}
		s.jobs[sc.Name] = j
		gj, err := sched.NewJob(
			gocron.CronJob(j.cronExpr(), j.withSeconds()),
			gocron.NewTask(func(ctx context.Context) { s.execute(ctx, j, TriggerSchedule, time.Time{}) }),
			gocron.WithName(sc.Name),
			gocron.WithTags(sc.Job),
			// Never overlap: a run due while the previous one still runs is skipped.
			gocron.WithSingletonMode(gocron.LimitModeReschedule),
		)
		if err != nil {
			return nil, fmt.Errorf("schedule %q: cannot schedule cron %q: %w", sc.Name, sc.Cron, err)
		}
		j.gocron = gj
	}
	return s, nil
}

// DefaultReportCron is when the weekly report goes out unless a schedule says otherwise.
const DefaultReportCron = "0 7 * * MON"

// withDefaultReport gives a report job without cron the default Monday 07:00, and adds
// the weekly report when recipients are configured and no schedule sends it.
func withDefaultReport(cfg config.Config) []config.Schedule {
	out := make([]config.Schedule, 0, len(cfg.Schedules)+1)
	hasReport := false
	for _, sc := range cfg.Schedules {
		if sc.Job == KindReport {
			hasReport = true
			if sc.Cron == "" {
				sc.Cron = DefaultReportCron
			}
		}
		out = append(out, sc)
	}
	if !hasReport && len(cfg.Report.Recipients) > 0 {
		out = append(out, config.Schedule{Name: "weekly-report", Job: KindReport, Cron: DefaultReportCron})
	}
	return out
}

func newJob(cfg config.Config, sc config.Schedule) (*job, error) {
	tz := sc.TimeZone
	if tz == "" {
		tz = cfg.TimeZone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: time zone %q: %w", sc.Name, tz, err)
	}
	j := &job{cfg: sc, loc: loc, retries: 3, backoff: time.Minute}
	if _, ok := map[string]bool{KindPull: true, KindBuild: true, KindReport: true, KindAlerts: true}[sc.Job]; !ok {
		return nil, fmt.Errorf("schedule %q: job %q must be pull, build, report or alerts", sc.Name, sc.Job)
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	if j.withSeconds() {
		parser = cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	}
	if j.cron, err = parser.Parse(j.cronExpr()); err != nil {
		return nil, fmt.Errorf("schedule %q: cron %q is not valid (5 fields: minute hour day month weekday, such as \"0 7 * * MON\"; or 6 with seconds first): %w", sc.Name, sc.Cron, err)
	}
	if sc.Job == KindReport {
		j.catchUp = 12 * time.Hour
	}
	if sc.CatchUp != "" {
		j.catchUp, _ = time.ParseDuration(sc.CatchUp)
	}
	if sc.Retries != nil {
		j.retries = *sc.Retries
	}
	if sc.Backoff != "" {
		j.backoff, _ = time.ParseDuration(sc.Backoff)
	}
	return j, nil
}

func (j *job) withSeconds() bool { return len(strings.Fields(j.cfg.Cron)) == 6 }

// cronExpr is the schedule's cron with its time zone: gocron and the catch-up rule
// read the same one, so that daylight saving moves both alike.
func (j *job) cronExpr() string { return "CRON_TZ=" + j.loc.String() + " " + j.cfg.Cron }

// prev is the last scheduled time at or before t.
func (j *job) prev(t time.Time) time.Time {
	for _, back := range []time.Duration{time.Hour, 25 * time.Hour, 8 * 24 * time.Hour, 32 * 24 * time.Hour, 367 * 24 * time.Hour} {
		var last time.Time
		for next := j.cron.Next(t.Add(-back)); !next.IsZero() && !next.After(t); next = j.cron.Next(next) {
			last = next
		}
		if !last.IsZero() {
			return last
		}
	}
	return time.Time{}
}

// Start catches up what was missed while the server was down, then starts the jobs.
func (s *Service) Start(ctx context.Context) error {
	s.ctx, s.cancel = context.WithCancel(ctx)
	if err := s.catchUp(s.ctx); err != nil {
		return err
	}
	s.sched.Start()
	for _, j := range s.sortedJobs() {
		next, _ := j.gocron.NextRun()
		s.log.Info("job scheduled", "job", j.cfg.Name, "kind", j.cfg.Job, "cron", j.cfg.Cron, "time_zone", j.loc.String(), "next_run", next)
	}
	return nil
}

// Snapshots are the copies of the builds the service takes, for the server to read.
func (s *Service) Snapshots() *Snapshots { return s.snaps }

// Stop stops the scheduler and waits for the runs in progress (they are cancelled).
func (s *Service) Stop() error {
	if s.cancel != nil {
		s.cancel()
	}
	err := s.sched.Shutdown()
	s.wg.Wait()
	return err
}

// catchUp applies the rule for runs missed while the server was down: a job whose
// last scheduled time passed without a successful run since is run once now when that
// time is less than its catch_up ago; an older miss is recorded as skipped.
func (s *Service) catchUp(ctx context.Context) error {
	now := s.clock.Now()
	for _, j := range s.sortedJobs() {
		if j.catchUp <= 0 {
			continue
		}
		prev := j.prev(now)
		if prev.IsZero() {
			continue
		}
		done, err := s.ranSince(ctx, j.cfg.Name, prev)
		if err != nil {
			return err
		}
		if done {
			continue
		}
		if now.Sub(prev) <= j.catchUp {
			s.log.Info("catching up a missed run", "job", j.cfg.Name, "scheduled_for", prev, "catch_up", j.catchUp.String())
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.execute(ctx, j, TriggerCatchUp, prev)
			}()
			continue
		}
		msg := fmt.Sprintf("the run of %s was missed (the server was not running) and is more than %s old (catch_up): skipped, the next run is on schedule",
			prev.In(j.loc).Format("Mon 2006-01-02 15:04 MST"), j.catchUp)
		s.log.Warn("missed run skipped", "job", j.cfg.Name, "scheduled_for", prev, "catch_up", j.catchUp.String())
		if err := s.recordSkipped(ctx, j, prev, msg); err != nil {
			return err
		}
	}
	return nil
}

// RunNow starts a run of the named job outside its schedule and returns at once; an
// error says the job is unknown or already running.
func (s *Service) RunNow(name string) error {
	s.mu.Lock()
	j, ok := s.jobs[name]
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("no job named %q in orderflow.yaml schedules", name)
	}
	if !j.running.TryLock() {
		return fmt.Errorf("job %q is already running", name)
	}
	j.running.Unlock()
	ctx := s.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.execute(ctx, j, TriggerManual, time.Time{})
	}()
	return nil
}

// execute runs a job once, with its retries, and records the run.
func (s *Service) execute(ctx context.Context, j *job, trigger string, scheduledFor time.Time) *Run {
	if !j.running.TryLock() {
		s.log.Warn("run skipped: the previous run of this job is still going", "job", j.cfg.Name, "trigger", trigger)
		return nil
	}
	defer j.running.Unlock()
	now := s.clock.Now()
	if scheduledFor.IsZero() && trigger == TriggerSchedule {
		scheduledFor = j.prev(now)
	}
	run := &Run{Job: j.cfg.Name, Kind: j.cfg.Job, Trigger: trigger, StartedAt: now, Outcome: OutcomeRunning}
	if !scheduledFor.IsZero() {
		run.ScheduledFor = &scheduledFor
	}
	if err := s.insertRun(ctx, run); err != nil {
		s.log.Error("cannot record the start of a run", "job", j.cfg.Name, "error", err)
	}
	s.log.Info("job started", "job", j.cfg.Name, "kind", j.cfg.Job, "trigger", trigger, "run_id", run.ID)
	runner := s.runners[j.cfg.Job]
	wait := j.backoff
	var err error
	for {
		run.Attempts++
		run.Rows, run.Message = 0, ""
		err = runner(ctx, s, run)
		var perm permanent
		if err == nil || errors.As(err, &perm) || run.Attempts > j.retries || ctx.Err() != nil || (j.cfg.Job != KindPull && j.cfg.Job != KindReport) {
			break
		}
		s.log.Warn("job failed, retrying", "job", j.cfg.Name, "attempt", run.Attempts, "retry_in", wait.String(), "error", err)
		select {
		case <-ctx.Done():
		case <-s.clock.After(wait):
		}
		wait *= 2
	}
	end := s.clock.Now()
	run.FinishedAt = &end
	run.Outcome = OutcomeSuccess
	if err != nil {
		run.Outcome = OutcomeFailed
		run.Message = strings.TrimSpace(run.Message + " " + err.Error())
	}
	if run.Outcome == OutcomeSuccess && run.Skipped {
		run.Outcome = OutcomeSkipped
	}
	if uerr := s.finishRun(context.WithoutCancel(ctx), run); uerr != nil {
		s.log.Error("cannot record the end of a run", "job", j.cfg.Name, "error", uerr)
	}
	attrs := []any{"job", j.cfg.Name, "kind", j.cfg.Job, "trigger", trigger, "run_id", run.ID, "outcome", run.Outcome,
		"attempts", run.Attempts, "rows", run.Rows, "duration", end.Sub(now).String(), "message", run.Message}
	if err != nil {
		s.log.Error("job failed", attrs...)
	} else {
		s.log.Info("job done", attrs...)
	}
	return run
}

// permanent marks an error that retrying cannot fix (a file refused for its content).
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// Permanent wraps err so that the run is not retried.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// JobStatus is a schedule as the server shows it.
type JobStatus struct {
	Name     string      `json:"name"`
	Kind     string      `json:"kind"`
	Cron     string      `json:"cron"`
	TimeZone string      `json:"time_zone"`
	CatchUp  string      `json:"catch_up,omitempty"`
	Running  bool        `json:"running"`
	NextRuns []time.Time `json:"next_runs"`
	LastRun  *Run        `json:"last_run,omitempty"`
}

// Status lists every schedule with its next runs and its last run.
func (s *Service) Status(ctx context.Context) ([]JobStatus, error) {
	var out []JobStatus
	for _, j := range s.sortedJobs() {
		st := JobStatus{Name: j.cfg.Name, Kind: j.cfg.Job, Cron: j.cfg.Cron, TimeZone: j.loc.String()}
		if j.catchUp > 0 {
			st.CatchUp = j.catchUp.String()
		}
		if j.running.TryLock() {
			j.running.Unlock()
		} else {
			st.Running = true
		}
		if j.gocron != nil {
			if next, err := j.gocron.NextRuns(3); err == nil {
				for _, t := range next {
					st.NextRuns = append(st.NextRuns, t.In(j.loc))
				}
			}
		}
		runs, err := s.History(ctx, j.cfg.Name, 1)
		if err != nil {
			return nil, err
		}
		if len(runs) > 0 {
			st.LastRun = &runs[0]
		}
		out = append(out, st)
	}
	return out, nil
}

func (s *Service) sortedJobs() []*job {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*job
	for _, sc := range s.cfg.Schedules {
		if j, ok := s.jobs[sc.Name]; ok {
			out = append(out, j)
		}
	}
	return out
}

// gocronLogger sends gocron's own messages to slog.
type gocronLogger struct{ l *slog.Logger }

func (g gocronLogger) Debug(msg string, args ...any) { g.l.Debug("gocron: "+msg, args...) }
func (g gocronLogger) Error(msg string, args ...any) { g.l.Error("gocron: "+msg, args...) }
func (g gocronLogger) Info(msg string, args ...any)  { g.l.Debug("gocron: "+msg, args...) }
func (g gocronLogger) Warn(msg string, args ...any)  { g.l.Warn("gocron: "+msg, args...) }
