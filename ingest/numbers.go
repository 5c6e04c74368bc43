package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
)

// numberSample is how many distinct values of each number column decide a file's
// decimal notation.
const numberSample = 2000

var (
	numberLikeRE = regexp.MustCompile(`^[+-]?[0-9][0-9.,' \x{00a0}\x{202f}]*-?$`)
	lastGroupRE  = regexp.MustCompile(`[.,]([0-9]*)-?$`)
)

// detectNotation reads the decimal and thousands separators of a file whose profile
// says `decimal: auto` (SAP lists, written in the notation of the user who saved them:
// 1.234,56 or 1,234.56 or 1 234,56) from the values of its number columns:
//   - a value with both '.' and ',' has its decimal separator last ("1.250,00");
//   - a separator written twice is the thousands one ("1,000,000");
//   - a single separator followed by other than three digits is the decimal one;
//   - a single separator followed by three digits ("100,000") is read as decimal too:
//     SAP writes every quantity with its three decimals, so 100 is "100,000" in one
//     notation and "100.000" in the other.
//
// Votes of the first three kinds win over the last; with none, fallback stands.
func detectNotation(ctx context.Context, conn *sql.Conn, cols []string, fallback string) (decimal, thousands string, err error) {
	strong := map[string]int{}
	weak := map[string]int{}
	spaces := false
	for _, col := range cols {
		rows, err := conn.QueryContext(ctx, fmt.Sprintf("SELECT DISTINCT trim(%s) FROM raw WHERE %s IS NOT NULL LIMIT %d", col, col, numberSample))
		if err != nil {
			return "", "", err
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return "", "", err
			}
			if !numberLikeRE.MatchString(v) {
				continue
			}
			if strings.ContainsAny(strings.TrimSpace(v), " \u00a0\u202f'") {
				spaces = spaces || strings.ContainsAny(v, " \u00a0\u202f")
			}
			dots, commas := strings.Count(v, "."), strings.Count(v, ",")
			switch {
			case dots > 0 && commas > 0:
				if strings.LastIndex(v, ",") > strings.LastIndex(v, ".") {
					strong[","]++
				} else {
					strong["."]++
				}
			case dots > 1:
				strong[","]++
			case commas > 1:
				strong["."]++
			case dots == 1 || commas == 1:
				sep := "."
				if commas == 1 {
					sep = ","
				}
				if m := lastGroupRE.FindStringSubmatch(v); m != nil && len(m[1]) != 3 {
					strong[sep]++
				} else {
					weak[sep]++
				}
			}
		}
		rows.Close()
	}
	decimal = fallback
	switch {
	case strong["."] != strong[","]:
		decimal = pickMore(strong)
	case weak["."] != weak[","]:
		decimal = pickMore(weak)
	}
	thousands = "."
	if decimal == "." {
		thousands = ","
	}
	if spaces {
		thousands = " "
	}
	return decimal, thousands, nil
}

func pickMore(votes map[string]int) string {
	if votes["."] > votes[","] {
		return "."
	}
	return ","
}
