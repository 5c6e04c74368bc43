package anomalies

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/models"
)

// facts is one row of anomaly_list: the columns every anomaly has and the facts of its
// code, by column name (NULL columns hold nil).
type facts map[string]any

func (f facts) has(k string) bool { return f[k] != nil }

func (f facts) str(k string) string {
	switch v := f[k].(type) {
	case nil:
		return ""
	case string:
		return v
	case time.Time:
		return v.Format(time.DateOnly)
	}
	return fmt.Sprint(f[k])
}

func (f facts) float(k string) float64 {
	switch v := f[k].(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	case int:
		return float64(v)
	}
	return 0
}

func (f facts) int(k string) int64 {
	switch v := f[k].(type) {
	case int64:
		return v
	case int:
		return int64(v)
	case float64:
		return int64(math.Round(v))
	}
	return 0
}

func (f facts) bool(k string) bool {
	b, _ := f[k].(bool)
	return b
}

func (f facts) date(k string) time.Time {
	t, _ := f[k].(time.Time)
	return t
}

func (f facts) isoDate(k string) string {
	if t := f.date(k); !t.IsZero() {
		return t.Format(time.DateOnly)
	}
	return ""
}

// in formats the facts in a language.
func (f facts) in(lang string) say { return say{f: f, lang: lang} }

// say writes facts the way a person of its language reads them.
type say struct {
	f    facts
	lang string
}

func (s say) fr() bool               { return s.lang == i18n.FR }
func (s say) has(k string) bool      { return s.f.has(k) }
func (s say) str(k string) string    { return s.f.str(k) }
func (s say) float(k string) float64 { return s.f.float(k) }
func (s say) int(k string) int64     { return s.f.int(k) }
func (s say) bool(k string) bool     { return s.f.bool(k) }
func (s say) date(k string) string   { return i18n.Date(s.lang, s.f.date(k)) }
func (s say) pick(en, fr string) string {
	if s.fr() {
		return fr
	}
	return en
}

// qty writes a quantity: whole numbers without decimals.
func (s say) qty(k string) string { return s.num(s.f.float(k)) }

func (s say) num(v float64) string {
	if v == math.Trunc(v) {
		return i18n.Number(s.lang, v, 0)
	}
	return i18n.Number(s.lang, v, 2)
}

// money writes an amount in the anomaly's currency (its document's: messages and
// remedies speak the currency the invoice or credit note will be in). The value at
// stake in it is value_at_stake_doc; value_at_stake is that value converted to the
// reporting currency (a row without value_at_stake_doc predates the conversion).
func (s say) money(k string) string {
	if k == "value_at_stake_doc" && !s.has(k) {
		k = "value_at_stake"
	}
	return s.amount(s.f.float(k))
}

// stake writes the value at stake in the reporting currency, with the document's
// amount where its currency differs ("€3,690 (USD 4,000)"), or the document's amount
// and "no rate" when it could not be converted.
func (s say) stake() string {
	rc, cur := s.str("reporting_currency"), s.str("currency")
	if s.bool("fx_missing") {
		return s.money("value_at_stake_doc") + s.pick(" (no exchange rate)", " (pas de taux de change)")
	}
	v := s.float("value_at_stake")
	if rc == "" || cur == "" || cur == rc {
		return s.amount(v)
	}
	decimals := 0
	if math.Abs(v) < 100 && v != math.Trunc(v) {
		decimals = 2
	}
	return i18n.Money(s.lang, v, rc, decimals) + " (" + s.money("value_at_stake_doc") + ")"
}

func (s say) amount(v float64) string {
	decimals := 0
	if math.Abs(v) < 100 && v != math.Trunc(v) {
		decimals = 2
	}
	return i18n.Money(s.lang, v, s.f.str("currency"), decimals)
}

// days writes a number of days: "1 day", "12 days" / "1 jour", "12 jours".
func (s say) days(n int64) string {
	if s.fr() {
		if n == 1 || n == -1 {
			return fmt.Sprintf("%d jour", n)
		}
		return fmt.Sprintf("%d jours", n)
	}
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d day", n)
	}
	return fmt.Sprintf("%d days", n)
}

// lines writes a count of order lines: "1 line", "2 lines" / "1 ligne", "2 lignes".
func (s say) lines(n int64) string {
	word := s.pick("line", "ligne")
	if n != 1 {
		word += "s"
	}
	return fmt.Sprintf("%d %s", n, word)
}

// line names an order line: "order 0010000123 line 20 (CBL-10013)", "la ligne 20 de
// la commande 0010000123 (CBL-10013)".
func (s say) line() string {
	var out string
	switch {
	case !s.has("line_no"):
		out = s.pick("order ", "la commande ") + s.str("order_id")
	case s.fr():
		out = "la ligne " + s.str("line_no") + " de la commande " + s.str("order_id")
	default:
		out = "order " + s.str("order_id") + " line " + s.str("line_no")
	}
	if s.has("sku") {
		out += " (" + s.str("sku") + ")"
	}
	return out
}

// capital upper-cases the first letter.
func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// priorityReason shows how the priority was reached: urgency x value x weight.
func (s say) priorityReason() string {
	var parts []string
	d := s.days(s.int("days"))
	switch s.str("urgency_basis") {
	case "due_in":
		parts = append(parts, fmt.Sprintf("%s (×%s)",
			s.pick("due in "+s.days(s.int("days_left")), "échéance dans "+s.days(s.int("days_left"))),
			i18n.Number(s.lang, s.float("urgency"), 2)))
	case "late":
		parts = append(parts, s.pick(d+" late", d+" de retard"))
	case "overdue":
		parts = append(parts, s.pick(d+" overdue", d+" de dépassement"))
	default:
		parts = append(parts, s.pick("no deadline (×1)", "sans échéance (×1)"))
	}
	if math.Max(s.float("value_at_stake"), s.float("value_at_stake_doc")) >= 1 {
		parts = append(parts, s.stake())
	} else {
		parts = append(parts, s.pick("no value at stake (×1)", "pas de montant en jeu (×1)"))
	}
	parts = append(parts, s.pick("weight ", "poids ")+i18n.Number(s.lang, s.float("customer_weight"), -1))
	return strings.Join(parts, " × ")
}

// kpiValue writes a value in the unit of a KPI.
func (s say) kpiValue(k models.KPI, v float64) string {
	switch k.Unit {
	case models.UnitRatio:
		return i18n.Percent(s.lang, v, 1)
	case models.UnitPercent:
		return i18n.Number(s.lang, v, 2) + i18n.NumberStyle(s.lang).PercentSep + "%"
	case models.UnitDays:
		return i18n.Days(s.lang, v, 1)
	case models.UnitCount:
		return i18n.Number(s.lang, v, 0)
	}
	return i18n.Number(s.lang, v, 2)
}

func langOf(lang string) string {
	if l, err := i18n.Parse(lang); err == nil {
		return l
	}
	return i18n.EN
}
