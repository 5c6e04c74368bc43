// Package gen writes the ERP extracts of a synthetic but realistic export company:
// customers in some fifty countries, a few thousand SKUs shipped from three sites, two
// years of orders with their shipments, invoices, weekly stock snapshots, claims and
// trade documents (as rules.RequiredDocuments asks), and a known set of injected
// anomalies. Output is deterministic for a seed and an as-of date, and streams to disk:
// ten million order lines need a few hundred MB of memory.
//
// Profiles: "canonical" writes one CSV per entity with the columns of
// sql/schema/001_canonical.sql; "sap" writes SAP list exports (VBAK_VBAP.txt sales
// items, LIKP_LIPS.txt deliveries, VBRK_VBRP.txt billing, stock_YYYYMMDD.txt MB52
// snapshots) and canonical CSVs for customers, products, claims and documents. Beyond
// the contract's fields, the sales items carry WADAT (planned goods issue), VSART
// (shipping type), ZLSCH (payment method: T open account, D documentary collection,
// L letter of credit, V prepayment), ZTERM, GBSTA (A open, B partly shipped, C closed
// or rejected) and the customer fields ZZLC_LATEST_SHIP and ZZLC_EXPIRY (LC dates);
// the deliveries carry ANZPK (packages) and BRGEW/GEWEI (gross weight).
//
// Ground truth: _injected/anomalies.csv lists, per anomaly code of domain.md, the rows
// a detector must report (columns TruthColumns; empty where not applicable), each with
// its life: injected_on, the first as-of date it is to be detected, and for the cases
// the company's desk worked off, resolved_on and resolution (how the ERP data shows the
// fix; every event of a fix is dated on or before AsOf). A build as of D must report
// the rows with injected_on <= D < resolved_on (or no resolved_on), for any D of the
// last four weeks (truthDays); injected_on is empty for what the order's header and
// lines say, which a build of any date reads. A gap fixed in place (an order line
// amended, a remainder shipped on a closed line) is no case. The company works
// its worklist: most flow gaps are fixed within days or weeks, a few linger, fewer go
// stale; data errors that an extract never shows "resolved" (the field is corrected in
// place) are injected mostly in recent weeks, as if older ones had been corrected. The
// definitions it follows: duplicates of a business key count once for every other
// rule (the copies differ only in fields no other rule reads); line-level rules look
// at lines present in order_lines, so an orphan row is only an orphan; late_backlog
// lists every line not cancelled, due before the as-of date and shipped short, which
// includes the closed lines of short_shipment that are due; missing_document is per
// order, shipment_id set when one delivery's document is at fault.
package gen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sync/atomic"
	"time"
)

// Options of one generation.
type Options struct {
	Out      string    // output folder, created when missing; files of the same names are overwritten
	Seed     uint64    // same seed, same bytes
	Lines    int       // order lines to write (duplicates injected on top)
	Profile  string    // "canonical" (default) or "sap"
	AsOf     time.Time // the extract date: two years of orders end here
	Progress io.Writer // receives a line every million order lines; nil for none
}

// Summary tells what one generation wrote.
type Summary struct {
	Files     []FileCount    // every file written, in order
	Anomalies []AnomalyCount // every anomaly code of domain.md, with its injected cases
}

// FileCount is a file and its data rows (header and title lines not counted).
type FileCount struct {
	Name string // relative to Options.Out, with '/' separators
	Rows int64
}

// AnomalyCount is an anomaly code and the rows of the ground truth that carry it.
type AnomalyCount struct {
	Code  string
	Count int // every case of the history, resolved or not
	Open  int // the cases still open at AsOf
}

// Rows returns the data rows written to one file, 0 when there is no such file.
func (s Summary) Rows(name string) int64 {
	for _, f := range s.Files {
		if f.Name == name {
			return f.Rows
		}
	}
	return 0
}

// Injected returns the ground-truth rows of one anomaly code.
func (s Summary) Injected(code string) int {
	for _, a := range s.Anomalies {
		if a.Code == code {
			return a.Count
		}
	}
	return 0
}

// Open returns the cases of a code still open at AsOf.
func (s Summary) Open(code string) int {
	for _, a := range s.Anomalies {
		if a.Code == code {
			return a.Open
		}
	}
	return 0
}

const (
	historyDays = 730 // two years of orders end at AsOf
	maxLines    = 50_000_000
)

// Generate writes the extracts of opts.Profile into opts.Out.
func Generate(ctx context.Context, opts Options) (Summary, error) {
	if opts.Out == "" {
		return Summary{}, errors.New("generate: no output folder given")
	}
	if opts.Lines < 1 || opts.Lines > maxLines {
		return Summary{}, fmt.Errorf("generate: %d order lines asked; give between 1 and %d", opts.Lines, maxLines)
	}
	if opts.AsOf.IsZero() {
		return Summary{}, errors.New("generate: no as-of date given: the generated history ends there")
	}
	if opts.Profile == "" {
		opts.Profile = "canonical"
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return Summary{}, fmt.Errorf("generate: cannot create %s: %w", opts.Out, err)
	}
	g := newGenerator(opts)
	var err error
	switch opts.Profile {
	case "canonical":
		g.out, err = newCanonicalSink(opts.Out, g.dates)
	case "sap":
		g.out, err = newSAPSink(opts.Out, g.dates, g.asOf)
	default:
		return Summary{}, fmt.Errorf("generate: profile %q is not known: use canonical or sap", opts.Profile)
	}
	if err != nil {
		return Summary{}, err
	}
	runErr := g.run(ctx)
	files, closeErr := g.out.close()
	if runErr != nil {
		return Summary{}, runErr
	}
	if closeErr != nil {
		return Summary{}, closeErr
	}
	all := mergeTruth(g.truth, g.truthOut)
	truthFile, err := all.write(opts.Out, g.dates)
	if err != nil {
		return Summary{}, err
	}
	// the finance team's exchange rates, up to the last business day before the extract
	ratesFile, err := writeRates(opts.Out, g.first-60, g.asOf-1, opts.Seed)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Files: append(files, ratesFile, truthFile)}
	open := map[string]int{}
	for i := range all.rows {
		if all.rows[i].openAt(g.asOf) {
			open[all.rows[i].code]++
		}
	}
	for _, code := range AnomalyCodes {
		sum.Anomalies = append(sum.Anomalies, AnomalyCount{Code: code, Count: all.count[code], Open: open[code]})
	}
	return sum, nil
}

// generator holds the state of one run: the company, the counters that number ERP
// documents, the injection quotas and what the stock snapshots need at the end.
type generator struct {
	opts     Options
	asOf     day
	first    day
	dates    *dateText
	co       *company
	out      sink
	inj      *injector
	r        *rand.Rand // orders, shipments, invoices: the simulating goroutine
	truth    *truth     // what the simulating goroutine injects
	er       *rand.Rand // duplicate values: the goroutine writing rows
	dr       *rand.Rand // document statuses and dates: the goroutine writing documents
	truthOut *truth     // what the row writer finds (late_backlog, due_soon_short)

	last [numberRanges]int64 // the last number given in each range

	// per site and product (index site*len(products)+product)
	shipped  []int64 // quantity shipped over the history
	openQty  []int64 // ordered quantity of lines still open at AsOf
	nearQty  []int64 // quantity still to ship of those due by the end of due_soon_short's window (AsOf+dueSoonDays+1)
	openList []openLine
}

// openLine is a line still open at AsOf: the stock snapshots must cover it, or not.
type openLine struct {
	pair        int
	due         day
	remaining   int64 // ordered less shipped
	closedShort bool  // closed by short_shipment, not open
	orderNo     int64
	lineNo      int
}

func newGenerator(opts Options) *generator {
	asOf := dayOf(opts.AsOf)
	first := asOf - historyDays
	master := rand.New(rand.NewPCG(opts.Seed, 0x6f72646572666c6f)) // "orderflo"
	g := &generator{
		opts:     opts,
		asOf:     asOf,
		first:    first,
		dates:    newDateText(first-60, asOf+400),
		r:        rand.New(rand.NewPCG(opts.Seed, 0x6f72646572730001)),
		truth:    newTruth(),
		er:       rand.New(rand.NewPCG(opts.Seed, 0x656d697400000001)),
		dr:       rand.New(rand.NewPCG(opts.Seed, 0x646f637300000001)),
		truthOut: newTruth(),
	}
	g.co = newCompany(master, opts.Lines)
	n := len(sites) * len(g.co.products)
	g.shipped = make([]int64, n)
	g.openQty = make([]int64, n)
	g.nearQty = make([]int64, n)
	g.inj = newInjector(opts.Lines, rand.New(rand.NewPCG(opts.Seed, 0x696e6a6563740001)))
	return g
}

// ERP document numbers: each kind has its own range, wide enough for maxLines, and
// orphans refer to orders in a range no order gets. Written with leading zeros to 10
// digits (claims: 12), as SAP does.
const (
	orderNumbers = iota
	orphanOrderNumbers
	deliveryNumbers
	invoiceNumbers
	claimNumbers
	numberRanges
)

var rangeStart = [numberRanges]int64{10_000_000, 99_000_000, 800_000_000, 900_000_000, 300_000_000}

// next gives the next number of a range.
func (g *generator) next(kind int) int64 {
	g.last[kind]++
	return rangeStart[kind] + g.last[kind]
}

// batch carries simulated orders from the simulating goroutine to the writing ones.
type batch struct {
	orders [256]order
	n      int
	users  atomic.Int32 // writers still reading it
}

// run simulates orders day by day in one goroutine and writes them in two others (the
// documents, and everything else): each has its own random stream and its own files,
// so the output does not depend on scheduling.
func (g *generator) run(ctx context.Context) error {
	for _, c := range g.co.customers {
		g.out.customer(c)
	}
	for _, p := range g.co.products {
		g.out.product(p)
	}
	const inFlight = 4
	rows := make(chan *batch, inFlight)
	docs := make(chan *batch, inFlight)
	free := make(chan *batch, inFlight+2)
	for range inFlight + 2 {
		free <- &batch{}
	}
	release := func(b *batch) {
		if b.users.Add(-1) == 0 {
			free <- b
		}
	}
	simErr := make(chan error, 1)
	go func() {
		defer close(rows)
		defer close(docs)
		simErr <- g.simulate(ctx, func(b *batch) {
			b.users.Store(2)
			rows <- b
			docs <- b
		}, free)
	}()
	docsDone := make(chan struct{})
	go func() {
		defer close(docsDone)
		for b := range docs {
			for i := range b.n {
				g.emitDocuments(&b.orders[i])
			}
			release(b)
		}
	}()
	for b := range rows {
		for i := range b.n {
			g.emit(&b.orders[i])
		}
		release(b)
	}
	<-docsDone
	if err := <-simErr; err != nil {
		return err
	}
	g.writeStock()
	return g.out.err()
}

func (g *generator) simulate(ctx context.Context, send func(*batch), free chan *batch) error {
	budgets := lineBudgets(g.first, g.asOf, g.opts.Lines)
	written, nextReport := 0, 1_000_000
	b := <-free
	b.n = 0
	for i, budget := range budgets {
		d := g.first + day(i)
		for budget > 0 {
			n := min(budget, orderSize(g.r))
			g.order(&b.orders[b.n], d, n)
			if b.n++; b.n == len(b.orders) {
				send(b)
				b = <-free
				b.n = 0
			}
			budget -= n
			written += n
			if g.opts.Progress != nil && written >= nextReport {
				fmt.Fprintf(g.opts.Progress, "generate: %d of %d order lines\n", written, g.opts.Lines)
				nextReport += 1_000_000
			}
		}
		if i%30 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("generate: stopped after %d order lines: %w", written, err)
			}
			if err := g.out.err(); err != nil {
				return err
			}
		}
	}
	send(b)
	return nil
}

// orderSize: most orders have a few lines, some up to eight.
func orderSize(r *rand.Rand) int {
	x := r.IntN(100)
	switch {
	case x < 25:
		return 1
	case x < 43:
		return 2
	case x < 58:
		return 3
	case x < 70:
		return 4
	case x < 80:
		return 5
	case x < 88:
		return 6
	case x < 94:
		return 7
	}
	return 8
}
