package actions

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"gopkg.in/yaml.v3"
)

// ImportResult tells what an import did.
type ImportResult struct {
	Added, Updated, Unchanged int
}

// columnNames maps the header names an import file may use (English or French) to the
// fields of an action.
var columnNames = map[string]string{
	"id": "id", "action_id": "id", "n°": "id",
	"kpi": "kpi", "indicateur": "kpi",
	"anomaly": "anomaly", "anomalie": "anomaly", "anomaly_code": "anomaly",
	"scope": "scope", "périmètre": "scope", "perimetre": "scope",
	"cause": "cause", "root_cause": "cause", "root cause": "cause", "cause racine": "cause",
	"action": "action",
	"owner":  "owner", "responsable": "owner", "pilote": "owner",
	"due": "due", "due_date": "due", "due date": "due", "échéance": "due", "echeance": "due",
	"status": "status", "statut": "status",
}

// Import adds the actions of a YAML or XLSX file (by its extension), all or none: a row
// that fails stops the import with its row and column, and nothing is stored. A row with
// an id updates that action; a row equal to an action already stored (same subject,
// action, owner and due date) is skipped, so importing the same file twice adds nothing.
func Import(ctx context.Context, db *sql.DB, path string) (ImportResult, error) {
	var res ImportResult
	rows, err := readFile(path)
	if err != nil {
		return res, err
	}
	existing, err := List(ctx, db, Filter{})
	if err != nil {
		return res, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	for _, r := range rows {
		a := r.action
		if err := a.Validate(); err != nil {
			return res, fmt.Errorf("cannot import %s: %s: %w", path, r.where, err)
		}
		if a.ID != 0 {
			if err := update(ctx, tx, a); err != nil {
				return res, fmt.Errorf("cannot import %s: %s: %w", path, r.where, err)
			}
			res.Updated++
			continue
		}
		if same(existing, a) {
			res.Unchanged++
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO actions (kpi, anomaly, scope, cause, action, owner, due_date, status, done_on)
			VALUES (nullif(?, ''), nullif(?, ''), nullif(?, ''), ?, ?, ?, CAST(? AS DATE), ?, CASE WHEN ? = 'done' THEN current_date END)`,
			a.KPI, a.Anomaly, a.Scope, a.Cause, a.Action, a.Owner, a.Due.Format(time.DateOnly), a.Status, a.Status); err != nil {
			return res, fmt.Errorf("cannot import %s: %s: %w", path, r.where, explain(err, "cannot add the action"))
		}
		existing = append(existing, a)
		res.Added++
	}
	return res, tx.Commit()
}

func same(existing []Action, a Action) bool {
	for _, e := range existing {
		if e.KPI == a.KPI && e.Anomaly == a.Anomaly && e.Scope == a.Scope && e.Action == a.Action &&
			strings.EqualFold(e.Owner, a.Owner) && e.Due.Equal(a.Due) {
			return true
		}
	}
	return false
}

type row struct {
	where  string // "row 4" or "item 2", for messages
	action Action
}

func readFile(path string) ([]row, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return readYAML(path)
	case ".xlsx", ".xlsm":
		return readXLSX(path)
	}
	return nil, fmt.Errorf("cannot import %s: give a .yaml or an .xlsx file", path)
}

// yamlAction is an action as written in YAML: the due date may be a date or a string.
type yamlAction struct {
	ID      int64  `yaml:"id"`
	KPI     string `yaml:"kpi"`
	Anomaly string `yaml:"anomaly"`
	Scope   string `yaml:"scope"`
	Cause   string `yaml:"cause"`
	Action  string `yaml:"action"`
	Owner   string `yaml:"owner"`
	Due     string `yaml:"due"`
	Status  string `yaml:"status"`
}

func readYAML(path string) ([]row, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	var doc struct {
		Actions []yamlAction `yaml:"actions"`
	}
	if err := yaml.Unmarshal(body, &doc); err != nil || len(doc.Actions) == 0 {
		// a bare list of actions is accepted too
		var list []yamlAction
		if err2 := yaml.Unmarshal(body, &list); err2 != nil {
			if err == nil {
				err = err2
			}
			return nil, fmt.Errorf("cannot parse %s: %w (write a list under `actions:` with kpi or anomaly, cause, action, owner, due)", path, err)
		}
		doc.Actions = list
	}
	var out []row
	for i, y := range doc.Actions {
		where := fmt.Sprintf("action %d", i+1)
		a := Action{ID: y.ID, KPI: y.KPI, Anomaly: y.Anomaly, Scope: y.Scope, Cause: y.Cause, Action: y.Action, Owner: y.Owner, Status: y.Status}
		if y.Due != "" {
			d, err := ParseDate(y.Due)
			if err != nil {
				return nil, fmt.Errorf("cannot import %s: %s, field due: %w", path, where, err)
			}
			a.Due = d
		}
		out = append(out, row{where, a})
	}
	return out, nil
}

func readXLSX(path string) ([]row, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", path, err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	cells, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("cannot read sheet %s of %s: %w", sheet, path, err)
	}
	if len(cells) == 0 {
		return nil, fmt.Errorf("cannot import %s: sheet %s is empty", path, sheet)
	}
	cols := map[string]int{}
	for i, h := range cells[0] {
		if field, ok := columnNames[strings.ToLower(strings.TrimSpace(h))]; ok {
			cols[field] = i
		}
	}
	for _, need := range []string{"cause", "action", "owner", "due"} {
		if _, ok := cols[need]; !ok {
			return nil, fmt.Errorf("cannot import %s: sheet %s has no %q column in its first row (columns: id, kpi, anomaly, scope, cause, action, owner, due, status)", path, sheet, need)
		}
	}
	get := func(r []string, field string) string {
		i, ok := cols[field]
		if !ok || i >= len(r) {
			return ""
		}
		return strings.TrimSpace(r[i])
	}
	var out []row
	for n, r := range cells[1:] {
		if strings.TrimSpace(strings.Join(r, "")) == "" {
			continue
		}
		rowNo := n + 2
		where := fmt.Sprintf("row %d", rowNo)
		a := Action{KPI: get(r, "kpi"), Anomaly: get(r, "anomaly"), Scope: get(r, "scope"), Cause: get(r, "cause"),
			Action: get(r, "action"), Owner: get(r, "owner"), Status: get(r, "status")}
		if s := get(r, "id"); s != "" {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("cannot import %s: row %d, column id, value %q: not an action number", path, rowNo, s)
			}
			a.ID = id
		}
		if s := get(r, "due"); s != "" {
			d, err := cellDate(s)
			if err != nil {
				return nil, fmt.Errorf("cannot import %s: row %d, column due, value %q: %w", path, rowNo, s, err)
			}
			a.Due = d
		}
		out = append(out, row{where, a})
	}
	return out, nil
}

// cellDate reads a date cell: an Excel serial number, or text.
func cellDate(s string) (time.Time, error) {
	if serial, err := strconv.ParseFloat(s, 64); err == nil {
		t, err := excelize.ExcelDateToTime(serial, false)
		if err != nil {
			return time.Time{}, fmt.Errorf("not a date")
		}
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	return ParseDate(s)
}
