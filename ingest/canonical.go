package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
)

// canonicalKeys are the business keys of the canonical entities (domain.md). A newer
// extract replaces the rows whose key it carries.
var canonicalKeys = map[string][]string{
	"customers":   {"customer_id"},
	"products":    {"sku"},
	"orders":      {"order_id"},
	"order_lines": {"order_id", "line_no"},
	"shipments":   {"shipment_id", "order_id", "line_no"},
	"invoices":    {"invoice_id", "order_id", "line_no"},
	"stock":       {"snapshot_date", "site", "sku"},
	"claims":      {"claim_id"},
	"documents":   {"order_id", "shipment_id", "doc_type"},
	"fx_rates":    {"rate_date", "currency"},
}

// CanonicalKeys returns the business key of a canonical entity (nil when there is no
// such entity): the build marks the rows a later row of the same key in the same load
// replaces (models).
func CanonicalKeys(entity string) []string { return canonicalKeys[entity] }

// entityOrder is the order files of one folder are loaded in: masters before transactions.
var entityOrder = []string{"customers", "products", "orders", "order_lines", "shipments", "invoices", "stock", "claims", "documents", "fx_rates"}

func entityNames() []string {
	out := make([]string, 0, len(canonicalKeys))
	for k := range canonicalKeys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// column is one column of a canonical table as the catalog declares it.
type column struct {
	Name     string
	Type     string // DuckDB type: VARCHAR, DATE, DECIMAL(18,4), INTEGER...
	Required bool   // NOT NULL
}

// schema is the canonical tables' columns, read from the catalog so that the SQL
// migrations stay the one definition of the model.
type schema map[string][]column

func readSchema(ctx context.Context, db *sql.DB) (schema, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT table_name, column_name, data_type, is_nullable = 'NO'
		FROM information_schema.columns
		WHERE table_schema = 'main' AND column_name NOT IN ('_load_id', '_row', '_superseded')
		ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("cannot read the canonical schema: %w", err)
	}
	defer rows.Close()
	s := schema{}
	for rows.Next() {
		var table string
		var c column
		if err := rows.Scan(&table, &c.Name, &c.Type, &c.Required); err != nil {
			return nil, err
		}
		if _, ok := canonicalKeys[table]; ok {
			s[table] = append(s[table], c)
		}
	}
	return s, rows.Err()
}

func (s schema) column(entity, name string) (column, bool) {
	for _, c := range s[entity] {
		if c.Name == name {
			return c, true
		}
	}
	return column{}, false
}
