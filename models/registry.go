package models

import (
	"slices"

	"github.com/orderflow/orderflow/config"
)

// Unit says how a KPI's value reads.
type Unit string

// The units of the KPIs.
const (
	UnitRatio         Unit = "ratio"           // 0..1, shown as a percentage
	UnitPercent       Unit = "percent"         // already x 100
	UnitDays          Unit = "days"            // calendar days
	UnitCount         Unit = "count"           // lines, orders, claims, SKU-sites
	UnitCurrency      Unit = "currency"        // in the reporting currency (config reporting_currency)
	UnitCurrencyPerKg Unit = "currency_per_kg" // freight cost per kilogram
)

// Direction says which way a KPI gets better.
type Direction string

// The directions of the KPIs.
const (
	Up      Direction = "up"
	Down    Direction = "down"
	Neutral Direction = "" // neither too high nor too low is good (coverage)
)

// Areas group the KPIs the way reports show them.
const (
	AreaService = "service"
	AreaStock   = "stock"
	AreaClaims  = "claims"
	AreaCosts   = "costs"
)

// KPI describes one KPI: what reports and dashboards need to show it. Its formula is
// in SQL, in the `-- kpi:` block of Model (sql/models/marts/<Model>.sql).
type KPI struct {
	Name      string
	LabelEN   string
	LabelFR   string
	Unit      Unit
	Direction Direction
	Area      string
	Model     string   // the mart that defines it
	Dims      []string // the dimensions it can be cut and filtered by
	// Per is what the denominator of a ratio counts (its `denominator:` in the SQL):
	// the population a report names beside a figure. Empty for a KPI that is no ratio.
	Per Per
}

// Per names the unit of a ratio's denominator.
type Per string

// The denominators of the ratio KPIs. A value is in the currency of the orders.
const (
	PerDueLines     Per = "due_lines"     // count of due order lines
	PerDueOrders    Per = "due_orders"    // count of due orders
	PerOrderedUnits Per = "ordered_units" // ordered quantity of the due lines
	PerOrderedValue Per = "ordered_value" // ordered quantity x unit price of the due lines
	PerLateLines    Per = "late_lines"    // count of late lines
	PerSKUSites     Per = "sku_sites"     // SKU-sites that moved (no_movement left out)
	PerShippedLines Per = "shipped_lines" // lines first shipped in the week
	PerShippedUnits Per = "shipped_units" // shipped quantity
	PerShippedValue Per = "shipped_value" // shipped value
	PerShippedKg    Per = "shipped_kg"    // shipped weight, kg
	PerClosedClaims Per = "closed_claims" // claims closed in the week
	PerOpenClaims   Per = "open_claims"   // claims open at the as-of date
)

// IsValue tells whether the denominator is an amount of money.
func (p Per) IsValue() bool { return p == PerOrderedValue || p == PerShippedValue }

// Label is the KPI's name for people, in lang (en or fr).
func (k KPI) Label(lang string) string {
	if lang == "fr" {
		return k.LabelFR
	}
	return k.LabelEN
}

// Target is the configured target of the KPI, if any (kpi.targets in orderflow.yaml).
func (k KPI) Target(cfg config.Config) (float64, bool) {
	t, ok := cfg.KPI.Targets[k.Name]
	return t, ok
}

// CanCut tells whether every given dimension applies to the KPI.
func (k KPI) CanCut(dims ...string) bool {
	for _, d := range dims {
		if !slices.Contains(k.Dims, d) {
			return false
		}
	}
	return true
}

// IsRatio tells whether the KPI is a numerator over a denominator (its JSON values
// carry both).
func (k KPI) IsRatio() bool {
	p, err := LoadProject()
	if err != nil {
		return false
	}
	return p.kpis[k.Name].formula.isRatio()
}

// dimensions is the whitelist of cuts: a --by or a filter names one of these columns.
var dimensions = []string{
	"customer", "country", "region", "bloc", "site", "family", "sku",
	"carrier", "transport_mode", "incoterm", "lane",
}

// Dimensions lists every dimension a KPI may be cut by: the contract's customer,
// country, region (EU or non-EU), site, family, sku, carrier, transport_mode and
// incoterm, plus bloc (trade bloc of the country) and lane (site > country).
func Dimensions() []string { return slices.Clone(dimensions) }

func isDimension(d string) bool { return slices.Contains(dimensions, d) }

var stockDims = []string{"site", "family", "sku"}

func kpi(name, en, fr string, unit Unit, dir Direction, area, model string) KPI {
	dims := dimensions
	if area == AreaStock {
		dims = stockDims // stock belongs to a site and SKU, not to a customer or carrier
	}
	return KPI{Name: name, LabelEN: en, LabelFR: fr, Unit: unit, Direction: dir, Area: area, Model: model, Dims: slices.Clone(dims)}
}

// per sets the unit of a ratio's denominator.
func (k KPI) per(p Per) KPI { k.Per = p; return k }

var registry = []KPI{
	kpi("service_rate", "Service rate", "Taux de service", UnitRatio, Up, AreaService, "kpi_order_lines").per(PerDueLines),
	kpi("otif_line", "OTIF (lines)", "OTIF (lignes)", UnitRatio, Up, AreaService, "kpi_order_lines").per(PerDueLines),
	kpi("on_time_line", "On time (lines)", "À l'heure (lignes)", UnitRatio, Up, AreaService, "kpi_order_lines").per(PerDueLines),
	kpi("in_full_line", "In full (lines)", "En totalité (lignes)", UnitRatio, Up, AreaService, "kpi_order_lines").per(PerDueLines),
	kpi("otif_order", "OTIF (orders)", "OTIF (commandes)", UnitRatio, Up, AreaService, "kpi_orders").per(PerDueOrders),
	kpi("perfect_order", "Perfect orders", "Commandes parfaites", UnitRatio, Up, AreaService, "kpi_orders").per(PerDueOrders),
	kpi("unit_fill_rate", "Unit fill rate", "Taux de remplissage (quantités)", UnitRatio, Up, AreaService, "kpi_order_lines").per(PerOrderedUnits),
	kpi("value_fill_rate", "Value fill rate", "Taux de remplissage (valeur)", UnitRatio, Up, AreaService, "kpi_order_lines").per(PerOrderedValue),
	kpi("backlog_lines", "Late backlog lines", "Lignes en retard", UnitCount, Down, AreaService, "kpi_backlog"),
	kpi("backlog_value", "Late backlog value", "Valeur du retard", UnitCurrency, Down, AreaService, "kpi_backlog"),
	kpi("days_late_mean", "Mean days late", "Retard moyen", UnitDays, Down, AreaService, "kpi_days_late").per(PerLateLines),
	kpi("days_late_p90", "Days late (p90)", "Retard (p90)", UnitDays, Down, AreaService, "kpi_days_late"),
	kpi("order_to_ship_days_p50", "Order to ship (median)", "Commande à expédition (médiane)", UnitDays, Down, AreaService, "kpi_order_to_ship"),
	kpi("order_to_ship_days_p90", "Order to ship (p90)", "Commande à expédition (p90)", UnitDays, Down, AreaService, "kpi_order_to_ship"),
	kpi("open_lines", "Open lines", "Lignes ouvertes", UnitCount, Neutral, AreaService, "kpi_open_lines"),
	kpi("open_order_value", "Open order value", "Valeur des commandes ouvertes", UnitCurrency, Neutral, AreaService, "kpi_open_lines"),
	kpi("delivery_event_gaps", "Delivery event gaps", "Dates de livraison suppléées", UnitCount, Down, AreaService, "kpi_order_lines"),
	kpi("coverage_days_median", "Median coverage", "Couverture médiane", UnitDays, Neutral, AreaStock, "kpi_stock_coverage"),
	kpi("share_under_coverage_target", "SKUs under coverage target", "Articles sous l'objectif de couverture", UnitRatio, Down, AreaStock, "kpi_stock_coverage").per(PerSKUSites),
	kpi("share_over_overstock", "SKUs in overstock", "Articles en surstock", UnitRatio, Down, AreaStock, "kpi_stock_coverage").per(PerSKUSites),
	kpi("projected_stockouts", "Projected stock-outs", "Ruptures prévues", UnitCount, Down, AreaStock, "kpi_stock_projection"),
	kpi("lines_at_risk", "Lines at stock-out risk", "Lignes exposées à une rupture", UnitCount, Down, AreaStock, "kpi_stock_projection"),
	kpi("stock_value_at_risk", "Order value at stock-out risk", "Valeur exposée à une rupture", UnitCurrency, Down, AreaStock, "kpi_stock_projection"),
	kpi("claim_count", "Claims opened", "Réclamations ouvertes", UnitCount, Down, AreaClaims, "kpi_claims"),
	kpi("claim_rate", "Claim rate", "Taux de réclamation", UnitPercent, Down, AreaClaims, "kpi_claim_rate").per(PerShippedLines),
	kpi("claim_cost", "Claim cost", "Coût des réclamations", UnitCurrency, Down, AreaClaims, "kpi_claims"),
	kpi("open_claims", "Open claims", "Réclamations en cours", UnitCount, Down, AreaClaims, "kpi_open_claims"),
	kpi("open_claims_age_days", "Open claims mean age", "Âge moyen des réclamations en cours", UnitDays, Down, AreaClaims, "kpi_open_claims").per(PerOpenClaims),
	kpi("mean_resolution_days", "Mean resolution time", "Délai moyen de résolution", UnitDays, Down, AreaClaims, "kpi_claim_resolution").per(PerClosedClaims),
	kpi("return_rate", "Return rate", "Taux de retour", UnitRatio, Down, AreaClaims, "kpi_claim_rate").per(PerShippedUnits),
	kpi("freight_cost", "Freight cost", "Coût du transport", UnitCurrency, Down, AreaCosts, "kpi_freight"),
	kpi("freight_cost_per_kg", "Freight cost per kg", "Coût du transport au kg", UnitCurrencyPerKg, Down, AreaCosts, "kpi_freight").per(PerShippedKg),
	kpi("freight_cost_share", "Freight share of value", "Part du transport dans la valeur", UnitRatio, Down, AreaCosts, "kpi_freight").per(PerShippedValue),
}

// Registry lists every KPI, in the order reports show them.
func Registry() []KPI { return slices.Clone(registry) }

// LookupKPI finds a KPI by name.
func LookupKPI(name string) (KPI, bool) {
	for _, k := range registry {
		if k.Name == name {
			return k, true
		}
	}
	return KPI{}, false
}

// KPINames lists the names of every KPI, in registry order.
func KPINames() []string {
	out := make([]string, len(registry))
	for i, k := range registry {
		out[i] = k.Name
	}
	return out
}
