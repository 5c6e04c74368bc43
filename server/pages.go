package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"html"
	"html/template"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/orderflow/orderflow/dashboards"
	"github.com/orderflow/orderflow/dashboards/assets"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/schedule"
	"github.com/orderflow/orderflow/server/portfolio"
)

var metaCSP = regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)"`)

// cspOf is the policy of a generated page: its own (meta) policy, which the header
// repeats with frame-ancestors (only a header can say it); else the server's.
func cspOf(page []byte) string {
	if m := metaCSP.FindSubmatch(page); m != nil {
		return html.UnescapeString(string(m[1])) + "; frame-ancestors 'none'"
	}
	return pageCSP
}

// serverBar is put at the top of every page the server sends: who is logged in, and
// the way to the reports, the jobs and out.
var serverBar = template.Must(template.New("bar").Parse(`<nav aria-label="orderflow serve" style="display:flex;gap:1.2em;justify-content:flex-end;align-items:center;padding:.3em 1em;font:13px system-ui,sans-serif;background:#1f2937;color:#e5e7eb">` +
	`<a style="color:#e5e7eb" href="/dashboards/overview.html">Dashboards</a><a style="color:#e5e7eb" href="/reports/">Reports</a><a style="color:#e5e7eb" href="/jobs">Jobs</a>` +
	`<span>{{.User}}{{if .Scope}} · {{.Scope}}{{end}}</span>{{if .Session}}<a style="color:#e5e7eb" href="/logout">Log out</a>{{end}}</nav>`))

func (s *Server) bar(r *http.Request) []byte {
	u := userOf(r)
	var b bytes.Buffer
	scope := ""
	if u.portfolio.Limited() {
		scope = u.portfolio.String()
	}
	serverBar.Execute(&b, map[string]any{"User": u.name, "Scope": scope, "Session": sessionOf(r) != nil})
	return b.Bytes()
}

// withBar inserts the server bar right after <body>.
func withBar(page, bar []byte) []byte {
	i := bytes.Index(page, []byte("<body>"))
	if i < 0 {
		return page
	}
	i += len("<body>")
	out := make([]byte, 0, len(page)+len(bar))
	out = append(out, page[:i]...)
	out = append(out, bar...)
	return append(out, page[i:]...)
}

// pageRead is what a page handler reads before drawing: the query, the language and
// the snapshot view (the caller releases it) with its build. The view's database is
// opened only when a page must be drawn (v.DB): a kept page is answered without it.
type pageRead struct {
	q    query
	lang string
	v    *schedule.View
	b    build
}

// readPage reads it; when it cannot, it has answered the request and says false.
func (s *Server) readPage(w http.ResponseWriter, r *http.Request) (*pageRead, bool) {
	q, err := parseQuery(r, "lang")
	if err != nil {
		s.failPage(w, r, err)
		return nil, false
	}
	lang, err := q.choice("lang", s.cfg.Lang, "en", "fr")
	if err != nil {
		s.failPage(w, r, err)
		return nil, false
	}
	v := s.view()
	b, err := s.readBuild(w, v)
	if err == nil {
		return &pageRead{q: q, lang: lang, v: v, b: b}, true
	}
	v.Release()
	s.failPage(w, r, err)
	return nil, false
}

func sendPage(w http.ResponseWriter, status int, page []byte) {
	w.Header().Set("Content-Security-Policy", cspOf(page))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(page)
}

// dashboard serves a dashboard page drawn from the live database: GET
// /dashboards/<page>.html?lang=fr&customer=C1&site=FR01 answers the page filtered on
// the server (any model dimension), within the user's portfolio.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("page"), ".html")
	known := false
	for _, p := range dashboards.Pages {
		known = known || p.ID == name
	}
	if !ok || !known {
		http.NotFound(w, r)
		return
	}
	pr, ok := s.readPage(w, r)
	if !ok {
		return
	}
	defer pr.v.Release()
	q, lang, v, b := pr.q, pr.lang, pr.v, pr.b
	filters, err := s.filters(r.Context(), v, q, userOf(r))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	// A page is drawn once per build, portfolio, filters, language and server bar (the
	// user's name), kept compressed, and answered with its ETag: a client that has it
	// gets 304, the others the kept bytes.
	bar := s.bar(r)
	key := cacheKey("page/"+name+"/"+lang+"/"+fmt.Sprintf("%x", sha256.Sum256(bar)), b.builtAt, "html", models.KPIQuery{Filters: filters})
	a, err := s.answers.do(key, func() (*answer, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Minute)
		defer cancel()
		db, err := v.DB(ctx)
		if err != nil {
			return nil, err
		}
		data, err := s.data(ctx, db, s.cfg, b.asOf, filters, lang)
		if err != nil {
			return nil, err
		}
		var page bytes.Buffer
		if err := dashboards.RenderServed(&page, name, data, lang); err != nil {
			return nil, err
		}
		return compressedPage(withBar(page.Bytes(), bar))
	})
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	sendCompressedPage(w, r, a)
}

// compressedPage keeps a page gzipped, with its ETag and Content-Security-Policy.
func compressedPage(page []byte) (*answer, error) {
	return compressed(page, "text/html; charset=utf-8", cspOf(page))
}

// compressed keeps body gzipped with its content type, ETag (of the plain bytes) and
// Content-Security-Policy ("" keeps the server's).
func compressed(body []byte, contentType, csp string) (*answer, error) {
	var z bytes.Buffer
	zw, err := gzip.NewWriterLevel(&z, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	return &answer{contentType: contentType, body: z.Bytes(), gzipped: true,
		etag: `"` + hex.EncodeToString(sum[:16]) + `"`, csp: csp}, nil
}

// sendCompressedPage answers a kept page: 304 when the client's If-None-Match names its
// ETag, the gzipped bytes when the client accepts gzip, else the page unpacked.
func sendCompressedPage(w http.ResponseWriter, r *http.Request, a *answer) {
	h := w.Header()
	h.Set("ETag", a.etag)
	h.Set("Vary", "Accept-Encoding")
	// Cache-Control stays the server's no-store (pages hold customer data): browsers keep
	// nothing, while a client that keeps the page (a script, a proxy of the company's)
	// revalidates it with If-None-Match.
	if etagMatches(r.Header.Get("If-None-Match"), a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if a.csp != "" {
		h.Set("Content-Security-Policy", a.csp)
	}
	h.Set("Content-Type", a.contentType)
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(len(a.body)))
		w.Write(a.body)
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(a.body))
	if err != nil {
		http.Error(w, "the kept page is damaged", http.StatusInternalServerError)
		return
	}
	defer zr.Close()
	io.Copy(w, zr)
}

// etagMatches reads an If-None-Match header: a list of ETags (weak or not) or *.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// acceptsGzip tells whether an Accept-Encoding header accepts gzip (not with q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") || strings.TrimSpace(name) == "*" {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

var errorPage = template.Must(template.New("error").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>orderflow · {{.Status}}</title></head>
<body style="font-family:system-ui,sans-serif;margin:2em"><h1>{{.Status}}</h1><p>{{.Message}}</p>
<p><a href="/dashboards/overview.html">Back to the dashboards</a></p></body></html>`))

// failPage answers an error as a page.
func (s *Server) failPage(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	msg := err.Error()
	if status == http.StatusInternalServerError {
		s.log.Error("page failed", "path", r.URL.Path, "error", err)
		if strings.Contains(msg, "not built yet") {
			status = http.StatusServiceUnavailable
		} else {
			msg = "The page could not be drawn; the error is in the server's log."
		}
	}
	var b bytes.Buffer
	errorPage.Execute(&b, map[string]any{"Status": http.StatusText(status), "Message": msg})
	sendPage(w, status, b.Bytes())
}

var jobsTmpl = template.Must(template.New("jobs").Funcs(template.FuncMap{
	"when": func(t any) string {
		switch x := t.(type) {
		case time.Time:
			return x.Format("Mon 2006-01-02 15:04 MST")
		case *time.Time:
			if x != nil {
				return x.Local().Format("2006-01-02 15:04:05")
			}
		}
		return ""
	},
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>orderflow · jobs</title>
<style>body{font-family:system-ui,sans-serif;margin:0}main{margin:1em 2em}table{border-collapse:collapse;margin-bottom:2em}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;font-size:14px}.failed{color:#b00020}.success{color:#0a7d32}.skipped{color:#8a6d00}</style></head>
<body>{{.Bar}}<main><h1>Scheduled jobs</h1>
<table><tr><th>Job</th><th>Does</th><th>Cron</th><th>Zone</th><th>Next runs</th><th>Last run</th><th></th></tr>
{{range .Jobs}}<tr><td>{{.Name}}</td><td>{{.Kind}}</td><td><code>{{.Cron}}</code></td><td>{{.TimeZone}}</td>
<td>{{range .NextRuns}}{{when .}}<br>{{end}}</td>
<td>{{if .Running}}running{{else if .LastRun}}<span class="{{.LastRun.Outcome}}">{{.LastRun.Outcome}}</span> {{when .LastRun.FinishedAt}}{{end}}</td>
<td>{{if $.Admin}}<form method="post" action="/api/jobs/{{.Name}}/run"><input type="hidden" name="csrf" value="{{$.CSRF}}"><button>Run now</button></form>{{end}}</td></tr>
{{else}}<tr><td colspan="7">No schedule in orderflow.yaml.</td></tr>{{end}}</table>
<h2>History</h2>
<table><tr><th>Run</th><th>Job</th><th>Does</th><th>Trigger</th><th>Started</th><th>Ended</th><th>Outcome</th><th>Attempts</th><th>Rows</th><th>Message</th></tr>
{{range .Runs}}<tr><td>{{.ID}}</td><td>{{.Job}}</td><td>{{.Kind}}</td><td>{{.Trigger}}</td><td>{{when .StartedAt}}</td><td>{{when .FinishedAt}}</td>
<td class="{{.Outcome}}">{{.Outcome}}</td><td>{{.Attempts}}</td><td>{{.Rows}}</td><td>{{.Message}}</td></tr>
{{end}}</table></main></body></html>`))

func (s *Server) jobsPage(w http.ResponseWriter, r *http.Request) {
	if _, err := parseQuery(r); err != nil {
		s.failPage(w, r, err)
		return
	}
	u := userOf(r)
	jobs, runs, err := s.jobStatus(r.Context(), "", 100, u)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	csrf := ""
	if sess := sessionOf(r); sess != nil {
		csrf = sess.csrf
	}
	var b bytes.Buffer
	err = jobsTmpl.Execute(&b, map[string]any{"Bar": template.HTML(s.bar(r)), "Jobs": jobs, "Runs": runs,
		"Admin": u.admin() && s.opts.Scheduler != nil, "CSRF": csrf})
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	sendPage(w, http.StatusOK, b.Bytes())
}

var reportsTmpl = template.Must(template.New("reports").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>orderflow · reports</title>
<style>body{font-family:system-ui,sans-serif;margin:0}main{margin:1em 2em}li{margin:.3em 0}</style></head>
<body>{{.Bar}}<main><h1>Reports</h1>
<h2>Weekly report of {{.Week}}</h2>
<p>{{if .Scope}}For your portfolio ({{.Scope}}). {{end}}Drawn now from the figures as of {{.AsOf}}:
<a href="/reports/weekly.html">HTML</a> · <a href="/reports/weekly.xlsx">XLSX</a> · <a href="/reports/weekly.pdf">PDF</a></p>
{{if .Archive}}<h2>Sent reports</h2><ul>{{range .Archive}}<li>{{.Week}}: {{range .Files}}<a href="/reports/archive/{{.Week}}/{{.Name}}">{{.Ext}}</a> {{end}}</li>{{end}}</ul>{{end}}
</main></body></html>`))

var (
	archiveWeek = regexp.MustCompile(`^\d{4}-W\d{2}$`)
	archiveFile = regexp.MustCompile(`^weekly-\d{4}-W\d{2}\.(html|xlsx|pdf)$`)
)

type archived struct {
	Week  string
	Files []struct{ Week, Name, Ext string }
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) {
	if _, err := parseQuery(r); err != nil {
		s.failPage(w, r, err)
		return
	}
	v := s.view()
	b, err := s.readBuild(w, v)
	v.Release()
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	u := userOf(r)
	data := map[string]any{"Bar": template.HTML(s.bar(r)), "Week": models.LastCompleteWeek(b.asOf), "AsOf": b.asOf.Format(time.DateOnly)}
	if u.portfolio.Limited() {
		data["Scope"] = u.portfolio.String()
	} else {
		data["Archive"] = s.archive()
	}
	var page bytes.Buffer
	if err := reportsTmpl.Execute(&page, data); err != nil {
		s.failPage(w, r, err)
		return
	}
	sendPage(w, http.StatusOK, page.Bytes())
}

// archive lists the company reports the report job wrote, newest week first.
func (s *Server) archive() []archived {
	folder := firstNonEmpty(s.cfg.Report.Folder, "reports")
	weeks, _ := os.ReadDir(folder)
	var out []archived
	for _, wk := range weeks {
		if !wk.IsDir() || !archiveWeek.MatchString(wk.Name()) {
			continue
		}
		a := archived{Week: wk.Name()}
		files, _ := os.ReadDir(filepath.Join(folder, wk.Name()))
		for _, f := range files {
			if archiveFile.MatchString(f.Name()) {
				a.Files = append(a.Files, struct{ Week, Name, Ext string }{wk.Name(), f.Name(), strings.TrimPrefix(filepath.Ext(f.Name()), ".")})
			}
		}
		if len(a.Files) > 0 {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Week > out[j].Week })
	return out
}

// reportDownload draws the weekly report for the user's portfolio: GET
// /reports/weekly.html|xlsx|pdf?lang=fr.
func (s *Server) reportDownload(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	ext := filepath.Ext(file)
	if strings.TrimSuffix(file, ext) != "weekly" || schedule.ContentTypes[ext] == "" {
		http.NotFound(w, r)
		return
	}
	pr, ok := s.readPage(w, r)
	if !ok {
		return
	}
	defer pr.v.Release()
	lang, b := pr.lang, pr.b
	db, err := pr.v.DB(r.Context())
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	rep, err := s.weekly(r.Context(), db, b, userOf(r).portfolio, lang)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	body := rep.Files()[ext]
	if ext == ".html" {
		sendPage(w, http.StatusOK, body)
		return
	}
	w.Header().Set("Content-Type", schedule.ContentTypes[ext])
	w.Header().Set("Content-Disposition", `attachment; filename="weekly-`+rep.Week+ext+`"`)
	w.Write(body)
}

// reportArchive serves a company report the report job wrote (users without a
// portfolio only: it holds every customer).
func (s *Server) reportArchive(w http.ResponseWriter, r *http.Request) {
	if _, err := parseQuery(r); err != nil {
		s.failPage(w, r, err)
		return
	}
	if !userOf(r).admin() {
		s.failPage(w, r, forbidden("the sent reports cover the whole company; yours is at /reports/"))
		return
	}
	week, file := r.PathValue("week"), r.PathValue("file")
	if !archiveWeek.MatchString(week) || !archiveFile.MatchString(file) {
		http.NotFound(w, r)
		return
	}
	path := filepath.Join(firstNonEmpty(s.cfg.Report.Folder, "reports"), week, file)
	f, err := os.Open(path)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		http.NotFound(w, r)
		return
	}
	ext := filepath.Ext(file)
	w.Header().Set("Content-Type", schedule.ContentTypes[ext])
	if ext == ".html" {
		head := make([]byte, 64<<10)
		n, _ := f.Read(head)
		w.Header().Set("Content-Security-Policy", cspOf(head[:n]))
		f.Seek(0, 0)
	} else {
		w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	}
	http.ServeContent(w, r, file, info.ModTime(), f)
}

// weekly renders the weekly report of a portfolio once per build and language: its
// three formats are downloaded one after the other.
func (s *Server) weekly(ctx context.Context, db *sql.DB, b build, p portfolio.Portfolio, lang string) (schedule.WeeklyReport, error) {
	key := p.String() + "|" + lang
	s.reportsMu.Lock()
	defer s.reportsMu.Unlock()
	if !s.reportsBuilt.Equal(b.builtAt) {
		s.reportsBuilt, s.reports = b.builtAt, map[string]schedule.WeeklyReport{}
	}
	if rep, ok := s.reports[key]; ok {
		return rep, nil
	}
	rep, err := s.reporter.Weekly(ctx, db, s.cfg, b.asOf, p, lang)
	if err != nil {
		return rep, err
	}
	s.reports[key] = rep
	return rep, nil
}

// echartsAsset is the ECharts bundle the served pages load (dashboards.EChartsPath),
// gzipped once.
var echartsAsset = sync.OnceValues(func() (*answer, error) {
	return compressed(assets.EChartsJS(), "text/javascript; charset=utf-8", "")
})

// echarts serves the ECharts bundle of the dashboard pages. Its path names its content
// and it holds no data, so browsers keep it for good (a year, immutable): a page sent
// afterwards weighs its figures only.
func (s *Server) echarts(w http.ResponseWriter, r *http.Request) {
	a, err := echartsAsset()
	if err != nil {
		http.Error(w, "the ECharts bundle cannot be compressed", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Del("Pragma")
	sendCompressedPage(w, r, a)
}
