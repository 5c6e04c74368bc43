// Package actions keeps the improvement action plan in the database (table actions,
// migration sql/schema/003_actions.sql): for a KPI or an anomaly code, the root cause
// found, the action decided, its owner, due date and status. The weekly report and the
// Improvement dashboard show it; `orderflow actions` adds, imports, lists and closes
// actions.
package actions

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/models"
)

// Statuses an action goes through; overdue is not stored, it is read from the due date.
const (
	Open       = "open"
	InProgress = "in_progress"
	Done       = "done"
	Cancelled  = "cancelled"
	Overdue    = "overdue" // shown for an action not done whose due date has passed
)

var statuses = []string{Open, InProgress, Done, Cancelled}

// Action is one item of the plan.
type Action struct {
	ID      int64     `json:"id" yaml:"id"`
	KPI     string    `json:"kpi,omitempty" yaml:"kpi"`         // a KPI of the registry, or ""
	Anomaly string    `json:"anomaly,omitempty" yaml:"anomaly"` // an anomaly code, or ""
	Scope   string    `json:"scope,omitempty" yaml:"scope"`     // the cut it is about, such as "carrier=DHL"
	Cause   string    `json:"cause" yaml:"cause"`
	Action  string    `json:"action" yaml:"action"`
	Owner   string    `json:"owner" yaml:"owner"`
	Due     time.Time `json:"due" yaml:"due"`
	Status  string    `json:"status" yaml:"status"`
	Created time.Time `json:"created" yaml:"-"`
	DoneOn  time.Time `json:"done_on,omitzero" yaml:"-"`
}

// StatusAt is the status to show at asOf: overdue for an open action past its due date.
func (a Action) StatusAt(asOf time.Time) string {
	if (a.Status == Open || a.Status == InProgress) && !a.Due.IsZero() && a.Due.Before(asOf) {
		return Overdue
	}
	return a.Status
}

// Subject names what the action is about: the KPI's or the anomaly's label in lang,
// and its scope.
func (a Action) Subject(lang string) string {
	s := a.About(lang)
	if a.Scope != "" {
		s += " (" + a.Scope + ")"
	}
	return s
}

// About is the label in lang of the KPI or the anomaly the action is about.
func (a Action) About(lang string) string {
	var parts []string
	if a.KPI != "" {
		parts = append(parts, i18n.T(lang, "kpi."+a.KPI))
	}
	if a.Anomaly != "" {
		parts = append(parts, i18n.T(lang, "anomaly."+a.Anomaly))
	}
	return strings.Join(parts, " · ")
}

var codeRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Validate checks an action before it is stored; the error names the field at fault.
func (a *Action) Validate() error {
	a.KPI = strings.TrimSpace(a.KPI)
	a.Anomaly = strings.TrimSpace(a.Anomaly)
	a.Scope = strings.TrimSpace(a.Scope)
	a.Cause = strings.TrimSpace(a.Cause)
	a.Action = strings.TrimSpace(a.Action)
	a.Owner = strings.TrimSpace(a.Owner)
	a.Status = strings.TrimSpace(strings.ToLower(a.Status))
	if a.Status == "" {
		a.Status = Open
	}
	if a.KPI == "" && a.Anomaly == "" {
		return errors.New("an action needs a KPI (--kpi) or an anomaly code (--anomaly) it is about")
	}
	if a.KPI != "" && !IsKPI(a.KPI) {
		return fmt.Errorf("kpi %q is not a KPI: valid KPIs are %s", a.KPI, strings.Join(models.KPINames(), ", "))
	}
	if a.Anomaly != "" && !IsAnomalyCode(a.Anomaly) {
		return fmt.Errorf("anomaly %q is not an anomaly code: valid codes are %s", a.Anomaly, strings.Join(AnomalyCodes(), ", "))
	}
	switch {
	case a.Cause == "":
		return errors.New("an action needs its root cause (--cause)")
	case a.Action == "":
		return errors.New("an action needs what will be done (--action)")
	case a.Owner == "":
		return errors.New("an action needs an owner (--owner)")
	case a.Due.IsZero():
		return errors.New("an action needs a due date (--due YYYY-MM-DD)")
	}
	if !isStatus(a.Status) {
		return fmt.Errorf("status %q is not one of %s", a.Status, strings.Join(statuses, ", "))
	}
	return nil
}

func isStatus(s string) bool {
	for _, x := range statuses {
		if x == s {
			return true
		}
	}
	return false
}

// IsKPI tells whether name is a KPI an action can be about.
func IsKPI(name string) bool {
	_, ok := models.LookupKPI(name)
	return ok || name == "anomaly_count"
}

// AnomalyCodes lists the anomaly codes of the catalogue (those with a label).
func AnomalyCodes() []string {
	var out []string
	for _, k := range i18n.Keys(i18n.EN) {
		if code, ok := strings.CutPrefix(k, "anomaly."); ok && codeRe.MatchString(code) {
			out = append(out, code)
		}
	}
	return out
}

// IsAnomalyCode tells whether code is an anomaly code of the catalogue.
func IsAnomalyCode(code string) bool {
	return codeRe.MatchString(code) && i18n.Has(i18n.EN, "anomaly."+code)
}

// ParseDate reads a due date written by a person: 2026-12-04, 04/12/2026 or 04.12.2026.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, "02/01/2006", "02.01.2006", "2006/01/02", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD, such as 2026-12-04", s)
}

// Add stores a new action and returns it with its id.
func Add(ctx context.Context, db *sql.DB, a Action) (Action, error) {
	if err := a.Validate(); err != nil {
		return a, err
	}
	var doneOn any
	if a.Status == Done {
		doneOn = time.Now().UTC().Format(time.DateOnly)
	}
	err := db.QueryRowContext(ctx, `INSERT INTO actions (kpi, anomaly, scope, cause, action, owner, due_date, status, done_on)
		VALUES (nullif(?, ''), nullif(?, ''), nullif(?, ''), ?, ?, ?, CAST(? AS DATE), ?, CAST(? AS DATE))
		RETURNING action_id, created_at`,
		a.KPI, a.Anomaly, a.Scope, a.Cause, a.Action, a.Owner, a.Due.Format(time.DateOnly), a.Status, doneOn,
	).Scan(&a.ID, &a.Created)
	if err != nil {
		return a, explain(err, "cannot add the action")
	}
	return a, nil
}

// Filter narrows List.
type Filter struct {
	OpenOnly bool   // leave out done and cancelled actions
	KPI      string // only actions about this KPI
	Anomaly  string // only actions about this anomaly code
	Owner    string
}

// List returns the actions, open ones first by due date, then the closed ones. A
// database made before the action plan existed has none.
func List(ctx context.Context, db *sql.DB, f Filter) ([]Action, error) {
	where := []string{"true"}
	var args []any
	if f.OpenOnly {
		where = append(where, "status IN ('open', 'in_progress')")
	}
	if f.KPI != "" {
		where = append(where, "kpi = ?")
		args = append(args, f.KPI)
	}
	if f.Anomaly != "" {
		where = append(where, "anomaly = ?")
		args = append(args, f.Anomaly)
	}
	if f.Owner != "" {
		where = append(where, "lower(owner) = lower(?)")
		args = append(args, f.Owner)
	}
	rows, err := db.QueryContext(ctx, `SELECT action_id, coalesce(kpi, ''), coalesce(anomaly, ''), coalesce(scope, ''),
			cause, action, owner, due_date, status, created_at, done_on
		FROM actions WHERE `+strings.Join(where, " AND ")+`
		ORDER BY status IN ('done', 'cancelled'), due_date, action_id`, args...)
	if err != nil {
		if missingTable(err) {
			return nil, nil
		}
		return nil, explain(err, "cannot list the actions")
	}
	defer rows.Close()
	var out []Action
	for rows.Next() {
		var a Action
		var doneOn sql.NullTime
		if err := rows.Scan(&a.ID, &a.KPI, &a.Anomaly, &a.Scope, &a.Cause, &a.Action, &a.Owner, &a.Due, &a.Status, &a.Created, &doneOn); err != nil {
			return nil, err
		}
		if doneOn.Valid {
			a.DoneOn = doneOn.Time
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetStatus changes the status of action id; done also records the day it was done.
func SetStatus(ctx context.Context, db *sql.DB, id int64, status string, on time.Time) error {
	status = strings.ToLower(strings.TrimSpace(status))
	if !isStatus(status) {
		return fmt.Errorf("status %q is not one of %s", status, strings.Join(statuses, ", "))
	}
	var doneOn any
	if status == Done {
		doneOn = on.Format(time.DateOnly)
	}
	res, err := db.ExecContext(ctx, `UPDATE actions SET status = ?, done_on = CAST(? AS DATE) WHERE action_id = ?`, status, doneOn, id)
	if err != nil {
		return explain(err, fmt.Sprintf("cannot update action %d", id))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("there is no action %d: `orderflow actions list` shows their ids", id)
	}
	return nil
}

// update rewrites every field of an existing action (an import row with an id).
func update(ctx context.Context, tx *sql.Tx, a Action) error {
	var doneOn any
	if a.Status == Done {
		doneOn = time.Now().UTC().Format(time.DateOnly)
	}
	res, err := tx.ExecContext(ctx, `UPDATE actions SET kpi = nullif(?, ''), anomaly = nullif(?, ''), scope = nullif(?, ''),
			cause = ?, action = ?, owner = ?, due_date = CAST(? AS DATE), status = ?,
			done_on = CASE WHEN ? = 'done' THEN coalesce(done_on, CAST(? AS DATE)) END
		WHERE action_id = ?`,
		a.KPI, a.Anomaly, a.Scope, a.Cause, a.Action, a.Owner, a.Due.Format(time.DateOnly), a.Status, a.Status, doneOn, a.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("there is no action %d to update", a.ID)
	}
	return nil
}

func missingTable(err error) bool {
	return strings.Contains(err.Error(), "actions does not exist") || strings.Contains(err.Error(), "Table with name actions")
}

func explain(err error, what string) error {
	if missingTable(err) {
		return fmt.Errorf("%s: the database has no action plan table yet; open it once with a command that writes (such as `orderflow build`) to upgrade it", what)
	}
	return fmt.Errorf("%s: %w", what, err)
}
