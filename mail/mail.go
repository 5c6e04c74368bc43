// Package mail sends the weekly report and the alerts by e-mail: a MIME message (an
// HTML body with a plain-text alternative and attachments) over SMTP with STARTTLS or
// implicit TLS and AUTH PLAIN or LOGIN.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/orderflow/orderflow/config"
)

// Attachment is a file joined to a message.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Message is one e-mail.
type Message struct {
	From        string
	To          []string
	Subject     string
	HTML        string // the body; Text is its plain alternative
	Text        string
	Attachments []Attachment
	Date        time.Time // default now
	MessageID   string    // default a random one at the sender's domain
}

// Bytes renders the message as RFC 5322 text with CRLF line ends.
func (m Message) Bytes() ([]byte, error) {
	if len(m.To) == 0 {
		return nil, errors.New("the message has no recipient")
	}
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return nil, fmt.Errorf("the sender %q is not an e-mail address: %w", m.From, err)
	}
	var to []string
	for _, r := range m.To {
		a, err := mail.ParseAddress(r)
		if err != nil {
			return nil, fmt.Errorf("the recipient %q is not an e-mail address: %w", r, err)
		}
		to = append(to, a.String())
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	id := m.MessageID
	if id == "" {
		id = NewMessageID(from.Address)
	}
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", strings.Join(to, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", id)
	header("MIME-Version", "1.0")
	header("Auto-Submitted", "auto-generated")

	mixed := multipart.NewWriter(&b)
	header("Content-Type", `multipart/mixed; boundary="`+mixed.Boundary()+`"`)
	b.WriteString("\r\n")

	altHead := textproto.MIMEHeader{}
	alt := multipart.NewWriter(nil)
	altHead.Set("Content-Type", `multipart/alternative; boundary="`+alt.Boundary()+`"`)
	part, err := mixed.CreatePart(altHead)
	if err != nil {
		return nil, err
	}
	alt = newWriterWithBoundary(part, alt.Boundary())
	text := m.Text
	if text == "" {
		text = "This message is best read as HTML; its content is also attached."
	}
	for _, body := range []struct{ kind, s string }{{"text/plain", text}, {"text/html", m.HTML}} {
		if body.kind == "text/html" && body.s == "" {
			continue
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", body.kind+"; charset=utf-8")
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		w, err := alt.CreatePart(h)
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(w)
		qp.Write([]byte(body.s))
		qp.Close()
	}
	alt.Close()

	for _, a := range m.Attachments {
		h := textproto.MIMEHeader{}
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", mime.FormatMediaType(ct, map[string]string{"name": a.Name}))
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
		h.Set("Content-Transfer-Encoding", "base64")
		w, err := mixed.CreatePart(h)
		if err != nil {
			return nil, err
		}
		enc := base64.StdEncoding.EncodeToString(a.Data)
		for len(enc) > 76 {
			w.Write([]byte(enc[:76] + "\r\n"))
			enc = enc[76:]
		}
		w.Write([]byte(enc + "\r\n"))
	}
	mixed.Close()
	return b.Bytes(), nil
}

func newWriterWithBoundary(w interface{ Write([]byte) (int, error) }, boundary string) *multipart.Writer {
	mw := multipart.NewWriter(w)
	mw.SetBoundary(boundary)
	return mw
}

// NewMessageID makes a unique Message-ID at the domain of the address.
func NewMessageID(address string) string {
	var r [12]byte
	rand.Read(r[:])
	domain := "orderflow.invalid"
	if i := strings.LastIndexByte(address, '@'); i >= 0 {
		domain = address[i+1:]
	}
	return "<" + hex.EncodeToString(r[:]) + "@" + domain + ">"
}

// Send delivers msg through the SMTP server of cfg: STARTTLS (required, not merely
// tried) when cfg.TLS is starttls or empty, TLS from the first byte when it is tls,
// plain only when it is none; AUTH PLAIN, else LOGIN, when a user name is set. The
// password may be written ${ENV_VAR}.
func Send(ctx context.Context, cfg config.SMTP, msg Message) error {
	if cfg.Host == "" {
		return errors.New("cannot send e-mail: report.smtp.host is not set in orderflow.yaml")
	}
	if msg.From == "" {
		msg.From = cfg.From
	}
	if msg.From == "" {
		msg.From = cfg.Username
	}
	body, err := msg.Bytes()
	if err != nil {
		return err
	}
	from, _ := mail.ParseAddress(msg.From)
	port := cfg.Port
	mode := cfg.TLS
	if mode == "" {
		mode = "starttls"
	}
	if port == 0 {
		port = map[string]int{"tls": 465, "starttls": 587, "none": 25}[mode]
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(port))
	c, err := dial(ctx, cfg, addr, mode)
	if err != nil {
		return err
	}
	defer c.Close()
	fail := func(step string, err error) error {
		return fmt.Errorf("cannot send e-mail through %s (%s): %w", addr, step, err)
	}
	if cfg.Username != "" {
		auth, err := chooseAuth(c, cfg)
		if err != nil {
			return fail("AUTH", err)
		}
		if err := c.Auth(auth); err != nil {
			return fail("AUTH", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return fail("MAIL FROM", err)
	}
	for _, r := range msg.To {
		a, _ := mail.ParseAddress(r)
		if err := c.Rcpt(a.Address); err != nil {
			return fail("RCPT TO "+a.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fail("DATA", err)
	}
	if _, err := w.Write(body); err != nil {
		return fail("DATA", err)
	}
	if err := w.Close(); err != nil {
		return fail("end of DATA", err)
	}
	return c.Quit()
}

// dial connects and says hello, upgrading to TLS as the mode asks.
func dial(ctx context.Context, cfg config.SMTP, addr, mode string) (*smtp.Client, error) {
	tlsConfig, err := tlsConfigFor(cfg)
	if err != nil {
		return nil, err
	}
	d := &net.Dialer{Timeout: 30 * time.Second}
	var conn net.Conn
	if mode == "tls" {
		conn, err = (&tls.Dialer{NetDialer: d, Config: tlsConfig}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot reach the mail server %s: %w", addr, err)
	}
	// The whole exchange, a report with attachments included, must end in time.
	deadline := time.Now().Add(2 * time.Minute)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, cfg.Host)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("the mail server %s did not greet: %w", addr, err)
	}
	host, _ := os.Hostname()
	if host == "" {
		host = "localhost"
	}
	if err := c.Hello(host); err != nil {
		c.Close()
		return nil, fmt.Errorf("the mail server %s refused EHLO: %w", addr, err)
	}
	if mode == "starttls" {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			c.Close()
			return nil, fmt.Errorf("the mail server %s does not offer STARTTLS: set report.smtp.tls to tls (port 465) or, on a trusted network only, none", addr)
		}
		if err := c.StartTLS(tlsConfig); err != nil {
			c.Close()
			return nil, fmt.Errorf("cannot start TLS with the mail server %s: %w", addr, err)
		}
	}
	return c, nil
}

func tlsConfigFor(cfg config.SMTP) (*tls.Config, error) {
	tc := &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("cannot read report.smtp.ca_file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("report.smtp.ca_file %s holds no PEM certificate", cfg.CAFile)
		}
		tc.RootCAs = pool
	}
	return tc, nil
}

// chooseAuth picks PLAIN, else LOGIN, among what the server offers.
func chooseAuth(c *smtp.Client, cfg config.SMTP) (smtp.Auth, error) {
	ok, mechs := c.Extension("AUTH")
	if !ok {
		return nil, errors.New("the server offers no AUTH (is TLS on? servers offer it only over TLS)")
	}
	password := config.ExpandEnv(cfg.Password)
	offered := strings.Fields(strings.ToUpper(mechs))
	if forceMechanism != "" {
		offered = []string{forceMechanism}
	}
	for _, m := range offered {
		if m == "PLAIN" {
			return smtp.PlainAuth("", cfg.Username, password, cfg.Host), nil
		}
	}
	for _, m := range offered {
		if m == "LOGIN" {
			return &loginAuth{user: cfg.Username, password: password}, nil
		}
	}
	return nil, fmt.Errorf("the server offers AUTH %s; orderflow speaks PLAIN and LOGIN", mechs)
}

// forceMechanism lets the tests try each mechanism against one server.
var forceMechanism string

// loginAuth is AUTH LOGIN, which net/smtp does not provide.
type loginAuth struct {
	user, password string
	step           int
}

func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS {
		return "", nil, errors.New("refusing AUTH LOGIN over an unencrypted connection")
	}
	return "LOGIN", nil, nil
}

func (a *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	// Servers word the prompts differently ("Username:", "User Name\x00"): answer by
	// what they ask for, else by order.
	prompt := strings.ToLower(strings.Trim(string(fromServer), " \x00\r\n"))
	a.step++
	switch {
	case strings.Contains(prompt, "pass"):
		return []byte(a.password), nil
	case strings.Contains(prompt, "user"), a.step == 1:
		return []byte(a.user), nil
	case a.step == 2:
		return []byte(a.password), nil
	}
	return nil, fmt.Errorf("unexpected AUTH LOGIN challenge %q", fromServer)
}
