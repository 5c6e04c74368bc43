package reports

import (
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/orderflow/orderflow/actions"
	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/i18n"
)

// AnomalyReport is the worklist of the week: what changed since last week, then the
// top items (one per cause: an order's lines of one code are one item) grouped by who
// acts on them, then by code, highest priority first; the rest of the worklist one
// click away, and the stale anomalies apart as data to clean up.
type AnomalyReport struct {
	Lang      string
	AsOf      time.Time
	Generated time.Time
	Company   string
	Currency  string
	FX        FXInfo
	Built     bool
	Total     int     // anomalies on the worklist
	High      int     // of which high severity
	Stake     float64 // their value at stake
	Top       int     // items shown first (anomalies.worklist_size)
	Changes   anomalies.Changes
	Items     []Item // every item of the worklist, in rank order
	Groups    []OwnerGroup
	List      []anomalies.Anomaly // every anomaly of the worklist, in rank order
	Stale     []anomalies.Anomaly // the data to clean up
	StaleBy   []StaleCode
	owners    map[string]string // code -> owner
	names     map[string]string // customer id -> name
}

// Item is one cause on the worklist: the anomalies of one code on one order (or
// shipment, or invoice), its first line the most urgent.
type Item struct {
	Rank     int
	Key      string
	Code     string
	Lines    []anomalies.Anomaly
	Value    float64
	Severity string
	State    string
	AgeDays  int
}

// StaleCode counts the stale anomalies of one code.
type StaleCode struct {
	Code             string
	Count, Items     int
	Value            float64
	Oldest, AfterDay int
}

// OwnerGroup is the top items one owner acts on.
type OwnerGroup struct {
	Owner string
	Count int
	High  int
	Stake float64
	Codes []CodeGroup
}

// CodeGroup is the top items of one code, ranked.
type CodeGroup struct {
	Code  string
	Count int
	High  int
	Stake float64
	Items []Item
}

// defaultOwners says which desk acts on each anomaly code when the action plan names
// nobody (an open action about the code names its owner).
var defaultOwners = map[string]string{
	"short_shipment": "warehouse", "over_shipment": "warehouse",
	"shipped_not_invoiced": "invoicing", "invoice_qty_mismatch": "invoicing", "invoice_price_mismatch": "invoicing",
	"delivery_before_ship": "data_quality", "ship_before_order": "data_quality", "orphan_shipment": "data_quality",
	"orphan_invoice": "data_quality", "orphan_claim": "data_quality", "duplicate_record": "data_quality",
	"late_backlog": "planning", "due_soon_short": "planning",
	"lc_shipment_date_risk": "trade_finance", "lc_expiry_risk": "trade_finance",
	"missing_document": "export_documents", "incoterm_mode_mismatch": "export_documents", "obsolete_incoterm": "export_documents",
	"kpi_signal": "order_flow",
}

// ownerOf names who acts on a code: the owner of the latest open action about it, else
// the desk of defaultOwners.
func ownerOf(lang, code string, plan []actions.Action) string {
	var best *actions.Action
	for i, a := range plan {
		if a.Anomaly == code && (a.Status == actions.Open || a.Status == actions.InProgress) {
			if best == nil || a.Created.After(best.Created) {
				best = &plan[i]
			}
		}
	}
	if best != nil {
		return best.Owner
	}
	role, ok := defaultOwners[code]
	if !ok {
		role = "order_flow"
	}
	return i18n.T(lang, "owner."+role)
}

// maxHTMLMore bounds the items the HTML lists after the top ones; the XLSX has them all.
const maxHTMLMore = 300

// CollectAnomalies reads the worklist, what changed since last week, the stale
// anomalies and the action plan for the anomaly report.
func CollectAnomalies(ctx context.Context, db *sql.DB, cfg config.Config, asOf time.Time, lang string) (*AnomalyReport, error) {
	list, built, err := loadAnomalies(ctx, db, lang, 0, nil)
	if err != nil {
		return nil, err
	}
	var stale []anomalies.Anomaly
	var changes anomalies.Changes
	if built {
		if stale, err = anomalies.List(ctx, db, anomalies.Filter{Buckets: []string{anomalies.BucketStale}}, lang); err != nil {
			return nil, err
		}
		if changes, err = anomalies.ReadChanges(ctx, db, nil); err != nil {
			return nil, err
		}
	}
	plan, err := actions.List(ctx, db, actions.Filter{})
	if err != nil {
		return nil, err
	}
	cur, err := mainCurrency(ctx, db)
	if err != nil {
		return nil, err
	}
	lbl, err := labels(ctx, db)
	if err != nil {
		return nil, err
	}
	r := buildAnomalyReport(lang, asOf, cur, built, list, plan, lbl["customer"], cfg.Anomalies.WorklistSize)
	if r.FX, err = readFX(ctx, db, cur); err != nil {
		return nil, err
	}
	r.Changes, r.Stale = changes, stale
	r.StaleBy = staleByCode(stale)
	for _, a := range stale {
		if _, ok := r.owners[a.Code]; !ok {
			r.owners[a.Code] = ownerOf(lang, a.Code, plan)
		}
	}
	return r, nil
}

// itemsOf folds a list in rank order into its items.
func itemsOf(list []anomalies.Anomaly) []Item {
	var out []Item
	at := map[string]int{}
	for _, a := range list {
		key := a.Item
		if key == "" {
			key = a.Key
		}
		i, ok := at[key]
		if !ok {
			i = len(out)
			at[key] = i
			out = append(out, Item{Rank: len(out) + 1, Key: key, Code: a.Code, Severity: a.Severity, State: a.State})
		}
		it := &out[i]
		it.Lines = append(it.Lines, a)
		if a.ValueAtStake != nil && !math.IsNaN(*a.ValueAtStake) {
			it.Value += *a.ValueAtStake
		}
		if severityRank[a.Severity] > severityRank[it.Severity] {
			it.Severity = a.Severity
		}
		if stateRank[a.State] > stateRank[it.State] {
			it.State = a.State
		}
		it.AgeDays = max(it.AgeDays, a.AgeDays)
	}
	return out
}

var severityRank = map[string]int{"low": 1, "medium": 2, "high": 3}

// stateRank says which state an item shows when its lines differ: one line worsening
// makes the item worsening; it is new only when every line is.
var stateRank = map[string]int{anomalies.StateNew: 1, anomalies.StateAcknowledged: 2, anomalies.StateOpen: 3, anomalies.StateWorsening: 4}

func staleByCode(stale []anomalies.Anomaly) []StaleCode {
	by := map[string]*StaleCode{}
	items := map[string]map[string]bool{}
	for _, a := range stale {
		c := by[a.Code]
		if c == nil {
			c = &StaleCode{Code: a.Code}
			by[a.Code] = c
			items[a.Code] = map[string]bool{}
		}
		c.Count++
		items[a.Code][a.Item] = true
		if a.ValueAtStake != nil && !math.IsNaN(*a.ValueAtStake) {
			c.Value += *a.ValueAtStake
		}
		c.Oldest = max(c.Oldest, a.AgeDays)
		if v, ok := a.Facts["stale_after_days"]; ok {
			if n, ok := v.(int32); ok {
				c.AfterDay = int(n)
			} else if n, ok := v.(int64); ok {
				c.AfterDay = int(n)
			}
		}
	}
	var out []StaleCode
	for code, c := range by {
		c.Items = len(items[code])
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Code < out[j].Code
	})
	return out
}

func buildAnomalyReport(lang string, asOf time.Time, currency string, built bool, list []anomalies.Anomaly, plan []actions.Action, names map[string]string, top int) *AnomalyReport {
	if top <= 0 {
		top = 50
	}
	r := &AnomalyReport{Lang: lang, AsOf: asOf, Generated: time.Now(), Currency: currency, Built: built, List: list,
		owners: map[string]string{}, names: names, Top: top}
	for _, a := range list {
		r.Total++
		if a.Severity == "high" {
			r.High++
		}
		if a.ValueAtStake != nil && !math.IsNaN(*a.ValueAtStake) {
			r.Stake += *a.ValueAtStake
		}
	}
	r.Items = itemsOf(list)
	groups := map[string]*OwnerGroup{}
	codes := map[[2]string]*CodeGroup{}
	for i, it := range r.Items {
		if i == top {
			break
		}
		owner, ok := r.owners[it.Code]
		if !ok {
			owner = ownerOf(lang, it.Code, plan)
			r.owners[it.Code] = owner
		}
		g := groups[owner]
		if g == nil {
			g = &OwnerGroup{Owner: owner}
			groups[owner] = g
		}
		c := codes[[2]string{owner, it.Code}]
		if c == nil {
			c = &CodeGroup{Code: it.Code}
			codes[[2]string{owner, it.Code}] = c
		}
		high := 0
		if it.Severity == "high" {
			high = 1
		}
		g.Count++
		g.High += high
		g.Stake += it.Value
		c.Count++
		c.High += high
		c.Stake += it.Value
		c.Items = append(c.Items, it)
	}
	for key, c := range codes {
		g := groups[key[0]]
		g.Codes = append(g.Codes, *c)
	}
	for _, g := range groups {
		sort.Slice(g.Codes, func(i, j int) bool {
			// the code holding the most urgent item first
			return g.Codes[i].Items[0].Rank < g.Codes[j].Items[0].Rank
		})
		r.Groups = append(r.Groups, *g)
	}
	sort.Slice(r.Groups, func(i, j int) bool { return r.Groups[i].Codes[0].Items[0].Rank < r.Groups[j].Codes[0].Items[0].Rank })
	for _, a := range list {
		if _, ok := r.owners[a.Code]; !ok {
			r.owners[a.Code] = ownerOf(lang, a.Code, plan)
		}
	}
	return r
}

// Owner is who acts on an anomaly's code.
func (r *AnomalyReport) Owner(code string) string { return r.owners[code] }

// CustomerName is how a customer reads ("Name (ID)", see labels), else its id.
func (r *AnomalyReport) CustomerName(id string) string {
	if n := r.names[id]; n != "" {
		return n
	}
	return id
}

type anomalyReportView struct {
	Lang, Title, Subtitle, Company, AsOf, Generated, Footer string
	T                                                       map[string]string
	Built                                                   bool
	Tiles                                                   []Tile
	ChangesTitle, ChangesNote                               string
	FXNotes                                                 []string
	Changes                                                 []changeRow
	NewItems                                                []anomalyView
	Summary                                                 []ownerSummary
	TopTitle                                                string
	Groups                                                  []ownerView
	MoreTitle, MoreNote                                     string
	More                                                    []anomalyView
	StaleTitle, StaleNote                                   string
	Stale                                                   []staleRow
}

type changeRow struct {
	State, Class, Count, Value string
}

type staleRow struct {
	Code, Owner, Count, Items, Value, Oldest, Limit string
}

type ownerSummary struct {
	Owner, Count, High, Stake string
	Codes                     string
}

type ownerView struct {
	Owner, Note string
	Codes       []codeView
}

type codeView struct {
	Code, Note string
	Rows       []anomalyView
}

var anomalyKeys = []string{
	"report.anomalies.title", "report.anomalies.summary", "report.anomalies.not_built", "report.anomalies.none",
	"report.col.owner", "report.col.open", "report.col.high", "report.col.at_stake", "report.col.codes",
	"report.col.severity", "report.col.ref", "report.col.customer", "report.col.days", "report.col.message",
	"report.col.remedy", "report.col.status", "report.col.id", "report.col.state", "report.col.age", "report.col.anomaly",
	"report.worklist.col_state", "report.worklist.col_anomalies", "report.worklist.col_items", "report.worklist.col_oldest",
	"report.worklist.col_limit", "report.worklist.new_items", "report.worklist.stale_none",
}

// maxNewItems bounds the new and worsening items the first page shows.
const maxNewItems = 10

func (r *AnomalyReport) view() anomalyReportView {
	l := r.Lang
	v := anomalyReportView{
		Lang: l, Title: i18n.T(l, "report.anomalies.title"), Company: r.Company,
		Subtitle:  i18n.T(l, "report.anomalies.subtitle", i18n.Date(l, r.AsOf)),
		AsOf:      i18n.T(l, "app.as_of", i18n.Date(l, r.AsOf)),
		Generated: i18n.T(l, "app.generated", i18n.Date(l, r.Generated)),
		Footer:    i18n.T(l, "report.anomalies.footer"), T: texts(l, anomalyKeys), Built: r.Built,
	}
	money := func(x float64) string { return i18n.Money(l, x, r.Currency, 0) }
	count := func(n int) string { return i18n.Number(l, float64(n), 0) }
	ch := r.Changes
	newSt, worseSt := "green", "green"
	if ch.New.Count > 0 {
		newSt = "amber"
	}
	if ch.Worsening.Count > 0 {
		worseSt = "red"
	}
	resolved := Tile{Label: i18n.T(l, "report.worklist.tile_resolved"), Value: "–", Status: "none",
		Note: i18n.T(l, "report.worklist.changes_first")}
	if !ch.RefAsOf.IsZero() {
		resolved.Value, resolved.Status = count(ch.Resolved.Count), "green"
		resolved.Note = i18n.T(l, "report.worklist.tile_new_note", money(ch.Resolved.Value))
	}
	v.Tiles = []Tile{
		{Label: i18n.T(l, "report.worklist.tile_new"), Value: count(ch.New.Count), Status: newSt,
			Note: i18n.T(l, "report.worklist.tile_new_note", money(ch.New.Value))},
		{Label: i18n.T(l, "report.worklist.tile_worse"), Value: count(ch.Worsening.Count), Status: worseSt,
			Note: i18n.T(l, "report.worklist.tile_new_note", money(ch.Worsening.Value))},
		resolved,
		{Label: i18n.T(l, "report.worklist.tile_items"), Value: count(len(r.Items)), Status: "none",
			Note: i18n.T(l, "report.worklist.tile_items_n", count(r.Total))},
		{Label: i18n.T(l, "report.worklist.tile_stale"), Value: count(ch.StaleItems), Status: "none",
			Note: i18n.T(l, "report.worklist.tile_stale_n", count(ch.Stale.Count))},
	}
	v.FXNotes = r.FX.Notes(l)
	if ch.RefAsOf.IsZero() {
		v.ChangesTitle, v.ChangesNote = i18n.T(l, "report.worklist.changes_first"), i18n.T(l, "report.worklist.no_ref")
	} else {
		v.ChangesTitle = i18n.T(l, "report.worklist.changes", i18n.Date(l, ch.RefAsOf))
		v.ChangesNote = i18n.T(l, "report.worklist.changes_note", i18n.Date(l, ch.RefAsOf))
	}
	for _, row := range []struct {
		state string
		c     anomalies.Change
		known bool
	}{
		{anomalies.StateNew, ch.New, true}, {anomalies.StateWorsening, ch.Worsening, true},
		{anomalies.StateResolved, ch.Resolved, !ch.RefAsOf.IsZero()}, {anomalies.StateOpen, ch.Open, true},
		{anomalies.StateAcknowledged, ch.Acknowledged, true}, {anomalies.StateStale, ch.Stale, true},
	} {
		cr := changeRow{State: i18n.T(l, "state."+row.state), Class: row.state, Count: "–", Value: "–"}
		if row.known {
			cr.Count, cr.Value = count(row.c.Count), money(row.c.Value)
		}
		v.Changes = append(v.Changes, cr)
	}
	for _, it := range r.Items {
		if len(v.NewItems) == maxNewItems {
			break
		}
		if it.State == anomalies.StateNew || it.State == anomalies.StateWorsening {
			v.NewItems = append(v.NewItems, r.itemView(it))
		}
	}
	for _, g := range r.Groups {
		var names []string
		for _, c := range g.Codes {
			names = append(names, i18n.T(l, "anomaly."+c.Code))
		}
		v.Summary = append(v.Summary, ownerSummary{Owner: g.Owner, Count: count(g.Count),
			High: count(g.High), Stake: money(g.Stake), Codes: listText(l, names, 4)})
		ov := ownerView{Owner: g.Owner, Note: i18n.T(l, "report.anomalies.group_note", count(g.Count),
			count(g.High), money(g.Stake))}
		for _, c := range g.Codes {
			cv := codeView{Code: i18n.T(l, "anomaly."+c.Code), Note: i18n.T(l, "report.anomalies.code_note",
				count(c.Count), money(c.Stake))}
			cv.Rows = r.customerGroups(c.Items)
			ov.Codes = append(ov.Codes, cv)
		}
		v.Groups = append(v.Groups, ov)
	}
	shown := min(r.Top, len(r.Items))
	v.TopTitle = i18n.T(l, "report.worklist.top", shown, count(len(r.Items)))
	if rest := r.Items[shown:]; len(rest) > 0 {
		v.MoreTitle = i18n.T(l, "report.worklist.more", count(len(rest)))
		for i, it := range rest {
			if i == maxHTMLMore {
				v.MoreNote = i18n.T(l, "report.worklist.more_xlsx", count(len(rest)-maxHTMLMore))
				break
			}
			v.More = append(v.More, r.itemView(it))
		}
	}
	items := 0
	for _, c := range r.StaleBy {
		items += c.Items
		limit := "–"
		if c.AfterDay > 0 {
			limit = count(c.AfterDay)
		}
		v.Stale = append(v.Stale, staleRow{Code: i18n.T(l, "anomaly."+c.Code), Owner: r.owners[c.Code], Count: count(c.Count),
			Items: count(c.Items), Value: money(c.Value), Oldest: count(c.Oldest), Limit: limit})
	}
	v.StaleTitle = i18n.T(l, "report.worklist.stale", count(items))
	v.StaleNote = i18n.T(l, "report.worklist.stale_note")
	return v
}

// itemView is one row for an item: its first (most urgent) line, the item's total and,
// when it has several lines, the others named briefly.
func (r *AnomalyReport) itemView(it Item) anomalyView {
	l := r.Lang
	first := it.Lines[0]
	v := anomalyViewOf(l, it.Rank, first, r.CustomerName, r.Currency)
	v.Code = i18n.T(l, "anomaly."+it.Code)
	v.State, v.StateText = it.State, i18n.T(l, "state."+it.State)
	v.Age = i18n.Number(l, float64(it.AgeDays), 0)
	v.Severity, v.SeverityText = it.Severity, i18n.T(l, "severity."+it.Severity)
	if len(it.Lines) > 1 {
		v.Ref = joinNonEmpty(" · ", refOf(first, false), i18n.T(l, "report.worklist.lines", len(it.Lines)))
		v.Value = i18n.Money(l, it.Value, currencyOf(first, r.Currency), 0)
		var others []string
		for i, a := range it.Lines[1:] {
			if i == 6 {
				others = append(others, "…")
				break
			}
			o := refOf(a, true)
			if s := stakeText(l, a, r.Currency); s != "" {
				o += " (" + s + ")"
			}
			others = append(others, o)
		}
		v.Message += " " + i18n.T(l, "report.worklist.also", strings.Join(others, ", "))
	}
	return v
}

// customerGroups lists a code's items, a customer with three or more of them shown as
// one group (a head row with its total) at the place of its most urgent item.
func (r *AnomalyReport) customerGroups(items []Item) []anomalyView {
	by := map[string][]Item{}
	for _, it := range items {
		c := it.Lines[0].CustomerID
		by[c] = append(by[c], it)
	}
	var out []anomalyView
	done := map[string]bool{}
	for _, it := range items {
		c := it.Lines[0].CustomerID
		group := by[c]
		if c == "" || len(group) < 3 {
			out = append(out, r.itemView(it))
			continue
		}
		if done[c] {
			continue
		}
		done[c] = true
		total := 0.0
		for _, g := range group {
			total += g.Value
		}
		out = append(out, anomalyView{Head: i18n.T(r.Lang, "report.worklist.customer_group", r.CustomerName(c),
			i18n.Number(r.Lang, float64(len(group)), 0), i18n.Money(r.Lang, total, currencyOf(it.Lines[0], r.Currency), 0))})
		for _, g := range group {
			out = append(out, r.itemView(g))
		}
	}
	return out
}

// WriteHTML writes the anomaly report as one self-contained HTML page.
func (r *AnomalyReport) WriteHTML(out io.Writer) error {
	data := struct {
		anomalyReportView
		CSS template.CSS
	}{r.view(), cssOf()}
	if err := anomaliesHTML.Execute(out, data); err != nil {
		return fmt.Errorf("cannot write the anomaly report: %w", err)
	}
	return nil
}
