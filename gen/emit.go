package gen

import (
	"strconv"
)

// emit writes an order and everything hanging from it but its documents, and keeps
// what the stock snapshots and the ground truth need.
func (g *generator) emit(o *order) {
	r := g.er
	for _, x := range o.orphans {
		switch {
		case x.shipment != nil:
			g.out.shipment(x.shipment)
		case x.invoice != nil:
			g.out.invoice(x.invoice)
		case x.claim != nil:
			g.out.claim(x.claim)
		}
	}
	g.out.order(o, o.status())
	for i := range o.lines {
		l := &o.lines[i]
		p := g.co.products[l.prod]
		st := l.status()
		g.out.orderLine(o, l, p, l.qty, l.promised, st)
		if o.dupLine == i {
			if l.cancelled {
				g.out.orderLine(o, l, p, l.qty+p.family.qty[2]*int64(1+r.IntN(5)), l.promised, st)
			} else {
				g.out.orderLine(o, l, p, l.qty, l.due()+day(3+r.IntN(12)), st)
			}
		}
		g.account(o, l, st)
	}
	g.emitShipments(o)
	g.emitInvoices(o)
	for _, c := range o.claims {
		l := &o.lines[c.line]
		g.out.claim(&claimRow{claim: c.no, order: o.no, line: l.no, delivery: o.dels[c.del].no, opened: c.opened, closed: c.closed,
			typ: c.typ, cause: c.cause, resp: c.resp, claimed: c.claimed, returned: c.returned, costCents: c.costCents})
	}
}

// account keeps the stock needs and writes late_backlog truth by its definition: not
// cancelled, due before AsOf, shipped less than ordered (this includes the closed
// lines of short_shipment that are due).
func (g *generator) account(o *order, l *line, st string) {
	pair := o.site*len(g.co.products) + l.prod
	shipped := l.shippedQty()
	g.shipped[pair] += shipped
	// A line closed short still looks like open demand to a rule that only compares
	// quantities: the stock covers it too, and its pair is not picked as short.
	if st == "open" || !l.cancelled && shipped < l.qty {
		g.openQty[pair] += l.qty
		if l.due() <= g.asOf+dueSoonDays+1 {
			g.nearQty[pair] += l.qty - shipped
		}
		g.openList = append(g.openList, openLine{pair: pair, due: l.due(), remaining: l.qty - shipped, closedShort: st != "open", orderNo: o.no, lineNo: l.no})
	}
	if l.cancelled || l.due() >= g.asOf {
		return
	}
	// Late from the day after the due date until the day the shipments add up to the
	// ordered quantity (noDay when they never do by AsOf). Only the cases open at some
	// as-of date of the last backlogWeeks weeks are written: the lines shipped late long
	// ago are history, not a case any weekly build compares with.
	done := noDay
	if shipped >= l.qty {
		var cum int64
		last := day(0)
		for k := range l.parts {
			if pt := &l.parts[k]; pt.del >= 0 {
				cum += pt.qty
				last = max(last, pt.shipOut)
			}
		}
		if cum >= l.qty {
			done = last
		}
	}
	since := l.due() + 1
	if done != noDay && (done <= since || done <= g.asOf-7*backlogWeeks) {
		return
	}
	g.truthOut.add(truthRow{code: "late_backlog", order: o.no, line: l.no, sku: g.sku(l), site: o.site, since: since, resolvedOn: done, resolution: map[bool]string{true: "shipped_late"}[done != noDay]})
}

// backlogWeeks is how far back the truth of late_backlog covers as-of dates.
const backlogWeeks = 4

func (g *generator) deliveryRows(o *order, di int) int {
	n := 0
	for i := range o.lines {
		for k := range o.lines[i].parts {
			if o.lines[i].parts[k].del == di {
				n++
			}
		}
	}
	return n
}

func (g *generator) emitShipments(o *order) {
	rate := freightRate[o.mode]
	for di := range o.dels {
		d := &o.dels[di]
		rows := g.deliveryRows(o, di)
		item := 0
		for i := range o.lines {
			l := &o.lines[i]
			p := g.co.products[l.prod]
			for k := range l.parts {
				pt := &l.parts[k]
				if pt.del != di {
					continue
				}
				item += 10
				weight := pt.qty * p.netWeightG * 108 / 100
				row := shipmentRow{delivery: d.no, order: o.no, line: l.no, item: item, prod: p, qty: pt.qty, ship: pt.shipOut, pod: pt.podOut,
					carrier: d.carrier, mode: o.mode, forwarder: d.forwarder,
					freightCents: weight*rate[0]/1000 + rate[1]/int64(rows), weightG: weight,
					packages: (pt.qty + p.family.pack - 1) / p.family.pack}
				g.out.shipment(&row)
				if o.dupShip == i {
					// the same delivery item extracted twice, the second time after the
					// carrier was changed and the freight re-rated
					row.carrier = pick(g.er, carriers[o.mode])
					if row.carrier == d.carrier {
						row.carrier = d.carrier + " (subcontracted)"
					}
					row.freightCents = row.freightCents*115/100 + 1000
					g.out.shipment(&row)
				}
			}
		}
	}
}

// fixRow is a part whose invoicing gap the desk fixed with an invoice of its own.
type fixRow struct {
	l  *line
	pt *part
}

func (g *generator) emitInvoices(o *order) {
	var fixes []fixRow
	defer func() {
		// the invoices raised when the desk found the gap: what was not billed, or the
		// difference (a credit note, G2, when billed too much)
		for _, f := range fixes {
			l, pt := f.l, f.pt
			qty := pt.qty - pt.invQty
			if pt.noInvoice {
				qty = pt.qty
			}
			row := invoiceRow{invoice: pt.fixInvoice, item: 10, order: o.no, line: l.no, prod: g.co.products[l.prod], date: pt.fixDate,
				qty: qty, amount: qty * l.price, currency: o.currency, kind: "F2"}
			if qty < 0 {
				row.kind = "G2"
			}
			g.out.invoice(&row)
		}
	}()
	for di := range o.dels {
		d := &o.dels[di]
		if d.invoiceNo == 0 {
			continue
		}
		item := 0
		for i := range o.lines {
			l := &o.lines[i]
			p := g.co.products[l.prod]
			for k := range l.parts {
				pt := &l.parts[k]
				if pt.del != di {
					continue
				}
				if pt.fixInvoice != 0 {
					fixes = append(fixes, fixRow{l, pt})
				}
				if pt.noInvoice {
					continue
				}
				item += 10
				row := invoiceRow{invoice: d.invoiceNo, item: item, order: o.no, line: l.no, prod: p, date: d.invDate,
					qty: pt.invQty, amount: pt.invAmount, currency: o.currency, kind: "F2"}
				g.out.invoice(&row)
				if d.cancelNo != 0 {
					cancel := row
					cancel.invoice, cancel.date, cancel.qty, cancel.amount, cancel.kind = d.cancelNo, d.cancelDay, -row.qty, -row.amount, "S1"
					g.out.invoice(&cancel)
					again := row
					again.invoice, again.date = d.reissueNo, d.cancelDay
					g.out.invoice(&again)
				}
			}
		}
	}
}

// needsDocs: the documents rule looks at orders that shipped, or that are planned to
// ship within 5 days of AsOf (or should have shipped already).
func (g *generator) needsDocs(o *order) bool {
	if g.shippedDeliveries(o) > 0 {
		return true
	}
	for i := range o.lines {
		l := &o.lines[i]
		if l.status() == "open" && l.planned != noDay && l.planned <= g.asOf+5 {
			return true
		}
	}
	return false
}

func (g *generator) shippedDeliveries(o *order) int {
	n := 0
	for di := range o.dels {
		if g.deliveryRows(o, di) > 0 {
			n++
		}
	}
	return n
}

// truthDays: the ground truth is exact for every as-of date of the last four weeks (the
// demo builds as of AsOf and a week before): late lines shipped before that, and the
// documents an order needed before it shipped longer ago, are history no build reads.
const truthDays = 28

// docsNeededFrom is the first day a build asks for the order's documents: document_lead_days
// (5) before the earliest planned goods issue of its lines (the due date when none is
// planned), and at the latest the day it first ships. It may be before the order was
// placed: a build reads every order of the extract, whatever its as-of date.
func (g *generator) docsNeededFrom(o *order) day {
	from := noDay
	for i := range o.lines {
		l := &o.lines[i]
		if l.cancelled {
			continue
		}
		p := l.planned
		if p == noDay {
			p = l.due()
		}
		if from == noDay || p-5 < from {
			from = p - 5
		}
	}
	if len(o.dels) > 0 && (from == noDay || o.dels[0].ship < from) {
		from = o.dels[0].ship
	}
	return from
}

// prepared tells whether the order has its documents prepared ahead at order level in
// the extract: not shipped yet and needing them, or first shipped within truthDays (the
// set prepared before the goods left, which a build as of a date before still reads).
func (g *generator) prepared(o *order) bool {
	if g.shippedDeliveries(o) > 0 {
		return o.dels[0].ship > g.asOf-truthDays
	}
	return g.needsDocs(o)
}

// emitDocuments writes, for every delivery, each document rules.RequiredDocuments
// asks for on the lane; for an order about to ship or shipped in the last weeks, the
// same set prepared ahead at order level, dated before the documents were needed; and
// the order acknowledgement (and pro forma invoice where the bank or a prepayment
// needs one). An injected missing_document the desk fixed is written as the document
// sent on the day of the fix (a build as of an earlier date still lacks it).
//
// It runs in a goroutine of its own: it only reads the order and only writes documents.
func (g *generator) emitDocuments(o *order) {
	r := g.dr
	docs := o.docs
	f := o.docFault
	row := documentRow{order: o.no}
	// fault applies the injected fault to the row of type dt; false drops the row
	fault := func() bool {
		if f.fixed != noDay {
			row.status, row.issued = "sent", f.fixed
			return true
		}
		if f.status == "" {
			return false
		}
		row.status = f.status
		if f.status == "missing" {
			row.issued, row.reference = noDay, row.reference[:0]
		}
		return true
	}
	for di := range o.dels {
		d := &o.dels[di]
		if g.deliveryRows(o, di) == 0 {
			continue
		}
		for _, dt := range docs {
			row.delivery, row.docType = d.no, dt
			row.status, row.issued = "sent", max(o.date, d.ship-day(r.IntN(2)))
			switch x := r.IntN(100); {
			case d.ship >= g.asOf-3 && x < 15:
				row.status, row.issued = "draft", noDay
			case d.ship >= g.asOf-3 && x < 70, x < 25:
				row.status = "issued"
			}
			row.reference = g.docReference(row.reference[:0], o, d, dt)
			if f.active && f.docType == dt && (f.del == di || f.del < 0) && !fault() {
				continue
			}
			g.out.document(&row)
		}
	}
	if g.prepared(o) {
		from := g.docsNeededFrom(o)
		for _, dt := range docs {
			row.delivery, row.docType = 0, dt
			row.status, row.issued = "issued", min(from-day(r.IntN(4)), g.asOf)
			if row.issued <= o.date || r.IntN(100) < 40 {
				// prepared with the order, or not issued yet: a draft, undated
				row.status, row.issued = "draft", noDay
			}
			row.reference = g.docReference(row.reference[:0], o, nil, dt)
			if f.active && f.docType == dt && f.del <= 0 && !fault() {
				continue
			}
			g.out.document(&row)
		}
	}
	row.delivery, row.docType, row.status = 0, "order_acknowledgement", "sent"
	row.issued = min(g.asOf, o.date+day(r.IntN(2)))
	row.reference = strconv.AppendInt(append(row.reference[:0], "AB"...), o.no, 10)
	g.out.document(&row)
	if o.payment == "letter_of_credit" || o.payment == "prepayment" {
		row.docType = "proforma_invoice"
		row.reference = strconv.AppendInt(append(row.reference[:0], "PF"...), o.no, 10)
		g.out.document(&row)
	}
}

// docReference appends the number a document of this type carries.
func (g *generator) docReference(b []byte, o *order, d *delivery, docType string) []byte {
	var ship day
	var no int64
	if d != nil {
		ship, no = d.ship, d.no
	} else {
		ship, no = g.asOf, o.no
	}
	site := sites[o.site].country
	switch docType {
	case "commercial_invoice":
		if d != nil && d.invoiceNo != 0 {
			return appendPadded(b, d.invoiceNo, 10)
		}
		return strconv.AppendInt(append(b, "CI"...), no, 10)
	case "packing_list":
		return strconv.AppendInt(append(b, "PL"...), no, 10)
	case "export_declaration": // an MRN: year, country, 'E', serial
		b = append(b, g.dates.Compact(ship)[2:4]...)
		b = append(append(b, site...), 'E')
		return appendPadded(b, no*37%100_000_000_000, 11)
	case "intrastat":
		return append(append(b, "EMEBI "...), g.dates.Month(ship)...)
	case "cmr":
		return appendPadded(append(b, "CMR"...), no%100_000_000, 8)
	case "awb":
		return appendPadded(append(b, "057-"...), no*7%100_000_000, 8)
	case "bill_of_lading":
		return appendPadded(append(b, "CMDU"...), no*13%1_000_000_000, 9)
	case "cim":
		return appendPadded(append(b, "CIM"...), no%100_000_000, 8)
	case "insurance_certificate":
		return strconv.AppendInt(append(b, "INS-"...), no, 10)
	case "lc_presentation":
		return appendPadded(append(b, "LC"...), o.no, 10)
	case "certificate_of_origin":
		return strconv.AppendInt(append(append(append(b, "CO-"...), site...), '-'), no, 10)
	case "origin_statement": // the exporter's REX number
		return append(append(b, site...), "REX1234567"...)
	}
	return strconv.AppendInt(append(append(b, docType...), '-'), no, 10)
}
