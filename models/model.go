// Package models builds the SQL models of sql/models (staging -> dims -> facts -> KPI marts)
// in one transaction, runs their data tests, and answers KPI queries from them.
//
// A model is one SELECT in its own file; its name is the file name and it becomes a table
// or a view of that name. What it reads is found in its SQL (any other model's name), so
// the build order needs no declaration. Its leading comment block carries directives:
//
//	-- materialized: table            (default: view; temp: a table that lives for the
//	                                   build only, for intermediate rows no one reads after)
//	-- test: unique(order_id, line_no)  data tests, run after every model is built
//	-- explain: order_id, line_no, ...  the columns `kpi --explain` lists (marts)
//	-- kpi: otif_line                   a KPI computed over the model's rows (marts):
//	--   numerator: count(*) FILTER (WHERE otif)
//	--   denominator: count(*)
//	--   value: quantile_cont(days_late, 0.9)   (instead of numerator and denominator)
//	--   scale: 100                             (value = scale x numerator / denominator)
//	--   test: between(0, 1)                    (the value of every week)
//	-- kpi: service_rate = otif_line    another name for a KPI of the same model
//	-- incremental: order_id            a table a build may refresh for the orders whose
//	                                   rows changed, or whose rows the move of the as-of
//	                                   date can change (see incremental.go)
//
// Data tests: not_null(col, ...), unique(col, ...), accepted_values(col: a, b),
// relationships(col -> model.col), expect(boolean SQL over a row), and for a KPI
// between(lo, hi).
package models

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	ofsql "github.com/orderflow/orderflow/sql"
)

// Model is one SQL file of sql/models.
type Model struct {
	Name         string // file name without .sql: the table or view it builds
	Path         string // inside sql.Models, such as models/facts/fct_order_line.sql
	Materialized string // table, view, temp (a table of the build only) or enum (a type of the build only)
	SQL          string // the SELECT, with its comments
	Deps         []string
	Tests        []DataTest
	Explain      []string
	KPIs         []kpiFormula
	// Incremental is the key an incremental build refreshes the table by (order_id), ""
	// for a model built whole every time. Its SQL marks, with /* refresh: <expr> */, where
	// the rows it reads are narrowed to the orders refreshed.
	Incremental string
}

// kpiFormula is a `-- kpi:` block: how one KPI aggregates the rows of its model.
type kpiFormula struct {
	Name        string
	AliasOf     string // "service_rate = otif_line": the formula of otif_line
	Numerator   string
	Denominator string
	Value       string
	Scale       float64
	Tests       []DataTest
}

// isRatio tells whether the KPI is a numerator over a denominator.
func (f kpiFormula) isRatio() bool { return f.Numerator != "" }

// Project is every model of sql/models, in build order.
type Project struct {
	Models []*Model
	byName map[string]*Model
	kpis   map[string]kpiRef
}

// kpiRef finds a KPI's formula in its model.
type kpiRef struct {
	model   *Model
	formula kpiFormula
}

// Model returns the model of that name.
func (p *Project) Model(name string) (*Model, bool) {
	m, ok := p.byName[name]
	return m, ok
}

var loadProject = sync.OnceValues(func() (*Project, error) { return parseProject(ofsql.Models) })

// LoadProject parses the embedded models once and orders them by dependency.
func LoadProject() (*Project, error) { return loadProject() }

func parseProject(fsys fs.FS) (*Project, error) {
	p := &Project{byName: map[string]*Model{}, kpis: map[string]kpiRef{}}
	err := fs.WalkDir(fsys, "models", func(file string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(file, ".sql") {
			return err
		}
		body, err := fs.ReadFile(fsys, file)
		if err != nil {
			return err
		}
		m, err := parseModel(file, string(body))
		if err != nil {
			return err
		}
		if prev, dup := p.byName[m.Name]; dup {
			return fmt.Errorf("model %s is defined twice: %s and %s", m.Name, prev.Path, m.Path)
		}
		p.byName[m.Name] = m
		p.Models = append(p.Models, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, m := range p.Models {
		m.Deps = findDeps(m, p.byName)
		if m.Materialized == "view" || len(m.KPIs) > 0 {
			// A view (or a KPI, queried after the build) would read a table or type gone
			// by then.
			for _, d := range m.Deps {
				switch p.byName[d].Materialized {
				case "temp":
					return nil, fmt.Errorf("%s reads %s, a temp model that lives for the build only: make %s a table, or %s a table or temp model", m.Path, d, d, m.Name)
				case "enum":
					return nil, fmt.Errorf("%s reads %s, an enum model that lives for the build only: make %s a table or temp model", m.Path, d, m.Name)
				}
			}
		}
		for _, f := range m.KPIs {
			if prev, dup := p.kpis[f.Name]; dup {
				return nil, fmt.Errorf("KPI %s is defined twice: in %s and %s", f.Name, prev.model.Path, m.Path)
			}
			p.kpis[f.Name] = kpiRef{model: m, formula: f}
		}
	}
	for name, ref := range p.kpis {
		if ref.formula.AliasOf == "" {
			continue
		}
		target, ok := p.kpis[ref.formula.AliasOf]
		if !ok || target.model != ref.model || target.formula.AliasOf != "" {
			return nil, fmt.Errorf("%s: KPI %s = %s must name a KPI defined in the same file", ref.model.Path, name, ref.formula.AliasOf)
		}
		f := target.formula
		f.Name, f.AliasOf, f.Tests = name, ref.formula.AliasOf, nil
		p.kpis[name] = kpiRef{model: ref.model, formula: f}
	}
	if err := checkIncremental(p); err != nil {
		return nil, err
	}
	ordered, err := buildOrder(p.Models)
	if err != nil {
		return nil, err
	}
	p.Models = ordered
	return p, nil
}

var (
	directiveRe = regexp.MustCompile(`^--(\s*)([a-z_]+):\s*(.*?)\s*$`)
	identRe     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// parseModel reads one file: its name, its directives, its SQL.
func parseModel(file, body string) (*Model, error) {
	name := strings.TrimSuffix(path.Base(file), ".sql")
	if !identRe.MatchString(name) {
		return nil, fmt.Errorf("%s: a model's file name must be a SQL identifier", file)
	}
	m := &Model{Name: name, Path: file, Materialized: "view", SQL: strings.TrimSpace(body)}
	var kpi *kpiFormula
	closeKPI := func() {
		if kpi != nil {
			m.KPIs = append(m.KPIs, *kpi)
			kpi = nil
		}
	}
	for i, line := range strings.Split(body, "\n") {
		line = strings.TrimRight(line, "\r")
		if !strings.HasPrefix(line, "--") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			break // the leading comment block is over
		}
		sub := directiveRe.FindStringSubmatch(line)
		if sub == nil {
			continue // prose
		}
		indented, key, val := len(sub[1]) > 1, sub[2], sub[3]
		bad := func(why string) error {
			return fmt.Errorf("%s:%d: %s", file, i+1, why)
		}
		if indented {
			if kpi == nil {
				continue // indented prose that happens to hold a colon
			}
			switch key {
			case "numerator":
				kpi.Numerator = val
			case "denominator":
				kpi.Denominator = val
			case "value":
				kpi.Value = val
			case "scale":
				s, err := strconv.ParseFloat(val, 64)
				if err != nil {
					return nil, bad(fmt.Sprintf("scale %q is not a number", val))
				}
				kpi.Scale = s
			case "test":
				t, err := parseTest(name, kpi.Name, val)
				if err != nil {
					return nil, bad(err.Error())
				}
				kpi.Tests = append(kpi.Tests, t)
			default:
				return nil, bad(fmt.Sprintf("unknown KPI directive %q (numerator, denominator, value, scale, test)", key))
			}
			continue
		}
		closeKPI()
		switch key {
		case "materialized":
			if val != "table" && val != "view" && val != "temp" && val != "enum" {
				return nil, bad(fmt.Sprintf("materialized: %q must be table, view, temp or enum", val))
			}
			m.Materialized = val
		case "test":
			t, err := parseTest(name, "", val)
			if err != nil {
				return nil, bad(err.Error())
			}
			m.Tests = append(m.Tests, t)
		case "explain":
			m.Explain = splitList(val)
		case "incremental":
			if val != "order_id" {
				return nil, bad(fmt.Sprintf("incremental: %q: a model is refreshed by order_id only", val))
			}
			m.Incremental = val
		case "kpi":
			kname, alias, _ := strings.Cut(val, "=")
			kpi = &kpiFormula{Name: strings.TrimSpace(kname), AliasOf: strings.TrimSpace(alias), Scale: 1}
			if !identRe.MatchString(kpi.Name) {
				return nil, bad(fmt.Sprintf("KPI name %q is not an identifier", kpi.Name))
			}
		}
	}
	closeKPI()
	for _, k := range m.KPIs {
		if k.AliasOf != "" {
			continue
		}
		if (k.Numerator == "") != (k.Denominator == "") || (k.Numerator == "") == (k.Value == "") {
			return nil, fmt.Errorf("%s: KPI %s needs either a numerator and a denominator, or a value", file, k.Name)
		}
	}
	return m, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

var (
	commentRe = regexp.MustCompile(`(?s)--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'`)
	wordRe    = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
)

// codeSpans returns the [start, end) spans of sql that are neither comments nor strings.
func codeSpans(sql string) [][2]int {
	var spans [][2]int
	last := 0
	for _, m := range commentRe.FindAllStringIndex(sql, -1) {
		if m[0] > last {
			spans = append(spans, [2]int{last, m[0]})
		}
		last = m[1]
	}
	if last < len(sql) {
		spans = append(spans, [2]int{last, len(sql)})
	}
	return spans
}

// findDeps lists the models whose names appear in m's SQL, outside comments and strings.
func findDeps(m *Model, models map[string]*Model) []string {
	var code strings.Builder
	for _, span := range codeSpans(m.SQL) {
		code.WriteString(m.SQL[span[0]:span[1]])
		code.WriteByte(' ')
	}
	seen := map[string]bool{}
	var deps []string
	for _, w := range wordRe.FindAllString(code.String(), -1) {
		w = strings.ToLower(w)
		if w == m.Name || seen[w] {
			continue
		}
		if _, ok := models[w]; ok {
			seen[w] = true
			deps = append(deps, w)
		}
	}
	sort.Strings(deps)
	return deps
}

// buildOrder sorts models so that each comes after what it reads; ties go by name.
func buildOrder(models []*Model) ([]*Model, error) {
	byName := map[string]*Model{}
	pending := map[string]int{}
	readers := map[string][]string{}
	for _, m := range models {
		byName[m.Name] = m
		pending[m.Name] = len(m.Deps)
		for _, d := range m.Deps {
			readers[d] = append(readers[d], m.Name)
		}
	}
	var ready []string
	for name, n := range pending {
		if n == 0 {
			ready = append(ready, name)
		}
	}
	var out []*Model
	for len(ready) > 0 {
		sort.Strings(ready)
		name := ready[0]
		ready = ready[1:]
		out = append(out, byName[name])
		for _, r := range readers[name] {
			if pending[r]--; pending[r] == 0 {
				ready = append(ready, r)
			}
		}
	}
	if len(out) != len(models) {
		var cycle []string
		for name, n := range pending {
			if n > 0 {
				cycle = append(cycle, name)
			}
		}
		sort.Strings(cycle)
		return nil, fmt.Errorf("models read each other in a cycle: %s", strings.Join(cycle, ", "))
	}
	return out, nil
}
