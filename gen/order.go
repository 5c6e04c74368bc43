package gen

import (
	"slices"

	"github.com/orderflow/orderflow/rules"
)

// order is one sales order with everything that happened to it up to AsOf.
type order struct {
	no        int64
	date      day
	cust      *customer
	site      int
	incoterm  string
	place     text
	mode      string
	currency  string
	payment   string
	lcLatest  day
	lcExpiry  day
	transit   int  // planned transit days
	dGroup    bool // a D term: the due date is a delivery date at destination
	lines     []line
	dels      []delivery
	claims    []claim
	docs      []string    // documents the lane requires (rules.RequiredDocuments)
	orphans   []orphanRow // rows injected beside the order, referring to nothing real
	docFault  docFault    // an injected missing_document
	injected  string      // the anomaly code injected into this order, if any
	dupLine   int         // line index written twice to order_lines, -1 for none
	dupShip   int         // line index whose shipment row is written twice, -1 for none
	lineStore [8]line
}

type line struct {
	no        int // 10, 20, ...
	prod      int
	qty       int64
	price     int64 // cents of the order currency
	requested day
	promised  day // noDay when not confirmed
	planned   day // planned goods issue
	cancelled bool
	forceShut bool // closed although not fully shipped (short_shipment)
	parts     []part
	partStore [3]part
}

// part is one shipment of (part of) a line.
type part struct {
	qty  int64
	ship day // goods issue; after AsOf means not shipped yet
	del  int // index in order.dels, -1 when not shipped by AsOf

	// What is written, which injections may change.
	shipOut   day
	podOut    day
	noInvoice bool
	invQty    int64
	invAmount int64

	// The desk's fix of an injected invoicing gap: an invoice of its own (fixInvoice,
	// dated fixDate) billing what is missing, or crediting what was billed too much.
	fixInvoice int64
	fixDate    day
}

// delivery is an outbound delivery (shipment_id) of some lines of the order.
type delivery struct {
	no        int64
	ship      day
	pod       day // proof of delivery, noDay when missing or not yet delivered
	carrier   string
	forwarder string
	invoiceNo int64 // 0 when not invoiced yet
	invDate   day
	cancelNo  int64 // a cancelled invoice, reissued as reissueNo
	reissueNo int64
	cancelDay day
}

type claim struct {
	no                int64
	line, del         int
	opened, closed    day
	typ, cause, resp  string
	claimed, returned int64
	costCents         int64
}

func (l *line) due() day {
	if l.promised != noDay {
		return l.promised
	}
	return l.requested
}

func (l *line) shippedQty() int64 {
	var s int64
	for i := range l.parts {
		if l.parts[i].del >= 0 {
			s += l.parts[i].qty
		}
	}
	return s
}

func (l *line) status() string {
	switch {
	case l.cancelled:
		return "cancelled"
	case l.forceShut || l.shippedQty() >= l.qty:
		return "closed"
	}
	return "open"
}

func (o *order) status() string {
	open, cancelled := false, true
	for i := range o.lines {
		switch o.lines[i].status() {
		case "open":
			open = true
			cancelled = false
		case "closed":
			cancelled = false
		}
	}
	switch {
	case cancelled:
		return "cancelled"
	case open:
		return "open"
	}
	return "closed"
}

func isDGroup(incoterm string) bool {
	t, ok := rules.IncotermByCode(incoterm)
	return ok && t.Group == "D"
}

// order makes in o one order of n lines placed on day d, ships it as far as AsOf
// allows and injects at most one anomaly into it; emit writes it.
func (g *generator) order(o *order, d day, n int) {
	r := g.r
	*o = order{no: g.next(orderNumbers), date: d, lines: o.lineStore[:0], dels: o.dels[:0], claims: o.claims[:0], orphans: o.orphans[:0], dupLine: -1, dupShip: -1}
	c := g.co.pickCustomer(r)
	o.cust, o.site = c, c.site
	o.currency, o.payment = c.currency, c.payment
	o.mode = c.mode
	if r.IntN(100) < 12 && c.mode != "road" && c.mode != "courier" {
		o.mode = pick(r, urgentModes)
	}
	o.incoterm = c.incoterm
	if t, _ := rules.IncotermByCode(o.incoterm); !t.AllowsMode(o.mode) || r.IntN(100) < 10 {
		o.incoterm = pickShare(r, termsFor(o.mode))
	}
	o.place = g.namedPlace(o)
	tr := transitDays[o.mode]
	o.transit = tr[0] + r.IntN(tr[1]+1)
	o.dGroup = isDGroup(o.incoterm)
	dGroup := o.dGroup
	lc := o.payment == "letter_of_credit"

	prep := day(3 + r.IntN(25))
	reqBase := d + prep
	if dGroup {
		reqBase += day(o.transit)
	}
	// Dates are mostly agreed per order: a later batch of lines, one confirmation.
	later := day(7 + r.IntN(29))
	confirmed := r.IntN(100) < 85
	shift := promiseShift(r.IntN(100), r.IntN(21))
	for i := range n {
		l := line{no: 10 * (i + 1), prod: g.co.pickProduct(r, o.site)}
		p := g.co.products[l.prod]
		f := p.family
		l.qty = logUniform(r, f.qty[0], f.qty[1]) / f.qty[2] * f.qty[2]
		l.qty = max(l.qty, f.qty[2])
		l.price = priceIn(p.priceCents*(100-c.discount)/100, o.currency)
		l.requested = reqBase
		if r.IntN(100) < 10 {
			l.requested += later
		}
		if confirmed {
			ls := shift
			if r.IntN(100) < 10 {
				ls = promiseShift(r.IntN(100), r.IntN(21)) // this item's own availability
			}
			l.promised = max(l.requested+ls, d+1)
		}
		l.planned = l.due()
		if dGroup {
			l.planned -= day(o.transit + 1) // a day of buffer on the road
		}
		l.planned = max(d, l.planned.prevWorkday())
		if !lc && r.IntN(1000) < 20 {
			l.cancelled, l.planned = true, noDay // a rejected item keeps no schedule
		}
		o.lines = append(o.lines, l)
	}
	g.ship(o)
	if lc {
		g.letterOfCredit(o)
	}
	g.inj.inject(g, o)
	o.docs = c.requiredDocs(o.mode, o.incoterm, o.payment)
}

// urgentModes: one order in eight of an overseas customer flies.
var urgentModes = []string{"air", "courier"}

// promiseShift: most promises confirm the requested date, some push it out, a few
// bring it forward.
func promiseShift(x, k int) day {
	switch {
	case x < 60:
		return 0
	case x < 85:
		return day(1 + k%7)
	case x < 95:
		return day(8 + k%14)
	}
	return -day(1 + k%3)
}

// priceIn converts a EUR price in cents to the order currency at a fixed book rate.
func priceIn(eurCents int64, currency string) int64 {
	switch currency {
	case "USD":
		return eurCents * 108 / 100
	case "GBP":
		return eurCents * 86 / 100
	}
	return eurCents
}

// namedPlace is the place the Incoterm names: the site for EXW and FCA, the port of
// loading for FAS and FOB, the port of destination for CFR and CIF, else the
// customer's city.
func (g *generator) namedPlace(o *order) text {
	switch o.incoterm {
	case "EXW", "FCA":
		return siteCity[o.site]
	case "FAS", "FOB":
		return sitePort[o.site]
	case "CFR", "CIF":
		return o.cust.port
	}
	return o.cust.city
}

var siteCity, sitePort = func() (city, port []text) {
	for _, s := range sites {
		city = append(city, newText(s.city))
		port = append(port, newText(s.port))
	}
	return city, port
}()

// ship decides when each line leaves the site, in one or more parts, groups the parts
// into deliveries, and gives each delivery its proof of delivery, invoice and claims.
// Ordinary data keeps every line due before AsOf fully shipped by AsOf: only injected
// lines make the late backlog.
func (g *generator) ship(o *order) {
	r := g.r
	delay := 0 // days the order leaves after its planned goods issue
	switch x := r.IntN(1000); {
	case x < 965:
		delay = -r.IntN(4)
	case x < 988:
		delay = 1 + r.IntN(5)
	default:
		delay = 6 + r.IntN(20)
	}
	for i := range o.lines {
		l := &o.lines[i]
		l.parts = l.partStore[:0]
		if l.cancelled {
			continue
		}
		s := l.planned + day(delay)
		if r.IntN(1000) < 15 {
			s += day(1 + r.IntN(10)) // this item waited for production
		}
		step := g.co.products[l.prod].family.qty[2]
		nParts, gap := 1, 0
		if l.qty >= 2*step && r.IntN(100) < 6 {
			nParts = 2
			if l.qty >= 3*step && r.IntN(4) == 0 {
				nParts = 3
			}
			if r.IntN(2) == 0 {
				// what is in stock leaves early, the rest on the planned date
				gap = 4 + r.IntN(5)
				s -= day(gap * (nParts - 1))
			}
		}
		s = max(o.date, s).nextWorkday()
		left := l.qty
		for k := range nParts {
			q := left
			if k < nParts-1 {
				q = max(step, (left*int64(40+r.IntN(40))/100)/step*step)
				q = min(q, left-step*int64(nParts-1-k))
			}
			l.parts = append(l.parts, part{qty: q, ship: s, del: -1})
			left -= q
			if gap > 0 {
				s = max(s+4, s+day(gap)).nextWorkday()
			} else {
				s = (s + day(4+r.IntN(17))).nextWorkday()
			}
		}
		g.clampToAsOf(o, l)
	}
	g.group(o)
}

// clampToAsOf: parts planned after AsOf are not shipped yet, unless the line is due
// before AsOf, in which case ordinary data ships them late but by AsOf.
func (g *generator) clampToAsOf(o *order, l *line) {
	if l.due() >= g.asOf {
		return
	}
	for k := 0; k < len(l.parts); k++ {
		p := &l.parts[k]
		if p.ship <= g.asOf {
			continue
		}
		if k > 0 && l.parts[k-1].ship > g.asOf-4 {
			// too close to the previous part to be a delivery of its own: ship together
			l.parts[k-1].qty += p.qty
			l.parts = slices.Delete(l.parts, k, k+1)
			k--
			continue
		}
		s := g.asOf - day(g.r.IntN(4))
		if k > 0 {
			s = max(s, l.parts[k-1].ship+4)
		}
		p.ship = max(s, o.date)
	}
}

// group turns shipped parts into deliveries, one per ship date, with carrier, proof of
// delivery and invoice.
func (g *generator) group(o *order) {
	r := g.r
	var shipDays []day
	for i := range o.lines {
		for k := range o.lines[i].parts {
			if s := o.lines[i].parts[k].ship; s <= g.asOf && !slices.Contains(shipDays, s) {
				shipDays = append(shipDays, s)
			}
		}
	}
	slices.Sort(shipDays)
	dGroup := o.dGroup
	carrier := pick(r, carriers[o.mode])
	for _, s := range shipDays {
		d := delivery{no: g.next(deliveryNumbers), ship: s, carrier: carrier}
		if r.IntN(10) == 0 {
			d.carrier = pick(r, carriers[o.mode])
		}
		if o.mode == "sea" || o.mode == "air" || o.mode == "multimodal" || r.IntN(5) == 0 {
			d.forwarder = forwarders[(int(o.cust.no)+int(s))%len(forwarders)]
		}
		pod := s + day(o.transit) + podNoise(r.IntN(100), r.IntN(5))
		pod = max(pod, s)
		missing := 12
		if dGroup {
			missing = 6
		}
		if pod <= g.asOf && r.IntN(100) >= missing {
			d.pod = pod
		}
		o.dels = append(o.dels, d)
	}
	for i := range o.lines {
		l := &o.lines[i]
		for k := range l.parts {
			p := &l.parts[k]
			if p.ship > g.asOf {
				continue
			}
			p.del = slices.Index(shipDays, p.ship)
			p.shipOut, p.podOut = p.ship, o.dels[p.del].pod
			p.invQty, p.invAmount = p.qty, p.qty*l.price
		}
	}
	g.invoice(o)
	g.makeClaims(o)
}

// podNoise: transit mostly as planned, sometimes a day or a week more.
func podNoise(x, k int) day {
	switch {
	case x < 20:
		return -1
	case x < 85:
		return 0
	case x < 93:
		return 1
	case x < 97:
		return 2
	}
	return day(3 + k)
}

// invoice bills each delivery 0-2 days after goods issue. A delivery whose billing date
// would fall after AsOf stays unbilled, unless one of its lines was billed before (a
// line is billed all or nothing, so invoiced never lags shipped within a line).
func (g *generator) invoice(o *order) {
	r := g.r
	for di := range o.dels {
		d := &o.dels[di]
		delay := day(0)
		switch x := r.IntN(100); {
		case x < 50:
		case x < 85:
			delay = 1
		default:
			delay = 2
		}
		inv := d.ship + delay
		if inv > g.asOf {
			if !g.hasEarlierPart(o, di) {
				continue
			}
			inv = d.ship
		}
		d.invoiceNo, d.invDate = g.next(invoiceNumbers), inv
		if inv+6 <= g.asOf && r.IntN(1000) < 4 {
			// billed to the wrong address: cancelled and billed again
			d.cancelNo = g.next(invoiceNumbers)
			d.cancelDay = inv + day(1+r.IntN(5))
			d.reissueNo = g.next(invoiceNumbers)
		}
	}
}

func (g *generator) hasEarlierPart(o *order, di int) bool {
	for i := range o.lines {
		l := &o.lines[i]
		inThis := false
		earlier := false
		for k := range l.parts {
			switch d := l.parts[k].del; {
			case d == di:
				inThis = true
			case d >= 0 && d < di:
				earlier = true
			}
		}
		if inThis && earlier {
			return true
		}
	}
	return false
}

// letterOfCredit sets the LC dates so that every planned and actual shipment falls
// before the latest shipment date, and every presentation (shipment + 21 days) before
// expiry.
func (g *generator) letterOfCredit(o *order) {
	latest := o.date
	open := false
	for i := range o.lines {
		l := &o.lines[i]
		latest = max(latest, l.planned)
		for k := range l.parts {
			if l.parts[k].del >= 0 {
				latest = max(latest, l.parts[k].ship)
			}
		}
		if l.status() == "open" {
			open = true
		}
	}
	if open {
		latest = max(latest, g.asOf)
	}
	o.lcLatest = latest + day(3+g.r.IntN(18))
	o.lcExpiry = o.lcLatest + day(21+5+g.r.IntN(30))
}

var claimTypes = []struct {
	typ    string
	weight int
	causes []string
	resp   []string
	refund bool // goods come back
}{
	{"damage", 25, []string{"packaging damaged in transit", "forklift damage at warehouse", "insufficient packaging"}, []string{"carrier", "warehouse", "warehouse"}, true},
	{"shortage", 15, []string{"picking error", "quantity short in package", "lost in transit"}, []string{"warehouse", "warehouse", "carrier"}, false},
	{"wrong_item", 12, []string{"wrong SKU picked", "wrong item ordered", "label mix-up"}, []string{"warehouse", "customer", "warehouse"}, true},
	{"late", 18, []string{"carrier delay", "production delay", "stock shortage", "customs hold"}, []string{"carrier", "production", "production", "sales_admin"}, false},
	{"quality", 20, []string{"defective batch", "component out of specification", "dimension out of tolerance"}, []string{"production", "supplier", "production"}, true},
	{"documentation", 6, []string{"wrong HS code on invoice", "missing certificate of origin", "invoice does not match LC terms"}, []string{"sales_admin", "sales_admin", "sales_admin"}, false},
	{"other", 4, []string{"customer changed mind", "order entered twice"}, []string{"customer", "sales_admin"}, true},
}

// makeClaims opens a claim on about 1.5% of shipped parts, after delivery; most are
// closed 5-60 days later.
func (g *generator) makeClaims(o *order) {
	r := g.r
	for i := range o.lines {
		l := &o.lines[i]
		for k := range l.parts {
			p := &l.parts[k]
			if p.del < 0 || r.IntN(1000) >= 15 {
				continue
			}
			d := &o.dels[p.del]
			arrived := d.pod
			if arrived == noDay {
				arrived = d.ship + day(o.transit)
			}
			opened := arrived + day(1+r.IntN(25))
			if opened > g.asOf {
				continue
			}
			x := r.IntN(100)
			ti := 0
			for ; ti < len(claimTypes)-1 && x >= claimTypes[ti].weight; ti++ {
				x -= claimTypes[ti].weight
			}
			ct := claimTypes[ti]
			if ct.typ == "late" && !g.lateLine(o, l) {
				ct = claimTypes[0]
			}
			ci := r.IntN(len(ct.causes))
			cl := claim{no: g.next(claimNumbers), line: i, del: p.del, opened: opened, typ: ct.typ, cause: ct.causes[ci], resp: ct.resp[ci]}
			cl.claimed = max(1, p.qty*int64(5+r.IntN(60))/100)
			if ct.typ == "late" || ct.typ == "documentation" {
				cl.claimed = 0
			}
			if ct.refund && r.IntN(2) == 0 {
				cl.returned = cl.claimed
			}
			cl.costCents = cl.claimed*l.price*int64(30+r.IntN(90))/100 + int64(5000+r.IntN(25000))
			if r.IntN(100) < 80 {
				if closed := opened + day(5+r.IntN(56)); closed <= g.asOf {
					cl.closed = closed
				}
			}
			o.claims = append(o.claims, cl)
		}
	}
}

// lateLine tells whether a line met its due date on the delivery basis of its Incoterm.
func (g *generator) lateLine(o *order, l *line) bool {
	dGroup := o.dGroup
	for k := range l.parts {
		p := &l.parts[k]
		if p.del < 0 {
			continue
		}
		ev := p.ship
		if dGroup && o.dels[p.del].pod != noDay {
			ev = o.dels[p.del].pod
		}
		if ev > l.due() {
			return true
		}
	}
	return false
}
