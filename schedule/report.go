package schedule

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/mail"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/server/portfolio"
)

// Reporter renders the weekly report of the last complete ISO week before asOf (the
// as-of date of the build it reads), limited to a portfolio (the zero Portfolio: the
// whole company), in lang.
type Reporter interface {
	Weekly(ctx context.Context, db *sql.DB, cfg config.Config, asOf time.Time, p portfolio.Portfolio, lang string) (WeeklyReport, error)
}

// WeeklyReport is the weekly report in its three formats.
type WeeklyReport struct {
	Week string
	HTML []byte
	XLSX []byte
	PDF  []byte
}

// Files are the report's files, by extension.
func (r WeeklyReport) Files() map[string][]byte {
	return map[string][]byte{".html": r.HTML, ".xlsx": r.XLSX, ".pdf": r.PDF}
}

// Content types of the report formats.
var ContentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pdf":  "application/pdf",
}

var slugUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

// slug names a recipient's folder after their address.
func slug(s string) string {
	return strings.Trim(slugUnsafe.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// runReport writes the weekly report of the last complete week into report.folder
// (<folder>/<week>/weekly-<week>.*, and one sub-folder per recipient), then e-mails
// each recipient their own, filtered to their portfolio, HTML in the body and XLSX
// and PDF attached. A recipient already served for the week is not sent it again, so
// a retry or a catch-up only sends what is missing.
func runReport(ctx context.Context, s *Service, run *Run) error {
	today := s.today()
	if built, err := models.BuiltAsOf(ctx, s.st.DB); err != nil || !built.Equal(today) {
		// The report of the week must read figures as of today: build first.
		b := s.execute(ctx, s.derived(run.Job, KindBuild), TriggerBefore, time.Time{})
		if b != nil && b.Outcome == OutcomeFailed {
			if _, err := models.BuiltAsOf(ctx, s.st.DB); err != nil {
				return fmt.Errorf("%w (%s)", errNotBuilt, b.Message)
			}
			s.log.Warn("build before the report failed: the report uses the last build", "error", b.Message)
		}
	}
	db, release, err := s.snaps.Read(ctx)
	if err != nil {
		return err
	}
	defer release()
	asOf, err := models.BuiltAsOf(ctx, db)
	if err != nil {
		return err
	}
	week := models.LastCompleteWeek(asOf)
	folder := s.cfg.Report.Folder
	if folder == "" {
		folder = "reports"
	}
	dir := filepath.Join(folder, week)
	company, err := s.opts.Reporter.Weekly(ctx, db, s.cfg, asOf, portfolio.Portfolio{}, s.cfg.Lang)
	if err != nil {
		return Permanent(fmt.Errorf("cannot render the weekly report of %s: %w", week, err))
	}
	if err := writeReport(dir, "weekly-"+week, company); err != nil {
		return Permanent(err)
	}
	sent, already := 0, 0
	var failures []string
	for _, rc := range s.cfg.Report.Recipients {
		done, err := delivered(ctx, s.st.DB, week, rc.Email)
		if err != nil {
			return err
		}
		if done {
			already++
			continue
		}
		lang := rc.Lang
		if lang == "" {
			lang = s.cfg.Lang
		}
		p := portfolio.Of(rc.Customers, rc.Sites, rc.Countries)
		rep, err := s.opts.Reporter.Weekly(ctx, db, s.cfg, asOf, p, lang)
		if err != nil {
			failures = append(failures, rc.Email+": "+err.Error())
			continue
		}
		if err := writeReport(filepath.Join(dir, slug(rc.Email)), "weekly-"+week, rep); err != nil {
			return Permanent(err)
		}
		subject := strings.ReplaceAll(s.cfg.Report.Subject, "{week}", week)
		if subject == "" {
			subject = "Weekly order-flow report " + week
		}
		if p.Limited() {
			subject += " (" + p.String() + ")"
		}
		msg := mail.Message{
			From: s.cfg.Report.SMTP.From, To: []string{rc.Email}, Subject: subject, HTML: string(rep.HTML),
			Text: "The weekly order-flow report of " + week + " is attached (XLSX and PDF).",
			Attachments: []mail.Attachment{
				{Name: "weekly-" + week + ".xlsx", ContentType: ContentTypes[".xlsx"], Data: rep.XLSX},
				{Name: "weekly-" + week + ".pdf", ContentType: ContentTypes[".pdf"], Data: rep.PDF},
			},
		}
		if msg.From == "" {
			msg.From = s.cfg.Report.SMTP.Username
		}
		msg.MessageID = mail.NewMessageID(msg.From)
		if err := s.opts.Send(ctx, s.cfg.Report.SMTP, msg); err != nil {
			failures = append(failures, rc.Email+": "+err.Error())
			continue
		}
		if _, err := s.st.DB.ExecContext(ctx, `INSERT INTO report_deliveries (week, recipient, sent_at, message_id) VALUES (?, ?, ?, ?)`,
			week, rc.Email, utc(s.clock.Now()), msg.MessageID); err != nil {
			return fmt.Errorf("report sent to %s but not recorded (it may be sent again): %w", rc.Email, err)
		}
		sent++
	}
	run.Rows = int64(sent)
	run.Message = fmt.Sprintf("weekly report %s written to %s; e-mailed to %d recipient(s)", week, dir, sent)
	if already > 0 {
		run.Message += fmt.Sprintf(", %d already served", already)
	}
	if len(failures) > 0 {
		return fmt.Errorf("not sent to %d recipient(s): %s", len(failures), strings.Join(failures, "; "))
	}
	return nil
}

func delivered(ctx context.Context, db *sql.DB, week, recipient string) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM report_deliveries WHERE week = ? AND recipient = ?`, week, recipient).Scan(&n)
	return n > 0, err
}

// writeReport writes the three files, each complete or not at all (write, then rename).
func writeReport(dir, base string, r WeeklyReport) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create the report folder %s: %w", dir, err)
	}
	for ext, body := range r.Files() {
		if len(body) == 0 {
			continue
		}
		path := filepath.Join(dir, base+ext)
		if err := os.WriteFile(path+".part", body, 0o644); err != nil {
			return fmt.Errorf("cannot write %s: %w", path, err)
		}
		if err := os.Rename(path+".part", path); err != nil {
			return fmt.Errorf("cannot write %s: %w", path, err)
		}
	}
	return nil
}
