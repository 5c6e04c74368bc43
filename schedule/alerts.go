package schedule

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/mail"
)

func (s *Service) alertsConfigured() bool {
	return len(s.cfg.Alerts.Email) > 0 || s.cfg.Alerts.Webhook != ""
}

// severitiesFrom lists the severities at or above min.
func severitiesFrom(min string) []string {
	switch min {
	case "low":
		return []string{"high", "medium", "low"}
	case "medium":
		return []string{"high", "medium"}
	}
	return []string{"high"}
}

// runAlerts sends each new anomaly of the alert severities (control-chart signals
// included: they are kpi_signal anomalies), once per channel: what was sent is kept
// in alerts_sent, so the next run, an hour or a week later, does not send it again.
func runAlerts(ctx context.Context, s *Service, run *Run) error {
	if !s.alertsConfigured() {
		run.Message = "no alert channel configured (alerts.email, alerts.webhook)"
		run.Skipped = true
		return nil
	}
	db, release, err := s.snaps.Read(ctx)
	if err != nil {
		return err
	}
	list, err := anomalies.List(ctx, db, anomalies.Filter{
		Status: []string{anomalies.StatusNew}, Severities: severitiesFrom(s.cfg.Alerts.MinSeverity),
		// a stale anomaly (a gap open for months) is data to clean up: it pages nobody
		Buckets: []string{anomalies.BucketWorklist},
	}, s.cfg.Lang)
	release()
	if err != nil {
		return err
	}
	var sent []string
	var failures []string
	for _, channel := range []string{"email", "webhook"} {
		if channel == "email" && len(s.cfg.Alerts.Email) == 0 || channel == "webhook" && s.cfg.Alerts.Webhook == "" {
			continue
		}
		done, err := sentKeys(ctx, s.st.DB, channel)
		if err != nil {
			return err
		}
		var fresh []anomalies.Anomaly
		for _, a := range list {
			if !done[alertKey(a)] {
				fresh = append(fresh, a)
			}
		}
		if len(fresh) == 0 {
			continue
		}
		if channel == "email" {
			err = s.sendAlertMail(ctx, fresh)
		} else {
			err = s.postWebhook(ctx, fresh)
		}
		if err != nil {
			failures = append(failures, channel+": "+err.Error())
			continue
		}
		if err := s.recordAlerts(ctx, channel, fresh); err != nil {
			return fmt.Errorf("alerts sent by %s but not recorded (they may be sent again): %w", channel, err)
		}
		run.Rows += int64(len(fresh))
		sent = append(sent, fmt.Sprintf("%d by %s", len(fresh), channel))
	}
	if len(sent) == 0 {
		run.Message = fmt.Sprintf("no new alert (%d open anomalies of severity %s already sent)", len(list), strings.Join(severitiesFrom(s.cfg.Alerts.MinSeverity), ", "))
	} else {
		run.Message = "alerts sent: " + strings.Join(sent, ", ")
	}
	if len(failures) > 0 {
		return fmt.Errorf("alerts not sent: %s", strings.Join(failures, "; "))
	}
	return nil
}

func alertKey(a anomalies.Anomaly) string { return "anomaly:" + a.Key }

func sentKeys(ctx context.Context, db *sql.DB, channel string) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, `SELECT alert_key FROM alerts_sent WHERE channel = ?`, channel)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

func (s *Service) recordAlerts(ctx context.Context, channel string, list []anomalies.Anomaly) error {
	now := utc(s.clock.Now())
	return s.st.InTx(ctx, func(tx *sql.Tx) error {
		const batch = 200
		for lo := 0; lo < len(list); lo += batch {
			hi := min(lo+batch, len(list))
			var marks []string
			var args []any
			for _, a := range list[lo:hi] {
				marks = append(marks, "(?, ?, ?, ?, ?)")
				args = append(args, alertKey(a), channel, a.Severity, truncate(a.Message, 500), now)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO alerts_sent (alert_key, channel, severity, summary, sent_at) VALUES `+strings.Join(marks, ", "), args...); err != nil {
				return err
			}
		}
		return nil
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

var alertMail = template.Must(template.New("alerts").Parse(`<!DOCTYPE html>
<html><body style="font-family:sans-serif">
<h2>{{len .List}} new anomal{{if eq (len .List) 1}}y{{else}}ies{{end}} to look at</h2>
<table cellpadding="4" style="border-collapse:collapse" border="1">
<tr><th>Severity</th><th>Anomaly</th><th>Order</th><th>Customer</th><th>What</th><th>Remedy</th></tr>
{{range .List}}<tr><td>{{.Severity}}</td><td>{{.Code}}</td><td>{{.OrderID}}{{if .LineNo}}/{{.LineNo}}{{end}}</td><td>{{.CustomerID}}</td><td>{{.Message}}</td><td>{{.Remedy}}</td></tr>
{{end}}</table>
{{if .More}}<p>And {{.More}} more: see the anomaly report.</p>{{end}}
<p style="color:#666">Sent once by orderflow serve; it will not be sent again.</p>
</body></html>`))

func (s *Service) sendAlertMail(ctx context.Context, list []anomalies.Anomaly) error {
	shown, more := list, 0
	if len(shown) > 100 {
		shown, more = list[:100], len(list)-100
	}
	var body bytes.Buffer
	if err := alertMail.Execute(&body, map[string]any{"List": shown, "More": more}); err != nil {
		return err
	}
	subject := fmt.Sprintf("orderflow: %d new anomal%s (%s)", len(list), map[bool]string{true: "y", false: "ies"}[len(list) == 1], list[0].Code)
	return s.opts.Send(ctx, s.cfg.Report.SMTP, mail.Message{From: s.cfg.Report.SMTP.From, To: s.cfg.Alerts.Email, Subject: subject, HTML: body.String()})
}

// postWebhook posts {"source":"orderflow","alerts":[...]} (contract.md's anomaly
// objects) and wants a 2xx answer.
func (s *Service) postWebhook(ctx context.Context, list []anomalies.Anomaly) error {
	body, err := json.Marshal(map[string]any{"source": "orderflow", "sent_at": s.clock.Now().UTC().Format(time.RFC3339), "alerts": list})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.Alerts.Webhook, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("alerts.webhook %q is not a valid URL: %w", s.cfg.Alerts.Webhook, err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range s.cfg.Alerts.Headers {
		req.Header.Set(k, config.ExpandEnv(v))
	}
	resp, err := s.opts.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("cannot post the alerts to the webhook: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		return fmt.Errorf("the webhook answered %s %s", resp.Status, strings.TrimSpace(string(snippet)))
	}
	return nil
}
