package server

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/xuri/excelize/v2"

	"github.com/orderflow/orderflow/dashboards"
	"github.com/orderflow/orderflow/models"
)

// customerID finds the generated customers' numbers (0000100000 and up) standing alone.
var customerID = regexp.MustCompile(`(?:^|[^0-9])(00001\d{5})(?:[^0-9]|$)`)

// pdfXref is an entry of a PDF's cross-reference table: offset, generation, n or f.
var pdfXref = regexp.MustCompile(`(?m)^\d{10} \d{5} [nf]\s*$`)

// text is everything a person or a program could read in an answer: the body, its
// HTML and JSON unescaped, the cells of a workbook, the strings of an Arrow stream.
func text(t *testing.T, resp *http.Response, body []byte) string {
	t.Helper()
	var b strings.Builder
	if strings.Contains(resp.Header.Get("Content-Type"), "pdf") {
		// A PDF's cross-reference table holds byte offsets written on ten digits,
		// which read as customer numbers: leave them out.
		body = pdfXref.ReplaceAll(body, nil)
	}
	b.Write(body)
	b.WriteString("\n" + html.UnescapeString(string(body)))
	var v any
	if json.Unmarshal(body, &v) == nil {
		var walk func(any)
		walk = func(v any) {
			switch x := v.(type) {
			case string:
				b.WriteString("\n" + x)
			case []any:
				for _, e := range x {
					walk(e)
				}
			case map[string]any:
				for k, e := range x {
					b.WriteString("\n" + k)
					walk(e)
				}
			}
		}
		walk(v)
	}
	switch ct := resp.Header.Get("Content-Type"); {
	case strings.Contains(ct, "spreadsheetml"):
		x, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("the workbook does not open: %v", err)
		}
		for _, sheet := range x.GetSheetList() {
			rows, _ := x.GetRows(sheet)
			for _, r := range rows {
				b.WriteString("\n" + strings.Join(r, "\t"))
			}
		}
		x.Close()
	case ct == ArrowStream:
		r, err := ipc.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("the Arrow stream does not open: %v", err)
		}
		for r.Next() {
			rec := r.RecordBatch()
			for _, col := range rec.Columns() {
				if s, ok := col.(*array.String); ok {
					for i := 0; i < s.Len(); i++ {
						b.WriteString("\n" + s.Value(i))
					}
				}
			}
		}
		r.Release()
	}
	return b.String()
}

// A user limited to two customers sees nothing of the others: in no page, API route,
// export format or report, whatever the cut; a filter value outside the portfolio is
// refused; so are the company-wide archive and the jobs' controls.
func TestPortfolioUserSeesOnlyTheirCustomers(t *testing.T) {
	st := builtStore(t)
	ctx := context.Background()
	week := models.LastCompleteWeek(asOf)
	vals, err := models.Query(ctx, st.DB, models.KPIQuery{KPIs: []string{"otif_line"}, From: week, To: week, By: []string{"customer"}})
	if err != nil || len(vals) < 5 {
		t.Fatalf("reference: %d values, %v", len(vals), err)
	}
	sort.Slice(vals, func(i, j int) bool { return *vals[i].Denominator > *vals[j].Denominator })
	mine := []string{vals[0].Dims["customer"], vals[1].Dims["customer"]}
	names := map[string]string{}
	rows, err := st.DB.Query("SELECT customer_id, any_value(name) FROM stg_customers GROUP BY customer_id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, name string
		rows.Scan(&id, &name)
		names[id] = name
	}
	rows.Close()
	myNames := map[string]bool{names[mine[0]]: true, names[mine[1]]: true}
	var theirNames []string
	for id, n := range names {
		if id != mine[0] && id != mine[1] && !myNames[n] && len(n) > 6 {
			theirNames = append(theirNames, n)
		}
	}
	_, ts := testServer(t, st, usersConfig(mine...), "0.0.0.0:8080", nil)
	key := &client{t: t, base: ts.URL, token: keyToken}
	anna := &client{t: t, base: ts.URL, token: annaToken}

	routes := []string{
		"/api/me", "/api/kpis", "/api/jobs",
		"/api/kpi", "/api/kpi?by=customer", "/api/kpi?by=customer,country&format=csv", "/api/kpi?by=customer&format=arrow",
		"/api/kpi?by=country&from=2026-W30&to=" + week, "/api/kpi?by=carrier&kpi=otif_line,claim_count",
		"/api/explain?kpi=otif_line", "/api/explain?kpi=otif_line&format=csv", "/api/explain?kpi=backlog_value&format=arrow",
		"/api/explain?kpi=claim_count&customer=" + mine[0],
		"/api/anomalies", "/api/anomalies?format=csv", "/api/anomalies?format=arrow&severity=high",
		"/reports/", "/reports/weekly.html", "/reports/weekly.xlsx", "/reports/weekly.pdf", "/jobs",
	}
	for _, p := range dashboards.Pages {
		routes = append(routes, "/dashboards/"+p.ID+".html")
	}
	routes = append(routes, "/dashboards/overview.html?lang=fr&customer="+mine[1])
	sawMine := false
	for _, route := range routes {
		resp, body := key.get(route)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s as key-account: %d %s", route, resp.StatusCode, body)
		}
		all := text(t, resp, body)
		for _, m := range customerID.FindAllStringSubmatch(all, -1) {
			if m[1] != mine[0] && m[1] != mine[1] {
				t.Fatalf("GET %s shows customer %s outside the portfolio %v", route, m[1], mine)
			}
			sawMine = true
		}
		for _, n := range theirNames {
			if strings.Contains(all, n) {
				t.Fatalf("GET %s shows the name of another customer: %q", route, n)
			}
		}
	}
	if !sawMine {
		t.Fatal("the portfolio's own customers appear nowhere: the test checks nothing")
	}
	// The limited user's report and dashboards are the full ones (package reports),
	// filtered: every section, and the report says which portfolio it covers.
	_, weekly := key.get("/reports/weekly.html")
	for _, section := range []string{`class="tiles"`, "data-scope", mine[0]} {
		if !bytes.Contains(weekly, []byte(section)) {
			t.Errorf("the key-account's weekly report lacks %q", section)
		}
	}
	if _, overview := key.get("/dashboards/overview.html"); !bytes.Contains(overview, []byte(mine[0])) && !bytes.Contains(overview, []byte(names[mine[0]])) {
		t.Errorf("the key-account's overview shows nothing of its customer %s", mine[0])
	}
	// The same routes show other customers to an unlimited user: the check has teeth.
	resp, body := anna.get("/api/kpi?by=customer")
	others := 0
	for _, m := range customerID.FindAllStringSubmatch(text(t, resp, body), -1) {
		if m[1] != mine[0] && m[1] != mine[1] {
			others++
		}
	}
	if others == 0 {
		t.Fatal("an unlimited user sees no other customer either")
	}

	other := vals[2].Dims["customer"]
	for _, route := range []string{
		"/api/kpi?customer=" + other, "/api/kpi?by=customer&customer=" + mine[0] + "," + other,
		"/api/explain?kpi=otif_line&customer=" + other, "/api/anomalies?customer=" + other,
		"/dashboards/overview.html?customer=" + other, "/api/kpi?customer=0000199999",
		"/api/explain?kpi=coverage_days_median", // stock is not per customer: it would show everyone's
		"/reports/archive/" + week + "/weekly-" + week + ".xlsx",
	} {
		if resp, body := key.get(route); resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s as key-account: %d %s, want 403", route, resp.StatusCode, body)
		}
	}
	if resp, _ := key.do("POST", "/api/jobs/pull/run", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("key-account may run jobs: %d", resp.StatusCode)
	}
}

// The Arrow stream of the KPI API holds the same figures as its JSON.
func TestKPIArrowStreamMatchesJSON(t *testing.T) {
	_, ts := testServer(t, builtStore(t), usersConfig(), "127.0.0.1:0", nil)
	c := &client{t: t, base: ts.URL, token: annaToken}
	_, body := c.get("/api/kpi?by=country&kpi=otif_line,claim_count")
	var want []models.KPIValue
	if err := json.Unmarshal(body, &want); err != nil || len(want) == 0 {
		t.Fatalf("JSON: %v %s", err, body)
	}
	resp, body := c.get("/api/kpi?by=country&kpi=otif_line,claim_count&format=arrow")
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.apache.arrow.stream" {
		t.Fatalf("content type %q", ct)
	}
	r, err := ipc.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if got := r.Schema().Field(2).Name; got != "country" {
		t.Fatalf("third column %q", got)
	}
	n := 0
	for r.Next() {
		rec := r.RecordBatch()
		kpi := rec.Column(0).(*array.String)
		country := rec.Column(2).(*array.String)
		value := rec.Column(3).(*array.Float64)
		for i := 0; i < int(rec.NumRows()); i++ {
			w := want[n]
			if kpi.Value(i) != w.KPI || country.Value(i) != w.Dims["country"] || (w.Value == nil) != value.IsNull(i) || (w.Value != nil && value.Value(i) != *w.Value) {
				t.Fatalf("row %d: %s %s %v, want %+v", n, kpi.Value(i), country.Value(i), value.Value(i), w)
			}
			n++
		}
	}
	if n != len(want) {
		t.Fatalf("%d rows, want %d", n, len(want))
	}
	resp, body = c.get("/api/kpi?by=country&kpi=otif_line&format=csv")
	if !strings.HasPrefix(string(body), "kpi,week,country,value,numerator,denominator,unit\n") || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("CSV: %s", body[:min(len(body), 200)])
	}
}

// Injection attempts in every parameter of every route are refused with an error,
// and the database is as it was.
func TestInjectionAttemptsAreRefusedAndChangeNothing(t *testing.T) {
	st := builtStore(t)
	_, ts := testServer(t, st, usersConfig(), "127.0.0.1:0", nil)
	c := &client{t: t, base: ts.URL, token: annaToken}
	before := fingerprint(t, st.DB)
	payloads := []string{
		`' OR '1'='1`, `x'; DROP TABLE orders; --`, `otif_line; DELETE FROM customers`,
		`customer") UNION SELECT name FROM customers --`, `2026-W47' --`, `1 OR 1=1`,
		`../../etc/passwd`, "DE\x00", `<script>alert(1)</script>`, strings.Repeat("A", 5000),
		`"; ATTACH '/tmp/x.db' AS x; --`, `json' UNION ALL SELECT 1--`,
	}
	endpoints := map[string][]string{
		"/api/kpi":                  {"kpi", "from", "to", "by", "format", "customer", "country", "site", "carrier"},
		"/api/explain":              {"kpi", "week", "format", "customer", "incoterm"},
		"/api/anomalies":            {"severity", "code", "status", "state", "list", "limit", "format", "lang", "customer", "site"},
		"/api/jobs":                 {"job", "limit"},
		"/dashboards/overview.html": {"lang", "customer", "site", "transport_mode"},
		"/reports/weekly.xlsx":      {"lang"},
	}
	for path, params := range endpoints {
		for _, p := range append(params, "unknown' OR 1=1 --") {
			for _, bad := range payloads {
				q := url.Values{}
				if path == "/api/explain" && p != "kpi" {
					q.Set("kpi", "otif_line")
				}
				q.Set(p, bad)
				resp, body := c.get(path + "?" + q.Encode())
				if resp.StatusCode < 400 || resp.StatusCode >= 500 {
					t.Fatalf("GET %s?%s=%.60q: %d %s, want a 4xx error", path, p, bad, resp.StatusCode, body[:min(len(body), 300)])
				}
			}
		}
	}
	for _, bad := range payloads {
		esc := url.PathEscape(bad)
		for _, path := range []string{"/dashboards/" + esc + ".html", "/reports/archive/" + esc + "/weekly-2026-W47.pdf", "/reports/archive/2026-W47/" + esc, "/reports/" + esc} {
			if resp, _ := c.get(path); resp.StatusCode < 400 || resp.StatusCode >= 500 {
				t.Fatalf("GET %s: %d, want a 4xx error", path, resp.StatusCode)
			}
		}
		if resp, _ := c.do("POST", "/api/jobs/"+esc+"/run", nil); resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Fatalf("POST run %.60q: %d", bad, resp.StatusCode)
		}
		form := url.Values{"user": {bad}, "password": {bad}}
		browser := &client{t: t, base: ts.URL}
		if resp, _ := browser.do("POST", "/login", strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded"); resp.StatusCode < 400 || resp.StatusCode >= 500 || len(resp.Cookies()) > 0 {
			t.Fatalf("login with %.60q: %d", bad, resp.StatusCode)
		}
	}
	if after := fingerprint(t, st.DB); after != before {
		t.Fatalf("the database changed:\n%s\n%s", before, after)
	}
}

// fingerprint lists every table and view of the store with its row count.
func fingerprint(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query(`SELECT table_name, table_type FROM information_schema.tables
		WHERE table_catalog = current_database() AND table_schema = 'main' ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	var names, kinds []string
	for rows.Next() {
		var n, k string
		rows.Scan(&n, &k)
		names, kinds = append(names, n), append(kinds, k)
	}
	rows.Close()
	var b strings.Builder
	for i, n := range names {
		var count int64
		if kinds[i] == "BASE TABLE" {
			db.QueryRow(`SELECT count(*) FROM "` + n + `"`).Scan(&count)
		}
		fmt.Fprintf(&b, "%s %s %d\n", n, kinds[i], count)
	}
	return b.String()
}
