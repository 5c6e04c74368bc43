package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/orderflow/orderflow/rules"
	"golang.org/x/text/encoding/charmap"
)

// site is a ship-from site: a plant or warehouse, by its SAP plant code.
type site struct {
	code, city, country string
	port                string // port of loading, the named place of FAS and FOB
}

var sites = []site{
	{"FR01", "Lyon", "FR", "Marseille-Fos"},
	{"FR02", "Le Havre", "FR", "Le Havre"},
	{"DE01", "Hamburg", "DE", "Hamburg"},
}

// text is a string with its Windows-1252 bytes, encoded once for the SAP lists.
type text struct {
	utf8, cp1252 string
}

func newText(s string) text {
	b, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		panic(fmt.Sprintf("gen: %q cannot be written in Windows-1252: %v", s, err))
	}
	return text{utf8: s, cp1252: b}
}

type customer struct {
	no       int64 // customer number, written with 10 digits as SAP KUNNR
	name     text
	country  string
	region   string
	city     text
	port     text
	segment  string
	lang     string
	terms    string
	vat      string
	weight   int64 // thousandths: 1000 = a normal customer
	currency string
	payment  string
	mode     string
	incoterm string
	site     int
	discount int64 // percent off the list price
	docs     map[docKey][]string
}

type docKey struct{ mode, incoterm, payment string }

// requiredDocs caches rules.RequiredDocuments for the customer's lane.
func (c *customer) requiredDocs(mode, incoterm, payment string) []string {
	k := docKey{mode, incoterm, payment}
	if d, ok := c.docs[k]; ok {
		return d
	}
	d := rules.RequiredDocuments(sites[c.site].country, c.country, mode, incoterm, payment)
	c.docs[k] = d
	return d
}

type product struct {
	sku        string
	desc       text
	family     *family
	netWeightG int64 // grams per unit
	hs         string
	origin     string
	priceCents int64 // list price in EUR cents
	costCents  int64
	popularity float64
}

type family struct {
	name, unit string
	sapNumber  bool // material numbers as SAP writes them: 18 digits with leading zeros
	prefix     string
	hs         string
	weightG    [2]int64
	priceCents [2]int64
	qty        [3]int64 // min, max, step
	pack       int64    // units per package
	home       int      // site that makes or stocks the family
	share      float64
	origins    []string
	nouns      []string
	attrs      []string
}

var families = []*family{
	{name: "Valves", unit: "PCE", sapNumber: true, hs: "848180", weightG: [2]int64{1500, 40000}, priceCents: [2]int64{8000, 250000}, qty: [3]int64{1, 60, 1}, pack: 4, home: 0, share: 0.20, origins: []string{"FR", "FR", "IT", "DE"},
		nouns: []string{"Ball valve", "Butterfly valve", "Gate valve", "Check valve", "Globe valve"}, attrs: []string{"DN25 PN40 stainless", "DN50 PN16 cast iron", "DN80 PN25 ATEX", "DN100 PN16 EPDM", "DN150 PN10 wafer", "1\" NPT brass"}},
	{name: "Pumps", unit: "PCE", sapNumber: true, hs: "841370", weightG: [2]int64{15000, 300000}, priceCents: [2]int64{90000, 1500000}, qty: [3]int64{1, 12, 1}, pack: 1, home: 0, share: 0.08, origins: []string{"FR", "FR", "DE"},
		nouns: []string{"Centrifugal pump", "Dosing pump", "Submersible pump", "Screw pump"}, attrs: []string{"2.2 kW", "7.5 kW ATEX", "15 kW IE3", "0.75 kW 230 V", "30 kW skid"}},
	{name: "Seals", unit: "PCE", hs: "848410", prefix: "GSK", weightG: [2]int64{20, 2000}, priceCents: [2]int64{500, 15000}, qty: [3]int64{10, 500, 10}, pack: 50, home: 2, share: 0.15, origins: []string{"DE", "DE", "CN", "IT"},
		nouns: []string{"Flange gasket", "O-ring", "Mechanical seal", "Spiral wound gasket"}, attrs: []string{"Ø114 PTFE", "Ø60 FKM", "35 mm SiC/SiC", "DN80 graphite", "Ø25 NBR"}},
	{name: "Filters", unit: "PCE", hs: "842139", prefix: "FLT", weightG: [2]int64{400, 20000}, priceCents: [2]int64{2000, 60000}, qty: [3]int64{5, 200, 5}, pack: 10, home: 2, share: 0.12, origins: []string{"DE", "FR", "CN"},
		nouns: []string{"Cartridge filter", "Bag filter", "Strainer", "Air filter"}, attrs: []string{"10 µm", "50 µm PP", "DN50 basket", "F7 592x592", "25 µm stainless"}},
	{name: "Spare parts", unit: "PCE", sapNumber: true, hs: "848790", weightG: [2]int64{100, 10000}, priceCents: [2]int64{1000, 40000}, qty: [3]int64{1, 50, 1}, pack: 10, home: 0, share: 0.15, origins: []string{"FR", "DE", "IT", "CN"},
		nouns: []string{"Impeller", "Shaft sleeve", "Actuator kit", "Bearing housing", "Coupling"}, attrs: []string{"for pump 7.5 kW", "stainless 316L", "pneumatic 90°", "size 3", "type B"}},
	{name: "Lubricants", unit: "L", hs: "271019", prefix: "LUB", weightG: [2]int64{860, 920}, priceCents: [2]int64{400, 3000}, qty: [3]int64{20, 1000, 20}, pack: 20, home: 1, share: 0.08, origins: []string{"FR", "BE"},
		nouns: []string{"Hydraulic oil", "Gear oil", "Compressor oil", "Food-grade oil"}, attrs: []string{"ISO VG 46", "ISO VG 220", "ISO VG 68 synthetic", "H1 ISO VG 32"}},
	{name: "Cables", unit: "M", hs: "854449", prefix: "CBL", weightG: [2]int64{200, 2000}, priceCents: [2]int64{200, 4000}, qty: [3]int64{50, 2000, 50}, pack: 500, home: 1, share: 0.07, origins: []string{"FR", "DE", "PT"},
		nouns: []string{"Control cable", "Power cable", "Instrumentation cable"}, attrs: []string{"4G1.5 LSZH", "3x2.5 H07RN-F", "2x2x0.75 shielded", "5G6 armoured"}},
	{name: "Fasteners", unit: "BOX", hs: "731815", prefix: "FST", weightG: [2]int64{1000, 5000}, priceCents: [2]int64{800, 6000}, qty: [3]int64{5, 100, 5}, pack: 20, home: 2, share: 0.08, origins: []string{"DE", "CN", "TW"},
		nouns: []string{"Hex bolt", "Stud bolt", "Hex nut", "Washer"}, attrs: []string{"M12x60 A4-70 (box 100)", "M16x90 8.8 (box 50)", "M20 A2 (box 100)", "M10 DIN 125 (box 200)"}},
	{name: "Bearings", unit: "PCE", sapNumber: true, hs: "848210", weightG: [2]int64{100, 15000}, priceCents: [2]int64{1000, 80000}, qty: [3]int64{2, 200, 2}, pack: 20, home: 0, share: 0.07, origins: []string{"DE", "SE", "IT", "JP"},
		nouns: []string{"Ball bearing", "Roller bearing", "Thrust bearing", "Pillow block"}, attrs: []string{"6205-2RS", "22220 E", "51108", "UCP 208"}},
}

// company is the master data of one generated firm.
type company struct {
	customers []*customer
	custCum   []float64 // cumulative order weights for picking a customer
	products  []*product
	assort    [][]int     // per site: products it ships
	assortCum [][]float64 // per site: cumulative popularity
	siteOf    map[string]int
}

func customerCount(lines int) int {
	return min(max(300, lines/2000), 5000)
}

func productCount(lines int) int {
	return min(max(400, lines/8), 4000)
}

func newCompany(r *rand.Rand, lines int) *company {
	co := &company{siteOf: map[string]int{}}
	for i, s := range sites {
		co.siteOf[s.code] = i
	}
	co.makeProducts(r, productCount(lines))
	co.makeCustomers(r, customerCount(lines))
	return co
}

func pickShare(r *rand.Rand, opts []modeShare) string {
	x := r.Float64()
	for _, o := range opts {
		if x < o.share {
			return o.mode
		}
		x -= o.share
	}
	return opts[len(opts)-1].mode
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func (co *company) makeCustomers(r *rand.Rand, n int) {
	var total float64
	for _, m := range markets {
		total += m.weight
	}
	for i := range n {
		// Spread customers over markets by weight, deterministically: the i-th customer
		// falls in the market whose cumulative share covers (i+0.5)/n.
		x := (float64(i) + 0.5) / float64(n) * total
		var m *market
		for k := range markets {
			if x < markets[k].weight || k == len(markets)-1 {
				m = &markets[k]
				break
			}
			x -= markets[k].weight
		}
		co.customers = append(co.customers, newCustomer(r, int64(100000+i*7+r.IntN(7)), m))
	}
	// Order frequency is heavy-tailed: a few key accounts order most.
	co.custCum = make([]float64, n)
	var cum float64
	for i, c := range co.customers {
		w := math.Exp(r.NormFloat64() * 1.0)
		if c.weight > 1000 {
			w *= 3
		}
		cum += w
		co.custCum[i] = cum
	}
}

func newCustomer(r *rand.Rand, no int64, m *market) *customer {
	c := &customer{no: no, country: m.iso2, lang: m.lang, weight: 1000, docs: map[docKey][]string{}}
	country, ok := rules.CountryByCode(m.iso2)
	if !ok {
		panic("gen: market " + m.iso2 + " is not in rules/data/countries.csv")
	}
	c.region = country.Region
	st := nameStyles[m.style]
	name := strings.TrimSpace(pick(r, st.first) + " " + pick(r, st.core) + " " + pick(r, st.form))
	if r.IntN(3) == 0 && m.style != "fr" && m.style != "de" {
		name = strings.TrimSpace(pick(r, st.first) + " " + pick(r, st.core) + " " + pick(r, m.cities) + " " + pick(r, st.form))
	}
	c.name = newText(name)
	c.city = newText(pick(r, m.cities))
	c.port = newText(m.port)
	c.segment = pick(r, []string{"distributor", "distributor", "oem", "end_user", "end_user", "engineering"})
	switch x := r.IntN(100); {
	case x < 5:
		c.weight = 3000
	case x < 20:
		c.weight = 2000
	case x < 30:
		c.weight = 500
	}
	if country.EU {
		c.vat = fmt.Sprintf("%s%09d", vatPrefix(m.iso2), r.Int64N(1_000_000_000))
	}
	c.currency = "EUR"
	switch {
	case m.iso2 == "GB":
		c.currency = "GBP"
	case r.Float64() < m.usd:
		c.currency = "USD"
	}
	switch x := r.Float64(); {
	case x < m.lc:
		c.payment, c.terms = "letter_of_credit", pick(r, []string{"LC00", "LC60"})
	case x < m.lc+0.08 && !country.EU:
		c.payment, c.terms = "documentary_collection", "DP00"
	case x < m.lc+0.14 && !country.EU, x > 0.96:
		c.payment, c.terms = "prepayment", "PP00"
	default:
		c.payment, c.terms = "open_account", pick(r, []string{"NT30", "NT45", "NT60", "EM30"})
	}
	modes := modesByCountry[m.iso2]
	if modes == nil {
		modes = modesByRegion[c.region]
	}
	c.mode = pickShare(r, modes)
	if m.iso2 == "FR" || m.iso2 == "DE" {
		c.mode = "road"
	}
	c.incoterm = pickShare(r, termsFor(c.mode))
	c.site = homeSite(r, m.iso2, c.mode)
	c.discount = int64(r.IntN(20))
	return c
}

func vatPrefix(iso2 string) string {
	if iso2 == "GR" {
		return "EL"
	}
	return iso2
}

func termsFor(mode string) []modeShare {
	switch mode {
	case "sea", "inland_waterway":
		return termsSea
	case "courier":
		return termsCourier
	}
	return termsAnyMode
}

// homeSite: Hamburg serves northern and central Europe, Le Havre the overseas sea
// trade and the British Isles, Lyon the rest; one customer in five is served elsewhere.
var hamburgMarkets = []string{"DE", "AT", "CH", "PL", "CZ", "DK", "SE", "FI", "NO", "NL", "HU"}

func homeSite(r *rand.Rand, iso2, mode string) int {
	if r.IntN(5) == 0 {
		return r.IntN(len(sites))
	}
	switch {
	case slices.Contains(hamburgMarkets, iso2):
		return 2
	case mode == "sea" || iso2 == "GB" || iso2 == "IE":
		return 1
	}
	return 0
}

func (co *company) makeProducts(r *rand.Rand, n int) {
	sapNo := int64(10000000)
	alnum := map[string]int64{}
	perFamily := make([]int, len(families))
	for range n {
		x := r.Float64()
		fi := 0
		for k, f := range families {
			if x < f.share || k == len(families)-1 {
				fi = k
				break
			}
			x -= f.share
		}
		f := families[fi]
		p := &product{family: f, hs: f.hs, origin: pick(r, f.origins)}
		if f.sapNumber {
			sapNo += int64(1 + r.IntN(40))
			p.sku = fmt.Sprintf("%018d", sapNo)
		} else {
			alnum[f.prefix] += int64(1 + r.IntN(9))
			p.sku = fmt.Sprintf("%s-%05d", f.prefix, 10000+alnum[f.prefix])
		}
		p.desc = newText(pick(r, f.nouns) + " " + pick(r, f.attrs))
		p.netWeightG = logUniform(r, f.weightG[0], f.weightG[1])
		p.priceCents = logUniform(r, f.priceCents[0], f.priceCents[1])
		p.costCents = p.priceCents * int64(50+r.IntN(20)) / 100
		// Popularity: a long tail within each family.
		perFamily[fi]++
		p.popularity = 1 / math.Pow(float64(perFamily[fi])+r.Float64()*float64(perFamily[fi]), 0.8)
		co.products = append(co.products, p)
	}
	co.assort = make([][]int, len(sites))
	co.assortCum = make([][]float64, len(sites))
	for i, p := range co.products {
		for s := range sites {
			if s == p.family.home || r.IntN(100) < 35 {
				co.assort[s] = append(co.assort[s], i)
			}
		}
	}
	for s := range sites {
		cum := make([]float64, len(co.assort[s]))
		var c float64
		for k, pi := range co.assort[s] {
			c += co.products[pi].popularity
			cum[k] = c
		}
		co.assortCum[s] = cum
	}
}

func logUniform(r *rand.Rand, lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	v := math.Exp(math.Log(float64(lo)) + r.Float64()*(math.Log(float64(hi))-math.Log(float64(lo))))
	return max(lo, min(hi, int64(v)))
}

// pickCum returns the index whose cumulative weight covers a uniform draw.
func pickCum(r *rand.Rand, cum []float64) int {
	x := r.Float64() * cum[len(cum)-1]
	return sort.SearchFloat64s(cum, x)
}

func (co *company) pickCustomer(r *rand.Rand) *customer {
	return co.customers[min(pickCum(r, co.custCum), len(co.customers)-1)]
}

// pickProduct draws a product the site ships, by popularity.
func (co *company) pickProduct(r *rand.Rand, s int) int {
	k := min(pickCum(r, co.assortCum[s]), len(co.assort[s])-1)
	return co.assort[s][k]
}
