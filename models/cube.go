package models

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// A Cube is the weekly KPIs of one build, computed once for every reader of that build:
// the control charts of package anomalies and the figures of the dashboards and weekly
// report each ask the same marts for the same weeks and cuts, and each pass over a mart
// of ten million lines costs seconds. The build declares what its readers will ask
// (NewCube), and the first QueryCuts of a context carrying the cube (WithCube) runs one
// GROUPING SETS pass per mart for all of it; QueryCuts then answers from the groups it
// kept every query they cover, and runs the others as before.
//
// A kept group is exactly the group a pass of the query alone computes: every grouping
// set has the week, so neither a wider week range nor the groups of other sets change
// it, and a filter on a dimension of the query's own cut (the largest customers of a
// cut by customer) only drops whole groups, which answer does as QueryCuts' shared
// passes do. A query filtered on a dimension outside its cut (a portfolio), of a period,
// or of weeks beyond the declared ones reads the marts itself.
//
// A cube is valid for the data it was computed on: the build makes one after its models
// are built and passes it to its readers only; nothing reads it after the build.
type Cube struct {
	specs    []KPIQuery
	once     sync.Once
	err      error
	asked    []cutQuery
	marts    map[*Model]*cubeMart
	answered atomic.Int64 // queries answered from the cube, for tests and timings
	took     time.Duration
}

// cubeMart is what the cube kept of one mart: its pass and the declared queries it
// covers.
type cubeMart struct {
	pass    *passResult
	queries []int // of Cube.asked
}

type cubeKey struct{}

// NewCube declares the weekly queries a build's readers will ask. Only queries of
// bounded weeks (From and To set), not of a period, and filtered on their own cut's
// dimensions at most are kept; their filters are dropped (the cube keeps every group).
func NewCube(qs []KPIQuery) *Cube {
	c := &Cube{}
	for _, q := range qs {
		if !cubeable(q) {
			continue
		}
		q.Filters = nil
		c.specs = append(c.specs, q)
	}
	return c
}

// cubeable tells whether the cube may hold or answer q.
func cubeable(q KPIQuery) bool {
	if q.Period || q.From == "" || q.To == "" {
		return false
	}
	for d := range q.Filters {
		if !slices.Contains(q.By, d) {
			return false
		}
	}
	return true
}

// WithCube returns a context whose QueryCuts calls read from c.
func WithCube(ctx context.Context, c *Cube) context.Context {
	return context.WithValue(ctx, cubeKey{}, c)
}

func cubeFrom(ctx context.Context) *Cube {
	c, _ := ctx.Value(cubeKey{}).(*Cube)
	return c
}

// Answered is how many queries the cube answered so far.
func (c *Cube) Answered() int64 { return c.answered.Load() }

// Took is how long computing the cube took (zero before the first QueryCuts).
func (c *Cube) Took() time.Duration { return c.took }

// fill runs, once, one pass per mart for every declared query, two marts at a time.
func (c *Cube) fill(ctx context.Context, db *sql.DB, p *Project) error {
	c.once.Do(func() {
		start := time.Now()
		defer func() { c.took = time.Since(start) }()
		for _, q := range c.specs {
			a, err := resolveQuery(q)
			if err != nil {
				c.err = fmt.Errorf("cannot prepare the weekly KPIs: %w", err)
				return
			}
			c.asked = append(c.asked, a)
		}
		order, members := byMart(p, c.asked)
		c.marts = map[*Model]*cubeMart{}
		for _, m := range order {
			c.marts[m] = &cubeMart{queries: members[m]}
		}
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(2)
		for _, m := range order {
			cm := c.marts[m]
			g.Go(func() (err error) {
				if cm.pass, err = runPass(gctx, db, p, m, c.asked, cm.queries); err != nil {
					return err
				}
				// by cut, week and the cut's values: the values of each KPI then come out
				// in the order Query returns them, and need no sort
				slices.SortFunc(cm.pass.rows, func(a, b passRow) int {
					if c := cmp.Compare(a.mask, b.mask); c != 0 {
						return c
					}
					if c := a.week.Compare(b.week); c != 0 {
						return c
					}
					for j := range a.vals {
						if c := strings.Compare(a.vals[j].String, b.vals[j].String); c != 0 {
							return c
						}
					}
					return 0
				})
				return nil
			})
		}
		c.err = g.Wait()
	})
	return c.err
}

// covers tells whether the groups the cube kept of mart m answer a: a declared query of
// the same cut over the weeks of a, and every KPI of a that m computes.
func (c *Cube) covers(p *Project, m *Model, a cutQuery) bool {
	cm := c.marts[m]
	if cm == nil || cm.pass == nil || !cubeable(a.q) {
		return false
	}
	for _, k := range a.kpis {
		if p.kpis[k.Name].model == m {
			if _, ok := cm.pass.col[k.Name]; !ok {
				return false
			}
		}
	}
	for _, i := range cm.queries {
		s := c.asked[i]
		if sameSet(s.q.By, a.q.By) && len(s.q.By) == len(a.q.By) &&
			!a.from.Before(s.from) && !a.to.After(s.to) {
			return true
		}
	}
	return false
}
