package ingest

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The ECB's euro reference rates load as the ECB publishes them, one row per business
// day and one column per currency (units of the currency per euro):
//   - eurofxref-hist.csv: "Date,USD,JPY,BGN,CYP,...,ZAR," (a trailing comma on every
//     line), newest day first, dates 2026-12-04, "N/A" where a currency had no rate
//     that day (CYP after 2007, ...);
//   - eurofxref.csv (the day's rates): "Date, USD, JPY, ..., ZAR, " with a space after
//     each comma and a date written "04 December 2026".
// Each day's cells are unpivoted to fx_rates rows (rate_date, currency, rate), with
// EUR = 1 added for the day. Row accounting counts the file's day rows: a day loads, or
// is rejected whole when its date or one of its rates cannot be read; an N/A or empty
// cell is no rate, neither loaded nor rejected, and is counted in EmptyCells.

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// ecbHeader tells whether the first line of path is an ECB reference-rate header, and
// returns the currency codes of its columns after Date.
func ecbHeader(path string) ([]string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	line, err := bufio.NewReader(io.LimitReader(f, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, false
	}
	fields := strings.Split(strings.TrimRight(strings.TrimPrefix(line, "\ufeff"), "\r\n"), ",")
	if len(fields) < 2 || strings.TrimSpace(fields[0]) != "Date" {
		return nil, false
	}
	var codes []string
	for i, f := range fields[1:] {
		f = strings.TrimSpace(f)
		if f == "" && i == len(fields)-2 {
			break // the trailing comma
		}
		if !currencyCode.MatchString(f) {
			return nil, false
		}
		codes = append(codes, f)
	}
	return codes, len(codes) > 0
}

// ecbDate reads both the history's 2026-12-04 and the daily file's "04 December 2026".
func ecbDate(s string) (time.Time, error) {
	for _, layout := range []string{time.DateOnly, "02 January 2006", "2 January 2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date (2026-12-04 or 04 December 2026)")
}

type ecbReject struct {
	row           int64
	column, value string
	reason        string
}

// loadECB loads an ECB reference-rate file into fx_rates (replacing the rates of the
// days and currencies it carries) in one transaction, with its load_log row.
func (l *loader) loadECB(ctx context.Context, path string, codes []string, fi fileInfo, res *FileResult) error {
	res.Profile, res.FileSpec, res.Entities = "ecb", "ecb_reference_rates", []string{"fx_rates"}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord, r.TrimLeadingSpace, r.ReuseRecord = -1, true, true
	if _, err := r.Read(); err != nil {
		return fmt.Errorf("cannot read the header: %w", err)
	}
	tmp, err := os.CreateTemp("", "orderflow-fx-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	var rejects []ecbReject
	var rates int64
	for row := int64(2); ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			tmp.Close()
			return fmt.Errorf("cannot read row %d: %w", row, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			row--
			continue // a blank line is no row
		}
		res.RowsRead++
		day, err := ecbDate(strings.TrimSpace(rec[0]))
		if err != nil {
			rejects = append(rejects, ecbReject{row, "Date", rec[0], err.Error()})
			continue
		}
		var out []string
		var bad *ecbReject
		empty := int64(0)
		for i, code := range codes {
			v := ""
			if i+1 < len(rec) {
				v = strings.TrimSpace(rec[i+1])
			}
			if v == "" || strings.EqualFold(v, "N/A") {
				empty++
				continue
			}
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || x <= 0 {
				bad = &ecbReject{row, code, v, "not a rate (a positive number such as 1.0832, or N/A)"}
				break
			}
			out = append(out, fmt.Sprintf("%s,%s,%s,%d\n", day.Format(time.DateOnly), code, v, row))
		}
		if bad != nil {
			rejects = append(rejects, *bad)
			continue
		}
		res.EmptyCells += empty
		out = append(out, fmt.Sprintf("%s,EUR,1,%d\n", day.Format(time.DateOnly), row))
		for _, s := range out {
			w.WriteString(s)
		}
		rates += int64(len(out))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	res.RowsRejected = int64(len(rejects))
	res.RowsLoaded = res.RowsRead - res.RowsRejected
	if err := l.conn.QueryRowContext(ctx, "SELECT nextval('load_id_seq')").Scan(&res.LoadID); err != nil {
		return err
	}
	started := time.Now().UTC()
	tx, err := l.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	src := fmt.Sprintf(`read_csv(%s, header = false, columns = {'rate_date': 'DATE', 'currency': 'VARCHAR', 'rate': 'DOUBLE', '_row': 'BIGINT'})`, sqlString(tmp.Name()))
	if rates > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM fx_rates USING (SELECT DISTINCT rate_date, currency FROM `+src+`) n
			WHERE fx_rates.rate_date = n.rate_date AND fx_rates.currency = n.currency`); err != nil {
			return fmt.Errorf("cannot replace fx_rates rows: %w", err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO fx_rates (rate_date, currency, rate, _load_id, _row) SELECT rate_date, currency, rate, %d, _row FROM %s`, res.LoadID, src)); err != nil {
			return fmt.Errorf("cannot insert fx_rates rows: %w", err)
		}
	}
	for _, rj := range rejects {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rejects VALUES (?, ?, ?, 'fx_rates', ?, ?, ?)`, res.LoadID, path, rj.row, rj.column, rj.value, rj.reason); err != nil {
			return err
		}
	}
	outcome := "loaded"
	if res.RowsRejected > 0 {
		outcome = "partial"
	}
	msg := fmt.Sprintf("%d rates of %d days (EUR = 1 added); %d cells without a rate (N/A) skipped", rates, res.RowsLoaded, res.EmptyCells)
	if _, err := tx.ExecContext(ctx, `INSERT INTO load_log VALUES (?, ?, ?, 'ecb', 'ecb_reference_rates', 'fx_rates', ?, ?, ?, ?, ?, ?, ?)`,
		res.LoadID, path, fi.checksum, res.RowsRead, res.RowsLoaded, res.RowsRejected, started, time.Now().UTC(), outcome, msg); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("cannot load %s: %w", filepath.Base(path), err)
	}
	return nil
}
