package gen

// SAP list exports as SAP writes them: technical field names, ';' (deliveries: tab)
// separated, dd.mm.yyyy dates, decimal comma with '.' thousands, a trailing minus,
// material and document numbers with their leading zeros, Windows-1252 text and CRLF
// line ends; the sales items list opens with a title and a blank line. Customers,
// products, claims and documents have no SAP list here: they are canonical CSVs beside.
const (
	sapSalesFile    = "VBAK_VBAP.txt"
	sapDeliveryFile = "LIKP_LIPS.txt"
	sapBillingFile  = "VBRK_VBRP.txt"
)

var (
	sapSalesColumns = []string{"VBELN", "POSNR", "MATNR", "ARKTX", "KWMENG", "VRKME", "NETPR", "WAERK", "KUNNR", "NAME1", "LAND1",
		"AUDAT", "VDATU", "EDATU", "WADAT", "INCO1", "INCO2", "WERKS", "VSART", "ZLSCH", "ZTERM", "ABGRU", "GBSTA", "ZZLC_LATEST_SHIP", "ZZLC_EXPIRY"}
	sapDeliveryColumns = []string{"VBELN", "POSNR", "VGBEL", "VGPOS", "MATNR", "LFIMG", "VRKME", "WADAT_IST", "PODAT", "VSART", "TDLNR", "BRGEW", "GEWEI", "ANZPK"}
	sapBillingColumns  = []string{"VBELN", "POSNR", "FKART", "FKDAT", "AUBEL", "AUPOS", "MATNR", "FKIMG", "VRKME", "NETWR", "WAERK"}
	sapStockColumns    = []string{"MATNR", "WERKS", "LGORT", "LABST", "INSME", "SPEME"}
)

// sapUnit is the SAP unit of measure of a canonical unit (German logon: ST for pieces,
// KAR for cartons).
func sapUnit(u string) string {
	switch u {
	case "PCE":
		return "ST"
	case "BOX":
		return "KAR"
	}
	return u
}

// sapStatus is the overall processing status of an item (GBSTA): A not processed,
// B partly, C completely (closed, or cancelled with its rejection reason).
func sapStatus(l *line, st string) string {
	switch {
	case st != "open":
		return "C"
	case l.shippedQty() > 0:
		return "B"
	}
	return "A"
}

type sapSink struct {
	dir      string
	dates    *dateText
	beside   *canonicalSink // customers, products, claims, documents
	sales    *table
	delivery *table
	billing  *table
	stockT   *table
	stockDay day
	done     []FileCount
	firstErr error
}

func newSAPSink(dir string, dates *dateText, asOf day) (*sapSink, error) {
	s := &sapSink{dir: dir, dates: dates}
	var err error
	if s.beside, err = newCanonicalTables(dir, dates, []string{"customers", "products", "claims", "documents"}); err != nil {
		return nil, err
	}
	s.beside.sapUnits = true
	if s.sales, err = newTable(dir, sapSalesFile, ';', true, true); err != nil {
		return nil, err
	}
	s.sales.line("Sales orders: items (VA05) - extract of " + dates.SAP(asOf))
	s.sales.line("")
	s.sales.header(sapSalesColumns...)
	if s.delivery, err = newTable(dir, sapDeliveryFile, '\t', true, true); err != nil {
		return nil, err
	}
	s.delivery.header(sapDeliveryColumns...)
	if s.billing, err = newTable(dir, sapBillingFile, ';', true, true); err != nil {
		return nil, err
	}
	s.billing.header(sapBillingColumns...)
	return s, nil
}

func (s *sapSink) date(t *table, d day) {
	if d == noDay {
		t.empty()
		return
	}
	t.raw(s.dates.SAP(d))
}

func (s *sapSink) customer(c *customer) { s.beside.customer(c) }
func (s *sapSink) product(p *product)   { s.beside.product(p) }
func (s *sapSink) claim(c *claimRow)    { s.beside.claim(c) }
func (s *sapSink) document(d *documentRow) {
	s.beside.document(d)
}

// order: the header fields are repeated on every item of the sales list.
func (s *sapSink) order(*order, string) {}

func (s *sapSink) orderLine(o *order, l *line, p *product, qty int64, promised day, st string) {
	t := s.sales
	t.id(0, o.no, 10)
	t.padded(int64(l.no), 6)
	t.raw(p.sku)
	t.raw(p.desc.cp1252)
	t.dec(qty*1000, 3)
	t.raw(sapUnit(p.family.unit))
	t.dec(l.price, 2)
	t.raw(o.currency)
	t.padded(o.cust.no, 10)
	t.raw(o.cust.name.cp1252)
	t.raw(o.cust.country)
	s.date(t, o.date)
	s.date(t, l.requested)
	s.date(t, promised)
	s.date(t, l.planned)
	t.raw(o.incoterm)
	t.raw(o.place.cp1252)
	t.raw(sites[o.site].code)
	t.raw(sapShippingType[o.mode])
	t.raw(sapPaymentMethod[o.payment])
	t.raw(o.cust.terms)
	if st == "cancelled" {
		t.raw("Z1")
	} else {
		t.empty()
	}
	t.raw(sapStatus(l, st))
	s.date(t, o.lcLatest)
	s.date(t, o.lcExpiry)
	t.end()
}

func (s *sapSink) shipment(r *shipmentRow) {
	t := s.delivery
	t.id(1, r.delivery, 10)
	t.padded(int64(r.item), 6)
	t.id(0, r.order, 10)
	t.padded(int64(r.line), 6)
	t.raw(r.prod.sku)
	t.dec(r.qty*1000, 3)
	t.raw(sapUnit(r.prod.family.unit))
	s.date(t, r.ship)
	if r.pod == noDay {
		t.raw("00.00.0000") // how SAP lists show an initial date
	} else {
		t.raw(s.dates.SAP(r.pod))
	}
	t.raw(sapShippingType[r.mode])
	t.raw(r.carrier)
	t.dec(r.weightG, 3)
	t.raw("KG")
	t.int(r.packages)
	t.end()
}

func (s *sapSink) invoice(r *invoiceRow) {
	t := s.billing
	t.id(1, r.invoice, 10)
	t.padded(int64(r.item), 6)
	t.raw(r.kind)
	s.date(t, r.date)
	t.id(0, r.order, 10)
	t.padded(int64(r.line), 6)
	t.raw(r.prod.sku)
	t.dec(r.qty*1000, 3)
	t.raw(sapUnit(r.prod.family.unit))
	t.dec(r.amount, 2)
	t.raw(r.currency)
	t.end()
}

// stock writes MB52 snapshots, one file per snapshot date (stock_YYYYMMDD.txt): the
// list holds no date of its own. Rows come in date order.
func (s *sapSink) stock(r *stockRow) {
	if s.stockT == nil || r.date != s.stockDay {
		s.closeStock()
		t, err := newTable(s.dir, "stock_"+s.dates.Compact(r.date)+".txt", ';', true, true)
		if err != nil {
			s.firstErr = err
			return
		}
		t.line("Warehouse stocks of material (MB52) " + s.dates.SAP(r.date))
		t.line("")
		t.header(sapStockColumns...)
		s.stockT, s.stockDay = t, r.date
	}
	t := s.stockT
	t.raw(r.prod.sku)
	t.raw(sites[r.site].code)
	t.raw("0001")
	t.dec((r.onHand-r.reserved)*1000, 3)
	t.dec(r.quality*1000, 3)
	t.dec((r.reserved-r.quality)*1000, 3)
	t.end()
}

func (s *sapSink) closeStock() {
	if s.stockT == nil {
		return
	}
	if err := s.stockT.close(); err != nil && s.firstErr == nil {
		s.firstErr = err
	}
	s.done = append(s.done, FileCount{Name: s.stockT.name, Rows: s.stockT.rows})
	s.stockT = nil
}

func (s *sapSink) err() error {
	if s.firstErr != nil {
		return s.firstErr
	}
	for _, t := range []*table{s.sales, s.delivery, s.billing, s.stockT} {
		if t != nil && t.err() != nil {
			return t.err()
		}
	}
	return s.beside.err()
}

func (s *sapSink) close() ([]FileCount, error) {
	s.closeStock()
	files, err := s.beside.close()
	for _, t := range []*table{s.sales, s.delivery, s.billing} {
		if cerr := t.close(); cerr != nil && err == nil {
			err = cerr
		}
		files = append(files, FileCount{Name: t.name, Rows: t.rows})
	}
	files = append(files, s.done...)
	if err == nil {
		err = s.firstErr
	}
	return files, err
}
