// Package portfolio is what a user of the server, or a recipient of the weekly report,
// may see: all of it, or only some customers, sites and ship-to countries. It turns
// into the filters every query takes (models.KPIQuery.Filters and the like), and it
// checks a filter a request asks for: a value outside the portfolio is refused, never
// silently widened.
package portfolio

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Portfolio limits what one person sees. The zero value sees everything.
type Portfolio struct {
	Customers []string // customer_id values (model dimension customer)
	Sites     []string // ship-from sites (dimension site)
	Countries []string // ship-to countries, ISO alpha-2 (dimension country)
}

// Dims are the model dimensions a portfolio can limit.
var Dims = []string{"customer", "site", "country"}

// ErrOutside is wrapped by the error of a filter value outside the portfolio.
var ErrOutside = errors.New("outside your portfolio")

// Of builds a portfolio from the lists of a user or a recipient of orderflow.yaml.
func Of(customers, sites, countries []string) Portfolio {
	clean := func(vals []string) []string {
		var out []string
		for _, v := range vals {
			if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		sort.Strings(out)
		return out
	}
	countries = clean(countries)
	for i, c := range countries {
		countries[i] = strings.ToUpper(c)
	}
	return Portfolio{Customers: clean(customers), Sites: clean(sites), Countries: countries}
}

// Limited tells whether the portfolio hides anything.
func (p Portfolio) Limited() bool {
	return len(p.Customers)+len(p.Sites)+len(p.Countries) > 0
}

// Values are the allowed values of a dimension; nil when the dimension is not limited.
func (p Portfolio) Values(dim string) []string {
	switch dim {
	case "customer":
		return p.Customers
	case "site":
		return p.Sites
	case "country":
		return p.Countries
	}
	return nil
}

// Allows tells whether a value of a dimension may be shown.
func (p Portfolio) Allows(dim, value string) bool {
	vals := p.Values(dim)
	return vals == nil || slices.Contains(vals, value)
}

// Filters are the portfolio as query filters (dimension -> allowed values); nil when
// nothing is limited.
func (p Portfolio) Filters() map[string][]string {
	if !p.Limited() {
		return nil
	}
	f := map[string][]string{}
	for _, d := range Dims {
		if v := p.Values(d); v != nil {
			f[d] = slices.Clone(v)
		}
	}
	return f
}

// Restrict combines the filters a request asks for with the portfolio: on a limited
// dimension, every asked value must be in the portfolio (else an error wrapping
// ErrOutside) and no asked value means the whole portfolio. The result is what the
// query must use.
func (p Portfolio) Restrict(asked map[string][]string) (map[string][]string, error) {
	out := map[string][]string{}
	for d, vals := range asked {
		for _, v := range vals {
			if !p.Allows(d, v) {
				return nil, fmt.Errorf("%s %q is %w", d, v, ErrOutside)
			}
		}
		out[d] = slices.Clone(vals)
	}
	for _, d := range Dims {
		if allowed := p.Values(d); allowed != nil && len(out[d]) == 0 {
			out[d] = slices.Clone(allowed)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// String says what the portfolio holds, for a report's heading or a log line.
func (p Portfolio) String() string {
	if !p.Limited() {
		return "all"
	}
	var parts []string
	for _, d := range Dims {
		if v := p.Values(d); v != nil {
			parts = append(parts, d+"="+strings.Join(v, ","))
		}
	}
	return strings.Join(parts, "; ")
}
