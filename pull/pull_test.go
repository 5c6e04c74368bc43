package pull

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/internal/servicetest"
	"github.com/orderflow/orderflow/store"
)

const customersCSV = "customer_id,name,country\n0000100001,Müller GmbH,DE\n0000100002,Dupont SA,FR\n"

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "of.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func count(t *testing.T, st *store.Store, query string) int {
	t.Helper()
	var n int
	if err := st.DB.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func writeAged(t *testing.T, path, body string, age time.Duration) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-age)
	os.Chtimes(path, old, old)
}

// A watched folder: a settled good file is loaded and archived; a broken one is moved
// to rejected/ with its error report and changes nothing; a file still being written
// (too recent) waits for the next pull.
func TestFolderArchivesRejectsAndWaits(t *testing.T) {
	st := openStore(t)
	in := t.TempDir()
	writeAged(t, filepath.Join(in, "customers.csv"), customersCSV, time.Minute)
	writeAged(t, filepath.Join(in, "broken.csv"), "what,is,this\n1,2,3\n", time.Minute)
	writeAged(t, filepath.Join(in, "fresh.csv"), customersCSV, 0)
	src := config.Source{Name: "drop", Folder: in, Profile: "canonical"}
	r := Source(context.Background(), st, src, Options{})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if r.Loaded != 2 || r.Rejected != 1 || !r.Changed() {
		t.Fatalf("loaded %d rows, rejected %d files: %s", r.Loaded, r.Rejected, r.Summary())
	}
	if _, err := os.Stat(filepath.Join(in, "archive", "customers.csv")); err != nil {
		t.Errorf("the loaded file is not archived: %v", err)
	}
	report, err := os.ReadFile(filepath.Join(in, "rejected", "broken.csv.error.txt"))
	if err != nil || !strings.Contains(string(report), "Nothing of this file was loaded") {
		t.Errorf("no error report beside the rejected file: %v %q", err, report)
	}
	if _, err := os.Stat(filepath.Join(in, "fresh.csv")); err != nil {
		t.Errorf("a file still settling was taken: %v", err)
	}
	if n := count(t, st, "SELECT count(*) FROM customers"); n != 2 {
		t.Errorf("%d customers, want 2", n)
	}
	// The fresh file has the same bytes: next time it is archived as already loaded.
	r = Source(context.Background(), st, config.Source{Name: "drop", Folder: in, Settle: "0s"}, Options{})
	if r.Err != nil || r.Changed() || len(r.Files) != 1 || !r.Files[0].Skipped {
		t.Fatalf("second pull: %s", r.Summary())
	}
	if _, err := os.Stat(filepath.Join(in, "archive", "fresh.csv")); err != nil {
		t.Errorf("the already-loaded file is not archived: %v", err)
	}
}

// Over HTTP: the auth header is sent (its token from the environment); an error
// status or a refused extract fails the pull and loads nothing.
func TestHTTPSendsAuthAndFailsWhole(t *testing.T) {
	t.Setenv("ERP_TOKEN", "s3cret")
	status := http.StatusOK
	body := customersCSV
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer s3cret" {
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Disposition", `attachment; filename="../customers export.csv"`)
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	st := openStore(t)
	archive := t.TempDir()
	src := config.Source{Name: "erp-api", URL: srv.URL + "/export", Headers: map[string]string{"Authorization": "Bearer ${ERP_TOKEN}"}, Archive: archive}
	r := Source(context.Background(), st, src, Options{})
	if r.Err != nil || r.Loaded != 2 {
		t.Fatalf("%s", r.Summary())
	}
	if m, _ := filepath.Glob(filepath.Join(archive, "*-customers_export.csv")); len(m) != 1 {
		t.Errorf("the fetched extract is not archived under a safe name: %v", m)
	}
	f := func(st2 int, body2, want string) {
		t.Helper()
		status, body = st2, body2
		before := count(t, st, "SELECT count(*) FROM customers")
		r := Source(context.Background(), st, src, Options{})
		if r.Err == nil || !strings.Contains(r.Err.Error(), want) {
			t.Fatalf("error %v, want %q", r.Err, want)
		}
		if after := count(t, st, "SELECT count(*) FROM customers"); after != before {
			t.Fatalf("a failed pull changed the customers: %d -> %d", before, after)
		}
	}
	f(http.StatusInternalServerError, "down for maintenance", "500")
	f(http.StatusOK, "customer_id,label\n0000100003,Half\n", "no profile recognises")
	src.Headers = nil
	f(http.StatusOK, customersCSV, "401")
}

// An ERP-like PostgreSQL schema: the pull copies the query's rows and ingests them as
// canonical order lines; a failing query loads nothing.
func TestDatabaseCopiesQueryRows(t *testing.T) {
	dsn := servicetest.PostgresDSN(t)
	ctx := context.Background()
	schema := servicetest.CreateERPSchema(t, dsn)
	st := openStore(t)
	src := config.Source{Name: "erp-db", DSN: dsn, Entity: "order_lines", Query: servicetest.ERPOrderLinesQuery(schema)}
	r := Source(ctx, st, src, Options{})
	if r.Err != nil || r.Loaded != 3 {
		t.Fatalf("%s", r.Summary())
	}
	var qty float64
	var promised time.Time
	if err := st.DB.QueryRow(`SELECT ordered_qty, promised_date FROM order_lines WHERE order_id = '0000004711' AND line_no = '000020'`).Scan(&qty, &promised); err != nil {
		t.Fatal(err)
	}
	if qty != 12.5 || promised.Format(time.DateOnly) != "2026-11-20" {
		t.Errorf("line 20: qty %v promised %v", qty, promised)
	}
	before := count(t, st, "SELECT count(*) FROM load_log")
	src.Query = "SELECT no_such_column FROM " + schema + ".vbap"
	if r := Source(ctx, st, src, Options{}); r.Err == nil || !strings.Contains(r.Err.Error(), "no_such_column") {
		t.Fatalf("error %v, want the query's error", r.Err)
	}
	if after := count(t, st, "SELECT count(*) FROM load_log"); after != before {
		t.Errorf("a failed query left a load behind")
	}
	// The query runs read-only: it cannot change the ERP.
	src.Query = "WITH d AS (DELETE FROM " + schema + ".vbap RETURNING *) SELECT * FROM d"
	if r := Source(ctx, st, src, Options{}); r.Err == nil || !strings.Contains(r.Err.Error(), "read-only") {
		t.Fatalf("error %v, want a read-only refusal", r.Err)
	}
}
