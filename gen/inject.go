package gen

import (
	"math/rand/v2"
	"slices"
)

// AnomalyCodes are the anomaly codes of domain.md, each injected at a known rate.
var AnomalyCodes = []string{
	"short_shipment", "over_shipment", "shipped_not_invoiced", "invoice_qty_mismatch",
	"invoice_price_mismatch", "delivery_before_ship", "ship_before_order", "orphan_shipment",
	"orphan_invoice", "orphan_claim", "duplicate_record", "late_backlog", "due_soon_short",
	"lc_shipment_date_risk", "lc_expiry_risk", "missing_document", "incoterm_mode_mismatch",
	"obsolete_incoterm",
}

// quota spreads the injections of one code over its candidates: one every `every`
// candidates, at a jittered step, so that the count is known in advance whatever the
// scale. A quota that is due but finds its order already taken fires on the next one.
type quota struct {
	every, seen, next float64
}

func newQuota(r *rand.Rand, candidates, target float64) *quota {
	every := max(1, candidates/max(target, 1))
	return &quota{every: every, next: every * (0.1 + 0.8*r.Float64())}
}

// offer adds n candidates and tells whether an injection is due.
func (q *quota) offer(n int) bool {
	q.seen += float64(n)
	return n > 0 && q.seen >= q.next
}

func (q *quota) taken(r *rand.Rand) { q.next = q.seen + q.every*(0.5+r.Float64()) }

// Rates: each code hits about rate of its population, and at least min cases at small
// scale. cand is the expected number of candidates per order line (measured on the
// generated data), pop the population per order line the rate applies to.
var quotaSpecs = map[string]struct{ cand, pop, rate, min float64 }{
	"short_shipment":         {0.70, 0.70, 0.006, 6},
	"over_shipment":          {0.70, 0.70, 0.006, 6},
	"shipped_not_invoiced":   {0.70, 0.70, 0.006, 6},
	"invoice_qty_mismatch":   {0.70, 0.70, 0.006, 6},
	"invoice_price_mismatch": {0.70, 0.70, 0.006, 6},
	"delivery_before_ship":   {0.62, 0.70, 0.006, 6},
	"ship_before_order":      {0.70, 0.70, 0.006, 6},
	"duplicate_record":       {0.75, 1.75, 0.003, 8},
	"orphan_shipment":        {0.27, 1.00, 0.004, 5},
	"orphan_invoice":         {0.27, 1.00, 0.004, 5},
	"orphan_claim":           {0.27, 0.013, 0.01, 4},
	"late_backlog":           {0.06, 0.06, 0.01, 6},
	"lc_shipment_date_risk":  {0.02, 0.02, 0.01, 5},
	"lc_expiry_risk":         {0.02, 0.02, 0.01, 5},
	"missing_document":       {0.26, 0.29, 0.006, 6},
	"incoterm_mode_mismatch": {0.10, 0.29, 0.005, 6},
	"obsolete_incoterm":      {0.09, 0.29, 0.005, 6},
}

// injector decides, order by order, which anomaly to inject where.
type injector struct {
	r *rand.Rand
	q map[string]*quota
}

func newInjector(lines int, r *rand.Rand) *injector {
	in := &injector{r: r, q: map[string]*quota{}}
	L := float64(lines)
	for _, code := range AnomalyCodes {
		s, ok := quotaSpecs[code]
		if !ok {
			continue // due_soon_short is chosen with the stock, at the end
		}
		in.q[code] = newQuota(r, s.cand*L, max(s.min, s.rate*s.pop*L))
	}
	return in
}

// docFault is an injected missing_document: one required document dropped, or written
// with status missing or rejected, on one delivery (del >= 0) or on all of them and on
// the documents prepared before shipment (del = -1).
type docFault struct {
	active  bool
	docType string
	del     int
	status  string // "" drops the document
}

// inject puts at most one anomaly into the order (besides orphan rows, which refer to
// nothing real). Letter-of-credit orders only get the LC anomalies, so that no other
// rule of the LC checks fires by accident.
func (in *injector) inject(g *generator, o *order) {
	r := in.r
	if in.q["orphan_shipment"].offer(1) {
		g.orphanShipment(o)
		in.q["orphan_shipment"].taken(r)
	}
	if in.q["orphan_invoice"].offer(1) {
		g.orphanInvoice(o)
		in.q["orphan_invoice"].taken(r)
	}
	if in.q["orphan_claim"].offer(1) {
		g.orphanClaim(o)
		in.q["orphan_claim"].taken(r)
	}
	if o.payment == "letter_of_credit" {
		in.injectLC(g, o)
		return
	}
	var single, late, dup []int
	for i := range o.lines {
		l := &o.lines[i]
		full := !l.cancelled && l.shippedQty() == l.qty
		if full && len(l.parts) == 1 {
			p := &l.parts[0]
			d := &o.dels[p.del]
			if p.ship <= g.asOf-6 && d.invoiceNo != 0 && d.cancelNo == 0 {
				single = append(single, i)
			}
			if due := l.due(); due >= g.asOf-60 && due <= g.asOf-2 {
				late = append(late, i)
			}
		}
		if l.cancelled || full && l.due() < g.asOf-10 {
			dup = append(dup, i)
		}
	}
	var withPOD []int
	for _, i := range single {
		if o.lines[i].parts[0].podOut != noDay {
			withPOD = append(withPOD, i)
		}
	}
	mismatch := 0
	if o.mode != "sea" && o.mode != "inland_waterway" && slices.Contains(seaTermFor, o.incoterm) {
		mismatch = 1
	}
	obsolete := 0
	if o.incoterm == "DAP" || o.incoterm == "DPU" {
		obsolete = 1
	}
	needsDocs := 0
	if g.needsDocs(o) && len(o.cust.requiredDocs(o.mode, o.incoterm, o.payment)) > 0 {
		needsDocs = 1
	}

	try := func(code string, n int, apply func()) {
		if q := in.q[code]; q.offer(n) && o.injected == "" {
			o.injected = code
			apply()
			q.taken(r)
		}
	}
	pickOf := func(xs []int) *line { return &o.lines[xs[r.IntN(len(xs))]] }
	try("short_shipment", countQty(o, single, 2), func() { g.shortShipment(o, pickQty(o, single, 2, r)) })
	try("over_shipment", len(single), func() { g.overShipment(o, pickOf(single)) })
	try("shipped_not_invoiced", len(single), func() { g.notInvoiced(o, pickOf(single)) })
	try("invoice_qty_mismatch", len(single), func() { g.invoiceQty(o, pickOf(single)) })
	try("invoice_price_mismatch", len(single), func() { g.invoicePrice(o, pickOf(single)) })
	try("delivery_before_ship", len(withPOD), func() { g.deliveryBeforeShip(o, pickOf(withPOD)) })
	try("ship_before_order", len(single), func() { g.shipBeforeOrder(o, pickOf(single)) })
	try("duplicate_record", len(dup), func() { g.duplicate(o, dup, single) })
	try("late_backlog", len(late), func() { g.lateBacklog(o, pickOf(late)) })
	try("missing_document", needsDocs, func() { g.missingDocument(o) })
	try("incoterm_mode_mismatch", mismatch, func() { g.incotermModeMismatch(o) })
	try("obsolete_incoterm", obsolete, func() { g.obsoleteIncoterm(o) })
}

// countQty counts lines of xs with a quantity of at least min.
func countQty(o *order, xs []int, min int64) int {
	n := 0
	for _, i := range xs {
		if o.lines[i].qty >= min {
			n++
		}
	}
	return n
}

func pickQty(o *order, xs []int, min int64, r *rand.Rand) *line {
	var ok []int
	for _, i := range xs {
		if o.lines[i].qty >= min {
			ok = append(ok, i)
		}
	}
	return &o.lines[ok[r.IntN(len(ok))]]
}

func (in *injector) injectLC(g *generator, o *order) {
	r := in.r
	allShipped, maxShip, maxPlanned := true, noDay, noDay
	for i := range o.lines {
		l := &o.lines[i]
		maxPlanned = max(maxPlanned, l.planned)
		if l.shippedQty() < l.qty {
			allShipped = false
		}
		for k := range l.parts {
			if l.parts[k].del >= 0 {
				maxShip = max(maxShip, l.parts[k].ship)
			}
		}
	}
	expiryCand := 0
	if allShipped && maxShip != noDay && maxPlanned <= maxShip+5 {
		expiryCand = 1
	}
	if q := in.q["lc_shipment_date_risk"]; q.offer(1) {
		o.injected = "lc_shipment_date_risk"
		if allShipped {
			o.lcLatest = maxShip - day(1+r.IntN(5))
		} else {
			o.lcLatest = g.asOf - day(1+r.IntN(10))
		}
		q.taken(r)
		for i := range o.lines {
			l := &o.lines[i]
			late := l.shippedQty() < l.qty && o.lcLatest < g.asOf || l.planned > o.lcLatest
			for k := range l.parts {
				if l.parts[k].del >= 0 && l.parts[k].shipOut > o.lcLatest {
					late = true
				}
			}
			if late {
				g.truth.add(truthRow{code: "lc_shipment_date_risk", order: o.no, line: l.no, sku: g.sku(l), site: o.site})
			}
		}
		return
	}
	if q := in.q["lc_expiry_risk"]; q.offer(expiryCand) {
		o.injected = "lc_expiry_risk"
		o.lcExpiry = maxShip + 21 - day(1+r.IntN(10))
		o.lcLatest = max(maxShip, maxPlanned) + day(r.IntN(3))
		q.taken(r)
		for _, d := range o.dels {
			if d.ship+21 > o.lcExpiry {
				g.truth.add(truthRow{code: "lc_expiry_risk", order: o.no, shipment: d.no, site: o.site})
			}
		}
	}
}

func (g *generator) sku(l *line) string { return g.co.products[l.prod].sku }

func (g *generator) shortShipment(o *order, l *line) {
	p := &l.parts[0]
	k := max(1, p.qty*int64(5+g.inj.r.IntN(25))/100)
	p.qty -= k
	p.invQty, p.invAmount = p.qty, p.qty*l.price
	l.forceShut = true
	g.truth.add(truthRow{code: "short_shipment", order: o.no, line: l.no, shipment: o.dels[p.del].no, sku: g.sku(l), site: o.site})
}

func (g *generator) overShipment(o *order, l *line) {
	p := &l.parts[0]
	p.qty += max(1, p.qty*int64(3+g.inj.r.IntN(15))/100)
	p.invQty, p.invAmount = p.qty, p.qty*l.price
	g.truth.add(truthRow{code: "over_shipment", order: o.no, line: l.no, shipment: o.dels[p.del].no, sku: g.sku(l), site: o.site})
}

func (g *generator) notInvoiced(o *order, l *line) {
	p := &l.parts[0]
	p.noInvoice = true
	g.truth.add(truthRow{code: "shipped_not_invoiced", order: o.no, line: l.no, shipment: o.dels[p.del].no, sku: g.sku(l), site: o.site})
}

func (g *generator) invoiceQty(o *order, l *line) {
	p := &l.parts[0]
	k := max(1, p.qty*int64(5+g.inj.r.IntN(20))/100)
	if p.qty > k && g.inj.r.IntN(3) > 0 {
		p.invQty = p.qty - k
	} else {
		p.invQty = p.qty + k
	}
	p.invAmount = p.invQty * l.price
	d := &o.dels[p.del]
	g.truth.add(truthRow{code: "invoice_qty_mismatch", order: o.no, line: l.no, shipment: d.no, invoice: d.invoiceNo, sku: g.sku(l), site: o.site})
}

func (g *generator) invoicePrice(o *order, l *line) {
	p := &l.parts[0]
	delta := max(100, p.invAmount*int64(2+g.inj.r.IntN(9))/100)
	if g.inj.r.IntN(2) == 0 {
		delta = -delta
	}
	p.invAmount += delta
	d := &o.dels[p.del]
	g.truth.add(truthRow{code: "invoice_price_mismatch", order: o.no, line: l.no, shipment: d.no, invoice: d.invoiceNo, sku: g.sku(l), site: o.site})
}

func (g *generator) deliveryBeforeShip(o *order, l *line) {
	p := &l.parts[0]
	p.podOut = p.shipOut - day(1+g.inj.r.IntN(5))
	g.truth.add(truthRow{code: "delivery_before_ship", order: o.no, line: l.no, shipment: o.dels[p.del].no, sku: g.sku(l), site: o.site})
}

func (g *generator) shipBeforeOrder(o *order, l *line) {
	p := &l.parts[0]
	p.shipOut = o.date - day(1+g.inj.r.IntN(10))
	g.truth.add(truthRow{code: "ship_before_order", order: o.no, line: l.no, shipment: o.dels[p.del].no, sku: g.sku(l), site: o.site})
}

// duplicate writes a business key twice with different values: an order line with
// another promised date (closed lines) or quantity (cancelled lines), or a shipment
// row with another carrier and freight cost. Neither copy changes what the other
// anomaly rules see.
func (g *generator) duplicate(o *order, dup, single []int) {
	r := g.inj.r
	if len(single) > 0 && r.IntN(2) == 0 {
		o.dupShip = single[r.IntN(len(single))]
		l := &o.lines[o.dupShip]
		g.truth.add(truthRow{code: "duplicate_record", order: o.no, line: l.no, shipment: o.dels[l.parts[0].del].no, sku: g.sku(l), site: o.site})
		return
	}
	o.dupLine = dup[r.IntN(len(dup))]
	l := &o.lines[o.dupLine]
	g.truth.add(truthRow{code: "duplicate_record", order: o.no, line: l.no, sku: g.sku(l), site: o.site})
}

// lateBacklog leaves a line due in the last two months unshipped, or shipped short.
func (g *generator) lateBacklog(o *order, l *line) {
	p := &l.parts[0]
	li := slices.IndexFunc(o.lines, func(x line) bool { return x.no == l.no })
	if p.qty >= 2 && g.inj.r.IntN(5) < 2 {
		p.qty -= max(1, p.qty*int64(20+g.inj.r.IntN(60))/100)
		p.invQty, p.invAmount = p.qty, p.qty*l.price
	} else {
		l.parts = l.parts[:0]
	}
	// claims on what is no longer shipped go too
	o.claims = slices.DeleteFunc(o.claims, func(c claim) bool { return c.line == li })
	// The truth rows of late_backlog are written by definition for every line in emit.
}

func (g *generator) missingDocument(o *order) {
	r := g.inj.r
	docs := o.cust.requiredDocs(o.mode, o.incoterm, o.payment)
	f := docFault{active: true, docType: docs[r.IntN(len(docs))], del: -1}
	f.status = []string{"", "missing", "rejected"}[r.IntN(3)]
	shipment := int64(0)
	if n := len(o.dels); n > 0 && (f.status != "" || n == 1) {
		f.del = r.IntN(n)
		shipment = o.dels[f.del].no
	}
	o.docFault = f
	g.truth.add(truthRow{code: "missing_document", order: o.no, shipment: shipment, site: o.site})
}

// seaTermFor: the terms an incoterm_mode_mismatch turns into a sea term of the same
// group (EXW, FCA to FOB; CPT to CFR; CIP to CIF), which leaves the due-date basis alone.
var seaTermFor = []string{"EXW", "FCA", "CPT", "CIP"}

func (g *generator) incotermModeMismatch(o *order) {
	switch o.incoterm {
	case "EXW", "FCA":
		o.incoterm = "FOB"
	case "CPT":
		o.incoterm = "CFR"
	case "CIP":
		o.incoterm = "CIF"
	}
	o.place = g.namedPlace(o)
	g.truth.add(truthRow{code: "incoterm_mode_mismatch", order: o.no, site: o.site})
}

func (g *generator) obsoleteIncoterm(o *order) {
	if o.incoterm == "DAP" {
		o.incoterm = "DDU"
	} else {
		o.incoterm = "DAT"
	}
	g.truth.add(truthRow{code: "obsolete_incoterm", order: o.no, site: o.site})
}

// orphanRow is one injected row of shipments, invoices or claims (one field set).
type orphanRow struct {
	shipment *shipmentRow
	invoice  *invoiceRow
	claim    *claimRow
}

// Orphans refer to an order that does not exist (numbers from 0099000001 on, never
// given to an order) or to a line the order does not have (line 990). Only a shipped
// order without letter of credit lends its number, so that the order-level rules
// (documents of a shipped order, LC dates) see nothing new.
func (g *generator) orphanRef(o *order) (orderNo int64, lineNo int) {
	if g.inj.r.IntN(2) == 0 || o.payment == "letter_of_credit" || len(o.dels) == 0 {
		return g.next(orphanOrderNumbers), 10
	}
	return o.no, 990
}

func (g *generator) orphanShipment(o *order) {
	orderNo, lineNo := g.orphanRef(o)
	no := g.next(deliveryNumbers)
	l := &o.lines[0]
	p := g.co.products[l.prod]
	ship := max(o.date, g.asOf-day(10+g.inj.r.IntN(300)))
	o.orphans = append(o.orphans, orphanRow{shipment: &shipmentRow{delivery: no, order: orderNo, line: lineNo, item: 10, prod: p, qty: l.qty, ship: ship,
		carrier: pick(g.inj.r, carriers[o.mode]), mode: o.mode, weightG: l.qty * p.netWeightG, freightCents: 5000, packages: 1}})
	g.truth.add(truthRow{code: "orphan_shipment", order: orderNo, line: lineNo, shipment: no, sku: p.sku, site: o.site})
}

func (g *generator) orphanInvoice(o *order) {
	orderNo, lineNo := g.orphanRef(o)
	no := g.next(invoiceNumbers)
	l := &o.lines[0]
	p := g.co.products[l.prod]
	o.orphans = append(o.orphans, orphanRow{invoice: &invoiceRow{invoice: no, item: 10, order: orderNo, line: lineNo, prod: p, date: max(o.date, g.asOf-day(10+g.inj.r.IntN(300))),
		qty: l.qty, amount: l.qty * l.price, currency: o.currency, kind: "F2"}})
	g.truth.add(truthRow{code: "orphan_invoice", order: orderNo, line: lineNo, invoice: no, sku: p.sku, site: o.site})
}

func (g *generator) orphanClaim(o *order) {
	orderNo, lineNo := g.orphanRef(o)
	no := g.next(claimNumbers)
	o.orphans = append(o.orphans, orphanRow{claim: &claimRow{claim: no, order: orderNo, line: lineNo, opened: max(o.date, g.asOf-day(5+g.inj.r.IntN(200))),
		typ: "quality", cause: "defective batch", resp: "production", claimed: 1, costCents: 15000}})
	g.truth.add(truthRow{code: "orphan_claim", order: orderNo, line: lineNo, claim: no, site: o.site})
}
