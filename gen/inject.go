package gen

import (
	"math"
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
// generated data), pop the population per order line the rate applies to. A recent code
// is a data error the extract never shows fixed (the field is corrected in place): it is
// injected at its rate only in recent weeks (recent), as if older ones had been corrected
// at the source; the other codes are injected over the whole history and most are worked
// off (workDelay), as a desk does.
var quotaSpecs = map[string]struct {
	cand, pop, rate, min float64
	recent               bool
}{
	"short_shipment":         {0.70, 0.70, 0.010, 6, false},
	"over_shipment":          {0.70, 0.70, 0.008, 6, false},
	"shipped_not_invoiced":   {0.70, 0.70, 0.012, 6, false},
	"invoice_qty_mismatch":   {0.70, 0.70, 0.010, 6, false},
	"invoice_price_mismatch": {0.70, 0.70, 0.006, 3, true},
	"delivery_before_ship":   {0.62, 0.70, 0.006, 3, true},
	"ship_before_order":      {0.70, 0.70, 0.006, 3, true},
	"duplicate_record":       {0.75, 1.75, 0.003, 3, true},
	"orphan_shipment":        {0.27, 1.00, 0.004, 3, true},
	"orphan_invoice":         {0.27, 1.00, 0.004, 3, true},
	"orphan_claim":           {0.27, 0.013, 0.01, 4, false},
	"late_backlog":           {0.70, 0.70, 0.012, 6, false},
	"lc_shipment_date_risk":  {0.02, 0.02, 0.01, 3, true},
	"lc_expiry_risk":         {0.02, 0.02, 0.01, 3, true},
	"missing_document":       {0.26, 0.29, 0.010, 6, false},
	"incoterm_mode_mismatch": {0.10, 0.29, 0.005, 3, true},
	"obsolete_incoterm":      {0.09, 0.29, 0.005, 3, true},
}

// recentWindow is the share of the history a recent code's candidates pass recent with:
// 14 days at full rate, then a fade of 30 days' mean (44 of 730 days).
const recentWindow = (14.0 + 30.0) / historyDays

// recent tells whether a data error dated d is still in the extract: all of the last two
// weeks', fewer and fewer of the weeks before (the desk or the source system corrected
// them in place, which leaves no trace).
func (in *injector) recent(g *generator, d day) bool {
	age := float64(g.asOf - d)
	return age <= 14 || in.r.Float64() < math.Exp(-(age-14)/30)
}

// workDelay draws the days the desk takes to fix a gap once it shows: most within lo to
// hi days (the shorter the likelier), one in thirteen slowly (two to five months), one
// in thirty never (ok false): those go stale.
func (in *injector) workDelay(lo, hi int) (d day, ok bool) {
	r := in.r
	switch x := r.IntN(1000); {
	case x < 33:
		return 0, false
	case x < 110:
		return day(60 + r.IntN(91)), true
	}
	n := hi - lo + 1
	return day(lo + min(r.IntN(n), r.IntN(n))), true
}

// fix gives the date a gap that showed on since is fixed, noDay when not by AsOf.
func (g *generator) fix(since day, lo, hi int) day {
	d, ok := g.inj.workDelay(lo, hi)
	if !ok || since+d > g.asOf || g.inj.keepOpen {
		return noDay
	}
	return since + d
}

// injector decides, order by order, which anomaly to inject where.
type injector struct {
	r  *rand.Rand
	q  map[string]*quota
	rq map[string]*quota // extra recent cases of a worked-off code at small scale
	// keepOpen: the case being injected is one of rq's, which the desk has not reached
	keepOpen bool
}

// minRecent is how many cases of a code the desk works off are injected at least in
// recent weeks (recentWindow), so that a small company still has some open at AsOf.
const minRecent = 3

func newInjector(lines int, r *rand.Rand) *injector {
	in := &injector{r: r, q: map[string]*quota{}, rq: map[string]*quota{}}
	L := float64(lines)
	for _, code := range AnomalyCodes {
		s, ok := quotaSpecs[code]
		if !ok {
			continue // due_soon_short is chosen with the stock, at the end
		}
		if s.recent {
			in.q[code] = newQuota(r, s.cand*L*recentWindow, max(s.min, s.rate*s.pop*L*recentWindow))
			continue
		}
		in.q[code] = newQuota(r, s.cand*L, max(s.min, s.rate*s.pop*L))
		if recent := s.rate * s.pop * L * recentWindow; recent < minRecent && code != "orphan_claim" {
			in.rq[code] = newQuota(r, s.cand*L*recentWindow, minRecent-recent)
		}
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
	fixed   day    // the document issued after all, noDay while still lacking at AsOf
}

// inject puts at most one anomaly into the order (besides orphan rows, which refer to
// nothing real). Letter-of-credit orders only get the LC anomalies, so that no other
// rule of the LC checks fires by accident.
func (in *injector) inject(g *generator, o *order) {
	r := in.r
	recentOrder := b2i(in.recent(g, o.date))
	if in.q["orphan_shipment"].offer(recentOrder) {
		g.orphanShipment(o)
		in.q["orphan_shipment"].taken(r)
	}
	if in.q["orphan_invoice"].offer(recentOrder) {
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
			if due := l.due(); due <= g.asOf-2 && p.ship <= due {
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
		mismatch = recentOrder
	}
	obsolete := 0
	if o.incoterm == "DAP" || o.incoterm == "DPU" {
		obsolete = recentOrder
	}
	needsDocs := 0
	if g.needsDocs(o) && len(o.cust.requiredDocs(o.mode, o.incoterm, o.payment)) > 0 {
		needsDocs = 1
	}
	// the data errors of shipped goods are dated by the order's last shipment
	recentShip := 0
	if len(o.dels) > 0 && in.recent(g, o.dels[len(o.dels)-1].ship) {
		recentShip = 1
	}

	try := func(code string, n int, apply func()) {
		q := in.q[code]
		if rq := in.rq[code]; rq != nil && rq.offer(n*recentOrder) && o.injected == "" {
			q = rq
		} else if !q.offer(n) || o.injected != "" {
			return
		}
		o.injected = code
		in.keepOpen = q != in.q[code]
		apply()
		in.keepOpen = false
		q.taken(r)
	}
	pickOf := func(xs []int) *line { return &o.lines[xs[r.IntN(len(xs))]] }
	try("short_shipment", countQty(o, single, 2), func() { g.shortShipment(o, pickQty(o, single, 2, r)) })
	try("over_shipment", len(single), func() { g.overShipment(o, pickOf(single)) })
	try("shipped_not_invoiced", len(single), func() { g.notInvoiced(o, pickOf(single)) })
	try("invoice_qty_mismatch", len(single), func() { g.invoiceQty(o, pickOf(single)) })
	try("invoice_price_mismatch", len(single)*recentShip, func() { g.invoicePrice(o, pickOf(single)) })
	try("delivery_before_ship", len(withPOD)*recentShip, func() { g.deliveryBeforeShip(o, pickOf(withPOD)) })
	try("ship_before_order", len(single)*recentOrder, func() { g.shipBeforeOrder(o, pickOf(single)) })
	try("duplicate_record", len(dup)*recentShip, func() { g.duplicate(o, dup, single) })
	try("late_backlog", len(late), func() { g.lateBacklog(o, pickOf(late)) })
	try("missing_document", needsDocs, func() { g.missingDocument(o) })
	try("incoterm_mode_mismatch", mismatch, func() { g.incotermModeMismatch(o) })
	try("obsolete_incoterm", obsolete, func() { g.obsoleteIncoterm(o) })
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
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
	// LC risks are recent: the bank's amendment of an old one overwrites the LC dates on
	// the order header, which leaves an ordinary order in the extract.
	recent := b2i(in.recent(g, max(o.date, maxShip)))
	expiryCand := 0
	if allShipped && maxShip != noDay && maxPlanned <= maxShip+5 {
		expiryCand = recent
	}
	if q := in.q["lc_shipment_date_risk"]; q.offer(recent) {
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
				// planned after the date: on the header, seen by any build; else from the
				// day after the date
				since := o.lcLatest + 1
				if l.planned > o.lcLatest {
					since = noDay
				}
				g.truth.add(truthRow{code: "lc_shipment_date_risk", order: o.no, line: l.no, sku: g.sku(l), site: o.site, since: since})
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
				g.truth.add(truthRow{code: "lc_expiry_risk", order: o.no, shipment: d.no, site: o.site, since: d.ship})
			}
		}
	}
}

func (g *generator) sku(l *line) string { return g.co.products[l.prod].sku }

// laterDelivery adds to the order a delivery leaving on day s (on or before AsOf) with
// its proof of delivery and invoice, and ships qty of line l in it: the remainder of a
// short or late line, shipped when the desk got it out.
func (g *generator) laterDelivery(o *order, l *line, s day, qty int64) {
	r := g.inj.r
	d := delivery{no: g.next(deliveryNumbers), ship: s, carrier: o.dels[0].carrier, forwarder: o.dels[0].forwarder}
	if pod := s + day(o.transit); pod <= g.asOf {
		d.pod = pod
	}
	d.invoiceNo, d.invDate = g.next(invoiceNumbers), min(s+day(r.IntN(3)), g.asOf)
	o.dels = append(o.dels, d)
	l.parts = append(l.parts, part{qty: qty, ship: s, del: len(o.dels) - 1, shipOut: s, podOut: d.pod, invQty: qty, invAmount: qty * l.price})
}

// shortShipment closes a line short; the desk mostly ships the rest some weeks later
// (the line stays closed, its shipments now add up), which leaves a late line, not a
// short one, to every build.
func (g *generator) shortShipment(o *order, l *line) {
	p := &l.parts[0]
	k := max(1, p.qty*int64(5+g.inj.r.IntN(25))/100)
	p.qty -= k
	p.invQty, p.invAmount = p.qty, p.qty*l.price
	l.forceShut = true
	t := truthRow{code: "short_shipment", order: o.no, line: l.no, shipment: o.dels[p.del].no, sku: g.sku(l), site: o.site, since: p.shipOut}
	if fix := g.fix(p.shipOut, 7, 45); fix != noDay {
		// A line whose remainder left later reads open to a build as of a date before
		// (a closed line shipped after the as-of date) and fully shipped after: never
		// short, a late line until the remainder left (late_backlog's truth says so).
		g.laterDelivery(o, l, min(fix.nextWorkday(), g.asOf), k)
		return
	}
	g.truth.add(t)
}

// overShipment ships and bills more than ordered; mostly the customer keeps the extra
// and the order line is amended to the shipped quantity, which leaves no trace (order
// lines carry no change date): those are not in the truth, the others are.
func (g *generator) overShipment(o *order, l *line) {
	p := &l.parts[0]
	p.qty += max(1, p.qty*int64(3+g.inj.r.IntN(15))/100)
	p.invQty, p.invAmount = p.qty, p.qty*l.price
	t := truthRow{code: "over_shipment", order: o.no, line: l.no, shipment: o.dels[p.del].no, sku: g.sku(l), site: o.site, since: p.shipOut}
	if fix := g.fix(p.shipOut, 3, 30); fix != noDay {
		// amended in place: no build on this extract sees it, so it is no case
		l.qty = p.qty
		return
	}
	g.truth.add(t)
}

// notInvoiced leaves a line out of its delivery's invoice; mostly it is billed 5 to 40
// days after goods issue on an invoice of its own.
func (g *generator) notInvoiced(o *order, l *line) {
	p := &l.parts[0]
	p.noInvoice = true
	// shown once goods issue is more than invoice_delay_days (3) old
	t := truthRow{code: "shipped_not_invoiced", order: o.no, line: l.no, shipment: o.dels[p.del].no, sku: g.sku(l), site: o.site, since: p.shipOut + 4}
	if fix := g.fix(p.shipOut+4, 1, 36); fix != noDay {
		p.fixInvoice, p.fixDate = g.next(invoiceNumbers), fix
		t.resolvedOn, t.resolution = fix, "invoiced_late"
	}
	g.truth.add(t)
}

// invoiceQty bills another quantity than shipped; mostly a credit note (billed too
// much) or a complementary invoice (too little) puts it right some days later.
func (g *generator) invoiceQty(o *order, l *line) {
	p := &l.parts[0]
	k := max(1, p.qty*int64(5+g.inj.r.IntN(20))/100)
	d := &o.dels[p.del]
	since := d.invDate
	if p.qty > k && g.inj.r.IntN(3) > 0 {
		p.invQty = p.qty - k
		since = max(since, p.shipOut+4) // billing less shows once the shipment is invoiceable
	} else {
		p.invQty = p.qty + k
	}
	p.invAmount = p.invQty * l.price
	t := truthRow{code: "invoice_qty_mismatch", order: o.no, line: l.no, shipment: d.no, invoice: d.invoiceNo, sku: g.sku(l), site: o.site, since: since}
	if fix := g.fix(since, 2, 30); fix != noDay {
		p.fixInvoice, p.fixDate = g.next(invoiceNumbers), fix
		t.resolvedOn, t.resolution = fix, "complementary_invoice"
		if p.invQty > p.qty {
			t.resolution = "credit_note"
		}
	}
	g.truth.add(t)
}

// invoicePrice is recent: the ERP's fix (a cancellation and a new invoice) would leave
// the wrong row and its mirror, which anomaly_invoice_price_mismatch reads one by one.
func (g *generator) invoicePrice(o *order, l *line) {
	p := &l.parts[0]
	delta := max(100, p.invAmount*int64(2+g.inj.r.IntN(9))/100)
	if g.inj.r.IntN(2) == 0 {
		delta = -delta
	}
	p.invAmount += delta
	d := &o.dels[p.del]
	g.truth.add(truthRow{code: "invoice_price_mismatch", order: o.no, line: l.no, shipment: d.no, invoice: d.invoiceNo, sku: g.sku(l), site: o.site, since: d.invDate})
}

// deliveryBeforeShip is recent: a wrong proof-of-delivery date is corrected in place.
func (g *generator) deliveryBeforeShip(o *order, l *line) {
	p := &l.parts[0]
	p.podOut = p.shipOut - day(1+g.inj.r.IntN(5))
	g.truth.add(truthRow{code: "delivery_before_ship", order: o.no, line: l.no, shipment: o.dels[p.del].no, sku: g.sku(l), site: o.site, since: p.shipOut})
}

// shipBeforeOrder is recent: a wrong goods-issue date is corrected in place.
func (g *generator) shipBeforeOrder(o *order, l *line) {
	p := &l.parts[0]
	p.shipOut = o.date - day(1+g.inj.r.IntN(10))
	g.truth.add(truthRow{code: "ship_before_order", order: o.no, line: l.no, shipment: o.dels[p.del].no, sku: g.sku(l), site: o.site, since: p.shipOut})
}

// duplicate writes a business key twice with different values: an order line with
// another promised date (closed lines) or quantity (cancelled lines), or a shipment
// row with another carrier and freight cost. Neither copy changes what the other
// anomaly rules see. Recent: the source system's clean-up leaves one row, no trace; the
// record is in every build, whatever its as-of date.
func (g *generator) duplicate(o *order, dup, single []int) {
	r := g.inj.r
	if len(single) > 0 && r.IntN(2) == 0 {
		o.dupShip = single[r.IntN(len(single))]
		l := &o.lines[o.dupShip]
		p := &l.parts[0]
		g.truth.add(truthRow{code: "duplicate_record", order: o.no, line: l.no, shipment: o.dels[p.del].no, sku: g.sku(l), site: o.site, since: p.shipOut})
		return
	}
	o.dupLine = dup[r.IntN(len(dup))]
	l := &o.lines[o.dupLine]
	g.truth.add(truthRow{code: "duplicate_record", order: o.no, line: l.no, sku: g.sku(l), site: o.site, since: noDay})
}

// lateBacklog holds back a line due before AsOf: nothing shipped on time, or a part
// only; mostly the rest leaves 3 to 45 days after the due date. The truth rows of
// late_backlog are written by definition for every line in account.
func (g *generator) lateBacklog(o *order, l *line) {
	r := g.inj.r
	p := &l.parts[0]
	li := slices.IndexFunc(o.lines, func(x line) bool { return x.no == l.no })
	due := l.due()
	fix := g.fix(due+1, 2, 44)
	if fix != noDay {
		fix = min(fix.nextWorkday(), g.asOf)
	}
	if p.qty >= 2 && r.IntN(5) < 2 {
		k := max(1, p.qty*int64(20+r.IntN(60))/100)
		p.qty -= k
		p.invQty, p.invAmount = p.qty, p.qty*l.price
		if fix != noDay {
			g.laterDelivery(o, l, fix, k)
		}
	} else {
		l.parts = l.parts[:0]
		if fix != noDay {
			g.laterDelivery(o, l, fix, l.qty)
		}
	}
	// claims on what is no longer shipped on time go too
	o.claims = slices.DeleteFunc(o.claims, func(c claim) bool { return c.line == li })
}

// missingDocument drops a required document, or writes it missing or rejected; mostly
// it is issued (sent) 2 to 30 days after it was needed. The fixed document shows only
// its issue date: stg_documents keeps no history of statuses.
func (g *generator) missingDocument(o *order) {
	r := g.inj.r
	docs := o.cust.requiredDocs(o.mode, o.incoterm, o.payment)
	f := docFault{active: true, docType: docs[r.IntN(len(docs))], del: -1, fixed: noDay}
	f.status = []string{"", "missing", "rejected"}[r.IntN(3)]
	shipment := int64(0)
	n := len(o.dels)
	if n > 0 && (f.status != "" || n == 1) {
		f.del = r.IntN(n)
		shipment = o.dels[f.del].no
	}
	if g.prepared(o) && n > 0 && f.del > 0 {
		// the set prepared at order level serves every shipment: the fault is in it and
		// in the first shipment's
		f.del = 0
	}
	if g.prepared(o) && f.del <= 0 {
		// reported without a shipment while the order is about to ship, with the first
		// one after: the truth names none (missing_document's empty shipment matches both)
		shipment = 0
	}
	t := truthRow{code: "missing_document", order: o.no, shipment: shipment, site: o.site}
	switch {
	case g.prepared(o) && f.del <= 0:
		// lacking from the day the prepared set is needed
		t.since = g.docsNeededFrom(o)
	case f.del >= 0:
		t.since = o.dels[f.del].ship
	default:
		t.since = o.dels[0].ship
	}
	if n > 0 {
		if fix := g.fix(max(t.since, o.dels[max(f.del, 0)].ship), 2, 30); fix != noDay {
			f.fixed = fix
			t.resolvedOn, t.resolution = fix, "document_issued"
		}
	}
	o.docFault = f
	g.truth.add(t)
}

// seaTermFor: the terms an incoterm_mode_mismatch turns into a sea term of the same
// group (EXW, FCA to FOB; CPT to CFR; CIP to CIF), which leaves the due-date basis alone.
var seaTermFor = []string{"EXW", "FCA", "CPT", "CIP"}

// incotermModeMismatch is recent: the order header is corrected in place.
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
	g.truth.add(truthRow{code: "incoterm_mode_mismatch", order: o.no, site: o.site, since: noDay})
}

// obsoleteIncoterm is recent: the order header is corrected in place.
func (g *generator) obsoleteIncoterm(o *order) {
	if o.incoterm == "DAP" {
		o.incoterm = "DDU"
	} else {
		o.incoterm = "DAT"
	}
	g.truth.add(truthRow{code: "obsolete_incoterm", order: o.no, site: o.site, since: noDay})
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
// (documents of a shipped order, LC dates) see nothing new. Orphans are recent (offered
// on recent orders, dated a few days after them): a wrong reference is corrected in place.
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
	ship := min(g.asOf, o.date+day(2+g.inj.r.IntN(12)))
	o.orphans = append(o.orphans, orphanRow{shipment: &shipmentRow{delivery: no, order: orderNo, line: lineNo, item: 10, prod: p, qty: l.qty, ship: ship,
		carrier: pick(g.inj.r, carriers[o.mode]), mode: o.mode, weightG: l.qty * p.netWeightG, freightCents: 5000, packages: 1}})
	g.truth.add(truthRow{code: "orphan_shipment", order: orderNo, line: lineNo, shipment: no, sku: p.sku, site: o.site, since: ship})
}

func (g *generator) orphanInvoice(o *order) {
	orderNo, lineNo := g.orphanRef(o)
	no := g.next(invoiceNumbers)
	l := &o.lines[0]
	p := g.co.products[l.prod]
	date := min(g.asOf, o.date+day(2+g.inj.r.IntN(12)))
	o.orphans = append(o.orphans, orphanRow{invoice: &invoiceRow{invoice: no, item: 10, order: orderNo, line: lineNo, prod: p, date: date,
		qty: l.qty, amount: l.qty * l.price, currency: o.currency, kind: "F2"}})
	g.truth.add(truthRow{code: "orphan_invoice", order: orderNo, line: lineNo, invoice: no, sku: p.sku, site: o.site, since: date})
}

// orphanClaim: a claim typed against a wrong order; rare, kept at its rate, dated
// mostly in the last weeks (a claim is corrected in place when its handler finds it).
func (g *generator) orphanClaim(o *order) {
	orderNo, lineNo := g.orphanRef(o)
	no := g.next(claimNumbers)
	opened := max(o.date, g.asOf-day(g.inj.r.IntN(15))-day(g.inj.r.ExpFloat64()*30))
	o.orphans = append(o.orphans, orphanRow{claim: &claimRow{claim: no, order: orderNo, line: lineNo, opened: opened,
		typ: "quality", cause: "defective batch", resp: "production", claimed: 1, costCents: 15000}})
	g.truth.add(truthRow{code: "orphan_claim", order: orderNo, line: lineNo, claim: no, site: o.site, since: opened})
}
