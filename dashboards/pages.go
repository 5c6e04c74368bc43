package dashboards

// Page is one dashboard file: an id (its file name), a title and blocks laid
// out in a two-column grid.
type Page struct {
	ID       string // file name without ".html"
	TitleKey string // i18n key; "<TitleKey>.subtitle" is the line under it
	Blocks   []Block
}

// Block kinds.
const (
	KindTiles     = "tiles"     // headline tiles: week value, vs last week, vs target, 13-week sparkline
	KindTrend     = "trend"     // KPIs week by week (lines, or bars for the KPIs in Bars), zoomable
	KindBreakdown = "breakdown" // one KPI over the period by a dimension, worst first
	KindPareto    = "pareto"    // a count by a dimension, largest first, with the cumulative share
	KindControl   = "control"   // a control chart of one KPI with its limits and signals
	KindRanking   = "ranking"   // a table of dimension values with several KPIs, worst first
	KindSignals   = "signals"   // the control-chart signals of the period
	KindActions   = "actions"   // the action plan
)

// Block is a card of a page.
type Block struct {
	Kind     string
	TitleKey string
	KPIs     []string
	Bars     []string // trend: KPIs drawn as bars rather than lines
	By       []string // breakdown, pareto, ranking: the dimensions to cut by, first shown first
	Top      int      // breakdown, pareto, ranking: how many values to keep
	Wide     bool     // spans both columns
}

// FilterDims are the dimensions of the filter bar, in display order.
var FilterDims = []string{"site", "customer", "country", "carrier", "transport_mode", "incoterm"}

// Pages are the dashboard pages, in navigation order.
var Pages = []Page{
	{ID: "overview", TitleKey: "page.overview", Blocks: []Block{
		{Kind: KindTiles, TitleKey: "block.headline", Wide: true, KPIs: []string{
			"service_rate", "otif_order", "unit_fill_rate", "backlog_value",
			"days_late_mean", "coverage_days_median", "claim_rate", "freight_cost_per_kg"}},
		{Kind: KindTrend, TitleKey: "block.service_trend", Wide: true, KPIs: []string{"service_rate", "otif_order", "unit_fill_rate"}},
		{Kind: KindBreakdown, TitleKey: "block.backlog_breakdown", KPIs: []string{"backlog_value"},
			By: []string{"customer", "country", "site", "carrier", "transport_mode"}, Top: 10},
		{Kind: KindRanking, TitleKey: "block.portfolio_ranking", KPIs: []string{"backlog_value", "otif_line", "claim_count"},
			By: []string{"customer", "country", "carrier"}, Top: 10},
	}},
	{ID: "service", TitleKey: "page.service", Blocks: []Block{
		{Kind: KindTiles, TitleKey: "block.headline", Wide: true, KPIs: []string{"otif_line", "on_time_line", "in_full_line", "otif_order"}},
		{Kind: KindTrend, TitleKey: "block.otif_components", Wide: true, KPIs: []string{"otif_line", "on_time_line", "in_full_line"}},
		{Kind: KindBreakdown, TitleKey: "block.service_breakdown", KPIs: []string{"otif_line"},
			By: []string{"country", "customer", "site", "carrier", "transport_mode", "incoterm"}, Top: 15},
		{Kind: KindTrend, TitleKey: "block.fill_rates", KPIs: []string{"unit_fill_rate", "value_fill_rate", "perfect_order"}},
	}},
	{ID: "delays", TitleKey: "page.delays", Blocks: []Block{
		{Kind: KindTiles, TitleKey: "block.headline", Wide: true, KPIs: []string{"days_late_mean", "days_late_p90", "backlog_value", "backlog_lines"}},
		{Kind: KindTrend, TitleKey: "block.delay_trend", KPIs: []string{"days_late_mean", "days_late_p90"}},
		{Kind: KindTrend, TitleKey: "block.backlog_trend", KPIs: []string{"backlog_value", "backlog_lines"}, Bars: []string{"backlog_value"}},
		{Kind: KindBreakdown, TitleKey: "block.backlog_breakdown", KPIs: []string{"backlog_value"},
			By: []string{"customer", "country", "site", "carrier", "transport_mode"}, Top: 12},
		{Kind: KindTrend, TitleKey: "block.lead_time", KPIs: []string{"order_to_ship_days_p50", "order_to_ship_days_p90"}},
	}},
	{ID: "stock", TitleKey: "page.stock", Blocks: []Block{
		{Kind: KindTiles, TitleKey: "block.headline", Wide: true, KPIs: []string{"coverage_days_median", "share_under_coverage_target", "share_over_overstock", "stock_value_at_risk"}},
		{Kind: KindTrend, TitleKey: "block.coverage_trend", KPIs: []string{"coverage_days_median"}},
		{Kind: KindTrend, TitleKey: "block.stock_shares", KPIs: []string{"share_under_coverage_target", "share_over_overstock"}},
		{Kind: KindBreakdown, TitleKey: "block.coverage_breakdown", KPIs: []string{"coverage_days_median"},
			By: []string{"site", "family"}, Top: 12},
		{Kind: KindTrend, TitleKey: "block.stock_risk", KPIs: []string{"stock_value_at_risk", "lines_at_risk"}, Bars: []string{"stock_value_at_risk"}},
	}},
	{ID: "claims", TitleKey: "page.claims", Blocks: []Block{
		{Kind: KindTiles, TitleKey: "block.headline", Wide: true, KPIs: []string{"claim_count", "claim_rate", "claim_cost", "open_claims"}},
		{Kind: KindTrend, TitleKey: "block.claims_trend", Wide: true, KPIs: []string{"claim_count", "claim_rate"}, Bars: []string{"claim_count"}},
		{Kind: KindPareto, TitleKey: "block.claims_pareto", KPIs: []string{"claim_count"},
			By: []string{"type", "cause", "responsible", "customer", "carrier"}, Top: 12},
		{Kind: KindTrend, TitleKey: "block.claims_cost", KPIs: []string{"claim_cost"}, Bars: []string{"claim_cost"}},
		{Kind: KindTrend, TitleKey: "block.claims_resolution", Wide: true, KPIs: []string{"mean_resolution_days", "return_rate"}},
	}},
	{ID: "costs", TitleKey: "page.costs", Blocks: []Block{
		{Kind: KindTiles, TitleKey: "block.headline", Wide: true, KPIs: []string{"freight_cost", "freight_cost_per_kg", "freight_cost_share"}},
		{Kind: KindTrend, TitleKey: "block.costs_trend", Wide: true, KPIs: []string{"freight_cost_per_kg"}},
		{Kind: KindBreakdown, TitleKey: "block.costs_breakdown", KPIs: []string{"freight_cost_per_kg"},
			By: []string{"transport_mode", "carrier", "country", "site"}, Top: 12},
		{Kind: KindTrend, TitleKey: "block.costs_share", KPIs: []string{"freight_cost", "freight_cost_share"}, Bars: []string{"freight_cost"}},
	}},
	{ID: "portfolio", TitleKey: "page.portfolio", Blocks: []Block{
		{Kind: KindTiles, TitleKey: "block.headline", Wide: true, KPIs: []string{"open_order_value", "open_lines", "backlog_value", "lines_at_risk"}},
		{Kind: KindTrend, TitleKey: "block.portfolio_trend", KPIs: []string{"open_order_value", "open_lines"}, Bars: []string{"open_order_value"}},
		{Kind: KindBreakdown, TitleKey: "block.portfolio_breakdown", KPIs: []string{"backlog_value"},
			By: []string{"country", "customer", "incoterm", "transport_mode"}, Top: 12},
		{Kind: KindRanking, TitleKey: "block.portfolio_ranking", Wide: true, KPIs: []string{"open_order_value", "backlog_value", "otif_line", "claim_count"},
			By: []string{"customer", "country"}, Top: 15},
	}},
	{ID: "improvement", TitleKey: "page.improvement", Blocks: []Block{
		{Kind: KindTiles, TitleKey: "block.headline", Wide: true, KPIs: []string{"otif_line", "claim_rate", "anomaly_count"}},
		{Kind: KindControl, TitleKey: "block.control_chart", Wide: true, KPIs: []string{"otif_line"}},
		{Kind: KindPareto, TitleKey: "block.anomalies_pareto", KPIs: []string{"anomaly_count"}, By: []string{"code"}, Top: 12},
		{Kind: KindSignals, TitleKey: "block.signals"},
		{Kind: KindActions, TitleKey: "block.actions", Wide: true},
	}},
}

// kpis returns the KPIs a page draws, without repeats.
func (p Page) kpis() []string {
	seen := map[string]bool{}
	var out []string
	for _, b := range p.Blocks {
		for _, k := range b.KPIs {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}
