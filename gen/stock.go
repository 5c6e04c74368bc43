package gen

import (
	"math/rand/v2"
	"slices"
)

const (
	snapshotWeeks = 104 // weekly snapshots back from AsOf
	dueSoonDays   = 10  // due_soon_short looks this far ahead
)

// writeStock writes a weekly snapshot of every site and product it ships, the last on
// AsOf. Coverage wanders between two weeks and five months of demand. The last snapshot
// also covers, with a few units to spare, every open line due by the end of
// due_soon_short's window for what it still needs (available = on hand - reserved does
// not run out before the window ends however open demand is walked), except the pairs
// picked for due_soon_short.
func (g *generator) writeStock() {
	r := rand.New(rand.NewPCG(g.opts.Seed, 0x73746f636b000001))
	short := g.pickShortPairs(r)
	nProd := len(g.co.products)
	cover := make([]float32, len(sites)*nProd)
	for i := range cover {
		cover[i] = float32(20 + r.IntN(100))
	}
	var row stockRow
	for w := snapshotWeeks; w >= 0; w-- {
		date := g.asOf - day(7*w)
		for s := range sites {
			for _, pi := range g.co.assort[s] {
				pair := s*nProd + pi
				daily := float64(g.shipped[pair]) / historyDays
				row = stockRow{date: date, site: s, prod: g.co.products[pi]}
				c := float64(cover[pair]) + float64(r.IntN(21)-10)
				c = min(max(c, 10), 150)
				cover[pair] = float32(c)
				wandered := int64(r.IntN(40))
				if daily > 0 {
					wandered = int64(daily*c + 0.5)
				}
				if w > 0 {
					row.onHand = wandered
					row.reserved = row.onHand * int64(r.IntN(8)) / 100
				} else if lim, ok := short[pair]; ok {
					row.onHand = lim // no reserve, no receipt: it runs out by the first due line
				} else {
					// the coverage the history wandered to, or, where the open lines due
					// by the end of due_soon_short's window (what they still need)
					// need more, those and a few units: no line of the window runs short,
					// later ones may (projected stock-outs), and the last week's coverage
					// continues the history's (covering every open line with weeks of
					// demand and 5 to 24 units to spare doubled the demo's median coverage
					// in its last week)
					row.reserved = int64(daily*float64(r.IntN(4))) + int64(r.IntN(3))
					row.onHand = max(wandered, g.nearQty[pair]+int64(1+r.IntN(3))) + row.reserved
				}
				row.quality = row.reserved / 2
				if !shortNow(short, pair, w) && r.IntN(100) < 30 && daily > 0 {
					row.incoming = int64(daily*float64(20+r.IntN(40))) + 1
					row.inDate = date + day(5+r.IntN(35))
				}
				g.out.stock(&row)
			}
		}
	}
}

func shortNow(short map[int]int64, pair, week int) bool {
	_, isShort := short[pair]
	return isShort && week == 0
}

// pickShortPairs chooses the site/product pairs of due_soon_short and writes their
// truth: pairs whose open lines all lie clear of the window's edges (due from AsOf+1 to
// AsOf+9, or from AsOf+12 on), none closed short, at least one due in the window.
// Their last snapshot holds less than the first of those lines still needs, so every
// line of the pair due in the window is short, whether the walk counts remaining or
// ordered quantities. It returns the on-hand quantity per pair.
func (g *generator) pickShortPairs(r *rand.Rand) map[int]int64 {
	byPair := map[int][]openLine{}
	var pairs []int
	for _, ol := range g.openList {
		if _, seen := byPair[ol.pair]; !seen {
			pairs = append(pairs, ol.pair)
		}
		byPair[ol.pair] = append(byPair[ol.pair], ol)
	}
	slices.Sort(pairs)
	var eligible []int
	population := 0
	for _, pair := range pairs {
		clear, inWindow := true, false
		for _, ol := range byPair[pair] {
			if ol.due >= g.asOf && ol.due <= g.asOf+dueSoonDays {
				population++
			}
			switch {
			case ol.closedShort || ol.due <= g.asOf || ol.due >= g.asOf+dueSoonDays && ol.due <= g.asOf+dueSoonDays+1:
				clear = false
			case ol.due <= g.asOf+dueSoonDays-1:
				inWindow = true
			}
		}
		if clear && inWindow {
			eligible = append(eligible, pair)
		}
	}
	want := min(len(eligible), max(3, population/100))
	r.Shuffle(len(eligible), func(i, j int) { eligible[i], eligible[j] = eligible[j], eligible[i] })
	chosen := eligible[:want]
	slices.Sort(chosen)
	short := map[int]int64{}
	nProd := len(g.co.products)
	for _, pair := range chosen {
		lines := byPair[pair]
		slices.SortStableFunc(lines, func(a, b openLine) int { return int(a.due - b.due) })
		short[pair] = lines[0].remaining * int64(r.IntN(60)) / 100
		for _, ol := range lines {
			if ol.due <= g.asOf+dueSoonDays-1 {
				g.truthOut.add(truthRow{code: "due_soon_short", order: ol.orderNo, line: ol.lineNo, sku: g.co.products[pair%nProd].sku, site: pair / nProd,
					since: g.asOf}) // a projection of AsOf's stock: the truth of AsOf only
			}
		}
	}
	return short
}
