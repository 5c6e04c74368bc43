package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// A sanity rule is a value that reads well but is unlikely for the business: an order
// line of zero pieces, a negative price, a date decades away. By default such a row
// loads and the rule's warning is kept with the load (table load_warnings), so the
// desk checks the source; with `sanity: reject` the row goes to rejects instead.
// Invoice lines are left out: credit notes are negative by nature.
type sanityRule struct {
	entity, column string
	cond           string // SQL over the value, written as %[1]s
	reason         string
}

var sanityRules = []sanityRule{
	{"order_lines", "ordered_qty", "%[1]s <= 0", "an ordered quantity of zero or less"},
	{"order_lines", "unit_price", "%[1]s <= 0", "a unit price of zero or less"},
	{"shipments", "shipped_qty", "%[1]s <= 0", "a shipped quantity of zero or less"},
	{"shipments", "freight_cost", "%[1]s < 0", "a negative freight cost"},
	{"stock", "on_hand_qty", "%[1]s < 0", "negative stock on hand"},
	{"claims", "claimed_qty", "%[1]s < 0", "a negative claimed quantity"},
	{"claims", "cost", "%[1]s < 0", "a negative claim cost"},
}

// dateRule flags a date more than 30 years back or 10 years ahead of the load.
const (
	dateRuleCond   = "(%[1]s < current_date - INTERVAL 30 YEAR OR %[1]s > current_date + INTERVAL 10 YEAR)"
	dateRuleReason = "a date decades away (more than 30 years back or 10 years ahead)"
)

// rulesFor lists the sanity rules of an entity's columns.
func (sch schema) rulesFor(entity string) []sanityRule {
	var out []sanityRule
	for _, r := range sanityRules {
		if r.entity == entity {
			out = append(out, r)
		}
	}
	for _, c := range sch[entity] {
		if strings.EqualFold(c.Type, "DATE") {
			out = append(out, sanityRule{entity, c.Name, dateRuleCond, dateRuleReason})
		}
	}
	return out
}

// sanityChecks turns an entity's rules into reject checks (sanity: reject).
func (pc *planContext) sanityChecks(entity string, fp *fieldPlan, column, value string) {
	for _, r := range pc.schema.rulesFor(entity) {
		if r.column == fp.name {
			fp.checks = append(fp.checks, check{cond: "coalesce(" + fmt.Sprintf(r.cond, fp.expr) + ", false)", column: column, value: value, reason: r.reason})
		}
	}
}

// recordWarnings keeps the sanity warnings of the rows this load wrote, in one scan
// of each entity, and returns how many rows have one.
func recordWarnings(ctx context.Context, tx *sql.Tx, sch schema, loadID int64, path string, entities []string) (int64, error) {
	var total int64
	for _, entity := range entities {
		rules := sch.rulesFor(entity)
		if len(rules) == 0 {
			continue
		}
		var items, conds []string
		for _, r := range rules {
			cond := fmt.Sprintf(r.cond, ident(r.column))
			conds = append(conds, cond)
			// a decimal as people write it: -5, not -5.0000
			val := fmt.Sprintf("(CASE WHEN contains(CAST(%[1]s AS VARCHAR), '.') AND typeof(%[1]s) LIKE 'DECIMAL%%' THEN rtrim(rtrim(CAST(%[1]s AS VARCHAR), '0'), '.') ELSE CAST(%[1]s AS VARCHAR) END)", ident(r.column))
			items = append(items, fmt.Sprintf("CASE WHEN %s THEN {'col': %s, 'val': %s, 'reason': %s} END",
				cond, sqlString(r.column), val, sqlString(r.reason)))
		}
		var key []string
		for _, k := range canonicalKeys[entity] {
			key = append(key, "coalesce(CAST("+ident(k)+" AS VARCHAR), '')")
		}
		q := fmt.Sprintf(`INSERT INTO load_warnings
			SELECT %d, %s, w._row, %s, w.k, struct_extract(w.e, 'col'), struct_extract(w.e, 'val'), struct_extract(w.e, 'reason') FROM (
				SELECT _row, concat_ws('/', %s) AS k, unnest(list_filter([%s], x -> x IS NOT NULL)) AS e
				FROM %s WHERE _load_id = %d AND (%s)) w`,
			loadID, sqlString(path), sqlString(entity), strings.Join(key, ", "), strings.Join(items, ", "),
			ident(entity), loadID, strings.Join(conds, " OR "))
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("cannot check %s for unlikely values: %w", entity, err)
		}
	}
	if err := tx.QueryRowContext(ctx, "SELECT count(DISTINCT (entity, coalesce(CAST(row_no AS VARCHAR), record_key))) FROM load_warnings WHERE load_id = ?", loadID).Scan(&total); err != nil {
		return 0, err
	}
	return total, nil
}
