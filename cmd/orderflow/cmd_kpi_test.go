package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/orderflow/orderflow/models/modeltest"
	"github.com/orderflow/orderflow/store"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/kpi/*/_golden")

// kpiCase is testdata/kpi/<case>/_cases.yaml: the CSVs of the folder measured as of a
// date under config variants, hand-worked expected values, and golden command outputs.
type kpiCase struct {
	AsOf     string                    `yaml:"as_of"`
	Variants map[string]map[string]any `yaml:"variants"` // kpi: settings of orderflow.yaml
	Expected []struct {
		Variant string            `yaml:"variant"`
		KPI     string            `yaml:"kpi"`
		Week    string            `yaml:"week"`
		By      map[string]string `yaml:"by"`
		Value   string            `yaml:"value"` // a number or a fraction such as 8/11
	} `yaml:"expected"`
	Goldens []struct {
		Name    string   `yaml:"name"`
		Variant string   `yaml:"variant"`
		Args    []string `yaml:"args"`
	} `yaml:"goldens"`
}

// TestKPIFixtures builds each fixture of testdata/kpi through the command line (build,
// then kpi) and checks every hand-worked value, then the golden outputs (-update
// rewrites them; review the diff against the worked values before committing).
func TestKPIFixtures(t *testing.T) {
	dirs, _ := filepath.Glob("../../testdata/kpi/*/_cases.yaml")
	if len(dirs) == 0 {
		t.Fatal("no testdata/kpi/*/_cases.yaml")
	}
	for _, file := range dirs {
		dir := filepath.Dir(file)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var c kpiCase
			body, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := yaml.Unmarshal(body, &c); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			dbs := map[string][]string{} // variant -> global flags of a built database
			flagsOf := func(variant string) []string {
				if variant == "" {
					variant = "default"
				}
				if f, ok := dbs[variant]; ok {
					return f
				}
				settings, ok := c.Variants[variant]
				if !ok {
					t.Fatalf("unknown variant %q", variant)
				}
				f := buildFixture(t, dir, c.AsOf, settings)
				dbs[variant] = f
				return f
			}
			// One `kpi --format json` run per variant and cut answers all its expectations.
			type key struct{ variant, by string }
			outputs := map[key]map[string]*float64{}
			valuesOf := func(variant string, by []string, from, to string) map[string]*float64 {
				k := key{variant, strings.Join(by, ",")}
				if out, ok := outputs[k]; ok {
					return out
				}
				args := append(flagsOf(variant), "kpi", "--from", from, "--to", to, "--format", "json")
				if len(by) > 0 {
					args = append(args, "--by", k.by)
				}
				var vals []struct {
					KPI   string            `json:"kpi"`
					Week  string            `json:"week"`
					Dims  map[string]string `json:"dims"`
					Value *float64          `json:"value"`
				}
				if err := json.Unmarshal(runOK(t, args...), &vals); err != nil {
					t.Fatal(err)
				}
				out := map[string]*float64{}
				for _, v := range vals {
					out[v.KPI+" "+v.Week+" "+fmt.Sprint(v.Dims)] = v.Value
				}
				outputs[k] = out
				return out
			}
			from, to := "9999-W99", "0000-W00"
			for _, ex := range c.Expected {
				from, to = min(from, ex.Week), max(to, ex.Week)
			}
			for _, ex := range c.Expected {
				if ex.By == nil {
					ex.By = map[string]string{}
				}
				name := fmt.Sprintf("%s %s %s %v", ex.Variant, ex.KPI, ex.Week, ex.By)
				want, err := parseExpected(ex.Value)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				dims := make([]string, 0, len(ex.By))
				for d := range ex.By {
					dims = append(dims, d)
				}
				sort.Strings(dims)
				got, found := valuesOf(ex.Variant, dims, from, to)[ex.KPI+" "+ex.Week+" "+fmt.Sprint(ex.By)]
				switch {
				case !found:
					t.Errorf("%s: no value in the output", name)
				case got == nil || math.Abs(*got-want) > 1e-9:
					t.Errorf("%s = %v, want %s = %v", name, deref(got), ex.Value, want)
				}
			}
			for _, g := range c.Goldens {
				got := runOK(t, append(flagsOf(g.Variant), g.Args...)...)
				path := filepath.Join(dir, "_golden", g.Name)
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run the test with -update to write it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from its golden file; got:\n%s", g.Name, got)
				}
			}
		})
	}
}

// buildFixture loads the CSVs of dir into a new database and builds it as of asOf with
// the given kpi settings; it returns the global flags that point at it.
func buildFixture(t *testing.T, dir, asOf string, settings map[string]any) []string {
	t.Helper()
	tmp := t.TempDir()
	db := filepath.Join(tmp, "orderflow.duckdb")
	cfg := filepath.Join(tmp, "orderflow.yaml")
	body, err := yaml.Marshal(map[string]any{"kpi": settings})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, body, 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	err = modeltest.LoadCanonical(context.Background(), st, dir)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	flags := []string{"--db", db, "--config", cfg, "--as-of", asOf}
	runOK(t, append(flags, "build")...)
	return flags
}

// runOK runs the command line and returns its standard output.
func runOK(t *testing.T, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("orderflow %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

func parseExpected(s string) (float64, error) {
	if num, den, ok := strings.Cut(s, "/"); ok {
		n, err1 := strconv.ParseFloat(num, 64)
		d, err2 := strconv.ParseFloat(den, 64)
		if err1 != nil || err2 != nil || d == 0 {
			return 0, fmt.Errorf("%q is not a fraction", s)
		}
		return n / d, nil
	}
	return strconv.ParseFloat(s, 64)
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// A wrong name gets one sentence that lists the valid ones.
func TestKPIErrors(t *testing.T) {
	flags := buildFixture(t, "../../testdata/kpi/flow", "2026-11-23", map[string]any{})
	f := func(want string, args ...string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append(flags, args...), &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("orderflow %s: error %v, want one containing %q", strings.Join(args, " "), err, want)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Fatalf("the error should be one sentence: %q", err)
		}
	}
	f(`unknown dimension "contry": valid dimensions are customer, country, region, bloc, site, family, sku, carrier, transport_mode, incoterm, lane`, "kpi", "--by", "contry")
	f(`unknown KPI "otf": valid KPIs are service_rate, otif_line,`, "kpi", "--kpi", "otf")
	f(`KPI coverage_days_median cannot be cut by customer: it can be cut by site, family, sku`, "kpi", "--kpi", "coverage_days_median", "--by", "customer")
	f(`"2026-47" is not an ISO week`, "kpi", "--from", "2026-47")
	f(`--by takes DIM=VALUE pairs`, "kpi", "--explain", "otif_line", "--by", "country")
	f(`unknown KPI "otf"`, "kpi", "--explain", "otf")
	f(`--format "xml" is not supported`, "kpi", "--format", "xml")

	empty := []string{"--db", filepath.Join(t.TempDir(), "empty.duckdb"), "--as-of", "2026-11-23"}
	var stdout, stderr bytes.Buffer
	st, err := store.Open(context.Background(), empty[1])
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	err = run(context.Background(), append(empty, "kpi"), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "run `orderflow build` first") {
		t.Fatalf("kpi before build: %v", err)
	}
}

// A build as of a date before every stock snapshot says in one line that the stock
// figures are skipped; a build after the first snapshot does not (issue 15).
func TestBuildSaysWhenNoStockSnapshotIsBeforeAsOf(t *testing.T) {
	const note = "no stock snapshot on or before 2026-11-10 (the first is 2026-11-16): stock coverage, stock projection and the stock-based anomalies are skipped for this as-of"
	flags := buildFixture(t, "../../testdata/kpi/flow", "2026-11-10", nil)
	out := string(runOK(t, append(flags, "build")...))
	if strings.Count(out, "no stock snapshot") != 1 || !strings.Contains(out, note+"\n") {
		t.Errorf("a build before the first snapshot does not say so in one line:\n%s", out)
	}
	out = string(runOK(t, append(flags, "--as-of", "2026-11-16", "build")...))
	if strings.Contains(out, "no stock snapshot") || !strings.Contains(out, "as of 2026-11-16") {
		t.Errorf("a build on the first snapshot's day says it has none:\n%s", out)
	}
}
