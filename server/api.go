package server

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/reports"
	"github.com/orderflow/orderflow/schedule"
)

// health answers whether the server can read its database, and the build it serves.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	v := s.view()
	defer v.Release()
	db, err := v.DB(ctx)
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		writeJSON(w, map[string]any{"status": "unavailable", "error": "cannot read the database"})
		return
	}
	out := map[string]any{"status": "ok", "built_at": nil}
	if !v.BuiltAt.IsZero() {
		out["built_at"] = v.BuiltAt.UTC().Format(time.RFC3339)
	}
	writeJSON(w, out)
}

// build is the build a request reads, told in headers so that a client can see
// that two answers come from the same one.
type build struct {
	asOf, builtAt time.Time
}

func (s *Server) readBuild(w http.ResponseWriter, v *schedule.View) (build, error) {
	if v.BuiltAt.IsZero() {
		return build{}, &httpError{http.StatusServiceUnavailable, "the KPI models are not built yet: run a build job (or `orderflow build` before serving)"}
	}
	w.Header().Set("X-Orderflow-As-Of", v.AsOf.Format(time.DateOnly))
	w.Header().Set("X-Orderflow-Built-At", v.BuiltAt.UTC().Format(time.RFC3339Nano))
	return build{asOf: v.AsOf, builtAt: v.BuiltAt}, nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	out := map[string]any{"user": u.name, "portfolio": u.portfolio.Filters(), "admin": u.admin()}
	if sess := sessionOf(r); sess != nil {
		out["csrf"] = sess.csrf
	}
	writeJSON(w, out)
}

// apiKPIList lists the KPIs and dimensions, for clients to build their queries.
func (s *Server) apiKPIList(w http.ResponseWriter, r *http.Request) {
	if _, err := parseQuery(r); err != nil {
		s.fail(w, r, err)
		return
	}
	type kpi struct {
		Name, Label, Unit, Area string
		Dims                    []string
	}
	var out []kpi
	for _, k := range models.Registry() {
		out = append(out, kpi{k.Name, k.Label(s.cfg.Lang), string(k.Unit), k.Area, k.Dims})
	}
	writeJSON(w, map[string]any{"kpis": out, "dimensions": models.Dimensions()})
}

// apiKPI answers GET /api/kpi?kpi=A,B&from=W&to=W&by=D,D&<dim>=V,V&format=json|csv|arrow:
// the weekly KPIs as `orderflow kpi` gives them, limited to the user's portfolio.
// Answers are kept per build (answerCache): the same question on the same build is
// not computed twice.
func (s *Server) apiKPI(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r, "kpi", "from", "to", "by", "format")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format, err := q.choice("format", "json", "json", "csv", "arrow")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	kq := models.KPIQuery{}
	if kq.KPIs, err = q.kpis("kpi"); err == nil {
		if kq.From, err = q.week("from"); err == nil {
			if kq.To, err = q.week("to"); err == nil {
				kq.By, err = q.dims("by")
			}
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view()
	defer v.Release()
	b, err := s.readBuild(w, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if kq.Filters, err = s.filters(r.Context(), v, q, userOf(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case kq.From == "" && kq.To == "":
		kq.From = models.LastCompleteWeek(b.asOf)
		kq.To = kq.From
	case kq.To == "":
		kq.To = kq.From
	case kq.From == "":
		kq.From = kq.To
	}
	w.Header().Set("Content-Location", r.URL.RequestURI())
	key := cacheKey("kpi", b.builtAt, format, kq)
	a, err := s.answers.do(key, func() (*answer, error) {
		// Others may be waiting for this answer: it is not abandoned with this client.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Minute)
		defer cancel()
		db, err := v.DB(ctx)
		if err != nil {
			return nil, err
		}
		vals, err := models.Query(ctx, db, kq)
		if err != nil {
			if strings.Contains(err.Error(), "cannot be cut") || strings.Contains(err.Error(), "week range") {
				err = badRequest("%s", err.Error())
			}
			return nil, err
		}
		if vals == nil {
			vals = []models.KPIValue{}
		}
		rec := newRecorder()
		if format == "json" {
			writeJSON(rec, vals)
		} else {
			writeTable(rec, format, kpiTable(kq, vals))
		}
		return &answer{contentType: rec.Header().Get("Content-Type"), disposition: rec.Header().Get("Content-Disposition"), body: rec.body.Bytes()}, nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendAnswer(w, a)
}

func sendAnswer(w http.ResponseWriter, a *answer) {
	w.Header().Set("Content-Type", a.contentType)
	if a.disposition != "" {
		w.Header().Set("Content-Disposition", a.disposition)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
	w.Write(a.body)
}

// cacheKey names a question on a build: every part of the query, filters (hence the
// portfolio) included, in a fixed order.
func cacheKey(endpoint string, builtAt time.Time, format string, kq models.KPIQuery) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%d|%s|%s|%s|%s|%s", endpoint, builtAt.UnixNano(), format, kq.From, kq.To, strings.Join(kq.KPIs, ","), strings.Join(kq.By, ","))
	dims := make([]string, 0, len(kq.Filters))
	for d := range kq.Filters {
		dims = append(dims, d)
	}
	sort.Strings(dims)
	for _, d := range dims {
		vals := slices.Clone(kq.Filters[d])
		sort.Strings(vals)
		fmt.Fprintf(&b, "|%s=%q", d, vals)
	}
	return b.String()
}

// kpiTable lays the KPI values out as the CSV and Arrow columns.
func kpiTable(kq models.KPIQuery, vals []models.KPIValue) *table {
	t := &table{name: "kpi-" + kq.From + "-" + kq.To, nrows: len(vals)}
	kpi, week := t.add("kpi", kindString), t.add("week", kindString)
	dimCols := make([]*column, len(kq.By))
	for i, d := range kq.By {
		dimCols[i] = t.add(d, kindString)
	}
	val, num, den, unit := t.add("value", kindFloat), t.add("numerator", kindFloat), t.add("denominator", kindFloat), t.add("unit", kindString)
	for _, v := range vals {
		kpi.strings = append(kpi.strings, strPtr(v.KPI))
		week.strings = append(week.strings, strPtr(v.Week))
		for i, d := range kq.By {
			dimCols[i].strings = append(dimCols[i].strings, strPtr(v.Dims[d]))
		}
		val.floats = append(val.floats, v.Value)
		num.floats = append(num.floats, v.Numerator)
		den.floats = append(den.floats, v.Denominator)
		unit.strings = append(unit.strings, strPtr(string(v.Unit)))
	}
	return t
}

// apiExplain answers GET /api/explain?kpi=K&week=W&<dim>=V&format=json|csv|arrow: the
// rows behind one figure. For a portfolio-limited user the rows are those of the
// portfolio: each of its values in turn when the request names none.
func (s *Server) apiExplain(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r, "kpi", "week", "format")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format, err := q.choice("format", "json", "json", "csv", "arrow")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	kpis, err := q.kpis("kpi")
	if err == nil && len(kpis) != 1 {
		err = badRequest("give one kpi to explain, such as kpi=otif_line")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	week, err := q.week("week")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view()
	defer v.Release()
	b, err := s.readBuild(w, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	db, err := v.DB(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if week == "" {
		week = models.LastCompleteWeek(b.asOf)
	}
	u := userOf(r)
	for _, d := range models.Dimensions() {
		if len(q.list(d)) > 1 {
			s.fail(w, r, badRequest("to explain a figure, give one value of %s", d))
			return
		}
	}
	filters, err := s.filters(r.Context(), v, q, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	k, _ := models.LookupKPI(kpis[0])
	for d := range filters {
		if !k.CanCut(d) {
			if u.portfolio.Values(d) != nil {
				s.fail(w, r, forbidden("the rows of %s cover other %ss than those of your portfolio: it cannot be explained for you", k.Name, d))
			} else {
				s.fail(w, r, badRequest("KPI %s cannot be cut by %s: it can be cut by %s", k.Name, d, strings.Join(k.Dims, ", ")))
			}
			return
		}
	}
	ex, err := explainEach(r.Context(), db, k.Name, week, filters)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if format == "json" {
		if ex.Rows == nil {
			ex.Rows = [][]any{}
		}
		writeJSON(w, ex)
		return
	}
	writeTable(w, format, explanationTable(ex))
}

// maxCombinations bounds the portfolio values explained one by one.
const maxCombinations = 500

// explainEach runs models.Explain for each combination of the filter values (one
// value per dimension each time) and joins the rows: they do not overlap, a row having
// one value of each dimension.
func explainEach(ctx context.Context, db *sql.DB, kpi, week string, filters map[string][]string) (models.Explanation, error) {
	dims := make([]string, 0, len(filters))
	for d := range filters {
		dims = append(dims, d)
	}
	sort.Strings(dims)
	combos := []map[string]string{{}}
	for _, d := range dims {
		var next []map[string]string
		for _, c := range combos {
			for _, v := range filters[d] {
				m := map[string]string{d: v}
				for k, x := range c {
					m[k] = x
				}
				next = append(next, m)
			}
		}
		combos = next
		if len(combos) > maxCombinations {
			return models.Explanation{}, badRequest("your filters make %d+ cuts to explain: name one value of %s", maxCombinations, strings.Join(dims, ", "))
		}
	}
	var out models.Explanation
	for i, c := range combos {
		ex, err := models.Explain(ctx, db, kpi, week, c)
		if err != nil {
			if strings.Contains(err.Error(), "cannot be cut") {
				return out, badRequest("%s", err.Error())
			}
			return out, err
		}
		if i == 0 {
			out = ex
			out.Dims = map[string]string{}
			for _, d := range dims {
				if len(filters[d]) == 1 {
					out.Dims[d] = filters[d][0]
				}
			}
			continue
		}
		out.Rows = append(out.Rows, ex.Rows...)
	}
	return out, nil
}

func explanationTable(ex models.Explanation) *table {
	t := &table{name: "explain-" + ex.KPI + "-" + ex.Week, nrows: len(ex.Rows)}
	for j, name := range ex.Columns {
		kind := kindString
		for _, row := range ex.Rows {
			if row[j] == nil {
				continue
			}
			switch row[j].(type) {
			case float64:
				kind = kindFloat
			case int64:
				kind = kindInt
			}
			break
		}
		c := t.add(name, kind)
		for _, row := range ex.Rows {
			switch v := row[j].(type) {
			case nil:
				c.strings, c.floats, c.ints = append(c.strings, nil), append(c.floats, nil), append(c.ints, nil)
			case float64:
				c.floats = append(c.floats, &v)
				c.ints = append(c.ints, nil)
				c.strings = append(c.strings, strPtr(fmt.Sprint(v)))
			case int64:
				c.ints = append(c.ints, &v)
				f := float64(v)
				c.floats = append(c.floats, &f)
				c.strings = append(c.strings, strPtr(fmt.Sprint(v)))
			default:
				s := fmt.Sprint(v)
				c.strings = append(c.strings, &s)
				c.floats, c.ints = append(c.floats, nil), append(c.ints, nil)
			}
		}
	}
	return t
}

// apiAnomalies answers GET /api/anomalies?severity=&code=&status=&state=&list=&<dim>=&limit=&format=:
// the anomalies, limited to the user's portfolio; list=worklist gives the week's
// worklist (list=stale the data to clean up), state=new,worsening what changed.
func (s *Server) apiAnomalies(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r, "severity", "code", "status", "state", "list", "limit", "format", "lang")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format, err := q.choice("format", "json", "json", "csv", "arrow")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang, err := q.choice("lang", s.cfg.Lang, "en", "fr")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := anomalies.Filter{}
	check := func(name string, allowed []string) []string {
		vals := q.list(name)
		for _, v := range vals {
			if err == nil && !slices.Contains(allowed, v) {
				err = badRequest("%s %q is not one of %s", name, trimForMessage(v), strings.Join(allowed, ", "))
			}
		}
		return vals
	}
	f.Severities = check("severity", anomalies.Severities)
	f.Codes = check("code", anomalies.Codes)
	f.Status = check("status", []string{anomalies.StatusNew, anomalies.StatusAcknowledged, anomalies.StatusResolved})
	f.States = check("state", []string{anomalies.StateNew, anomalies.StateOpen, anomalies.StateWorsening,
		anomalies.StateAcknowledged, anomalies.StateResolved, anomalies.StateStale})
	f.Buckets = check("list", []string{anomalies.BucketWorklist, anomalies.BucketStale, anomalies.BucketResolved})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	limit, err := q.intIn("limit", 1000, 1, 100000)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.view()
	defer v.Release()
	if _, err := s.readBuild(w, v); err != nil {
		s.fail(w, r, err)
		return
	}
	db, err := v.DB(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := userOf(r)
	filters, err := s.filters(r.Context(), v, q, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Customers, f.Sites = filters["customer"], filters["site"]
	list, err := anomalies.List(r.Context(), db, f, lang)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if list, err = reports.AnomaliesWithin(r.Context(), db, list, filters); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(list) > limit {
		list = list[:limit]
	}
	if list == nil {
		list = []anomalies.Anomaly{}
	}
	if format == "json" {
		writeJSON(w, list)
		return
	}
	t := &table{name: "anomalies", nrows: len(list)}
	get := []struct {
		name string
		f    func(a anomalies.Anomaly) string
	}{
		{"id", func(a anomalies.Anomaly) string { return a.ID }},
		{"code", func(a anomalies.Anomaly) string { return a.Code }},
		{"severity", func(a anomalies.Anomaly) string { return a.Severity }},
		{"status", func(a anomalies.Anomaly) string { return a.Status }},
		{"order_id", func(a anomalies.Anomaly) string { return a.OrderID }},
		{"line_no", func(a anomalies.Anomaly) string { return a.LineNo }},
		{"shipment_id", func(a anomalies.Anomaly) string { return a.ShipmentID }},
		{"invoice_id", func(a anomalies.Anomaly) string { return a.InvoiceID }},
		{"claim_id", func(a anomalies.Anomaly) string { return a.ClaimID }},
		{"sku", func(a anomalies.Anomaly) string { return a.SKU }},
		{"site", func(a anomalies.Anomaly) string { return a.Site }},
		{"customer_id", func(a anomalies.Anomaly) string { return a.CustomerID }},
		{"detected_on", func(a anomalies.Anomaly) string { return a.DetectedOn }},
		{"message", func(a anomalies.Anomaly) string { return a.Message }},
		{"remedy", func(a anomalies.Anomaly) string { return a.Remedy }},
	}
	for _, g := range get {
		c := t.add(g.name, kindString)
		for _, a := range list {
			c.strings = append(c.strings, strPtr(g.f(a)))
		}
	}
	prio := t.add("priority", kindFloat)
	for _, a := range list {
		p := a.Priority
		prio.floats = append(prio.floats, &p)
	}
	writeTable(w, format, t)
}

// apiJobs answers the schedules with their next runs and the job history.
func (s *Server) apiJobs(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r, "job", "limit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name, err := q.one("job")
	if err == nil && name != "" && !s.knownJob(name) {
		err = badRequest("no job named %q", trimForMessage(name))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	limit, err := q.intIn("limit", 50, 1, 1000)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	jobs, runs, err := s.jobStatus(r.Context(), name, limit, userOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"jobs": jobs, "runs": runs, "time_zone": s.cfg.TimeZone})
}

func (s *Server) knownJob(name string) bool {
	for _, sc := range s.cfg.Schedules {
		if sc.Name == name || strings.HasPrefix(name, sc.Name+"/") {
			return true
		}
	}
	return false
}

// jobStatus reads the schedules and runs; a portfolio-limited user sees the outcomes
// but not the messages (they may name other customers' orders).
func (s *Server) jobStatus(ctx context.Context, name string, limit int, u *user) ([]schedule.JobStatus, []schedule.Run, error) {
	var jobs []schedule.JobStatus
	var err error
	if s.opts.Scheduler != nil {
		if jobs, err = s.opts.Scheduler.Status(ctx); err != nil {
			return nil, nil, err
		}
	}
	runs, err := schedule.History(ctx, s.st.DB, name, limit)
	if err != nil {
		return nil, nil, err
	}
	if !u.admin() {
		for i := range runs {
			runs[i].Message = ""
		}
		for i := range jobs {
			if jobs[i].LastRun != nil {
				jobs[i].LastRun.Message = ""
			}
		}
	}
	if jobs == nil {
		jobs = []schedule.JobStatus{}
	}
	if runs == nil {
		runs = []schedule.Run{}
	}
	return jobs, runs, nil
}

// apiRunJob starts a job now (users without a portfolio only).
func (s *Server) apiRunJob(w http.ResponseWriter, r *http.Request) {
	if _, err := parseQuery(r, "csrf"); err != nil {
		s.fail(w, r, err)
		return
	}
	if !userOf(r).admin() {
		s.fail(w, r, forbidden("only a user without a portfolio limit may run jobs"))
		return
	}
	name := r.PathValue("name")
	if !s.knownJob(name) {
		s.fail(w, r, &httpError{http.StatusNotFound, fmt.Sprintf("no job named %q", trimForMessage(name))})
		return
	}
	if s.opts.Scheduler == nil {
		s.fail(w, r, &httpError{http.StatusServiceUnavailable, "no scheduler runs in this server"})
		return
	}
	if err := s.opts.Scheduler.RunNow(name); err != nil {
		s.fail(w, r, &httpError{http.StatusConflict, err.Error()})
		return
	}
	if r.Header.Get("Accept") == "application/json" || r.Header.Get("Authorization") != "" {
		w.WriteHeader(http.StatusAccepted)
		writeJSON(w, map[string]string{"status": "started", "job": name})
		return
	}
	http.Redirect(w, r, "/jobs", http.StatusSeeOther)
}
