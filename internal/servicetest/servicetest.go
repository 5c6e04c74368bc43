// Package servicetest finds the real servers the integration tests of `orderflow serve`
// talk to (PostgreSQL and SMTP, started by .ci/services.sh). When one does not answer,
// the test is skipped with a sentence saying how to start it, or fails when CI is set:
// in CI a missing server is a broken pipeline, not a reason to pass.
package servicetest

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderflow/orderflow/config"
)

// Dir is where .ci/services.sh keeps the servers' files.
func Dir() string {
	if d := os.Getenv("ORDERFLOW_SERVICES_DIR"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "orderflow-services")
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// unavailable skips, or fails under CI, naming the server and how to start it.
func unavailable(t testing.TB, what string, err error) {
	t.Helper()
	msg := what + " is not reachable (" + err.Error() + "): run `bash .ci/services.sh` to start it"
	if ci := strings.ToLower(os.Getenv("CI")); ci != "" && ci != "false" && ci != "0" {
		t.Fatal("CI is set and " + msg)
	}
	t.Skip(msg)
}

func reachable(t testing.TB, what, addr string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		unavailable(t, what, err)
		return
	}
	c.Close()
}

// PostgresDSN is the DSN of the test PostgreSQL, an "ERP" database the test may create
// schemas in.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := env("ORDERFLOW_TEST_PG_DSN", "postgres://orderflow:orderflow@127.0.0.1:55432/erp?sslmode=disable")
	host := "127.0.0.1:55432"
	if i := strings.Index(dsn, "@"); i >= 0 {
		rest := dsn[i+1:]
		if j := strings.IndexAny(rest, "/?"); j >= 0 {
			rest = rest[:j]
		}
		host = rest
	}
	reachable(t, "the test PostgreSQL at "+host, host)
	return dsn
}

// SMTP is the test mail server: the settings to send through it with STARTTLS (tls
// "starttls") or implicit TLS (tls "tls"), and the maildir where it saves what it gets.
func SMTP(t testing.TB, tlsMode string) (config.SMTP, string) {
	t.Helper()
	addr := env("ORDERFLOW_TEST_SMTP", "127.0.0.1:2525")
	if tlsMode == "tls" {
		addr = env("ORDERFLOW_TEST_SMTPS", "127.0.0.1:2465")
	}
	reachable(t, "the test SMTP server at "+addr, addr)
	host, port, _ := net.SplitHostPort(addr)
	p := 0
	for _, c := range port {
		p = p*10 + int(c-'0')
	}
	cfg := config.SMTP{
		Host: host, Port: p, TLS: tlsMode,
		Username: "orderflow", Password: "orderflow-smtp", From: "orderflow@example.com",
		CAFile: env("ORDERFLOW_TEST_SMTP_CA", filepath.Join(Dir(), "smtp", "cert.pem")),
	}
	return cfg, env("ORDERFLOW_TEST_MAILDIR", filepath.Join(Dir(), "maildir"))
}

// Mail is a message the test SMTP server saved.
type Mail struct {
	File        string
	EnvelopeTo  []string
	Header      mail.Header
	Subject     string
	Text, HTML  string
	Attachments map[string][]byte
}

// Mails waits up to 10 s for want messages whose subject contains subject in the
// maildir, and returns them parsed.
func Mails(t testing.TB, maildir, subject string, want int) []Mail {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var found []Mail
		for _, sub := range []string{"new", "cur"} {
			entries, _ := os.ReadDir(filepath.Join(maildir, sub))
			for _, e := range entries {
				path := filepath.Join(maildir, sub, e.Name())
				m, err := parseMail(path)
				if err != nil {
					t.Fatalf("cannot parse %s: %v", path, err)
				}
				if strings.Contains(m.Subject, subject) {
					found = append(found, m)
				}
			}
		}
		if len(found) >= want || time.Now().After(deadline) {
			if len(found) != want {
				t.Fatalf("%d messages with subject %q in %s, want %d", len(found), subject, maildir, want)
			}
			return found
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func parseMail(path string) (Mail, error) {
	f, err := os.Open(path)
	if err != nil {
		return Mail{}, err
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		return Mail{}, err
	}
	m := Mail{File: path, Header: msg.Header, Attachments: map[string][]byte{}}
	for _, a := range strings.Split(msg.Header.Get("X-Envelope-To"), ",") {
		if a = strings.TrimSpace(a); a != "" {
			m.EnvelopeTo = append(m.EnvelopeTo, a)
		}
	}
	m.Subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	err = walkParts(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, &m)
	return m, err
}

func walkParts(contentType, encoding string, body io.Reader, m *Mail) error {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return err
	}
	if strings.HasPrefix(mt, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walkPart(p, m); err != nil {
				return err
			}
		}
	}
	data, err := decodeBody(encoding, body)
	if err != nil {
		return err
	}
	switch mt {
	case "text/html":
		m.HTML = string(data)
	case "text/plain":
		m.Text = string(data)
	}
	return nil
}

func walkPart(p *multipart.Part, m *Mail) error {
	ct := p.Header.Get("Content-Type")
	if _, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		data, err := decodeBody(p.Header.Get("Content-Transfer-Encoding"), p)
		if err != nil {
			return err
		}
		m.Attachments[params["filename"]] = data
		return nil
	}
	return walkParts(ct, p.Header.Get("Content-Transfer-Encoding"), p, m)
}

func decodeBody(encoding string, r io.Reader) ([]byte, error) {
	switch strings.ToLower(encoding) {
	case "base64":
		return io.ReadAll(base64.NewDecoder(base64.StdEncoding, r))
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(r))
	}
	return io.ReadAll(r)
}

// CreateERPSchema creates a schema holding an SAP-like sales item table (VBAP) with
// three lines, dropped when the test ends, and returns its name.
func CreateERPSchema(t testing.TB, dsn string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	schema := fmt.Sprintf("erp_test_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
	_, err = conn.Exec(ctx, `CREATE SCHEMA `+schema+`;
		CREATE TABLE `+schema+`.vbap (
			vbeln text, posnr text, matnr text, kwmeng numeric(13,3), netpr numeric(11,2),
			vdatu date, edatu date, abgru text);
		INSERT INTO `+schema+`.vbap VALUES
			('0000004711', '000010', '000000000000100042', 10, 99.90, '2026-11-16', '2026-11-18', NULL),
			('0000004711', '000020', '000000000000100043', 12.5, 5.25, '2026-11-18', '2026-11-20', NULL),
			('0000004712', '000010', '000000000000100042', 3, 99.90, '2026-11-30', NULL, 'Z1');`)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), dsn)
		if err == nil {
			c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			c.Close(context.Background())
		}
	})
	return schema
}

// ERPOrderLinesQuery maps VBAP onto the canonical order lines.
func ERPOrderLinesQuery(schema string) string {
	return `SELECT vbeln AS order_id, posnr AS line_no, matnr AS sku, kwmeng AS ordered_qty,
		netpr AS unit_price, vdatu AS requested_date, edatu AS promised_date,
		CASE WHEN abgru IS NULL THEN 'open' ELSE 'cancelled' END AS status
		FROM ` + schema + `.vbap ORDER BY vbeln, posnr;`
}

// Chromium is the path of the headless browser the page tests drive: $ORDERFLOW_CHROMIUM,
// else Debian's /usr/bin/chromium (installed by .ci/install-browser.sh). Without it the
// test is skipped, or fails when CI is set.
func Chromium(t testing.TB) string {
	t.Helper()
	path := os.Getenv("ORDERFLOW_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the browser tests need Chromium at %s: run .ci/install-browser.sh (apt-get install chromium)", path)
		}
		t.Skipf("Chromium not found at %s; run .ci/install-browser.sh to run the browser tests", path)
	}
	return path
}
