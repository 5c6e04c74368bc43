package server

import (
	"encoding/json"
	"html"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"context"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/store"
)

// Bound elsewhere than loopback, the server refuses to start without users.
func TestRefusesToServeBeyondLoopbackWithoutUsers(t *testing.T) {
	st := builtStore(t)
	for _, addr := range []string{"0.0.0.0:8080", ":8080", "192.168.1.10:8080", "[::]:8080"} {
		_, err := New(Options{Store: st, Config: config.Default(), Addr: addr, Snapshots: fixture.snaps})
		if err == nil || !strings.Contains(err.Error(), "refusing to serve beyond this machine without users") {
			t.Errorf("%s: error %v", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:8080", "localhost:8080", "[::1]:8080"} {
		if _, err := New(Options{Store: st, Config: config.Default(), Addr: addr, Snapshots: fixture.snaps}); err != nil {
			t.Errorf("%s: %v", addr, err)
		}
	}
	if _, err := New(Options{Store: st, Config: usersConfig(), Addr: "0.0.0.0:8080", Snapshots: fixture.snaps}); err != nil {
		t.Errorf("with users: %v", err)
	}
	bad := config.Default()
	bad.Server.Users = []config.User{{Name: "x", PasswordHash: "plain-text"}}
	if _, err := New(Options{Store: st, Config: bad, Snapshots: fixture.snaps}); err == nil || !strings.Contains(err.Error(), "not a bcrypt hash") {
		t.Errorf("a clear-text password was accepted: %v", err)
	}
}

// Not on loopback, nothing but the health check answers without a login or a token;
// the session expires; a token works for the API.
func TestUnauthenticatedRequestsRefusedWhenNotOnLoopback(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	_, ts := testServer(t, builtStore(t), usersConfig(), "0.0.0.0:8080", clock)
	anon := &client{t: t, base: ts.URL}
	for _, path := range []string{"/api/kpi", "/api/explain?kpi=otif_line", "/api/anomalies", "/api/jobs", "/api/me", "/api/kpis"} {
		if resp, _ := anon.get(path); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s without login: %d", path, resp.StatusCode)
		}
	}
	for _, path := range []string{"/", "/dashboards/overview.html", "/jobs", "/reports/", "/reports/weekly.xlsx", "/reports/archive/2026-W47/weekly-2026-W47.pdf"} {
		resp, _ := anon.get(path)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("GET %s without login: %d %s", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if resp, _ := anon.do("POST", "/api/jobs/pull/run", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST run without login: %d", resp.StatusCode)
	}
	if resp, body := anon.get("/healthz"); resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"ok"`) {
		t.Errorf("health: %d %s", resp.StatusCode, body)
	}
	bad := &client{t: t, base: ts.URL, token: "of_not-a-token"}
	if resp, _ := bad.get("/api/kpi"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a wrong token: %d", resp.StatusCode)
	}
	api := &client{t: t, base: ts.URL, token: annaToken}
	if resp, body := api.get("/api/kpi?kpi=otif_line"); resp.StatusCode != http.StatusOK {
		t.Errorf("with a token: %d %s", resp.StatusCode, body)
	}
	browser := &client{t: t, base: ts.URL}
	if resp := browser.login("anna", "wrong password"); resp.StatusCode != http.StatusUnauthorized || browser.cookie != nil {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	if resp := browser.login("anna", annaPassword); resp.StatusCode != http.StatusSeeOther || browser.cookie == nil {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	if !browser.cookie.HttpOnly || browser.cookie.SameSite != http.SameSiteStrictMode {
		t.Errorf("session cookie %+v: want HttpOnly and SameSite=Strict", browser.cookie)
	}
	if resp, _ := browser.get("/jobs"); resp.StatusCode != http.StatusOK {
		t.Fatalf("jobs page after login: %d", resp.StatusCode)
	}
	// A state change with the cookie but without the session's CSRF token is refused.
	if resp, _ := browser.do("POST", "/api/jobs/pull/run", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST without CSRF token: %d", resp.StatusCode)
	}
	// Idle for more than an hour: the session is over.
	mu.Lock()
	now = now.Add(61 * time.Minute)
	mu.Unlock()
	if resp, _ := browser.get("/jobs"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("expired session still works: %d", resp.StatusCode)
	}
}

// Five failed logins in 15 minutes lock the user name out (even with the right
// password afterwards) until the window has passed.
func TestLoginIsRateLimited(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	_, ts := testServer(t, builtStore(t), usersConfig(), "127.0.0.1:0", clock)
	c := &client{t: t, base: ts.URL}
	for i := 0; i < 5; i++ {
		if resp := c.login("anna", "guess"+string(rune('a'+i))); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, resp.StatusCode)
		}
	}
	resp := c.login("anna", annaPassword)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || c.cookie != nil {
		t.Fatalf("6th attempt: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	mu.Lock()
	now = now.Add(16 * time.Minute)
	mu.Unlock()
	if resp := c.login("anna", annaPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the window: %d", resp.StatusCode)
	}
}

// Every answer carries the security headers; authenticated data is never cached; a
// dashboard's header policy is its own page policy plus frame-ancestors.
func TestSecurityHeaders(t *testing.T) {
	_, ts := testServer(t, builtStore(t), config.Default(), "127.0.0.1:0", nil)
	c := &client{t: t, base: ts.URL}
	for _, path := range []string{"/healthz", "/login", "/dashboards/overview.html", "/dashboards/improvement.html", "/api/kpi", "/api/jobs", "/jobs", "/reports/", "/reports/weekly.html", "/api/kpi?kpi=nope"} {
		resp, body := c.get(path)
		h := resp.Header
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
			if h.Get(k) != want {
				t.Errorf("%s: %s %q, want %q", path, k, h.Get(k), want)
			}
		}
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if strings.HasPrefix(path, "/dashboards/") {
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
			}
			m := metaCSP.FindSubmatch(body)
			// scripts: the server's own (the ECharts bundle, checked by its integrity) and
			// the page script by its hash, nothing inline besides
			if m == nil || !strings.Contains(csp, "script-src 'self' 'sha256-") || strings.Contains(csp, "unsafe-inline'; style") || !strings.HasPrefix(csp, html.UnescapeString(string(m[1]))) {
				t.Errorf("%s: header CSP %q does not carry the page's own %q", path, csp, m)
			}
		}
	}
}

// Without users the server answers this machine only: a request whose Host is not a
// loopback name (DNS rebinding) or that comes from another site is refused.
func TestLoopbackWithoutUsers(t *testing.T) {
	_, ts := testServer(t, builtStore(t), config.Default(), "127.0.0.1:0", nil)
	c := &client{t: t, base: ts.URL}
	if resp, body := c.get("/api/me"); resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"local"`) {
		t.Fatalf("loopback without users: %d %s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/api/kpi", nil)
	req.Host = "evil.example:8080"
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("foreign Host header: %d", resp.StatusCode)
	}
	if resp, _ := c.do("POST", "/api/jobs/pull/run", nil, "Origin", "https://evil.example"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d", resp.StatusCode)
	}
}

// While the server runs, another orderflow process that opens the database is told
// at once, in one sentence, that the server holds it and where to reach it.
func TestOtherCommandsSayWhereTheServerIs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "of.duckdb")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := New(Options{Store: st, Config: config.Default(), Addr: "127.0.0.1:0", Logger: quietLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	var info struct{ URL string }
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path + ".serve.json"); err == nil && json.Unmarshal(b, &info) == nil && info.URL != "" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if info.URL == "" {
		t.Fatal("the server did not publish its address")
	}
	start := time.Now()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ORDERFLOW_TEST_OPEN_DB="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatal(err, string(out))
	}
	msg := string(out)
	if !strings.Contains(msg, "in use by `orderflow serve`") || !strings.Contains(msg, info.URL) || strings.Count(msg, "\n") > 1 {
		t.Fatalf("the other process was told %q", msg)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("the other process waited %s: it must fail at once", time.Since(start))
	}
	cancel()
	<-done
	if _, err := os.Stat(path + ".serve.json"); !os.IsNotExist(err) {
		t.Errorf("the address file is left after the server stopped: %v", err)
	}
}
