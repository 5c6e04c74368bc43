package reports

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/dashboards"
	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/store"
)

// Formats of the reports.
const (
	HTML = "html"
	XLSX = "xlsx"
	PDF  = "pdf"
)

// WriteAll writes everything a Monday meeting opens into outDir: the eight dashboards
// (outDir/dashboards/*.html), the weekly KPI report of the last complete week
// (weekly-report-<week>.html and .xlsx) and the anomaly report (anomaly-report-<date>.html
// and .xlsx). It returns the paths written. The figures are gathered once, as of asOf,
// from the models built in st.
func WriteAll(ctx context.Context, st *store.Store, cfg config.Config, asOf time.Time, lang, outDir string) ([]string, error) {
	lang, err := i18n.Parse(lang)
	if err != nil {
		return nil, err
	}
	f, err := Collect(ctx, st.DB, cfg, asOf, lang, DashboardPlan())
	if err != nil {
		return nil, err
	}
	paths, err := dashboards.Write(filepath.Join(outDir, "dashboards"), DashboardData(f, lang), lang)
	if err != nil {
		return nil, err
	}
	w := BuildWeekly(f, lang)
	for _, format := range []string{HTML, XLSX} {
		p := filepath.Join(outDir, WeeklyFileName(w.Week, format))
		if err := w.WriteFile(ctx, p, format); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	ar, err := CollectAnomalies(ctx, st.DB, cfg, asOf, lang)
	if err != nil {
		return paths, err
	}
	for _, format := range []string{HTML, XLSX} {
		p := filepath.Join(outDir, AnomalyFileName(asOf, format))
		if err := ar.WriteFile(p, format); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// WriteDashboards gathers a year of figures and writes the eight dashboard pages into dir.
func WriteDashboards(ctx context.Context, db *sql.DB, cfg config.Config, asOf time.Time, lang, dir string) ([]string, error) {
	f, err := Collect(ctx, db, cfg, asOf, lang, DashboardPlan())
	if err != nil {
		return nil, err
	}
	return dashboards.Write(dir, DashboardData(f, lang), lang)
}

// Weekly gathers the figures of the weekly report of week (an ISO week; "" the last
// complete week before asOf) and lays the report out in lang.
func WeeklyReport(ctx context.Context, db *sql.DB, cfg config.Config, asOf time.Time, lang, week string) (*Weekly, error) {
	return FilteredWeeklyReport(ctx, db, cfg, asOf, lang, week, nil)
}

// FilteredWeeklyReport is WeeklyReport limited to filters (a portfolio: dimension ->
// allowed values, nil the whole company): every figure, sample, anomaly and ranking
// is of the portfolio only (see Plan.Filters).
func FilteredWeeklyReport(ctx context.Context, db *sql.DB, cfg config.Config, asOf time.Time, lang, week string, filters map[string][]string) (*Weekly, error) {
	lang, err := i18n.Parse(lang)
	if err != nil {
		return nil, err
	}
	if week != "" {
		m, err := models.ParseWeek(week)
		if err != nil {
			return nil, fmt.Errorf("--week: %w", err)
		}
		if week = models.FormatWeek(m); week > models.LastCompleteWeek(asOf) {
			return nil, fmt.Errorf("week %s is not complete on %s: the last complete week is %s", week, asOf.Format(time.DateOnly), models.LastCompleteWeek(asOf))
		}
	}
	plan := WeeklyPlan()
	plan.Week = week
	plan.Filters = filters
	f, err := Collect(ctx, db, cfg, asOf, lang, plan)
	if err != nil {
		return nil, err
	}
	return BuildWeekly(f, lang), nil
}

// WeeklyFileName is the file name of the weekly report of week.
func WeeklyFileName(week, format string) string { return "weekly-report-" + week + "." + format }

// AnomalyFileName is the file name of the anomaly report as of a date.
func AnomalyFileName(asOf time.Time, format string) string {
	return "anomaly-report-" + asOf.Format(time.DateOnly) + "." + format
}

// WriteFile writes the weekly report to path in format (html, xlsx or pdf).
func (w *Weekly) WriteFile(ctx context.Context, path, format string) error {
	var buf bytes.Buffer
	var err error
	switch strings.ToLower(format) {
	case HTML:
		err = w.WriteHTML(&buf)
	case XLSX:
		err = w.WriteXLSX(&buf)
	case PDF:
		err = w.WritePDF(ctx, &buf)
	default:
		return fmt.Errorf("format %q is not supported: use html, xlsx or pdf", format)
	}
	if err != nil {
		return err
	}
	return writeFile(path, buf.Bytes())
}

// WriteFile writes the anomaly report to path in format (html or xlsx; pdf prints the html).
func (r *AnomalyReport) WriteFile(path, format string) error {
	var buf bytes.Buffer
	var err error
	switch strings.ToLower(format) {
	case HTML:
		err = r.WriteHTML(&buf)
	case XLSX:
		err = r.WriteXLSX(&buf)
	case PDF:
		var html bytes.Buffer
		if err = r.WriteHTML(&html); err == nil {
			err = PrintPDF(context.Background(), html.Bytes(), &buf)
		}
	default:
		return fmt.Errorf("format %q is not supported: use html, xlsx or pdf", format)
	}
	if err != nil {
		return err
	}
	return writeFile(path, buf.Bytes())
}

func writeFile(path string, b []byte) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("cannot create %s: %w", dir, err)
		}
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}
