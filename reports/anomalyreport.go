package reports

import (
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"time"

	"github.com/orderflow/orderflow/actions"
	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/i18n"
)

// AnomalyReport is the worklist of open anomalies, grouped by who acts on them, then by
// code, highest priority first.
type AnomalyReport struct {
	Lang      string
	AsOf      time.Time
	Generated time.Time
	Company   string
	Currency  string
	Built     bool
	Total     int
	High      int
	Stake     float64
	Groups    []OwnerGroup
	List      []anomalies.Anomaly // every open anomaly, highest priority first
	owners    map[string]string   // code -> owner
	names     map[string]string   // customer id -> name
}

// OwnerGroup is the anomalies one owner acts on.
type OwnerGroup struct {
	Owner string
	Count int
	High  int
	Stake float64
	Codes []CodeGroup
}

// CodeGroup is the anomalies of one code, ranked.
type CodeGroup struct {
	Code  string
	Count int
	High  int
	Stake float64
	Items []Ranked2
}

// Ranked2 is an anomaly with its rank in the whole worklist.
type Ranked2 struct {
	Rank int
	anomalies.Anomaly
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

// maxHTMLPerCode bounds the rows a code shows in the HTML report; the XLSX has them all.
const maxHTMLPerCode = 60

// CollectAnomalies reads the open anomalies and the action plan for the anomaly report.
func CollectAnomalies(ctx context.Context, db *sql.DB, cfg config.Config, asOf time.Time, lang string) (*AnomalyReport, error) {
	list, built, err := loadAnomalies(ctx, db, lang, 0, nil)
	if err != nil {
		return nil, err
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
	return buildAnomalyReport(lang, asOf, cur, built, list, plan, lbl["customer"]), nil
}

func buildAnomalyReport(lang string, asOf time.Time, currency string, built bool, list []anomalies.Anomaly, plan []actions.Action, names map[string]string) *AnomalyReport {
	r := &AnomalyReport{Lang: lang, AsOf: asOf, Generated: time.Now(), Currency: currency, Built: built, List: list,
		owners: map[string]string{}, names: names}
	groups := map[string]*OwnerGroup{}
	codes := map[[2]string]*CodeGroup{}
	for i, a := range list {
		owner, ok := r.owners[a.Code]
		if !ok {
			owner = ownerOf(lang, a.Code, plan)
			r.owners[a.Code] = owner
		}
		g := groups[owner]
		if g == nil {
			g = &OwnerGroup{Owner: owner}
			groups[owner] = g
		}
		c := codes[[2]string{owner, a.Code}]
		if c == nil {
			c = &CodeGroup{Code: a.Code}
			codes[[2]string{owner, a.Code}] = c
		}
		stake := 0.0
		if a.ValueAtStake != nil && !math.IsNaN(*a.ValueAtStake) {
			stake = *a.ValueAtStake
		}
		high := 0
		if a.Severity == "high" {
			high = 1
		}
		r.Total++
		r.High += high
		r.Stake += stake
		g.Count++
		g.High += high
		g.Stake += stake
		c.Count++
		c.High += high
		c.Stake += stake
		c.Items = append(c.Items, Ranked2{Rank: i + 1, Anomaly: a})
	}
	for key, c := range codes {
		g := groups[key[0]]
		g.Codes = append(g.Codes, *c)
	}
	for _, g := range groups {
		sort.Slice(g.Codes, func(i, j int) bool {
			// the code holding the most urgent anomaly first
			return g.Codes[i].Items[0].Rank < g.Codes[j].Items[0].Rank
		})
		r.Groups = append(r.Groups, *g)
	}
	sort.Slice(r.Groups, func(i, j int) bool { return r.Groups[i].Codes[0].Items[0].Rank < r.Groups[j].Codes[0].Items[0].Rank })
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
	Summary                                                 []ownerSummary
	Groups                                                  []ownerView
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
	Code, Note, More string
	Rows             []anomalyView
}

var anomalyKeys = []string{
	"report.anomalies.title", "report.anomalies.summary", "report.anomalies.not_built", "report.anomalies.none",
	"report.col.owner", "report.col.open", "report.col.high", "report.col.at_stake", "report.col.codes",
	"report.col.severity", "report.col.ref", "report.col.customer", "report.col.days", "report.col.message",
	"report.col.remedy", "report.col.status", "report.col.id",
}

func (r *AnomalyReport) view() anomalyReportView {
	l := r.Lang
	v := anomalyReportView{
		Lang: l, Title: i18n.T(l, "report.anomalies.title"), Company: r.Company,
		Subtitle:  i18n.T(l, "report.anomalies.subtitle", i18n.Date(l, r.AsOf)),
		AsOf:      i18n.T(l, "app.as_of", i18n.Date(l, r.AsOf)),
		Generated: i18n.T(l, "app.generated", i18n.Date(l, r.Generated)),
		Footer:    i18n.T(l, "report.anomalies.footer"), T: texts(l, anomalyKeys), Built: r.Built,
	}
	st := "green"
	if r.High > 0 {
		st = "amber"
	}
	v.Tiles = []Tile{
		{Label: i18n.T(l, "report.tile.anomalies"), Value: i18n.Number(l, float64(r.Total), 0), Status: st,
			Note: i18n.T(l, "report.tile.anomalies_high", i18n.Number(l, float64(r.High), 0))},
		{Label: i18n.T(l, "report.col.at_stake"), Value: i18n.Money(l, r.Stake, r.Currency, 0), Status: "none",
			Note: i18n.T(l, "report.anomalies.stake_note")},
		{Label: i18n.T(l, "report.tile.owners"), Value: i18n.Number(l, float64(len(r.Groups)), 0), Status: "none",
			Note: i18n.T(l, "report.anomalies.owners_note")},
	}
	for _, g := range r.Groups {
		var names []string
		for _, c := range g.Codes {
			names = append(names, i18n.T(l, "anomaly."+c.Code))
		}
		v.Summary = append(v.Summary, ownerSummary{Owner: g.Owner, Count: i18n.Number(l, float64(g.Count), 0),
			High: i18n.Number(l, float64(g.High), 0), Stake: i18n.Money(l, g.Stake, r.Currency, 0), Codes: listText(l, names, 4)})
		ov := ownerView{Owner: g.Owner, Note: i18n.T(l, "report.anomalies.group_note", i18n.Number(l, float64(g.Count), 0),
			i18n.Number(l, float64(g.High), 0), i18n.Money(l, g.Stake, r.Currency, 0))}
		for _, c := range g.Codes {
			cv := codeView{Code: i18n.T(l, "anomaly."+c.Code), Note: i18n.T(l, "report.anomalies.code_note",
				i18n.Number(l, float64(c.Count), 0), i18n.Money(l, c.Stake, r.Currency, 0))}
			for i, it := range c.Items {
				if i == maxHTMLPerCode {
					cv.More = i18n.T(l, "report.anomalies.more", len(c.Items)-maxHTMLPerCode)
					break
				}
				cv.Rows = append(cv.Rows, anomalyViewOf(l, it.Rank, it.Anomaly, r.CustomerName, r.Currency))
			}
			ov.Codes = append(ov.Codes, cv)
		}
		v.Groups = append(v.Groups, ov)
	}
	return v
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
