package gen

// sink writes the generated rows in the files of one profile.
type sink interface {
	customer(c *customer)
	product(p *product)
	order(o *order, status string)
	orderLine(o *order, l *line, p *product, qty int64, promised day, status string)
	shipment(s *shipmentRow)
	invoice(iv *invoiceRow)
	claim(c *claimRow)
	document(d *documentRow)
	stock(s *stockRow)
	err() error // the first write error so far
	close() ([]FileCount, error)
}

type shipmentRow struct {
	delivery     int64
	order        int64
	line         int
	item         int // item number inside the delivery
	prod         *product
	qty          int64
	ship, pod    day
	carrier      string
	mode         string
	forwarder    string
	freightCents int64
	weightG      int64
	packages     int64
}

type invoiceRow struct {
	invoice  int64
	item     int
	order    int64
	line     int
	prod     *product
	date     day
	qty      int64
	amount   int64 // cents
	currency string
	kind     string // F2 invoice, S1 cancellation
}

type claimRow struct {
	claim          int64
	order          int64
	line           int
	delivery       int64 // 0 for none
	opened, closed day
	typ, cause     string
	resp           string
	claimed        int64
	returned       int64
	costCents      int64
}

type documentRow struct {
	order     int64
	delivery  int64 // 0 for an order-level document
	docType   string
	status    string
	issued    day
	reference []byte
}

type stockRow struct {
	date     day
	site     int
	prod     *product
	onHand   int64
	reserved int64
	quality  int64 // of reserved: in quality inspection (SAP INSME); the rest is blocked (SPEME)
	incoming int64
	inDate   day
}

func status(closed day) string {
	if closed == noDay {
		return "open"
	}
	return "closed"
}
