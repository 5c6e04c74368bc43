// Package modeltest loads the small canonical fixtures of testdata/ into a store, for
// the tests of the models and of the kpi command.
package modeltest

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/orderflow/orderflow/ingest"
	"github.com/orderflow/orderflow/store"
)

// LoadCanonical loads a folder of canonical CSVs (orders.csv, order_lines.csv...: header
// = canonical column names, ISO dates) through ingest, as `orderflow ingest --profile
// canonical DIR` does. Every row must load.
func LoadCanonical(ctx context.Context, st *store.Store, dir string) error {
	res, err := ingest.Load(ctx, st, ingest.Options{Profile: "canonical"}, dir)
	if err != nil {
		return err
	}
	for _, r := range res {
		if r.Err != nil {
			return fmt.Errorf("cannot load %s: %w", r.Path, r.Err)
		}
		if r.RowsRejected > 0 {
			return fmt.Errorf("%s: %d rows rejected", r.Path, r.RowsRejected)
		}
	}
	return nil
}

// LoadCanonicalRaw loads the same folder straight with read_csv, without ingest's
// checks: quicker for the large generated extracts of the benchmarks.
func LoadCanonicalRaw(ctx context.Context, st *store.Store, dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no CSV file in %s", dir)
	}
	for i, f := range files {
		entity := strings.TrimSuffix(filepath.Base(f), ".csv")
		if strings.HasPrefix(entity, "eurofxref") { // the ECB's rates, wide: ingest unpivots them
			res, err := ingest.Load(ctx, st, ingest.Options{}, f)
			if err == nil && res[0].Err != nil {
				err = res[0].Err
			}
			if err != nil {
				return fmt.Errorf("cannot load %s: %w", f, err)
			}
			continue
		}
		abs, err := filepath.Abs(f)
		if err != nil {
			return err
		}
		cols := "*"
		if entity == "documents" { // '' marks an order-level document
			cols = "* REPLACE (coalesce(shipment_id, '') AS shipment_id)"
		}
		q := fmt.Sprintf(`INSERT INTO %s BY NAME SELECT %s, %d AS _load_id, row_number() OVER () AS _row
			FROM read_csv('%s', header = true, all_varchar = true)`, entity, cols, i+1, strings.ReplaceAll(abs, "'", "''"))
		if _, err := st.DB.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("cannot load %s: %w", f, err)
		}
	}
	return nil
}
