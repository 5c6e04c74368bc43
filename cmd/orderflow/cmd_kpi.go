package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/internal/csvsafe"
	"github.com/orderflow/orderflow/models"
	"github.com/orderflow/orderflow/store"
)

// kpiOptions are the flags of `orderflow kpi`.
type kpiOptions struct {
	from, to, by, format, kpis, explain, week string
}

func init() {
	var o kpiOptions
	register(&command{
		name:    "kpi",
		summary: "the weekly KPIs, or the order lines behind one figure",
		usage: "[--from W] [--to W] [--by DIM[,DIM]] [--kpi NAME[,NAME]] [--format table|json|csv]\n" +
			"       orderflow kpi --explain KPI --week W [--by DIM=VALUE[,DIM=VALUE]]\n\n" +
			"W is an ISO week such as 2026-W47. Without --from and --to: the last complete ISO week\n" +
			"before the as-of date of the last build. Figures are those of the last `orderflow build`.\n" +
			"Dimensions: " + strings.Join(models.Dimensions(), ", ") + ".\n" +
			"KPIs: " + strings.Join(models.KPINames(), ", ") + ".",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&o.from, "from", "", "first ISO week, such as 2026-W40 (default: the last complete week)")
			fs.StringVar(&o.to, "to", "", "last ISO week (default: --from, or the last complete week)")
			fs.StringVar(&o.by, "by", "", "cut by these dimensions, comma-separated (with --explain: DIM=VALUE pairs)")
			fs.StringVar(&o.kpis, "kpi", "", "only these KPIs, comma-separated (default: all that apply to the cut)")
			fs.StringVar(&o.format, "format", "table", "output format: table, json or csv")
			fs.StringVar(&o.explain, "explain", "", "list the rows behind the figure of this KPI")
			fs.StringVar(&o.week, "week", "", "with --explain: the ISO week of the figure (default: the last complete week)")
		},
		run: o.run,
	})
}

func (o *kpiOptions) run(e *env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("kpi takes no arguments (got %q): use --from, --to, --by", args[0])
	}
	if o.format != "table" && o.format != "json" && o.format != "csv" {
		return fmt.Errorf("--format %q is not supported: use table, json or csv", o.format)
	}
	st, err := store.OpenReadOnly(e.ctx, e.dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	builtAsOf, err := models.BuiltAsOf(e.ctx, st.DB)
	if err != nil {
		return err
	}
	if !builtAsOf.Equal(e.asOf) {
		fmt.Fprintf(e.stderr, "note: figures are as of %s, the date of the last build (run `orderflow build` to refresh them)\n", builtAsOf.Format("2006-01-02"))
	}
	defaultWeek := models.LastCompleteWeek(builtAsOf)
	if o.explain != "" {
		return o.runExplain(e, st, defaultWeek)
	}
	q := models.KPIQuery{From: o.from, To: o.to, By: commaList(o.by), KPIs: commaList(o.kpis)}
	switch {
	case q.From == "" && q.To == "":
		q.From, q.To = defaultWeek, defaultWeek
	case q.To == "":
		q.To = q.From
	case q.From == "":
		q.From = q.To
	}
	vals, err := models.Query(e.ctx, st.DB, q)
	if err != nil {
		return err
	}
	switch o.format {
	case "json":
		return writeIndentedJSON(e.stdout, vals)
	case "csv":
		return writeKPICSV(e.stdout, vals, q.By)
	}
	if len(vals) == 0 {
		fmt.Fprintf(e.stderr, "no KPI values from %s to %s\n", q.From, q.To)
		return nil
	}
	writeKPITable(e.stdout, e.lang, vals, q.By)
	return nil
}

// runExplain prints the figure, then the rows behind it.
func (o *kpiOptions) runExplain(e *env, st *store.Store, defaultWeek string) error {
	week := o.week
	if week == "" {
		week = defaultWeek
	}
	filters := map[string]string{}
	for _, pair := range commaList(o.by) {
		dim, val, ok := strings.Cut(pair, "=")
		if !ok {
			return fmt.Errorf("with --explain, --by takes DIM=VALUE pairs such as country=DE (got %q)", pair)
		}
		filters[strings.TrimSpace(dim)] = strings.TrimSpace(val)
	}
	ex, err := models.Explain(e.ctx, st.DB, o.explain, week, filters)
	if err != nil {
		return err
	}
	switch o.format {
	case "json":
		return writeIndentedJSON(e.stdout, ex)
	case "csv":
		w := csvsafe.NewWriter(e.stdout)
		w.Write(ex.Columns)
		for _, r := range ex.Rows {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = cellText(v)
			}
			w.Write(rec)
		}
		w.Flush()
		return w.Error()
	}
	// The figure first, computed by the same query as `kpi`.
	q := models.KPIQuery{KPIs: []string{o.explain}, From: ex.Week, To: ex.Week, Filters: map[string][]string{}}
	var cut []string
	for _, d := range models.Dimensions() {
		if v, ok := filters[d]; ok {
			q.By = append(q.By, d)
			q.Filters[d] = []string{v}
			cut = append(cut, d+"="+v)
		}
	}
	vals, err := models.Query(e.ctx, st.DB, q)
	if err != nil {
		return err
	}
	k, _ := models.LookupKPI(o.explain)
	head := fmt.Sprintf("%s (%s), %s", k.Label(e.lang), k.Name, ex.Week)
	if len(cut) > 0 {
		head += ", " + strings.Join(cut, ", ")
	}
	if len(vals) == 1 {
		v := vals[0]
		head += ": " + formatKPIValue(e.lang, v)
		if v.Numerator != nil {
			head += fmt.Sprintf(" (%s / %s)", formatAmount(e.lang, v.Numerator), formatAmount(e.lang, v.Denominator))
		}
	}
	fmt.Fprintln(e.stdout, head)
	fmt.Fprintf(e.stdout, "%d row(s) of %s:\n\n", len(ex.Rows), ex.Model)
	cells := make([][]string, len(ex.Rows))
	right := make([]bool, len(ex.Columns))
	for i, r := range ex.Rows {
		cells[i] = make([]string, len(r))
		for j, v := range r {
			cells[i][j] = cellText(v)
			switch v.(type) {
			case float64, int64, int32:
				right[j] = true
			}
		}
	}
	writeAligned(e.stdout, upperNames(ex.Columns), cells, right)
	return nil
}

func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeKPICSV(w io.Writer, vals []models.KPIValue, by []string) error {
	cw := csvsafe.NewWriter(w)
	cw.Write(append(append([]string{"kpi", "week"}, by...), "value", "numerator", "denominator", "unit"))
	num := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', -1, 64)
	}
	for _, v := range vals {
		rec := []string{v.KPI, v.Week}
		for _, d := range by {
			rec = append(rec, v.Dims[d])
		}
		cw.Write(append(rec, num(v.Value), num(v.Numerator), num(v.Denominator), string(v.Unit)))
	}
	cw.Flush()
	return cw.Error()
}

// writeKPITable prints one row per week, cut and KPI, in report order.
func writeKPITable(w io.Writer, lang string, vals []models.KPIValue, by []string) {
	rank := map[string]int{}
	labels := map[string]string{}
	for i, k := range models.Registry() {
		rank[k.Name] = i
		labels[k.Name] = k.Label(lang)
	}
	sorted := append([]models.KPIValue(nil), vals...)
	sortKPIValues(sorted, by, rank)
	head := append(append([]string{"WEEK"}, upperNames(by)...), "KPI", "VALUE", "NUMERATOR", "DENOMINATOR", "LABEL")
	right := make([]bool, len(head))
	for i := len(by) + 2; i < len(head)-1; i++ {
		right[i] = true
	}
	var cells [][]string
	for _, v := range sorted {
		row := []string{v.Week}
		for _, d := range by {
			row = append(row, v.Dims[d])
		}
		row = append(row, v.KPI, formatKPIValue(lang, v), formatAmount(lang, v.Numerator), formatAmount(lang, v.Denominator), labels[v.KPI])
		cells = append(cells, row)
	}
	writeAligned(w, head, cells, right)
}

func sortKPIValues(vals []models.KPIValue, by []string, rank map[string]int) {
	less := func(a, b models.KPIValue) bool {
		if a.Week != b.Week {
			return a.Week < b.Week
		}
		for _, d := range by {
			if a.Dims[d] != b.Dims[d] {
				return a.Dims[d] < b.Dims[d]
			}
		}
		return rank[a.KPI] < rank[b.KPI]
	}
	// insertion sort keeps it stable and the lists are short
	for i := 1; i < len(vals); i++ {
		for j := i; j > 0 && less(vals[j], vals[j-1]); j-- {
			vals[j], vals[j-1] = vals[j-1], vals[j]
		}
	}
}

// formatKPIValue writes a value the way its unit reads: 72.7%, 3.5 d, 1,234.50.
func formatKPIValue(lang string, v models.KPIValue) string {
	if v.Value == nil {
		return i18n.Empty
	}
	x := *v.Value
	switch v.Unit {
	case models.UnitRatio:
		return i18n.Percent(lang, x, 1)
	case models.UnitPercent:
		return i18n.Percent(lang, x/100, 2)
	case models.UnitDays:
		return i18n.Days(lang, x, 1)
	case models.UnitCount:
		return i18n.Number(lang, x, 0)
	case models.UnitCurrencyPerKg:
		return i18n.Number(lang, x, 2) + " /kg"
	}
	return i18n.Number(lang, x, 2)
}

// formatAmount writes a numerator or denominator: whole numbers without decimals.
func formatAmount(lang string, f *float64) string {
	if f == nil {
		return ""
	}
	if *f == math.Trunc(*f) {
		return i18n.Number(lang, *f, 0)
	}
	return i18n.Number(lang, *f, 2)
}

// writeAligned prints a table with columns padded to their widest cell; right marks
// the numeric columns, aligned on the right.
func writeAligned(w io.Writer, head []string, rows [][]string, right []bool) {
	width := make([]int, len(head))
	for i, h := range head {
		width[i] = utf8.RuneCountInString(h)
	}
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		for i, c := range cells {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if right[i] {
				b.WriteString(pad + c)
			} else if i < len(cells)-1 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(c)
			}
		}
		fmt.Fprintln(w, b.String())
	}
	line(head)
	for _, r := range rows {
		line(r)
	}
}

func upperNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.ToUpper(n)
	}
	return out
}

func commaList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
