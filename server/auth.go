package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/server/portfolio"
)

// user is a login of the server.
type user struct {
	name         string
	passwordHash []byte
	tokenHash    []byte // sha256 of the API token
	portfolio    portfolio.Portfolio
	anonymous    bool // loopback without users: the machine's own user
}

// admin users (no portfolio) may run jobs and read the job messages and archives.
func (u *user) admin() bool { return !u.portfolio.Limited() }

type session struct {
	user     *user
	csrf     string
	created  time.Time
	lastSeen time.Time
}

// authenticator knows the users, their sessions and the failed logins.
type authenticator struct {
	users    map[string]*user
	tokens   []*user
	required bool
	secure   bool // cookies only over HTTPS
	ttl      time.Duration
	idle     time.Duration
	attempts int
	now      func() time.Time

	mu       sync.Mutex
	sessions map[string]*session // by sha256 of the cookie value
	failures map[string][]time.Time
}

// loginWindow is the period the failed logins are counted over.
const loginWindow = 15 * time.Minute

const sessionCookie = "orderflow_session"

// dummyHash makes a login for an unknown user cost as much as for a known one.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("orderflow-no-such-user"), bcrypt.DefaultCost)

func newAuthenticator(cfg config.Server, exposed, tls bool, now func() time.Time) (*authenticator, error) {
	a := &authenticator{users: map[string]*user{}, sessions: map[string]*session{}, failures: map[string][]time.Time{},
		secure: tls, now: now, attempts: cfg.LoginAttempts, ttl: 8 * time.Hour, idle: time.Hour}
	if d, err := time.ParseDuration(cfg.SessionTTL); err == nil && d > 0 {
		a.ttl = d
	}
	if d, err := time.ParseDuration(cfg.IdleTimeout); err == nil && d > 0 {
		a.idle = d
	}
	if a.attempts <= 0 {
		a.attempts = 5
	}
	for i, cu := range cfg.Users {
		if cu.Name == "" {
			return nil, fmt.Errorf("server.users[%d] has no name", i)
		}
		if _, dup := a.users[cu.Name]; dup {
			return nil, fmt.Errorf("server.users: the name %q is used twice", cu.Name)
		}
		u := &user{name: cu.Name, portfolio: portfolio.Of(cu.Customers, cu.Sites, cu.Countries)}
		if cu.PasswordHash != "" {
			if _, err := bcrypt.Cost([]byte(cu.PasswordHash)); err != nil {
				return nil, fmt.Errorf("server.users %q: password_hash is not a bcrypt hash (make one with `orderflow serve --hash-password`)", cu.Name)
			}
			u.passwordHash = []byte(cu.PasswordHash)
		}
		if cu.Token != "" {
			h, ok := strings.CutPrefix(cu.Token, "sha256:")
			sum, err := hex.DecodeString(h)
			if !ok || err != nil || len(sum) != sha256.Size {
				return nil, fmt.Errorf("server.users %q: token_hash must be sha256:<64 hex digits> (make one with `orderflow serve --new-token`)", cu.Name)
			}
			u.tokenHash = sum
			a.tokens = append(a.tokens, u)
		}
		if u.passwordHash == nil && u.tokenHash == nil {
			return nil, fmt.Errorf("server.users %q has neither password_hash nor token_hash", cu.Name)
		}
		a.users[cu.Name] = u
	}
	a.required = len(a.users) > 0
	if exposed && !a.required {
		return nil, errors.New("refusing to serve beyond this machine without users: add server.users (a password_hash from `orderflow serve --hash-password`, or a token_hash from `orderflow serve --new-token`) to orderflow.yaml, or bind to 127.0.0.1")
	}
	return a, nil
}

func (a *authenticator) mode() string {
	if !a.required {
		return "none (loopback only)"
	}
	return fmt.Sprintf("%d user(s)", len(a.users))
}

var anonymous = &user{name: "local", anonymous: true}

// HashPassword is what `orderflow serve --hash-password` prints.
func HashPassword(password string) (string, error) {
	if len(password) < 8 {
		return "", errors.New("the password must have at least 8 characters")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	return string(h), err
}

// NewToken makes an API token and the hash to put in orderflow.yaml (token_hash).
func NewToken() (token, hash string) {
	var b [32]byte
	rand.Read(b[:])
	token = "of_" + base64.RawURLEncoding.EncodeToString(b[:])
	sum := sha256.Sum256([]byte(token))
	return token, "sha256:" + hex.EncodeToString(sum[:])
}

func randomString() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func hashKey(s string) string {
	sum := sha256.Sum256([]byte(s))
	return string(sum[:])
}

// identify finds who makes the request: a bearer token, a session cookie, or the
// anonymous local user when no login is required. nil: nobody.
func (a *authenticator) identify(r *http.Request) (*user, *session) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, nil
		}
		sum := sha256.Sum256([]byte(strings.TrimSpace(tok)))
		for _, u := range a.tokens {
			if subtle.ConstantTimeCompare(sum[:], u.tokenHash) == 1 {
				return u, nil
			}
		}
		return nil, nil
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.mu.Lock()
		defer a.mu.Unlock()
		key := hashKey(c.Value)
		if s, ok := a.sessions[key]; ok {
			now := a.now()
			if now.Sub(s.created) < a.ttl && now.Sub(s.lastSeen) < a.idle {
				s.lastSeen = now
				return s.user, s
			}
			delete(a.sessions, key)
		}
	}
	if !a.required {
		return anonymous, nil
	}
	return nil, nil
}

// authed lets through the requests of a known user, and refuses the others: 401 for
// the API, a redirect to the login page for pages.
func (s *Server) authed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Without users the server trusts this machine only: a page of another site
		// that points a host name at 127.0.0.1 (DNS rebinding) must not read it.
		if !s.auth.required && !IsLoopback(r.Host) {
			apiError(w, http.StatusForbidden, "this server answers to 127.0.0.1, localhost or [::1] only; to serve other hosts, add server.users")
			return
		}
		// No state change on behalf of another site.
		if r.Method != http.MethodGet && r.Method != http.MethodHead && crossSite(r) {
			apiError(w, http.StatusForbidden, "cross-site request refused")
			return
		}
		u, sess := s.auth.identify(r)
		if u == nil {
			if strings.HasPrefix(r.URL.Path, "/api/") || r.Header.Get("Authorization") != "" {
				w.Header().Set("WWW-Authenticate", `Bearer realm="orderflow"`)
				apiError(w, http.StatusUnauthorized, "authentication required: log in at /login, or send an API token as Authorization: Bearer <token>")
				return
			}
			http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		// A state change made with a session cookie must carry the session's CSRF token.
		if r.Method == http.MethodPost && sess != nil {
			if tok := firstNonEmpty(r.Header.Get("X-CSRF-Token"), r.PostFormValue("csrf")); subtle.ConstantTimeCompare([]byte(tok), []byte(sess.csrf)) != 1 {
				apiError(w, http.StatusForbidden, "missing or wrong CSRF token")
				return
			}
		}
		if h, ok := r.Context().Value(userKey).(*userHolder); ok {
			h.u = u
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey, sess)))
	})
}

const sessionKey ctxKey = 2

// crossSite tells whether the browser says the request comes from another site.
func crossSite(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		return true
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		return err != nil || u.Host != r.Host
	}
	return false
}

func userOf(r *http.Request) *user {
	if h, ok := r.Context().Value(userKey).(*userHolder); ok && h.u != nil {
		return h.u
	}
	return nil
}

func sessionOf(r *http.Request) *session {
	s, _ := r.Context().Value(sessionKey).(*session)
	return s
}

// clientIP is the address a login attempt is counted against.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// blocked tells how long the user name or the address must wait before trying again.
// An address may fail four times as often as a user name: people behind one proxy
// share it.
func (a *authenticator) blocked(keys ...string) time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	var wait time.Duration
	for _, k := range keys {
		var recent []time.Time
		for _, t := range a.failures[k] {
			if now.Sub(t) < loginWindow {
				recent = append(recent, t)
			}
		}
		a.failures[k] = recent
		limit := a.attempts
		if strings.HasPrefix(k, "ip:") {
			limit *= 4
		}
		if len(recent) >= limit {
			if w := loginWindow - now.Sub(recent[0]); w > wait {
				wait = w
			}
		}
	}
	return wait
}

func (a *authenticator) fail(keys ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, k := range keys {
		a.failures[k] = append(a.failures[k], a.now())
	}
}

// check verifies a user name and password, in the same time whether the user exists.
func (a *authenticator) check(name, password string) *user {
	u, ok := a.users[name]
	hash := dummyHash
	if ok && u.passwordHash != nil {
		hash = u.passwordHash
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(password))
	if !ok || u.passwordHash == nil || err != nil {
		return nil
	}
	return u
}

func (a *authenticator) newSession(u *user) (cookie string, s *session) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	for k, old := range a.sessions { // forget the expired ones
		if now.Sub(old.created) >= a.ttl || now.Sub(old.lastSeen) >= a.idle {
			delete(a.sessions, k)
		}
	}
	cookie = randomString()
	s = &session{user: u, csrf: randomString(), created: now, lastSeen: now}
	a.sessions[hashKey(cookie)] = s
	return cookie, s
}

var loginTmpl = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>orderflow · log in</title>
<style>body{font-family:system-ui,sans-serif;display:flex;justify-content:center;margin-top:10vh}
form{display:flex;flex-direction:column;gap:.6rem;min-width:18rem}input,button{font-size:1rem;padding:.4rem}
.err{color:#b00020}</style></head>
<body><form method="post" action="/login">
<h1>orderflow</h1>
{{if .Error}}<p class="err" role="alert">{{.Error}}</p>{{end}}
<label>User <input name="user" autocomplete="username" required value="{{.User}}"></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<input type="hidden" name="next" value="{{.Next}}">
<button type="submit">Log in</button>
</form></body></html>`))

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	renderLogin(w, http.StatusOK, "", "", safeNext(r.URL.Query().Get("next")))
}

func renderLogin(w http.ResponseWriter, status int, msg, name, next string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	loginTmpl.Execute(w, map[string]string{"Error": msg, "User": name, "Next": next})
}

// safeNext keeps a redirect target on this server.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}

// login checks the password, counting failures per user name and per address: past
// server.login_attempts in 15 minutes, both are refused until the window passes.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if crossSite(r) {
		apiError(w, http.StatusForbidden, "cross-site request refused")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		renderLogin(w, http.StatusBadRequest, "The form could not be read.", "", "/")
		return
	}
	name, password, next := r.PostForm.Get("user"), r.PostForm.Get("password"), safeNext(r.PostForm.Get("next"))
	if len(name) > 100 {
		name = name[:100]
	}
	keys := []string{"user:" + name, "ip:" + clientIP(r)}
	if wait := s.auth.blocked(keys...); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		s.log.Warn("login refused: too many failed attempts", "user", name, "remote", clientIP(r))
		renderLogin(w, http.StatusTooManyRequests, fmt.Sprintf("Too many failed attempts: try again in %d minutes.", int(wait.Minutes())+1), name, next)
		return
	}
	u := s.auth.check(name, password)
	if u == nil {
		s.auth.fail(keys...)
		s.log.Warn("login failed", "user", name, "remote", clientIP(r))
		renderLogin(w, http.StatusUnauthorized, "Wrong user name or password.", name, next)
		return
	}
	cookie, _ := s.auth.newSession(u)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: cookie, Path: "/", HttpOnly: true, Secure: s.auth.secure,
		SameSite: http.SameSiteStrictMode, MaxAge: int(s.auth.ttl.Seconds())})
	s.log.Info("login", "user", u.name, "remote", clientIP(r))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

var logoutTmpl = template.Must(template.New("logout").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>orderflow · log out</title></head>
<body style="font-family:system-ui,sans-serif;margin:2em"><form method="post" action="/logout"><button type="submit">Log out</button></form></body></html>`))

func (s *Server) logoutPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	logoutTmpl.Execute(w, nil)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.auth.mu.Lock()
		delete(s.auth.sessions, hashKey(c.Value))
		s.auth.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.auth.secure, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
