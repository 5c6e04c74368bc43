package schedule

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/reports"
	"github.com/orderflow/orderflow/server/portfolio"
)

// ReportsReporter renders the weekly report with package reports, for the whole company
// or limited to a recipient's portfolio: every section of the report, of the
// portfolio's figures only (reports.FilteredWeeklyReport). Without Chromium the PDF is
// the report's plain-text one.
type ReportsReporter struct{}

// Weekly implements Reporter.
func (ReportsReporter) Weekly(ctx context.Context, db *sql.DB, cfg config.Config, asOf time.Time, p portfolio.Portfolio, lang string) (WeeklyReport, error) {
	w, err := reports.FilteredWeeklyReport(ctx, db, cfg, asOf, lang, "", p.Filters())
	if err != nil {
		return WeeklyReport{}, err
	}
	rep := WeeklyReport{Week: w.Week}
	var html, xlsx, pdf bytes.Buffer
	if err := w.WriteHTML(&html); err != nil {
		return rep, err
	}
	if err := w.WriteXLSX(&xlsx); err != nil {
		return rep, err
	}
	rep.HTML, rep.XLSX = html.Bytes(), xlsx.Bytes()
	if err := w.WritePDF(ctx, &pdf); err != nil {
		if !errors.Is(err, reports.ErrNoChromium) {
			return rep, err
		}
		pdf.Reset()
		if err := w.WriteTextPDF(&pdf); err != nil {
			return rep, err
		}
	}
	rep.PDF = pdf.Bytes()
	return rep, nil
}
