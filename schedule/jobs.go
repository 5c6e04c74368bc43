package schedule

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/ingest"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/pull"
	"github.com/orderflow/orderflow/reports"
)

// today is the as-of date of a build started now: the date in the company's zone.
func (s *Service) today() time.Time {
	now := s.clock.Now().In(s.cfg.Location())
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// derived is the build (or alerts) job a pull starts after new data: its own entry
// of the history, named after the pull.
func (s *Service) derived(parent, kind string) *job {
	name := parent + "/" + kind
	s.mu.Lock()
	defer s.mu.Unlock()
	if j, ok := s.jobs[name]; ok {
		return j
	}
	j := &job{cfg: config.Schedule{Name: name, Job: kind}, loc: s.cfg.Location(), building: true}
	s.jobs[name] = j
	return j
}

// runPull pulls the sources of the schedule (all of them when it names none). Each
// file loads in its own transaction; when new rows came in, the models are built,
// and only then the alerts sent.
func runPull(ctx context.Context, s *Service, run *Run) error {
	var sc config.Schedule
	for _, c := range s.cfg.Schedules {
		if c.Name == run.Job {
			sc = c
		}
	}
	var sources []config.Source
	for _, src := range s.cfg.Sources {
		if len(sc.Sources) == 0 || slices.Contains(sc.Sources, src.Name) {
			sources = append(sources, src)
		}
	}
	if len(sources) == 0 {
		run.Message = "no source to pull: add sources to orderflow.yaml"
		run.Skipped = true
		return nil
	}
	var summaries, transient []string
	rejected := 0
	changed := false
	s.writer.Lock()
	for _, src := range sources {
		res := pull.Source(ctx, s.st, src, pull.Options{
			ProfilePaths: s.cfg.Profiles, AsOf: s.today(), Now: s.clock.Now, HTTPClient: s.opts.HTTPClient, Log: s.log,
			Limits: ingest.Limits(s.cfg.Limits), Sanity: s.cfg.Sanity,
		})
		run.Rows += res.Loaded
		changed = changed || res.Changed()
		summaries = append(summaries, res.Summary())
		if res.Err != nil {
			transient = append(transient, src.Name)
		}
		rejected += res.Rejected
	}
	s.writer.Unlock()
	run.Message = strings.Join(summaries, "; ")
	if changed {
		b := s.execute(ctx, s.derived(run.Job, KindBuild), TriggerAfterPull, time.Time{})
		if b != nil && b.Outcome == OutcomeFailed {
			return Permanent(fmt.Errorf("new rows were loaded but the build failed (run %d): %s", b.ID, b.Message))
		}
		if b != nil && s.alertsConfigured() {
			s.execute(ctx, s.derived(run.Job, KindAlerts), TriggerAfterPull, time.Time{})
		}
	}
	if len(transient) > 0 {
		return fmt.Errorf("pull of %s failed", strings.Join(transient, ", "))
	}
	if rejected > 0 {
		return Permanent(fmt.Errorf("%d file(s) rejected (see the rejected folder and its .error.txt files)", rejected))
	}
	return nil
}

// builtAt is the time of the last committed build (zero before the first).
func builtAt(ctx context.Context, db *sql.DB) time.Time {
	var t time.Time
	if err := db.QueryRowContext(ctx, "SELECT built_at FROM params").Scan(&t); err != nil {
		return time.Time{}
	}
	return t
}

// runBuild builds the models as of today, then the anomalies.
func runBuild(ctx context.Context, s *Service, run *Run) error {
	s.writer.Lock()
	defer s.writer.Unlock()
	asOf := s.today()
	before := builtAt(ctx, s.st.DB)
	rep, err := models.Build(ctx, s.st, s.cfg, asOf, nil)
	checkpoint := false
	if err != nil {
		after := builtAt(ctx, s.st.DB)
		if after.IsZero() || after.Equal(before) {
			return err
		}
		// Committed: only the checkpoint failed, while readers were still on the
		// previous build. It is done below, once they are off it.
		checkpoint = true
	}
	for _, n := range rep.Notes {
		s.log.Warn(n)
	}
	// the control charts and the reports' figures read the weekly KPIs of one cube
	cctx := models.WithCube(ctx, reports.BuildCube(s.cfg, asOf))
	arep, err := anomalies.Build(cctx, s.st, s.cfg, asOf)
	if err != nil {
		if stale, serr := anomalies.Stale(ctx, s.st.DB); serr != nil || stale {
			return fmt.Errorf("models built as of %s, but the anomalies failed: %w", asOf.Format(time.DateOnly), err)
		}
		checkpoint = true
	}
	// The figures of the dashboards and weekly report, computed once for every reader
	// (reports.Prepare); a failure costs the readers time, not their figures.
	if err := reports.Prepare(cctx, s.st.DB, s.cfg, asOf); err != nil {
		s.log.Warn("preparing the figures of the reports failed; they are computed when asked", "error", err)
	}
	// Readers move to the new build only now, all of it at once.
	if err := s.snaps.Take(ctx); err != nil {
		return fmt.Errorf("models built as of %s, but the server still shows the previous build: %w", asOf.Format(time.DateOnly), err)
	}
	if checkpoint {
		if err := s.snaps.Checkpoint(ctx); err != nil {
			s.log.Warn("checkpoint after build failed; DuckDB will checkpoint later", "error", err)
		}
	}
	for _, m := range rep.Models {
		if m.Rows > 0 {
			run.Rows += m.Rows
		}
	}
	run.Message = fmt.Sprintf("built %d models as of %s, %d data tests passed; %d anomalies (%d new, %d resolved by the data)",
		len(rep.Models), asOf.Format(time.DateOnly), len(rep.Tests), arep.Total, arep.New, arep.Resolved)
	if rep.Refresh != "" { // what the build refreshed rather than rebuilt
		run.Message += "; " + rep.Refresh
	}
	if s.opts.AfterBuild != nil {
		s.opts.AfterBuild(builtAt(ctx, s.st.DB))
	}
	return nil
}

// errNotBuilt is returned by jobs that need a build when there is none yet.
var errNotBuilt = errors.New("the models are not built yet: a pull or build job must run first")
