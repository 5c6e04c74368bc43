package gen

// Canonical files: one CSV per entity, the columns of sql/schema/001_canonical.sql in
// their order (without _load_id and _row), ISO dates, '.' decimals, empty for null.
var canonicalColumns = map[string][]string{
	"customers":   {"customer_id", "name", "country", "segment", "language", "payment_terms", "vat_number", "weight"},
	"products":    {"sku", "description", "family", "unit", "net_weight_kg", "hs_code", "origin_country", "unit_cost"},
	"orders":      {"order_id", "customer_id", "order_date", "ship_from_site", "ship_to_country", "incoterm", "incoterm_place", "transport_mode", "currency", "payment_method", "lc_latest_shipment_date", "lc_expiry_date", "status"},
	"order_lines": {"order_id", "line_no", "sku", "ordered_qty", "unit_price", "requested_date", "promised_date", "planned_ship_date", "status"},
	"shipments":   {"shipment_id", "order_id", "line_no", "shipped_qty", "ship_date", "delivery_date", "carrier", "transport_mode", "forwarder", "freight_cost", "weight_kg", "packages"},
	"invoices":    {"invoice_id", "order_id", "line_no", "invoice_date", "invoiced_qty", "amount", "currency"},
	"stock":       {"snapshot_date", "site", "sku", "on_hand_qty", "reserved_qty", "incoming_qty", "incoming_date"},
	"claims":      {"claim_id", "order_id", "line_no", "shipment_id", "opened_date", "closed_date", "type", "cause", "responsible", "claimed_qty", "returned_qty", "cost", "status"},
	"documents":   {"order_id", "shipment_id", "doc_type", "status", "issued_date", "reference"},
}

// canonicalEntities in the order their files are written.
var canonicalEntities = []string{"customers", "products", "orders", "order_lines", "shipments", "invoices", "stock", "claims", "documents"}

type canonicalSink struct {
	dates    *dateText
	tables   map[string]*table
	files    []*table
	sapUnits bool // products.csv beside SAP lists carries the SAP unit codes

	customers, products, orders, lines, shipments, invoices, stockT, claims, documents *table
}

func newCanonicalSink(dir string, dates *dateText) (*canonicalSink, error) {
	return newCanonicalTables(dir, dates, canonicalEntities)
}

func newCanonicalTables(dir string, dates *dateText, entities []string) (*canonicalSink, error) {
	s := &canonicalSink{dates: dates, tables: map[string]*table{}}
	for _, e := range entities {
		t, err := newTable(dir, e+".csv", ',', false, false)
		if err != nil {
			s.close()
			return nil, err
		}
		t.header(canonicalColumns[e]...)
		s.tables[e] = t
		s.files = append(s.files, t)
	}
	s.customers, s.products, s.orders, s.lines = s.tables["customers"], s.tables["products"], s.tables["orders"], s.tables["order_lines"]
	s.shipments, s.invoices, s.stockT = s.tables["shipments"], s.tables["invoices"], s.tables["stock"]
	s.claims, s.documents = s.tables["claims"], s.tables["documents"]
	return s, nil
}

func (s *canonicalSink) date(t *table, d day) {
	if d == noDay {
		t.empty()
		return
	}
	t.raw(s.dates.ISO(d))
}

func (s *canonicalSink) customer(c *customer) {
	t := s.customers
	t.padded(c.no, 10)
	t.str(c.name.utf8)
	t.raw(c.country)
	t.raw(c.segment)
	t.raw(c.lang)
	t.raw(c.terms)
	t.raw(c.vat)
	t.dec(c.weight, 3)
	t.end()
}

func (s *canonicalSink) product(p *product) {
	t := s.products
	t.str(p.sku)
	t.str(p.desc.utf8)
	t.str(p.family.name)
	if s.sapUnits {
		t.raw(sapUnit(p.family.unit))
	} else {
		t.raw(p.family.unit)
	}
	t.dec(p.netWeightG, 3)
	t.raw(p.hs)
	t.raw(p.origin)
	t.dec(p.costCents, 2)
	t.end()
}

func (s *canonicalSink) order(o *order, st string) {
	t := s.orders
	t.id(0, o.no, 10)
	t.padded(o.cust.no, 10)
	s.date(t, o.date)
	t.raw(sites[o.site].code)
	t.raw(o.cust.country)
	t.raw(o.incoterm)
	t.str(o.place.utf8)
	t.raw(o.mode)
	t.raw(o.currency)
	t.raw(o.payment)
	s.date(t, o.lcLatest)
	s.date(t, o.lcExpiry)
	t.raw(st)
	t.end()
}

func (s *canonicalSink) orderLine(o *order, l *line, p *product, qty int64, promised day, st string) {
	t := s.lines
	t.id(0, o.no, 10)
	t.int(int64(l.no))
	t.str(p.sku)
	t.int(qty)
	t.dec(l.price, 2)
	s.date(t, l.requested)
	s.date(t, promised)
	s.date(t, l.planned)
	t.raw(st)
	t.end()
}

func (s *canonicalSink) shipment(r *shipmentRow) {
	t := s.shipments
	t.id(1, r.delivery, 10)
	t.id(0, r.order, 10)
	t.int(int64(r.line))
	t.int(r.qty)
	s.date(t, r.ship)
	s.date(t, r.pod)
	t.str(r.carrier)
	t.raw(r.mode)
	t.str(r.forwarder)
	t.dec(r.freightCents, 2)
	t.dec(r.weightG, 3)
	t.int(r.packages)
	t.end()
}

func (s *canonicalSink) invoice(r *invoiceRow) {
	t := s.invoices
	t.id(1, r.invoice, 10)
	t.id(0, r.order, 10)
	t.int(int64(r.line))
	s.date(t, r.date)
	t.int(r.qty)
	t.dec(r.amount, 2)
	t.raw(r.currency)
	t.end()
}

func (s *canonicalSink) claim(r *claimRow) {
	t := s.claims
	t.padded(r.claim, 12)
	t.id(0, r.order, 10)
	t.int(int64(r.line))
	optPadded(t, r.delivery, 10)
	s.date(t, r.opened)
	s.date(t, r.closed)
	t.raw(r.typ)
	t.str(r.cause)
	t.raw(r.resp)
	t.int(r.claimed)
	t.int(r.returned)
	t.dec(r.costCents, 2)
	t.raw(status(r.closed))
	t.end()
}

func (s *canonicalSink) document(r *documentRow) {
	t := s.documents
	t.id(0, r.order, 10)
	if r.delivery == 0 {
		t.empty()
	} else {
		t.id(1, r.delivery, 10)
	}
	t.raw(r.docType)
	t.raw(r.status)
	s.date(t, r.issued)
	t.bytes(r.reference)
	t.end()
}

func (s *canonicalSink) stock(r *stockRow) {
	t := s.stockT
	s.date(t, r.date)
	t.raw(sites[r.site].code)
	t.str(r.prod.sku)
	t.int(r.onHand)
	t.int(r.reserved)
	if r.incoming > 0 {
		t.int(r.incoming)
		s.date(t, r.inDate)
	} else {
		t.empty()
		t.empty()
	}
	t.end()
}

func (s *canonicalSink) err() error {
	for _, t := range s.files {
		if err := t.err(); err != nil {
			return err
		}
	}
	return nil
}

func (s *canonicalSink) close() ([]FileCount, error) {
	var files []FileCount
	var first error
	for _, t := range s.files {
		if err := t.close(); err != nil && first == nil {
			first = err
		}
		files = append(files, FileCount{Name: t.name, Rows: t.rows})
	}
	return files, first
}
