// Package dashboards writes the interactive dashboards: one self-contained
// HTML file per page, with the ECharts bundle, the page script and the
// aggregated figures inlined, so a page opens from disk with no network.
//
// The models fill a Data (KPI values per week and cut, as `orderflow kpi
// --format json` prints them, drill-down samples, control limits, actions);
// Write draws the Pages from it. Chart options are built with go-echarts and
// the page script (assets/app.js) fills them for the filters a user picks:
// a filter selects the pre-computed cut whose dimensions equal the active
// filters, and a period sums numerators and denominators (or counts), so no
// KPI is recomputed from order lines in the browser.
package dashboards

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/orderflow/orderflow/dashboards/assets"
	"github.com/orderflow/orderflow/i18n"
)

//go:embed layout.html
var layoutHTML string

var layout = template.Must(template.New("layout").Parse(layoutHTML))

// Write writes one HTML file per page of Pages into dir, in lang ("en" or
// "fr"), and returns their paths in navigation order.
func Write(dir string, data Data, lang string) ([]string, error) {
	lang, err := i18n.Parse(lang)
	if err != nil {
		return nil, err
	}
	ix, err := newIndex(&data)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create dashboard folder: %w", err)
	}
	// The pages are drawn side by side: each reads the index and shrinks only its copy.
	paths := make([]string, len(Pages))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, p := range Pages {
		g.Go(func() (err error) {
			paths[i], err = writePage(dir, *ix, p, lang)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return paths, nil
}

// writePage writes the file of page p into dir; a page over the limit drops its
// smaller cuts and line samples, by halves, rather than fail.
func writePage(dir string, ix index, p Page, lang string) (string, error) {
	var buf bytes.Buffer
	for ix.shrink = 0; ; ix.shrink++ {
		buf.Reset()
		if err := ix.render(&buf, p, lang, false); err != nil {
			return "", err
		}
		if buf.Len() <= MaxPageBytes {
			break
		}
		if ix.shrink == 3 {
			return "", fmt.Errorf("cannot write page %s: it would weigh %d bytes, over the %d limit; embed fewer cuts or weeks",
				p.ID, buf.Len(), MaxPageBytes)
		}
	}
	path := filepath.Join(dir, p.ID+".html")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return "", fmt.Errorf("cannot write page %s: %w", p.ID, err)
	}
	return path, nil
}

// Render writes the page with the given id (one of Pages) to w, self-contained as
// Write draws it.
func Render(w io.Writer, pageID string, data Data, lang string) error {
	return render(w, pageID, data, lang, false)
}

// RenderServed writes the page as the HTTP server sends it: the same page, except that
// the ECharts bundle (1 MB, the same in every page) is a script the browser fetches
// once from EChartsPath and keeps, checked against its SHA-256 (integrity), instead of
// being repeated in every page sent.
func RenderServed(w io.Writer, pageID string, data Data, lang string) error {
	return render(w, pageID, data, lang, true)
}

// EChartsPath is where the server serves the ECharts bundle: the path names its
// content, so that a browser may keep it for good.
func EChartsPath() string {
	return "/assets/echarts-" + assets.EChartsVersion() + "-" + assets.EChartsSHA256()[:16] + ".min.js"
}

func render(w io.Writer, pageID string, data Data, lang string, served bool) error {
	lang, err := i18n.Parse(lang)
	if err != nil {
		return err
	}
	for _, p := range Pages {
		if p.ID == pageID {
			ix, err := newIndex(&data)
			if err != nil {
				return err
			}
			return ix.render(w, p, lang, served)
		}
	}
	return fmt.Errorf("unknown dashboard page %q", pageID)
}

type option struct{ Value, Label string }

type navItem struct {
	ID, Href, Label string
	Active          bool
}

type filterView struct {
	ID, Label string
	Options   []option
}

type tileView struct{ KPI, Label, Help string }

type actionView struct {
	Title, KPI, RootCause, Owner, Due, Status, StatusClass string
}

type signalView struct{ Week, KPI, Cut, Rule, Value string }

type blockView struct {
	ID, Kind, Title string
	Wide            bool
	Cols            int // tiles per row
	By              []option
	Tiles           []tileView
	Actions         []actionView
	Signals         []signalView
}

type layoutData struct {
	Lang, Title, Subtitle, AppName, Company, AsOf, Footer string
	CSP                                                   string
	T                                                     map[string]string
	Nav                                                   []navItem
	Weeks                                                 []option
	Filters                                               []filterView
	Blocks                                                []blockView
	DrillCols                                             []string
	Model, ECharts, App                                   template.JS
	EChartsSrc, EChartsIntegrity                          string // served: the bundle's URL and SHA-256
	CSS                                                   template.CSS
}

func (ix *index) render(w io.Writer, p Page, lang string, served bool) error {
	d := ix.data
	m, err := ix.pageModel(p, lang)
	if err != nil {
		return err
	}
	// json.Marshal escapes <, > and &, so no ERP text can close the script element.
	model, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("cannot encode the figures of page %s: %w", p.ID, err)
	}
	t := func(key string) string { return i18n.T(lang, key) }
	ld := layoutData{
		Lang:      lang,
		Title:     t(p.TitleKey),
		Subtitle:  t(p.TitleKey + ".subtitle"),
		AppName:   t("app.name"),
		Company:   d.Company,
		AsOf:      i18n.T(lang, "app.as_of", i18n.Date(lang, d.AsOf)),
		Footer:    i18n.T(lang, "app.footer", assets.EChartsVersion()),
		DrillCols: m.DrillCols,
		Model:     template.JS(model),
		ECharts:   template.JS(assets.EChartsJS()),
		App:       template.JS(assets.AppJS()),
		CSS:       template.CSS(assets.AppCSS()),
		T: map[string]string{
			"Skip": t("app.skip_to_main"), "Nav": t("app.nav_label"), "Filters": t("filter.title"),
			"Period": t("filter.period"), "From": t("filter.from"), "To": t("filter.to"), "All": t("filter.all"),
			"Reset": t("filter.reset"), "Hint": t("drill.hint"), "Unavailable": t("filter.unavailable"),
			"NoJS": t("app.no_js"), "DrillTitle": t("drill.title"), "Close": t("drill.close"),
			"ColAction": t("col.action"), "ColKPI": t("col.kpi"), "ColRootCause": t("col.root_cause"),
			"ColOwner": t("col.owner"), "ColDue": t("col.due"), "ColStatus": t("col.status"),
			"ColWeek": t("col.week"), "ColCut": t("col.cut"), "ColRule": t("col.rule"), "ColValue": t("col.value_short"),
			"NoAction": t("action.none"), "NoSignal": t("rule.none"),
		},
	}
	// Only the two inline scripts may run: no inline event handler, no
	// remote script, image, font or request of any kind.
	scripts := "'self'" // served: the bundle from the server itself, checked by its integrity
	if served {
		ld.ECharts, ld.EChartsSrc, ld.EChartsIntegrity = "", EChartsPath(), echartsIntegrity()
	} else {
		scripts = scriptHash(assets.EChartsJS())
	}
	ld.CSP = "default-src 'none'; script-src " + scripts + " " + scriptHash(assets.AppJS()) +
		"; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
	for _, q := range Pages {
		ld.Nav = append(ld.Nav, navItem{ID: q.ID, Href: q.ID + ".html", Label: t(q.TitleKey), Active: q.ID == p.ID})
	}
	for i, w := range d.Weeks {
		ld.Weeks = append(ld.Weeks, option{Value: w, Label: m.WeekShort[i]})
	}
	for _, dim := range FilterDims {
		f := filterView{ID: dim, Label: t("dim." + dim)}
		for val := range ix.dimVals[dim] {
			if m.keep[dim] == nil || m.keep[dim][val] {
				f.Options = append(f.Options, option{Value: val, Label: m.Labels[dim][val]})
			}
		}
		sort.Slice(f.Options, func(i, j int) bool {
			a, b := strings.ToLower(f.Options[i].Label), strings.ToLower(f.Options[j].Label)
			if a != b {
				return a < b
			}
			return f.Options[i].Value < f.Options[j].Value
		})
		ld.Filters = append(ld.Filters, f)
	}
	for i, b := range p.Blocks {
		bv := blockView{ID: m.Blocks[i].ID, Kind: b.Kind, Title: t(b.TitleKey), Wide: b.Wide}
		for _, dim := range b.By {
			bv.By = append(bv.By, option{Value: dim, Label: t("dim." + dim)})
		}
		switch b.Kind {
		case KindTiles:
			for _, k := range b.KPIs {
				bv.Tiles = append(bv.Tiles, tileView{KPI: k, Label: t("kpi." + k), Help: t("kpi." + k + ".help")})
			}
			// one row up to four tiles, two even rows above
			bv.Cols = len(bv.Tiles)
			if bv.Cols > 4 {
				bv.Cols = (bv.Cols + 1) / 2
			}
		case KindActions:
			bv.Actions = ix.actionViews(lang)
		case KindSignals:
			bv.Signals = ix.signalViews(lang)
		}
		ld.Blocks = append(ld.Blocks, bv)
	}
	if err := layout.Execute(w, ld); err != nil {
		return fmt.Errorf("cannot render page %s: %w", p.ID, err)
	}
	return nil
}

// echartsIntegrity is the bundle's SHA-256 as a script element's integrity attribute.
var echartsIntegrity = sync.OnceValue(func() string {
	sum := sha256.Sum256(assets.EChartsJS())
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
})

func scriptHash(b []byte) string {
	sum := sha256.Sum256(b)
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

func (ix *index) actionViews(lang string) []actionView {
	var out []actionView
	for _, a := range ix.data.Actions {
		status := a.Status
		if status != "done" && !a.Due.IsZero() && !ix.data.AsOf.IsZero() && a.Due.Before(ix.data.AsOf) {
			status = "overdue"
		}
		class := map[string]string{"done": "green", "overdue": "red", "in_progress": "amber"}[status]
		kpi := a.Subject
		if kpi == "" && a.KPI != "" {
			kpi = i18n.T(lang, "kpi."+a.KPI)
		}
		out = append(out, actionView{
			Title: a.Title, KPI: kpi, RootCause: a.RootCause, Owner: a.Owner,
			Due: i18n.Date(lang, a.Due), Status: i18n.T(lang, "action."+status), StatusClass: class,
		})
	}
	return out
}

func (ix *index) signalViews(lang string) []signalView {
	type row struct {
		week string
		v    signalView
	}
	var rows []row
	for _, c := range ix.data.Controls {
		info := ix.data.kpiInfo(c.KPI)
		var cut []string
		for _, kv := range splitCut(cutKey(c.Dims)) {
			cut = append(cut, i18n.T(lang, "dim."+kv[0])+": "+ix.valueLabel(lang, kv[0], kv[1]))
		}
		for _, s := range c.Signals {
			y, w, ok := i18n.ParseISOWeek(s.Week)
			if !ok {
				continue
			}
			val := ""
			if !math.IsNaN(s.Value) {
				val = formatValue(lang, info, s.Value, ix.data.Currency)
			}
			where := strings.Join(cut, ", ")
			if where == "" {
				where = i18n.T(lang, "filter.all")
			}
			rows = append(rows, row{s.Week, signalView{
				Week: i18n.WeekShort(lang, y, w), KPI: i18n.T(lang, "kpi."+c.KPI), Cut: where,
				Rule: i18n.T(lang, "rule."+s.Rule), Value: val,
			}})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].week > rows[j].week })
	out := make([]signalView, len(rows))
	for i, r := range rows {
		out[i] = r.v
	}
	return out
}
