package gen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/orderflow/orderflow/rules"
	schema "github.com/orderflow/orderflow/sql"
)

var testAsOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

const testLines = 3000

var (
	genOnce  = map[string]*sync.Once{"canonical": {}, "sap": {}}
	genDir   = map[string]string{}
	genSum   = map[string]Summary{}
	genErr   = map[string]error{}
	tempRoot string
)

func TestMain(m *testing.M) {
	var err error
	tempRoot, err = os.MkdirTemp("", "orderflow-gen-test")
	if err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(tempRoot)
	os.Exit(code)
}

// generated runs the generator once per profile for the whole test binary.
func generated(t *testing.T, profile string) (string, Summary) {
	t.Helper()
	genOnce[profile].Do(func() {
		dir := filepath.Join(tempRoot, profile)
		genDir[profile] = dir
		genSum[profile], genErr[profile] = Generate(context.Background(), Options{Out: dir, Seed: 7, Lines: testLines, Profile: profile, AsOf: testAsOf})
	})
	if err := genErr[profile]; err != nil {
		t.Fatalf("Generate(%s): %v", profile, err)
	}
	return genDir[profile], genSum[profile]
}

func hashDir(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel] = sha256.Sum256(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	f := func(profile string) {
		t.Helper()
		run := func(seed uint64) map[string][32]byte {
			dir := t.TempDir()
			if _, err := Generate(context.Background(), Options{Out: dir, Seed: seed, Lines: 1500, Profile: profile, AsOf: testAsOf}); err != nil {
				t.Fatalf("Generate: %v", err)
			}
			return hashDir(t, dir)
		}
		a, b, c := run(3), run(3), run(4)
		if len(a) != len(b) {
			t.Fatalf("%s: %d files, then %d", profile, len(a), len(b))
		}
		for name, h := range a {
			if b[name] != h {
				t.Fatalf("%s: %s differs between two runs with the same seed", profile, name)
			}
		}
		same := 0
		for name, h := range a {
			if c[name] == h {
				same++
			}
		}
		if same > 0 {
			t.Fatalf("%s: %d files are identical under seeds 3 and 4", profile, same)
		}
	}
	f("canonical")
	f("sap")
}

func TestOptionsErrors(t *testing.T) {
	f := func(opts Options, want string) {
		t.Helper()
		_, err := Generate(context.Background(), opts)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("Generate(%+v) error = %v; want one saying %q", opts, err, want)
		}
	}
	dir := t.TempDir()
	f(Options{Lines: 10, AsOf: testAsOf}, "no output folder")
	f(Options{Out: dir, Lines: 0, AsOf: testAsOf}, "order lines")
	f(Options{Out: dir, Lines: 10}, "as-of")
	f(Options{Out: dir, Lines: 10, AsOf: testAsOf, Profile: "odoo"}, `profile "odoo"`)
}

// schemaColumns reads the canonical tables and their columns from the schema migration.
func schemaColumns(t *testing.T) map[string][]string {
	t.Helper()
	b, err := schema.Schema.ReadFile("schema/001_canonical.sql")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	table := regexp.MustCompile(`(?s)CREATE TABLE (\w+) \((.*?)\n\);`)
	for _, m := range table.FindAllStringSubmatch(string(b), -1) {
		var cols []string
		for _, ln := range strings.Split(m[2], "\n") {
			f := strings.Fields(ln)
			if len(f) < 2 || strings.HasPrefix(f[0], "--") || f[0] == "_load_id" || f[0] == "_row" {
				continue
			}
			cols = append(cols, f[0])
		}
		out[m[1]] = cols
	}
	return out
}

func TestCanonicalHeaders(t *testing.T) {
	dir, sum := generated(t, "canonical")
	want := schemaColumns(t)
	for _, e := range canonicalEntities {
		b, err := os.ReadFile(filepath.Join(dir, e+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		header, _, _ := strings.Cut(string(b), "\n")
		if got := strings.Split(header, ","); !slices.Equal(got, want[e]) {
			t.Fatalf("%s.csv header = %v; want the schema's %v", e, got, want[e])
		}
		if !utf8.Valid(b) {
			t.Fatalf("%s.csv is not UTF-8", e)
		}
		if sum.Rows(e+".csv") == 0 {
			t.Fatalf("%s.csv has no rows", e)
		}
	}
	if n := sum.Rows("order_lines.csv"); n < testLines || n > testLines+testLines/50 {
		t.Fatalf("order_lines.csv has %d rows; want %d plus a few duplicates", n, testLines)
	}
}

// csvTable is a CSV file read as rows of named fields.
type csvTable []map[string]string

func readCSV(t *testing.T, path string) csvTable {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("cannot read %s: %v", path, err)
	}
	var out csvTable
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	if s == "" {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return v
}

func date(t *testing.T, s string) time.Time {
	t.Helper()
	if s == "" {
		return time.Time{}
	}
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatalf("%q is not a date", s)
	}
	return d
}

// extract is the canonical output loaded for the checks below, keyed as the anomaly
// rules key it: duplicates of a business key are kept once (the first row).
type extract struct {
	orders    map[string]map[string]string
	lines     map[string]map[string]string // order_id|line_no
	lineKeys  []string                     // in file order
	shipments csvTable                     // deduplicated
	invoices  csvTable
	claims    csvTable
	documents csvTable
	stock     csvTable
	products  map[string]bool
	customers map[string]bool
	dupKeys   []string // duplicate_record keys
}

func lineKey(order, line string) string { return order + "|" + line }

func loadExtract(t *testing.T, dir string) *extract {
	t.Helper()
	x := &extract{orders: map[string]map[string]string{}, lines: map[string]map[string]string{}, products: map[string]bool{}, customers: map[string]bool{}}
	for _, r := range readCSV(t, filepath.Join(dir, "orders.csv")) {
		x.orders[r["order_id"]] = r
	}
	rowText := func(r map[string]string) string {
		keys := make([]string, 0, len(r))
		for k := range r {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			b.WriteString(k + "=" + r[k] + ";")
		}
		return b.String()
	}
	for _, r := range readCSV(t, filepath.Join(dir, "order_lines.csv")) {
		k := lineKey(r["order_id"], r["line_no"])
		if prev, ok := x.lines[k]; ok {
			if rowText(prev) != rowText(r) {
				x.dupKeys = append(x.dupKeys, r["order_id"]+"|"+r["line_no"]+"|")
			}
			continue
		}
		x.lines[k] = r
		x.lineKeys = append(x.lineKeys, k)
	}
	seen := map[string]map[string]string{}
	for _, r := range readCSV(t, filepath.Join(dir, "shipments.csv")) {
		k := r["shipment_id"] + "|" + r["order_id"] + "|" + r["line_no"]
		if prev, ok := seen[k]; ok {
			if rowText(prev) != rowText(r) {
				x.dupKeys = append(x.dupKeys, r["order_id"]+"|"+r["line_no"]+"|"+r["shipment_id"])
			}
			continue
		}
		seen[k] = r
		x.shipments = append(x.shipments, r)
	}
	x.invoices = readCSV(t, filepath.Join(dir, "invoices.csv"))
	x.claims = readCSV(t, filepath.Join(dir, "claims.csv"))
	x.documents = readCSV(t, filepath.Join(dir, "documents.csv"))
	x.stock = readCSV(t, filepath.Join(dir, "stock.csv"))
	for _, r := range readCSV(t, filepath.Join(dir, "products.csv")) {
		x.products[r["sku"]] = true
	}
	for _, r := range readCSV(t, filepath.Join(dir, "customers.csv")) {
		x.customers[r["customer_id"]] = true
	}
	return x
}

func (x *extract) due(t *testing.T, l map[string]string) time.Time {
	if l["promised_date"] != "" {
		return date(t, l["promised_date"])
	}
	return date(t, l["requested_date"])
}

// detect applies the anomaly definitions of the brief to the extract, independently of
// the generator, and returns the keys found per code.
func detect(t *testing.T, x *extract, asOf time.Time, missingDocVariant int) map[string][]string {
	t.Helper()
	found := map[string]map[string]bool{}
	add := func(code string, key ...string) {
		if found[code] == nil {
			found[code] = map[string]bool{}
		}
		found[code][strings.Join(key, "|")] = true
	}
	shipped := map[string]float64{}
	invoiced := map[string]float64{}
	hasInvoice := map[string]bool{}
	oldShipment := map[string]bool{}
	orderShipped := map[string]bool{}
	for _, s := range x.shipments {
		k := lineKey(s["order_id"], s["line_no"])
		if _, ok := x.lines[k]; !ok {
			add("orphan_shipment", s["shipment_id"])
			continue
		}
		shipped[k] += num(t, s["shipped_qty"])
		orderShipped[s["order_id"]] = true
		ship := date(t, s["ship_date"])
		if asOf.Sub(ship) > 3*24*time.Hour {
			oldShipment[k] = true
		}
		if s["delivery_date"] != "" && date(t, s["delivery_date"]).Before(ship) {
			add("delivery_before_ship", s["shipment_id"], s["order_id"], s["line_no"])
		}
		if ship.Before(date(t, x.orders[s["order_id"]]["order_date"])) {
			add("ship_before_order", s["shipment_id"], s["order_id"], s["line_no"])
		}
	}
	for _, iv := range x.invoices {
		k := lineKey(iv["order_id"], iv["line_no"])
		l, ok := x.lines[k]
		if !ok {
			add("orphan_invoice", iv["invoice_id"])
			continue
		}
		invoiced[k] += num(t, iv["invoiced_qty"])
		hasInvoice[k] = true
		if d := num(t, iv["amount"]) - num(t, iv["invoiced_qty"])*num(t, l["unit_price"]); d > 0.01+1e-9 || d < -0.01-1e-9 {
			add("invoice_price_mismatch", iv["order_id"], iv["line_no"], iv["invoice_id"])
		}
	}
	for _, c := range x.claims {
		if _, ok := x.lines[lineKey(c["order_id"], c["line_no"])]; !ok {
			add("orphan_claim", c["claim_id"])
		}
	}
	for _, k := range x.dupKeys {
		add("duplicate_record", k)
	}
	open := map[string][]string{} // site|sku -> open line keys
	for _, k := range x.lineKeys {
		l := x.lines[k]
		o := x.orders[l["order_id"]]
		ordered := num(t, l["ordered_qty"])
		order, line := l["order_id"], l["line_no"]
		if l["status"] == "closed" && shipped[k] < ordered {
			add("short_shipment", order, line)
		}
		if l["status"] == "closed" && shipped[k] > ordered {
			add("over_shipment", order, line)
		}
		if oldShipment[k] && shipped[k] > invoiced[k] && !hasInvoice[k] {
			add("shipped_not_invoiced", order, line)
		}
		if hasInvoice[k] && invoiced[k] != shipped[k] {
			add("invoice_qty_mismatch", order, line)
		}
		due := x.due(t, l)
		if l["status"] != "cancelled" && due.Before(asOf) && shipped[k] < ordered {
			add("late_backlog", order, line)
		}
		if l["status"] != "cancelled" && shipped[k] < ordered {
			pair := o["ship_from_site"] + "|" + l["sku"]
			open[pair] = append(open[pair], k)
		}
	}
	// due_soon_short: walk open demand by due date against the latest snapshot.
	latest := ""
	for _, s := range x.stock {
		latest = max(latest, s["snapshot_date"])
	}
	snap := map[string]map[string]string{}
	for _, s := range x.stock {
		if s["snapshot_date"] == latest {
			snap[s["site"]+"|"+s["sku"]] = s
		}
	}
	pairs := make([]string, 0, len(open))
	for p := range open {
		pairs = append(pairs, p)
	}
	sort.Strings(pairs)
	for _, p := range pairs {
		ks := open[p]
		sort.SliceStable(ks, func(i, j int) bool { return x.due(t, x.lines[ks[i]]).Before(x.due(t, x.lines[ks[j]])) })
		s := snap[p]
		avail := num(t, s["on_hand_qty"]) - num(t, s["reserved_qty"])
		cum := 0.0
		for _, k := range ks {
			l := x.lines[k]
			due := x.due(t, l)
			cum += num(t, l["ordered_qty"]) - shipped[k]
			in := 0.0
			if s["incoming_date"] != "" && !date(t, s["incoming_date"]).After(due) {
				in = num(t, s["incoming_qty"])
			}
			if !due.Before(asOf) && !due.After(asOf.AddDate(0, 0, 10)) && avail+in-cum < 0 {
				add("due_soon_short", l["order_id"], l["line_no"])
			}
		}
	}
	// orders: LC dates, documents, Incoterms
	valid := map[string]bool{}
	for _, it := range rules.Incoterms() {
		valid[it.Code] = it.Valid
	}
	docs := map[string][]map[string]string{}
	for _, d := range x.documents {
		docs[d["order_id"]] = append(docs[d["order_id"]], d)
	}
	shipsOf := map[string][]map[string]string{}
	for _, s := range x.shipments {
		if _, ok := x.lines[lineKey(s["order_id"], s["line_no"])]; ok {
			shipsOf[s["order_id"]] = append(shipsOf[s["order_id"]], s)
		}
	}
	linesOf := map[string][]string{}
	for _, k := range x.lineKeys {
		linesOf[x.lines[k]["order_id"]] = append(linesOf[x.lines[k]["order_id"]], k)
	}
	ids := make([]string, 0, len(x.orders))
	for id := range x.orders {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		o := x.orders[id]
		if o["incoterm"] == "FAS" || o["incoterm"] == "FOB" || o["incoterm"] == "CFR" || o["incoterm"] == "CIF" {
			if o["transport_mode"] != "sea" && o["transport_mode"] != "inland_waterway" {
				add("incoterm_mode_mismatch", id)
			}
		}
		if !valid[o["incoterm"]] {
			add("obsolete_incoterm", id)
		}
		if o["payment_method"] == "letter_of_credit" {
			latestShip := date(t, o["lc_latest_shipment_date"])
			expiry := date(t, o["lc_expiry_date"])
			for _, k := range linesOf[id] {
				l := x.lines[k]
				risk := shipped[k] < num(t, l["ordered_qty"]) && latestShip.Before(asOf) ||
					l["planned_ship_date"] != "" && date(t, l["planned_ship_date"]).After(latestShip)
				for _, s := range shipsOf[id] {
					if s["line_no"] == l["line_no"] && date(t, s["ship_date"]).After(latestShip) {
						risk = true
					}
				}
				if risk {
					add("lc_shipment_date_risk", id, l["line_no"])
				}
			}
			for _, s := range shipsOf[id] {
				if date(t, s["ship_date"]).AddDate(0, 0, 21).After(expiry) {
					add("lc_expiry_risk", id, s["shipment_id"])
				}
			}
		}
		needs := orderShipped[id]
		for _, k := range linesOf[id] {
			l := x.lines[k]
			if l["planned_ship_date"] == "" {
				continue
			}
			p := date(t, l["planned_ship_date"])
			switch missingDocVariant {
			case 0: // planned within 5 days either side of as-of
				if !p.Before(asOf.AddDate(0, 0, -5)) && !p.After(asOf.AddDate(0, 0, 5)) {
					needs = true
				}
			case 1: // open and planned by as-of + 5
				if l["status"] != "cancelled" && shipped[k] < num(t, l["ordered_qty"]) && !p.After(asOf.AddDate(0, 0, 5)) {
					needs = true
				}
			}
		}
		if needs {
			origin := map[string]string{"FR01": "FR", "FR02": "FR", "DE01": "DE"}[o["ship_from_site"]]
			for _, dt := range rules.RequiredDocuments(origin, o["ship_to_country"], o["transport_mode"], o["incoterm"], o["payment_method"]) {
				good, bad := false, false
				for _, d := range docs[id] {
					if d["doc_type"] != dt {
						continue
					}
					if d["status"] == "missing" || d["status"] == "rejected" {
						bad = true
					} else {
						good = true
					}
				}
				if bad || !good {
					add("missing_document", id)
				}
			}
		}
	}
	out := map[string][]string{}
	for code, keys := range found {
		for k := range keys {
			out[code] = append(out[code], k)
		}
		sort.Strings(out[code])
	}
	return out
}

// truthKeys projects the ground truth open at asOf (injected_on <= asOf < resolved_on)
// onto the keys detect returns.
func truthKeys(t *testing.T, dir string, asOf time.Time) map[string][]string {
	t.Helper()
	out := map[string]map[string]bool{}
	d := asOf.Format(time.DateOnly)
	for _, r := range readCSV(t, filepath.Join(dir, TruthFile)) {
		if r["injected_on"] > d || r["resolved_on"] != "" && r["resolved_on"] <= d {
			continue
		}
		var key []string
		switch r["code"] {
		case "short_shipment", "over_shipment", "shipped_not_invoiced", "invoice_qty_mismatch", "late_backlog", "due_soon_short", "lc_shipment_date_risk":
			key = []string{r["order_id"], r["line_no"]}
		case "invoice_price_mismatch":
			key = []string{r["order_id"], r["line_no"], r["invoice_id"]}
		case "delivery_before_ship", "ship_before_order":
			key = []string{r["shipment_id"], r["order_id"], r["line_no"]}
		case "orphan_shipment":
			key = []string{r["shipment_id"]}
		case "orphan_invoice":
			key = []string{r["invoice_id"]}
		case "orphan_claim":
			key = []string{r["claim_id"]}
		case "duplicate_record":
			key = []string{r["order_id"], r["line_no"], r["shipment_id"]}
		case "lc_expiry_risk":
			key = []string{r["order_id"], r["shipment_id"]}
		case "missing_document", "incoterm_mode_mismatch", "obsolete_incoterm":
			key = []string{r["order_id"]}
		default:
			t.Fatalf("truth has unknown code %q", r["code"])
		}
		if out[r["code"]] == nil {
			out[r["code"]] = map[string]bool{}
		}
		out[r["code"]][strings.Join(key, "|")] = true
	}
	res := map[string][]string{}
	for code, keys := range out {
		for k := range keys {
			res[code] = append(res[code], k)
		}
		sort.Strings(res[code])
	}
	return res
}

// TestGroundTruth: what the brief's definitions detect in the output is exactly what
// the truth file lists, code by code: every injected case is visible, and ordinary
// data meets no definition by accident. Two readings of missing_document's "planned
// within 5 days" are checked.
func TestGroundTruth(t *testing.T) {
	f := func(dir string, sum Summary, wantAll bool) {
		t.Helper()
		x := loadExtract(t, dir)
		want := truthKeys(t, dir, testAsOf)
		for variant := range 2 {
			got := detect(t, x, testAsOf, variant)
			for _, code := range AnomalyCodes {
				if wantAll && (len(want[code]) == 0 || sum.Open(code) != len(want[code])) {
					t.Errorf("%s: %d truth rows open at the as-of date, summary says %d", code, len(want[code]), sum.Open(code))
				}
				if !slices.Equal(got[code], want[code]) {
					t.Errorf("%s (%s, variant %d): detected %d, truth %d\n  detected only: %v\n  truth only: %v", code, dir, variant,
						len(got[code]), len(want[code]), minus(got[code], want[code]), minus(want[code], got[code]))
				}
			}
		}
	}
	dir, sum := generated(t, "canonical")
	f(dir, sum, true)
	for _, c := range []struct {
		lines int
		seed  uint64
	}{{400, 2}, {20000, 3}} {
		dir := t.TempDir()
		sum, err := Generate(context.Background(), Options{Out: dir, Seed: c.seed, Lines: c.lines, AsOf: testAsOf})
		if err != nil {
			t.Fatal(err)
		}
		f(dir, sum, c.lines >= 3000)
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
		if len(out) == 5 {
			break
		}
	}
	return out
}

// TestReferentialIntegrity: every reference outside the injected orphans resolves.
func TestReferentialIntegrity(t *testing.T) {
	dir, _ := generated(t, "canonical")
	x := loadExtract(t, dir)
	orphans := map[string]bool{}
	for _, r := range readCSV(t, filepath.Join(dir, TruthFile)) {
		for _, c := range []string{"shipment_id", "invoice_id", "claim_id"} {
			if strings.HasPrefix(r["code"], "orphan_") && r[c] != "" {
				orphans[r[c]] = true
			}
		}
	}
	for id, o := range x.orders {
		if !x.customers[o["customer_id"]] {
			t.Fatalf("order %s: customer %s unknown", id, o["customer_id"])
		}
	}
	for _, k := range x.lineKeys {
		l := x.lines[k]
		if x.orders[l["order_id"]] == nil || !x.products[l["sku"]] {
			t.Fatalf("order line %s: order or SKU %s unknown", k, l["sku"])
		}
	}
	shipmentsOf := map[string]bool{}
	for _, s := range x.shipments {
		if orphans[s["shipment_id"]] {
			continue
		}
		if x.lines[lineKey(s["order_id"], s["line_no"])] == nil {
			t.Fatalf("shipment %s: line %s/%s unknown", s["shipment_id"], s["order_id"], s["line_no"])
		}
		shipmentsOf[s["order_id"]+"|"+s["shipment_id"]] = true
		shipmentsOf[lineKey(s["order_id"], s["line_no"])+"|"+s["shipment_id"]] = true
	}
	for _, iv := range x.invoices {
		if orphans[iv["invoice_id"]] {
			continue
		}
		if x.lines[lineKey(iv["order_id"], iv["line_no"])] == nil {
			t.Fatalf("invoice %s: line %s/%s unknown", iv["invoice_id"], iv["order_id"], iv["line_no"])
		}
	}
	for _, c := range x.claims {
		if orphans[c["claim_id"]] {
			continue
		}
		if !shipmentsOf[lineKey(c["order_id"], c["line_no"])+"|"+c["shipment_id"]] {
			t.Fatalf("claim %s: shipment %s of line %s/%s unknown", c["claim_id"], c["shipment_id"], c["order_id"], c["line_no"])
		}
		if c["opened_date"] > testAsOf.Format("2006-01-02") || c["closed_date"] != "" && c["closed_date"] < c["opened_date"] {
			t.Fatalf("claim %s: opened %s closed %s", c["claim_id"], c["opened_date"], c["closed_date"])
		}
	}
	for _, d := range x.documents {
		if x.orders[d["order_id"]] == nil {
			t.Fatalf("document %s: order %s unknown", d["doc_type"], d["order_id"])
		}
		if d["shipment_id"] != "" && !shipmentsOf[d["order_id"]+"|"+d["shipment_id"]] {
			t.Fatalf("document %s: shipment %s of order %s unknown", d["doc_type"], d["shipment_id"], d["order_id"])
		}
	}
	for _, s := range x.stock {
		if !x.products[s["sku"]] {
			t.Fatalf("stock: SKU %s unknown", s["sku"])
		}
	}
}

// TestOTIF: the service rate of due lines, on the Incoterm delivery basis, is realistic.
func TestOTIF(t *testing.T) {
	dir, _ := generated(t, "canonical")
	x := loadExtract(t, dir)
	byLine := map[string][]map[string]string{}
	for _, s := range x.shipments {
		k := lineKey(s["order_id"], s["line_no"])
		byLine[k] = append(byLine[k], s)
	}
	due, otif := 0, 0
	for _, k := range x.lineKeys {
		l := x.lines[k]
		o := x.orders[l["order_id"]]
		d := x.due(t, l)
		if l["status"] == "cancelled" || !d.Before(testAsOf) {
			continue
		}
		it, _ := rules.IncotermByCode(o["incoterm"])
		qty := 0.0
		for _, s := range byLine[k] {
			ev := date(t, s["ship_date"])
			if it.DeliveryEvent == "delivery" && s["delivery_date"] != "" {
				ev = date(t, s["delivery_date"])
			}
			if !ev.After(d) {
				qty += num(t, s["shipped_qty"])
			}
		}
		due++
		if qty >= num(t, l["ordered_qty"]) {
			otif++
		}
	}
	rate := float64(otif) / float64(due)
	t.Logf("otif_line = %d / %d = %.3f", otif, due, rate)
	if rate < 0.88 || rate > 0.95 {
		t.Fatalf("otif_line = %.3f; want a realistic 0.88-0.95", rate)
	}
}

func TestSAPFiles(t *testing.T) {
	dir, sum := generated(t, "sap")
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	f := func(name string, sep string, title bool, header []string) []byte {
		t.Helper()
		b := read(name)
		if bytes.Count(b, []byte("\n")) != bytes.Count(b, []byte("\r\n")) {
			t.Fatalf("%s: not every line ends with CRLF", name)
		}
		lines := strings.Split(string(b), "\r\n")
		h := lines[0]
		if title {
			if lines[1] != "" {
				t.Fatalf("%s: want a title line then a blank line, got %q, %q", name, lines[0], lines[1])
			}
			h = lines[2]
		}
		if got := strings.Split(h, sep); !slices.Equal(got, header) {
			t.Fatalf("%s: header %v; want %v", name, got, header)
		}
		return b
	}
	sales := f(sapSalesFile, ";", true, sapSalesColumns)
	f(sapDeliveryFile, "\t", false, sapDeliveryColumns)
	billing := f(sapBillingFile, ";", false, sapBillingColumns)
	stockName := "stock_" + testAsOf.Format("20060102") + ".txt"
	f(stockName, ";", true, sapStockColumns)
	if sum.Rows(stockName) == 0 {
		t.Fatalf("no rows in %s", stockName)
	}
	if utf8.Valid(sales) {
		t.Fatalf("%s is valid UTF-8: want Windows-1252 text", sapSalesFile)
	}
	if !bytes.Contains(sales, []byte("M\xfcller")) && !bytes.Contains(sales, []byte("Soci\xe9t\xe9")) {
		t.Fatalf("%s: no Windows-1252 accented name (ü, é) found", sapSalesFile)
	}
	if !regexp.MustCompile(`;\d{1,3}(\.\d{3})*,\d{3};`).Match(sales) || !regexp.MustCompile(`;\d{2}\.\d{2}\.\d{4};`).Match(sales) {
		t.Fatalf("%s: no decimal-comma quantity or dd.mm.yyyy date", sapSalesFile)
	}
	if !regexp.MustCompile(`;000000000\d{9};`).Match(sales) {
		t.Fatalf("%s: no material number with leading zeros", sapSalesFile)
	}
	if !regexp.MustCompile(`;\d{1,3}(\.\d{3})*,\d{2}-;`).Match(billing) {
		t.Fatalf("%s: no negative amount with a trailing minus", sapBillingFile)
	}
	for _, name := range []string{"claims.csv", "documents.csv", "customers.csv", "products.csv", TruthFile} {
		if sum.Rows(name) == 0 {
			t.Fatalf("sap profile: %s missing beside the SAP lists", name)
		}
	}
}

// TestSAPSameCompany: both profiles write the same company for a seed.
func TestSAPSameCompany(t *testing.T) {
	cdir, c := generated(t, "canonical")
	sdir, s := generated(t, "sap")
	f := func(canonical, sap string) {
		t.Helper()
		if c.Rows(canonical) != s.Rows(sap) {
			t.Fatalf("%s has %d rows, %s %d", canonical, c.Rows(canonical), sap, s.Rows(sap))
		}
	}
	f("order_lines.csv", sapSalesFile)
	f("shipments.csv", sapDeliveryFile)
	f("invoices.csv", sapBillingFile)
	for _, name := range []string{"customers.csv", "claims.csv", "documents.csv", TruthFile} {
		a, _ := os.ReadFile(filepath.Join(cdir, name))
		b, _ := os.ReadFile(filepath.Join(sdir, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Fatalf("%s differs between the canonical and the sap profile", name)
		}
	}
	snapshots := 0
	for _, file := range s.Files {
		if strings.HasPrefix(file.Name, "stock_") {
			snapshots++
		}
	}
	if snapshots != snapshotWeeks+1 || c.Rows("stock.csv") == 0 {
		t.Fatalf("sap profile: %d stock snapshot files; want %d", snapshots, snapshotWeeks+1)
	}
}

func TestCompany(t *testing.T) {
	dir, _ := generated(t, "canonical")
	countries := map[string]bool{}
	eu, extra := 0, 0
	for _, c := range readCSV(t, filepath.Join(dir, "customers.csv")) {
		countries[c["country"]] = true
		if rules.IsEU(c["country"]) {
			eu++
		} else {
			extra++
		}
		if rules.IsEU(c["country"]) != (c["vat_number"] != "") {
			t.Fatalf("customer %s in %s has VAT number %q", c["customer_id"], c["country"], c["vat_number"])
		}
	}
	if len(countries) < 30 || eu < 50 || extra < 50 {
		t.Fatalf("customers in %d countries, %d in the EU and %d outside; want 30+ countries on both sides", len(countries), eu, extra)
	}
	leadingZeros, sites := 0, map[string]bool{}
	for _, p := range readCSV(t, filepath.Join(dir, "products.csv")) {
		if strings.HasPrefix(p["sku"], "000000000") && len(p["sku"]) == 18 {
			leadingZeros++
		}
		if p["hs_code"] == "" || p["unit"] == "" || num(t, p["net_weight_kg"]) <= 0 || num(t, p["unit_cost"]) <= 0 {
			t.Fatalf("product %s is incomplete: %v", p["sku"], p)
		}
	}
	terms := map[string]int{}
	for _, o := range readCSV(t, filepath.Join(dir, "orders.csv")) {
		sites[o["ship_from_site"]] = true
		terms[o["payment_method"]]++
		if (o["payment_method"] == "letter_of_credit") != (o["lc_latest_shipment_date"] != "" && o["lc_expiry_date"] != "") {
			t.Fatalf("order %s: payment %s with LC dates %q, %q", o["order_id"], o["payment_method"], o["lc_latest_shipment_date"], o["lc_expiry_date"])
		}
	}
	if leadingZeros == 0 || len(sites) < 2 || terms["letter_of_credit"] == 0 || terms["open_account"] == 0 {
		t.Fatalf("SAP-style SKUs %d, sites %v, payment methods %v", leadingZeros, sites, terms)
	}
}

func TestLineBudgets(t *testing.T) {
	first := dayOf(time.Date(2024, 11, 23, 0, 0, 0, 0, time.UTC))
	last := first + historyDays
	b := lineBudgets(first, last, 100_000)
	total, byMonth, byWeekday := 0, map[time.Month]int{}, map[time.Weekday]int{}
	for i, n := range b {
		total += n
		d := (first + day(i)).time()
		byMonth[d.Month()] += n
		byWeekday[d.Weekday()] += n
	}
	if total != 100_000 {
		t.Fatalf("budgets add up to %d; want 100000", total)
	}
	if byMonth[time.August] >= byMonth[time.July]*3/4 || byMonth[time.November] <= byMonth[time.September] {
		t.Fatalf("no August dip or Q4 peak: %v", byMonth)
	}
	if byWeekday[time.Sunday]*10 > byWeekday[time.Monday] {
		t.Fatalf("Sundays carry %d lines, Mondays %d", byWeekday[time.Sunday], byWeekday[time.Monday])
	}
}

func TestDecimalText(t *testing.T) {
	f := func(v int64, scale int, sap bool, want string) {
		t.Helper()
		if got := string(appendDec(nil, v, scale, sap)); got != want {
			t.Fatalf("appendDec(%d, %d, %v) = %q; want %q", v, scale, sap, got, want)
		}
	}
	f(123450, 2, false, "1234.50")
	f(123450, 2, true, "1.234,50")
	f(-1250, 2, true, "12,50-")
	f(-1250, 2, false, "-12.50")
	f(1234567000, 3, true, "1.234.567,000")
	f(5, 3, true, "0,005")
	f(0, 0, false, "0")
	f(999000, 3, true, "999,000")
}

func BenchmarkGenerate1M(b *testing.B) {
	for b.Loop() {
		dir := b.TempDir()
		if _, err := Generate(context.Background(), Options{Out: dir, Seed: 1, Lines: 1_000_000, AsOf: testAsOf}); err != nil {
			b.Fatal(err)
		}
	}
}

// The rates come as the ECB writes eurofxref-hist.csv: "Date,USD,...," with a trailing
// comma, newest first, TARGET business days only (2026: no Good Friday 3 April, no
// Easter Monday 6 April, no 1 May), rates near their book values.
func TestRatesFileAsTheECBWritesIt(t *testing.T) {
	dir := t.TempDir()
	first, last := dayOf(time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC)), dayOf(time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC))
	fc, err := writeRates(dir, first, last, 7)
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join(dir, RatesFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	if lines[0] != "Date,USD,JPY,CZK,DKK,GBP,CHF,SEK," {
		t.Fatalf("header %q", lines[0])
	}
	// 26 weekdays from 30 March to 4 May, less 3 April, 6 April and 1 May
	if fc.Rows != 23 || len(lines) != 24 {
		t.Fatalf("%d rows (%d lines), want 23", fc.Rows, len(lines))
	}
	if !strings.HasPrefix(lines[1], "2026-05-04,") || !strings.HasPrefix(lines[23], "2026-03-30,") {
		t.Fatalf("not newest first: %q ... %q", lines[1], lines[23])
	}
	for _, l := range lines[1:] {
		for _, gone := range []string{"2026-04-03", "2026-04-06", "2026-05-01", "2026-04-04"} {
			if strings.HasPrefix(l, gone) {
				t.Errorf("%s has a rate: %s", gone, l)
			}
		}
		f := strings.Split(l, ",")
		if len(f) != 9 || f[8] != "" {
			t.Fatalf("line %q: want 8 fields and a trailing comma", l)
		}
		usd, _ := strconv.ParseFloat(f[1], 64)
		if usd < 1.0 || usd > 1.17 || len(f[1]) != 6 || len(f[5]) != 7 {
			t.Errorf("line %q: USD %s (4 decimals, near 1.08), GBP %s (5 decimals)", l, f[1], f[5])
		}
	}
}
