package server

import (
	"context"
	"database/sql"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/dashboards"
	"github.com/orderflow/orderflow/reports"
)

// ReportsData draws the dashboards with package reports (a year of every cut, drill
// samples, control charts, actions), limited to the request's filters (a portfolio,
// or the page's own filters), computed once per build, language and filters.
func ReportsData() DataFunc {
	var mu sync.Mutex
	cache := map[string]dashboards.Data{}
	var cachedBuild time.Time
	return func(ctx context.Context, db *sql.DB, cfg config.Config, asOf time.Time, filters map[string][]string, lang string) (dashboards.Data, error) {
		if len(filters) == 0 {
			filters = nil
		}
		var builtAt time.Time
		if err := db.QueryRowContext(ctx, "SELECT built_at FROM params").Scan(&builtAt); err != nil {
			return dashboards.Data{}, err
		}
		mu.Lock()
		defer mu.Unlock()
		if !builtAt.Equal(cachedBuild) {
			cache, cachedBuild = map[string]dashboards.Data{}, builtAt
		}
		key := lang + "\x00" + filterKey(filters)
		if d, ok := cache[key]; ok {
			return d, nil
		}
		plan := reports.DashboardPlan()
		plan.Filters = filters
		f, err := reports.Collect(ctx, db, cfg, asOf, lang, plan)
		if err != nil {
			return dashboards.Data{}, err
		}
		d := reports.DashboardData(f, lang)
		if len(cache) >= 64 {
			clear(cache) // filtered pages vary: keep the cache bounded
		}
		cache[key] = d
		return d, nil
	}
}

// filterKey names a set of filters for the cache: dimensions sorted, values sorted.
func filterKey(filters map[string][]string) string {
	dims := make([]string, 0, len(filters))
	for d := range filters {
		dims = append(dims, d)
	}
	sort.Strings(dims)
	var b strings.Builder
	for _, d := range dims {
		vals := slices.Clone(filters[d])
		sort.Strings(vals)
		b.WriteString(d + "\x1f" + strings.Join(vals, "\x1f") + "\x1e")
	}
	return b.String()
}
