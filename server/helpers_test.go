package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/gen"
	"github.com/orderflow/orderflow/ingest"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/schedule"
	"github.com/orderflow/orderflow/server/lockinfo"
	"github.com/orderflow/orderflow/store"
)

var asOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

var fixture struct {
	once  sync.Once
	dir   string
	st    *store.Store
	snaps *schedule.Snapshots
	err   error
}

// builtStore is a database holding a generated company (1,000 order lines), built
// as of asOf with its anomalies, shared by the tests of the package (they only read,
// except where they say otherwise). The first call makes it (about 10 s).
func builtStore(t testing.TB) *store.Store {
	t.Helper()
	fixture.once.Do(func() {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "orderflow-server-test-")
		if err != nil {
			fixture.err = err
			return
		}
		fixture.dir = dir
		if _, err := gen.Generate(ctx, gen.Options{Out: filepath.Join(dir, "extracts"), Seed: 5, Lines: 1000, AsOf: asOf}); err != nil {
			fixture.err = err
			return
		}
		st, err := store.Open(ctx, filepath.Join(dir, "of.duckdb"))
		if err != nil {
			fixture.err = err
			return
		}
		fixture.st = st
		if _, err := ingest.Load(ctx, st, ingest.Options{AsOf: asOf}, filepath.Join(dir, "extracts")); err != nil {
			fixture.err = err
			return
		}
		if _, err := models.Build(ctx, st, config.Default(), asOf, nil); err != nil {
			fixture.err = err
			return
		}
		if _, err := anomalies.Build(ctx, st, config.Default(), asOf); err != nil {
			fixture.err = err
			return
		}
		fixture.snaps, fixture.err = schedule.NewSnapshots(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	})
	if fixture.err != nil {
		t.Fatalf("cannot make the test database: %v", fixture.err)
	}
	return fixture.st
}

func TestMain(m *testing.M) {
	// The helper process of TestOtherCommandsSayWhereTheServerIs.
	if path := os.Getenv("ORDERFLOW_TEST_OPEN_DB"); path != "" {
		_, err := store.Open(context.Background(), path)
		fmt.Print(err)
		os.Exit(0)
	}
	code := m.Run()
	if fixture.st != nil {
		fixture.st.Close()
		lockinfo.Remove(fixture.st.Path)
	}
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

func quietLog(t testing.TB) *slog.Logger {
	var mu sync.Mutex
	var buf bytes.Buffer
	t.Cleanup(func() {
		if t.Failed() {
			mu.Lock()
			t.Log("server log (last 4 kB):\n" + tail(buf.String(), 4096))
			mu.Unlock()
		}
	})
	return slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}), nil))
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// Test users: a password and a token for each.
const (
	annaPassword = "anna-secret-1"
	keyPassword  = "key-account-1"
)

var (
	annaToken, annaTokenHash = NewToken()
	keyToken, keyTokenHash   = NewToken()
	hashes                   = sync.OnceValues(func() (string, string) {
		a, _ := HashPassword(annaPassword)
		k, _ := HashPassword(keyPassword)
		return a, k
	})
)

// usersConfig has anna (everything) and key-account (limited to customers).
func usersConfig(customers ...string) config.Config {
	cfg := config.Default()
	a, k := hashes()
	cfg.Server.Users = []config.User{
		{Name: "anna", PasswordHash: a, Token: annaTokenHash},
		{Name: "key-account", PasswordHash: k, Token: keyTokenHash, Customers: customers},
	}
	return cfg
}

// testServer serves st with cfg on a real loopback listener.
func testServer(t testing.TB, st *store.Store, cfg config.Config, addr string, now func() time.Time) (*Server, *httptest.Server) {
	t.Helper()
	opts := Options{Store: st, Config: cfg, Addr: addr, Logger: quietLog(t), Now: now}
	if st == fixture.st {
		opts.Snapshots = fixture.snaps
	}
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return srv, ts
}

// client is a browser or an API client of a test server.
type client struct {
	t      testing.TB
	base   string
	token  string
	cookie *http.Cookie
	csrf   string
}

func (c *client) do(method, path string, body io.Reader, header ...string) (*http.Response, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.cookie != nil {
		req.AddCookie(c.cookie)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func (c *client) get(path string) (*http.Response, []byte) { return c.do("GET", path, nil) }

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// login posts the login form and keeps the session cookie.
func (c *client) login(name, password string) *http.Response {
	c.t.Helper()
	form := url.Values{"user": {name}, "password": {password}, "next": {"/jobs"}}
	resp, _ := c.do("POST", "/login", strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			c.cookie = ck
		}
	}
	return resp
}
