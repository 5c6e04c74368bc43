package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/orderflow/orderflow/internal/servicetest"
)

// Against the real SMTP server of .ci/services.sh: STARTTLS with AUTH PLAIN, implicit
// TLS with AUTH LOGIN; what arrives has its recipients, subject, body and attachments.
func TestSendThroughRealServer(t *testing.T) {
	f := func(tlsMode, mech string) {
		t.Helper()
		cfg, maildir := servicetest.SMTP(t, tlsMode)
		forceMechanism = mech
		defer func() { forceMechanism = "" }()
		var id [6]byte
		rand.Read(id[:])
		subject := "Rapport hebdomadaire 2026-W47 — " + hex.EncodeToString(id[:])
		attachment := bytes.Repeat([]byte{0, 1, 2, 250, 'x'}, 5000)
		err := Send(context.Background(), cfg, Message{
			To:          []string{"Export Desk <export-desk@example.com>"},
			Subject:     subject,
			HTML:        "<h1>Taux de service 91,2 %</h1>",
			Attachments: []Attachment{{Name: "weekly-2026-W47.xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: attachment}},
		})
		if err != nil {
			t.Fatalf("%s/%s: %v", tlsMode, mech, err)
		}
		got := servicetest.Mails(t, maildir, hex.EncodeToString(id[:]), 1)[0]
		if strings.Join(got.EnvelopeTo, ",") != "export-desk@example.com" {
			t.Errorf("envelope recipients %v", got.EnvelopeTo)
		}
		if got.Subject != subject {
			t.Errorf("subject %q, want %q", got.Subject, subject)
		}
		if !strings.Contains(got.HTML, "Taux de service 91,2 %") {
			t.Errorf("HTML body %q", got.HTML)
		}
		if !bytes.Equal(got.Attachments["weekly-2026-W47.xlsx"], attachment) {
			t.Errorf("attachment differs: %d bytes, want %d", len(got.Attachments["weekly-2026-W47.xlsx"]), len(attachment))
		}
	}
	f("starttls", "PLAIN")
	f("tls", "LOGIN")
}

func TestWrongPasswordSaysSo(t *testing.T) {
	cfg, _ := servicetest.SMTP(t, "starttls")
	cfg.Password = "wrong"
	err := Send(context.Background(), cfg, Message{To: []string{"a@example.com"}, Subject: "x", HTML: "x"})
	if err == nil || !strings.Contains(err.Error(), "AUTH") {
		t.Fatalf("error %v, want an AUTH failure", err)
	}
}

func TestUntrustedCertificateIsRefused(t *testing.T) {
	cfg, _ := servicetest.SMTP(t, "starttls")
	cfg.CAFile = ""
	err := Send(context.Background(), cfg, Message{To: []string{"a@example.com"}, Subject: "x", HTML: "x"})
	if err == nil || !strings.Contains(err.Error(), "TLS") {
		t.Fatalf("error %v, want a TLS failure for a self-signed certificate", err)
	}
}

func TestBadAddressesAreRefusedBeforeConnecting(t *testing.T) {
	f := func(m Message, want string) {
		t.Helper()
		if _, err := m.Bytes(); err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error %v, want %q", err, want)
		}
	}
	f(Message{From: "a@example.com"}, "no recipient")
	f(Message{From: "not an address", To: []string{"b@example.com"}}, "sender")
	f(Message{From: "a@example.com", To: []string{"b@example.com\r\nBcc: c@example.com"}}, "recipient")
}
