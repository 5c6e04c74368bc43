package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/schedule"
	"github.com/orderflow/orderflow/server/portfolio"
)

// httpError is an error with the status it answers.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &httpError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

func forbidden(format string, args ...any) error {
	return &httpError{http.StatusForbidden, fmt.Sprintf(format, args...)}
}

func statusOf(err error) int {
	var he *httpError
	if errors.As(err, &he) {
		return he.status
	}
	if errors.Is(err, portfolio.ErrOutside) {
		return http.StatusForbidden
	}
	if errors.Is(err, context.Canceled) {
		return 499 // the client went away
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return http.StatusGatewayTimeout
	}
	return http.StatusInternalServerError
}

func apiError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// fail answers err; an unexpected one is logged and not shown in detail.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	msg := err.Error()
	if status == 499 {
		return
	}
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "path", r.URL.Path, "error", err)
		if strings.Contains(msg, "not built yet") {
			status = http.StatusServiceUnavailable
		} else {
			msg = "the server could not answer; the error is in its log"
		}
	}
	apiError(w, status, msg)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// query is a request's parameters, checked against what the endpoint takes.
type query struct {
	vals url.Values
}

// parseQuery refuses any parameter the endpoint does not take, so that nothing
// unexpected is silently ignored (or reaches further).
func parseQuery(r *http.Request, allowed ...string) (query, error) {
	vals := r.URL.Query()
	for k := range vals {
		if !slices.Contains(allowed, k) && !slices.Contains(models.Dimensions(), k) {
			sort.Strings(allowed)
			return query{}, badRequest("unknown parameter %q: this endpoint takes %s and the dimensions %s",
				trimForMessage(k), strings.Join(allowed, ", "), strings.Join(models.Dimensions(), ", "))
		}
	}
	return query{vals}, nil
}

// trimForMessage keeps an echoed value short and printable.
func trimForMessage(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return '?'
	}, s)
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// list reads a parameter given once with commas, or several times.
func (q query) list(name string) []string {
	var out []string
	for _, v := range q.vals[name] {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
	}
	return out
}

func (q query) one(name string) (string, error) {
	v := q.vals[name]
	if len(v) > 1 {
		return "", badRequest("parameter %s is given %d times: give it once", name, len(v))
	}
	if len(v) == 0 {
		return "", nil
	}
	return strings.TrimSpace(v[0]), nil
}

func (q query) choice(name, def string, choices ...string) (string, error) {
	v, err := q.one(name)
	if err != nil || v == "" {
		return def, err
	}
	if !slices.Contains(choices, v) {
		return "", badRequest("%s %q is not one of %s", name, trimForMessage(v), strings.Join(choices, ", "))
	}
	return v, nil
}

var weekPattern = regexp.MustCompile(`^\d{4}-W\d{2}$`)

func (q query) week(name string) (string, error) {
	v, err := q.one(name)
	if err != nil || v == "" {
		return v, err
	}
	if !weekPattern.MatchString(v) {
		return "", badRequest("%s %q is not an ISO week: write it as YYYY-Www, such as 2026-W47", name, trimForMessage(v))
	}
	if _, err := models.ParseWeek(v); err != nil {
		return "", badRequest("%s", err.Error())
	}
	return v, nil
}

func (q query) kpis(name string) ([]string, error) {
	names := q.list(name)
	for _, n := range names {
		if _, ok := models.LookupKPI(n); !ok {
			return nil, badRequest("unknown KPI %q: GET /api/kpis lists them", trimForMessage(n))
		}
	}
	return names, nil
}

func (q query) dims(name string) ([]string, error) {
	dims := q.list(name)
	for _, d := range dims {
		if !slices.Contains(models.Dimensions(), d) {
			return nil, badRequest("unknown dimension %q: valid dimensions are %s", trimForMessage(d), strings.Join(models.Dimensions(), ", "))
		}
	}
	return dims, nil
}

func (q query) intIn(name string, def, lo, hi int) (int, error) {
	v, err := q.one(name)
	if err != nil || v == "" {
		return def, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badRequest("%s %q must be a whole number from %d to %d", name, trimForMessage(v), lo, hi)
	}
	return n, nil
}

// filters reads the dimension filters of a request (customer=C1&country=DE,AT),
// checks every value exists in the last build, then limits them to the user's
// portfolio: a value outside it is refused.
func (s *Server) filters(ctx context.Context, v *schedule.View, q query, u *user) (map[string][]string, error) {
	asked := map[string][]string{}
	for _, d := range models.Dimensions() {
		vals := q.list(d)
		if len(vals) == 0 {
			continue
		}
		known, err := s.values.of(ctx, v, d)
		if err != nil {
			return nil, err
		}
		for _, v := range vals {
			if !known[v] {
				if !u.portfolio.Allows(d, v) {
					return nil, forbidden("%s %q is %v", d, trimForMessage(v), portfolio.ErrOutside)
				}
				return nil, badRequest("unknown %s %q: no figure has it", d, trimForMessage(v))
			}
		}
		asked[d] = vals
	}
	f, err := u.portfolio.Restrict(asked)
	if err != nil {
		return nil, forbidden("%s", err.Error())
	}
	return f, nil
}

// valueCache holds the values each dimension takes in the models, per build, to tell
// an unknown filter value from one that only has no figure in a week.
type valueCache struct {
	mu      sync.Mutex
	builtAt time.Time
	dims    map[string]map[string]bool
}

func newValueCache() *valueCache { return &valueCache{dims: map[string]map[string]bool{}} }

func (c *valueCache) of(ctx context.Context, v *schedule.View, dim string) (map[string]bool, error) {
	if v.BuiltAt.IsZero() {
		return nil, errors.New("the KPI models are not built yet: run a build job (or `orderflow build` before serving)")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !v.BuiltAt.Equal(c.builtAt) {
		c.builtAt, c.dims = v.BuiltAt, map[string]map[string]bool{}
	}
	if vals, ok := c.dims[dim]; ok {
		return vals, nil
	}
	db, err := v.DB(ctx)
	if err != nil {
		return nil, err
	}
	// Every mart whose KPIs cut by the dimension; the name is from the whitelist.
	seen := map[string]bool{}
	vals := map[string]bool{}
	for _, k := range models.Registry() {
		if !k.CanCut(dim) || seen[k.Model] {
			continue
		}
		seen[k.Model] = true
		rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT DISTINCT CAST("%s" AS VARCHAR) FROM "%s"`, dim, k.Model))
		if err != nil {
			return nil, fmt.Errorf("cannot list the values of %s: %w", dim, err)
		}
		for rows.Next() {
			var v sql.NullString
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, err
			}
			if v.Valid {
				vals[v.String] = true
			}
		}
		rows.Close()
	}
	c.dims[dim] = vals
	return vals, nil
}
