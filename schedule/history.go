package schedule

import (
	"context"
	"database/sql"
	"time"
)

// Run is one run of a job, as the job_runs table keeps it. Times are UTC.
type Run struct {
	ID           int64      `json:"run_id"`
	Job          string     `json:"job"`
	Kind         string     `json:"kind"`
	Trigger      string     `json:"trigger"`
	ScheduledFor *time.Time `json:"scheduled_for,omitempty"`
	StartedAt    time.Time  `json:"started_at"`
	FinishedAt   *time.Time `json:"finished_at,omitempty"`
	Outcome      string     `json:"outcome"`
	Attempts     int        `json:"attempts"`
	Rows         int64      `json:"rows"`
	Message      string     `json:"message,omitempty"`
	// Skipped is set by a runner that found nothing to do for a reason worth showing
	// (the run's outcome is then skipped rather than success).
	Skipped bool `json:"-"`
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return utc(*t)
}

func (s *Service) insertRun(ctx context.Context, r *Run) error {
	return s.st.DB.QueryRowContext(ctx, `INSERT INTO job_runs
		(run_id, job, kind, triggered_by, scheduled_for, started_at, outcome, attempts, row_count, message)
		VALUES (nextval('job_run_id_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING run_id`,
		r.Job, r.Kind, r.Trigger, nullTime(r.ScheduledFor), utc(r.StartedAt), r.Outcome, r.Attempts, r.Rows, r.Message).Scan(&r.ID)
}

func (s *Service) finishRun(ctx context.Context, r *Run) error {
	if r.ID == 0 {
		return s.insertRun(ctx, r)
	}
	_, err := s.st.DB.ExecContext(ctx, `UPDATE job_runs SET finished_at = ?, outcome = ?, attempts = ?, row_count = ?, message = ?
		WHERE run_id = ?`, nullTime(r.FinishedAt), r.Outcome, r.Attempts, r.Rows, r.Message, r.ID)
	return err
}

// recordSkipped keeps a missed run in the history, once per missed time.
func (s *Service) recordSkipped(ctx context.Context, j *job, scheduledFor time.Time, msg string) error {
	var n int
	if err := s.st.DB.QueryRowContext(ctx, `SELECT count(*) FROM job_runs WHERE job = ? AND scheduled_for = ? AND outcome = 'skipped'`,
		j.cfg.Name, utc(scheduledFor)).Scan(&n); err != nil || n > 0 {
		return err
	}
	now := s.clock.Now()
	return s.insertRun(ctx, &Run{Job: j.cfg.Name, Kind: j.cfg.Job, Trigger: TriggerCatchUp, ScheduledFor: &scheduledFor,
		StartedAt: now, FinishedAt: &now, Outcome: OutcomeSkipped, Message: msg})
}

// ranSince tells whether the job succeeded for, or after, the scheduled time t.
func (s *Service) ranSince(ctx context.Context, name string, t time.Time) (bool, error) {
	var n int
	err := s.st.DB.QueryRowContext(ctx, `SELECT count(*) FROM job_runs WHERE job = ? AND outcome = 'success'
		AND (scheduled_for >= ? OR started_at >= ?)`, name, utc(t), utc(t)).Scan(&n)
	return n > 0, err
}

// History lists the runs of a job (every job when name is empty), newest first.
func (s *Service) History(ctx context.Context, name string, limit int) ([]Run, error) {
	return History(ctx, s.st.DB, name, limit)
}

// History reads the job_runs table: the runs of a job (every job when name is empty),
// newest first, at most limit (default 100).
func History(ctx context.Context, db *sql.DB, name string, limit int) ([]Run, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	q := `SELECT run_id, job, kind, triggered_by, scheduled_for, started_at, finished_at, outcome, attempts,
		coalesce(row_count, 0), coalesce(message, '') FROM job_runs`
	var args []any
	if name != "" {
		q += " WHERE job = ?"
		args = append(args, name)
	}
	q += " ORDER BY started_at DESC, run_id DESC LIMIT ?"
	args = append(args, limit)
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var sched, fin sql.NullTime
		if err := rows.Scan(&r.ID, &r.Job, &r.Kind, &r.Trigger, &sched, &r.StartedAt, &fin, &r.Outcome, &r.Attempts, &r.Rows, &r.Message); err != nil {
			return nil, err
		}
		if sched.Valid {
			t := sched.Time.UTC()
			r.ScheduledFor = &t
		}
		if fin.Valid {
			t := fin.Time.UTC()
			r.FinishedAt = &t
		}
		r.StartedAt = r.StartedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
