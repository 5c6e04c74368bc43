package pull

import (
	"context"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/store"
)

func parseDisposition(v string) (string, map[string]string, error) { return mime.ParseMediaType(v) }

// Database runs the source's query on an ERP database (PostgreSQL), in a read-only
// transaction, copies its rows to a CSV file with COPY ... TO STDOUT (bulk, never row
// by row) and ingests that file with the source's profile (default canonical: the
// query names its columns as the canonical model, such as SELECT vbeln AS order_id).
// The file is named after the source's entity.
func Database(ctx context.Context, st *store.Store, src config.Source, opts Options) Result {
	r := Result{Source: src.Name}
	dsn := config.ExpandEnv(src.DSN)
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") && !strings.Contains(dsn, "host=") {
		r.Err = fmt.Errorf("source %s: %w", src.Name, ErrUnsupportedDatabase)
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, timeout(src))
	defer cancel()
	dir, err := os.MkdirTemp("", "orderflow-pull-")
	if err != nil {
		r.Err = err
		return r
	}
	defer os.RemoveAll(dir)
	name := unsafeName.ReplaceAllString(firstNonEmpty(src.Entity, src.Name), "_") + ".csv"
	path := filepath.Join(dir, name)
	if err := copyQuery(ctx, dsn, src.Query, path); err != nil {
		r.Err = fmt.Errorf("source %s: %w", src.Name, err)
		return r
	}
	if src.Profile == "" {
		src.Profile = "canonical"
	}
	r = loadDownloaded(ctx, st, src, opts, path, r)
	if r.Err == nil && src.Entity != "" && len(r.Files) == 1 && !r.Files[0].Skipped && !containsEntity(r.Files[0].Entities, src.Entity) {
		opts.Log.Warn("the query's rows were recognised as another entity than the source's",
			"source", src.Name, "entity", src.Entity, "loaded_as", strings.Join(r.Files[0].Entities, ","))
	}
	return r
}

func containsEntity(list []string, e string) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

// copyQuery writes the rows of query as CSV with a header to path.
func copyQuery(ctx context.Context, dsn, query, path string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("cannot connect to the ERP database %s: %w", redactURL(dsn), err)
	}
	defer conn.Close(context.Background())
	// Read only: the pull can never change the ERP, whatever its query says.
	if _, err := conn.Exec(ctx, "BEGIN TRANSACTION READ ONLY"); err != nil {
		return fmt.Errorf("cannot start a read-only transaction on the ERP database: %w", err)
	}
	defer conn.Exec(context.Background(), "ROLLBACK")
	if _, err := conn.Exec(ctx, "SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL extra_float_digits = 1"); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	q := strings.TrimRight(strings.TrimSpace(query), "; \n\t")
	// The query is the administrator's, from orderflow.yaml; it never holds request text.
	_, err = conn.PgConn().CopyTo(ctx, f, "COPY ("+q+") TO STDOUT WITH (FORMAT csv, HEADER true)")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("the ERP query failed: %w", err)
	}
	return nil
}
