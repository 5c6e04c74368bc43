package reports

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/models"
)

// The figures of a build change only with the build and the loads: Prepare keeps what
// Collect computes from the models (the KPIs of every week and cut, the 4-week values,
// the samples of lines) in report_cache, and a Collect of the same plan, week and
// filters on the same data reads them back instead of aggregating the marts again. At
// ten million lines that is the difference between half a minute and a second, which
// is why `orderflow build` ends by preparing the figures of the dashboards and of the
// weekly report (Prepare). What depends on anything else (targets, customer names,
// anomalies, signals, actions, the stock risks and the claims Pareto) is read afresh
// every time.

// cachedFacts is the part of Facts that only the built models decide.
type cachedFacts struct {
	Weeks     []string
	CutFrom   string
	Values    []cachedValue
	Snapshot  []cachedValue
	FourWeeks map[string]cachedValue
	Drill     []Sample
}

// cachedValue is a models.KPIValue as gob keeps it: gob sends neither a nil pointer nor
// a pointer to zero, so a figure of 0 and a missing one are told apart by Has; the cut
// is one string (cutKey) rather than a map per value.
type cachedValue struct {
	KPI, Week       string
	Cut             string
	Value, Num, Den float64
	Has             uint8 // hasValue | hasNum | hasDen | hasDims
	Unit            models.Unit
	Rows            int64 // of the mart behind the value
}

const (
	hasValue = 1 << iota
	hasNum
	hasDen
	hasDims // Dims is an empty map, not nil
)

// cached is what Collect keeps of f.
func (f *Facts) cached() *cachedFacts {
	c := &cachedFacts{Weeks: f.Weeks, CutFrom: f.CutFrom, Values: toCached(f.Values), Snapshot: toCached(f.Snapshot.Values),
		FourWeeks: map[string]cachedValue{}, Drill: f.Drill}
	for k, v := range f.FourWeeks {
		c.FourWeeks[k] = cacheValue(v)
	}
	return c
}

// restore puts the kept figures c back into f.
func (f *Facts) restore(c *cachedFacts) {
	f.Weeks, f.CutFrom, f.Drill = c.Weeks, c.CutFrom, c.Drill
	f.Values, f.Snapshot.Values = fromCached(c.Values), fromCached(c.Snapshot)
	f.FourWeeks = map[string]models.KPIValue{}
	for k, v := range c.FourWeeks {
		f.FourWeeks[k] = v.value()
	}
	f.buildIndex()
}

func toCached(vs []models.KPIValue) []cachedValue {
	out := make([]cachedValue, len(vs))
	for i, v := range vs {
		out[i] = cacheValue(v)
	}
	return out
}

func fromCached(cs []cachedValue) []models.KPIValue {
	if cs == nil {
		return nil
	}
	out := make([]models.KPIValue, len(cs))
	for i, c := range cs {
		out[i] = c.value()
	}
	return out
}

func cacheValue(v models.KPIValue) cachedValue {
	c := cachedValue{KPI: v.KPI, Week: v.Week, Cut: cutKey(v.Dims), Unit: v.Unit, Rows: v.Rows}
	if v.Value != nil {
		c.Value, c.Has = *v.Value, c.Has|hasValue
	}
	if v.Numerator != nil {
		c.Num, c.Has = *v.Numerator, c.Has|hasNum
	}
	if v.Denominator != nil {
		c.Den, c.Has = *v.Denominator, c.Has|hasDen
	}
	if v.Dims != nil {
		c.Has |= hasDims
	}
	return c
}

func (c cachedValue) value() models.KPIValue {
	v := models.KPIValue{KPI: c.KPI, Week: c.Week, Unit: c.Unit, Rows: c.Rows}
	if c.Has&hasValue != 0 {
		v.Value = &c.Value
	}
	if c.Has&hasNum != 0 {
		v.Numerator = &c.Num
	}
	if c.Has&hasDen != 0 {
		v.Denominator = &c.Den
	}
	if c.Has&hasDims != 0 {
		v.Dims = dimsOf(c.Cut)
	}
	return v
}

// dataVersion names the data the figures come from: the build (its time and as-of
// date) and the last load; "" when there is no build.
func dataVersion(ctx context.Context, db *sql.DB) string {
	var builtAt, asOf time.Time
	if err := db.QueryRowContext(ctx, "SELECT built_at, as_of FROM params").Scan(&builtAt, &asOf); err != nil {
		return ""
	}
	var load sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT max(load_id) FROM load_log").Scan(&load); err != nil {
		return ""
	}
	return fmt.Sprintf("built %s as of %s, load %d", builtAt.UTC().Format(time.RFC3339Nano), asOf.Format(time.DateOnly), load.Int64)
}

var codeVersion = sync.OnceValue(func() string {
	h := sha256.New()
	// The executable's own bytes: a program that computes, lays out or stores the
	// figures differently never reads those of another.
	if exe, err := os.Executable(); err == nil {
		if f, err := os.Open(exe); err == nil {
			_, err = io.Copy(h, f)
			f.Close()
			if err == nil {
				return hex.EncodeToString(h.Sum(nil))
			}
		}
	}
	fmt.Fprintf(h, "started %d\n", time.Now().UnixNano()) // unknown code: this process only
	return hex.EncodeToString(h.Sum(nil))
})

// cacheKey names what a Collect computes from the models: the plan's figures (its
// weeks, cuts, top values, samples, filters), the week, the as-of date, on this data,
// by this program.
func cacheKey(version string, plan Plan, week string, asOf time.Time) string {
	filters := map[string][]string{}
	for d, vals := range plan.Filters {
		v := slices.Clone(vals)
		slices.Sort(v)
		filters[d] = v
	}
	asked, _ := json.Marshal(struct {
		Code, Data, Week, AsOf string
		Weeks, CutWeeks, Top   int
		Cuts                   [][]string
		Drill                  bool
		Filters                map[string][]string // json sorts the keys
	}{codeVersion(), version, week, asOf.Format(time.DateOnly), plan.Weeks, plan.CutWeeks, plan.TopValues, plan.Cuts, plan.Drill, filters})
	sum := sha256.Sum256(asked)
	return hex.EncodeToString(sum[:])
}

// loadCached reads the figures stored under key for data version, if any. Any failure
// is a miss: the figures are then computed again.
func loadCached(ctx context.Context, db *sql.DB, version, key string) (*cachedFacts, bool) {
	if version == "" {
		return nil, false // no build: nothing was kept
	}
	// (a failed query would abort the transaction of a server's reader: ask the catalog
	// first, which never fails)
	var tables int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'report_cache'").Scan(&tables); err != nil || tables == 0 {
		return nil, false
	}
	var blob []byte
	if err := db.QueryRowContext(ctx, "SELECT facts FROM report_cache WHERE key = ?", key).Scan(&blob); err != nil {
		return nil, false
	}
	var c cachedFacts
	if err := gob.NewDecoder(flate.NewReader(bytes.NewReader(blob))).Decode(&c); err != nil {
		return nil, false
	}
	return &c, true
}

// storeCached keeps c under key and drops the figures of other data. A failure (a database opened read-only, a write that conflicts with a
// build) only loses the saving: the caller has its figures.
func storeCached(ctx context.Context, db *sql.DB, key, version string, c *cachedFacts) {
	// compressed: the names of KPIs, weeks and cuts repeat on every value (57 MB of gob
	// for a year of a 10-million-line company, a few MB compressed, read back faster)
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.BestSpeed)
	if err := gob.NewEncoder(zw).Encode(c); err != nil || zw.Close() != nil {
		return
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM report_cache WHERE data_version <> ? OR key = ?", version, key); err != nil {
		return
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO report_cache (key, data_version, facts) VALUES (?, ?, ?)", key, version, buf.Bytes()); err != nil {
		return
	}
	tx.Commit()
}

// Prepare computes and keeps the figures of the dashboards and of the weekly report of
// the last complete week before asOf, so that writing them after a build takes seconds
// whatever the size of the company. `orderflow build` and the scheduled build call it
// once the models and anomalies are built.
func Prepare(ctx context.Context, db *sql.DB, cfg config.Config, asOf time.Time) error {
	for _, plan := range []Plan{DashboardPlan(), WeeklyPlan()} {
		plan.keep = true
		if _, err := Collect(ctx, db, cfg, asOf, "en", plan); err != nil {
			return fmt.Errorf("cannot prepare the figures of the reports: %w", err)
		}
	}
	return nil
}

// PrepareQueries are the weekly queries Prepare asks as of asOf, for a build to declare
// them with those of its other readers (models.NewCube). They leave out the largest
// values a cut keeps: that filter only drops whole groups of the cut.
func PrepareQueries(asOf time.Time) []models.KPIQuery {
	var qs []models.KPIQuery
	for _, plan := range []Plan{DashboardPlan(), WeeklyPlan()} {
		plan = plan.withDefaults()
		week := plan.Week
		if week == "" {
			week = models.LastCompleteWeek(asOf)
		}
		weeks, cutFrom, err := plan.axis(week)
		if err != nil {
			continue
		}
		qs = append(qs, models.KPIQuery{From: weeks[0], To: week})
		for _, by := range plan.cuts() {
			qs = append(qs, models.KPIQuery{From: cutFrom, To: week, By: by})
		}
	}
	return qs
}

// BuildCube declares what a build's readers ask of the weekly KPIs: the control charts
// (anomalies.Build) and the figures Prepare keeps. A build passes it to both in its
// context (models.WithCube), so that each mart is read once for all of them.
func BuildCube(cfg config.Config, asOf time.Time) *models.Cube {
	return models.NewCube(append(anomalies.ChartQueries(cfg, asOf), PrepareQueries(asOf)...))
}
