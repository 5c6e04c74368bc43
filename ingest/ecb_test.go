package ingest

import (
	"os"
	"path/filepath"
	"testing"
)

// The ECB's reference-rate files load byte for byte as published. Their format, as
// public parsers quote it (the RatesLineParserTest of a Java loader, the tests of the
// clinvoice finance crate): eurofxref-hist.csv's header is
// "Date,USD,JPY,BGN,CYP,CZK,DKK,EEK,GBP,...,ZAR," with a trailing comma on every line,
// days newest first, "N/A" for a currency without a rate that day (CYP, EEK since the
// euro); eurofxref.csv is "Date, USD, JPY, ..., ZAR, " then "03 June 2021, 1.2187, ...".
// The fixtures in testdata/ecb keep those bytes (a shortened list of currencies).
func TestECBReferenceRatesLoadAsPublished(t *testing.T) {
	st := newStore(t)
	f := func(file string, read, loaded, empty int64) {
		t.Helper()
		if filepath.Dir(file) == "." {
			file = filepath.Join("testdata", "ecb", file)
		}
		r := load(t, st, Options{}, file)[0]
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		if r.Profile != "ecb" || r.RowsRead != read || r.RowsLoaded != loaded || r.RowsRejected != 0 || r.EmptyCells != empty {
			t.Fatalf("%s: %s read %d loaded %d rejected %d N/A %d; want ecb %d %d 0 %d", file, r.Profile, r.RowsRead, r.RowsLoaded, r.RowsRejected, r.EmptyCells, read, loaded, empty)
		}
	}
	// 3 days x (8 currencies - CYP, EEK) + EUR = 3 x 7 rates; 6 N/A cells skipped
	f("eurofxref-hist.csv", 3, 3, 6)
	got := queryString(t, st, "SELECT count(*) || ' ' || count(*) FILTER (WHERE currency = 'EUR' AND rate = 1) FROM fx_rates")
	if got != "21 3" {
		t.Fatalf("fx_rates count, EUR rows: %s, want 21 3", got)
	}
	if got := queryString(t, st, "SELECT rate::VARCHAR FROM fx_rates WHERE rate_date = DATE '2026-11-30' AND currency = 'GBP'"); got != "0.851" {
		t.Fatalf("GBP on 2026-11-30: %s", got)
	}
	// the daily file, spaces after the commas and its "05 December 2026"
	f("eurofxref.csv", 1, 1, 0)
	if got := queryString(t, st, "SELECT string_agg(currency || '=' || rate, ' ' ORDER BY currency) FROM fx_rates WHERE rate_date = DATE '2026-12-05'"); got != "BGN=1.9558 CZK=25.112 DKK=7.4562 EUR=1.0 GBP=0.853 JPY=161.72 USD=1.0845" {
		t.Fatalf("rates of 2026-12-05: %s", got)
	}
	// the same file again is skipped; a newer file replaces the rates of its keys
	if r := load(t, st, Options{}, filepath.Join("testdata", "ecb", "eurofxref.csv"))[0]; !r.Skipped {
		t.Fatalf("reloaded: %+v", r)
	}
	dir := t.TempDir()
	newer := filepath.Join(dir, "eurofxref.csv")
	if err := os.WriteFile(newer, []byte("Date, USD, GBP, \n05 December 2026, 1.0900, N/A, \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f(newer, 1, 1, 1)
	if got := queryString(t, st, "SELECT string_agg(currency || '=' || rate, ' ' ORDER BY currency) FROM fx_rates WHERE rate_date = DATE '2026-12-05' AND currency IN ('USD', 'GBP', 'EUR')"); got != "EUR=1.0 GBP=0.853 USD=1.09" {
		t.Fatalf("after the newer file: %s", got)
	}
	if got := queryString(t, st, "SELECT string_agg(rows_read || '/' || rows_loaded || '/' || rows_rejected, ' ' ORDER BY load_id) FROM load_log WHERE outcome = 'loaded'"); got != "3/3/0 1/1/0 1/1/0" {
		t.Fatalf("load log: %s", got)
	}
}

// A day whose rate cannot be read is rejected whole, with the cell at fault; the other
// days load; a long (rate_date, currency, rate) file in canonical shape loads too.
func TestRatesRejectsAndLongFile(t *testing.T) {
	st := newStore(t)
	dir := t.TempDir()
	bad := writeFile(t, dir, "eurofxref-hist.csv", "Date,USD,GBP,\n2026-12-04,1.08,abc,\n2026-12-03,1.07,0.85,\n")
	r := load(t, st, Options{}, bad)[0]
	if r.Err != nil || r.RowsRead != 2 || r.RowsLoaded != 1 || r.RowsRejected != 1 {
		t.Fatalf("%+v", r)
	}
	if got := queryString(t, st, "SELECT row_no || ' ' || column_name || ' ' || raw_value FROM rejects"); got != "2 GBP abc" {
		t.Fatalf("reject: %s", got)
	}
	long := writeFile(t, dir, "rates.csv", "rate_date,currency,rate\n2026-12-04,USD,1.08\n2026-12-04,GBP,0.84\n")
	if r := load(t, st, Options{}, long)[0]; r.Err != nil || r.Profile != "canonical" || r.RowsLoaded != 2 {
		t.Fatalf("%+v", r)
	}
	if got := queryString(t, st, "SELECT count(*)::VARCHAR FROM fx_rates"); got != "5" {
		t.Fatalf("%s rates, want 5 (3 of the wide file, 2 of the long)", got)
	}
}
