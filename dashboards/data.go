package dashboards

import (
	"encoding/json"
	"math"
	"time"
)

// Data is everything the dashboard pages draw. The models compute it; the
// pages only select, format and plot it (a KPI is defined once, in SQL).
type Data struct {
	Company  string
	AsOf     time.Time
	Currency string   // ISO 4217 code of every money KPI, e.g. "EUR"
	Weeks    []string // the time axis, ISO weeks oldest first ("2026-W01"); values outside it are ignored

	// Values holds one figure per KPI, week and cut, in the shape of
	// `orderflow kpi --format json` (models.Query). Dims is empty for the
	// company total; a filtered figure is the value whose Dims equal the
	// active filters exactly, so the models decide which cuts exist. A value
	// of no week is the state at the as-of date of a KPI measured then (the
	// late backlog, the open order book, spread over the weeks their lines are
	// due): its tile shows that state, not one week's part of it.
	Values []Value

	// KPIs overrides the built-in description of a KPI (unit, direction,
	// target); targets normally come from orderflow.yaml.
	KPIs map[string]KPIInfo

	// Labels gives display names of dimension values: Labels["customer"]["C0042"]
	// is the customer's name. ERP text is data: it is always shown as text.
	Labels map[string]map[string]string

	Drill    []Drill   // samples of the order lines behind figures
	Controls []Control // control-chart limits and signals
	Actions  []Action  // the improvement action plan

	units map[string]string // Value.Unit of KPIs without a built-in description
}

// Value is one KPI figure, as `orderflow kpi --format json` prints it.
type Value struct {
	KPI         string            `json:"kpi"`
	Week        string            `json:"week"`
	Dims        map[string]string `json:"dims"`
	Value       float64           `json:"value"` // NaN when undefined
	Numerator   *float64          `json:"numerator,omitempty"`
	Denominator *float64          `json:"denominator,omitempty"`
	Unit        string            `json:"unit,omitempty"`
}

// UnmarshalJSON reads a figure of `kpi --format json`; a null value is NaN.
func (v *Value) UnmarshalJSON(b []byte) error {
	type plain Value
	var p struct {
		plain
		Value *float64 `json:"value"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*v = Value(p.plain)
	v.Value = math.NaN()
	if p.Value != nil {
		v.Value = *p.Value
	}
	return nil
}

// Units of KPI values.
const (
	UnitRatio   = "ratio"   // 0..1, shown as a percentage
	UnitPercent = "percent" // already x100 (claims per 100 shipped lines)
	UnitDays    = "days"
	UnitCount   = "count"
	UnitMoney   = "money" // in Data.Currency
	UnitPerKg   = "money_per_kg"
)

// How a KPI combines over several weeks (bars and tables of a period).
const (
	AggRatio = "ratio" // Scale x sum(numerator) / sum(denominator)
	AggSum   = "sum"   // sum of the weekly values (counts, money)
	AggLast  = "last"  // the last week of the period (medians, percentiles, stocks)
)

// KPIInfo tells how to show a KPI. Zero fields take the built-in default.
type KPIInfo struct {
	Unit           string
	HigherIsBetter *bool
	Target         *float64 // nil: no target, no red/amber/green
	Amber          float64  // distance from target still amber (0: 2 points for ratios, 10% otherwise)
	Aggregate      string   // AggRatio, AggSum or AggLast
	Scale          float64  // value = Scale x numerator / denominator (100 for claim_rate)
	Decimals       *int
}

// Drill is a sample of the order lines behind one figure: a KPI, a week
// (empty: every week of the axis, each line telling its own) and a cut.
type Drill struct {
	KPI   string
	Week  string
	Dims  map[string]string
	Total int    // lines behind the figure; Lines holds at most MaxDrillLines of them
	Lines []Line // the largest by value first
}

// Line is an order line as the drill-down panel lists it.
type Line struct {
	Week          string // ISO week the line counts in
	OrderID       string
	LineNo        string
	CustomerID    string
	CustomerName  string
	Country       string
	Site          string
	SKU           string
	Carrier       string
	TransportMode string
	Incoterm      string
	DueDate       time.Time
	DeliveryDate  time.Time // zero: not delivered
	Qty           float64
	Value         float64 // in Data.Currency
	DaysLate      float64
	Reason        string // why it counts: "late 4 days", "short 20", a claim cause
}

// Control holds the control-chart limits of one KPI and cut, week by week.
type Control struct {
	KPI     string
	Dims    map[string]string
	Points  []ControlPoint
	Signals []Signal
}

// ControlPoint is the centre line and limits of a week (NaN: none).
type ControlPoint struct {
	Week                 string
	Centre, Upper, Lower float64
}

// Signal is a Western Electric rule firing on a week.
type Signal struct {
	Week  string
	Rule  string // beyond_3sigma, 2of3_2sigma, 4of5_1sigma, 8_same_side
	Value float64
}

// Action is an item of the improvement action plan.
type Action struct {
	ID        string
	Title     string
	KPI       string
	Subject   string // what it is about, as shown (a KPI, an anomaly, a cut); empty: the KPI's label
	RootCause string
	Owner     string
	Due       time.Time
	Status    string // open, in_progress, done
}

// MaxDrillLines bounds the lines embedded per drill-down sample.
const MaxDrillLines = 50

// MaxPageBytes is the size a page must stay under at any data volume.
const MaxPageBytes = 5 << 20

// builtinKPIs describes the KPIs of domain.md; Data.KPIs overrides them.
var builtinKPIs = map[string]KPIInfo{
	"service_rate":    ratio(true),
	"otif_line":       ratio(true),
	"on_time_line":    ratio(true),
	"in_full_line":    ratio(true),
	"otif_order":      ratio(true),
	"unit_fill_rate":  ratio(true),
	"value_fill_rate": ratio(true),
	"perfect_order":   ratio(true),
	// the late backlog at the as-of date, by the week its lines were due: a period adds up
	"backlog_value":               {Unit: UnitMoney, HigherIsBetter: ptr(false), Aggregate: AggSum},
	"backlog_lines":               {Unit: UnitCount, HigherIsBetter: ptr(false), Aggregate: AggSum},
	"days_late_mean":              {Unit: UnitDays, HigherIsBetter: ptr(false), Aggregate: AggRatio},
	"days_late_p90":               {Unit: UnitDays, HigherIsBetter: ptr(false), Aggregate: AggLast},
	"order_to_ship_days_p50":      {Unit: UnitDays, HigherIsBetter: ptr(false), Aggregate: AggLast},
	"order_to_ship_days_p90":      {Unit: UnitDays, HigherIsBetter: ptr(false), Aggregate: AggLast},
	"coverage_days_median":        {Unit: UnitDays, HigherIsBetter: ptr(true), Aggregate: AggLast},
	"share_under_coverage_target": {Unit: UnitRatio, HigherIsBetter: ptr(false), Aggregate: AggRatio},
	"share_over_overstock":        {Unit: UnitRatio, HigherIsBetter: ptr(false), Aggregate: AggRatio},
	"stock_value_at_risk":         {Unit: UnitMoney, HigherIsBetter: ptr(false), Aggregate: AggLast},
	"lines_at_risk":               {Unit: UnitCount, HigherIsBetter: ptr(false), Aggregate: AggLast},
	"projected_stockouts":         {Unit: UnitCount, HigherIsBetter: ptr(false), Aggregate: AggLast},
	"claim_count":                 {Unit: UnitCount, HigherIsBetter: ptr(false), Aggregate: AggSum},
	"claim_rate":                  {Unit: UnitPercent, HigherIsBetter: ptr(false), Aggregate: AggRatio, Scale: 100},
	"claim_cost":                  {Unit: UnitMoney, HigherIsBetter: ptr(false), Aggregate: AggSum},
	"open_claims":                 {Unit: UnitCount, HigherIsBetter: ptr(false), Aggregate: AggSum},
	"open_claims_age_days":        {Unit: UnitDays, HigherIsBetter: ptr(false), Aggregate: AggRatio},
	"delivery_event_gaps":         {Unit: UnitCount, HigherIsBetter: ptr(false), Aggregate: AggSum},
	"mean_resolution_days":        {Unit: UnitDays, HigherIsBetter: ptr(false), Aggregate: AggRatio},
	"return_rate":                 {Unit: UnitRatio, HigherIsBetter: ptr(false), Aggregate: AggRatio},
	"freight_cost":                {Unit: UnitMoney, HigherIsBetter: ptr(false), Aggregate: AggSum},
	"freight_cost_per_kg":         {Unit: UnitPerKg, HigherIsBetter: ptr(false), Aggregate: AggRatio},
	"freight_cost_share":          {Unit: UnitRatio, HigherIsBetter: ptr(false), Aggregate: AggRatio},
	"open_order_value":            {Unit: UnitMoney, HigherIsBetter: ptr(true), Aggregate: AggSum},
	"open_lines":                  {Unit: UnitCount, HigherIsBetter: ptr(true), Aggregate: AggSum},
	"anomaly_count":               {Unit: UnitCount, HigherIsBetter: ptr(false), Aggregate: AggSum},
}

func ratio(higher bool) KPIInfo {
	return KPIInfo{Unit: UnitRatio, HigherIsBetter: ptr(higher), Aggregate: AggRatio}
}

func ptr[T any](v T) *T { return &v }

// kpiInfo merges the built-in description of kpi with the data's override.
func (d *Data) kpiInfo(kpi string) KPIInfo {
	info := builtinKPIs[kpi]
	if info.Unit == "" {
		info.Unit = d.units[kpi] // a KPI unknown here takes the unit its values tell
	}
	if o, ok := d.KPIs[kpi]; ok {
		if o.Unit != "" {
			info.Unit = o.Unit
		}
		if o.HigherIsBetter != nil {
			info.HigherIsBetter = o.HigherIsBetter
		}
		if o.Target != nil {
			info.Target = o.Target
		}
		if o.Amber != 0 {
			info.Amber = o.Amber
		}
		if o.Aggregate != "" {
			info.Aggregate = o.Aggregate
		}
		if o.Scale != 0 {
			info.Scale = o.Scale
		}
		if o.Decimals != nil {
			info.Decimals = o.Decimals
		}
	}
	if info.Unit == "" {
		info.Unit = UnitCount
	}
	if info.HigherIsBetter == nil {
		info.HigherIsBetter = ptr(true)
	}
	if info.Aggregate == "" {
		info.Aggregate = AggLast
	}
	if info.Scale == 0 {
		info.Scale = 1
	}
	if info.Decimals == nil {
		info.Decimals = ptr(defaultDecimals(info.Unit))
	}
	if info.Amber == 0 && info.Target != nil {
		if info.Unit == UnitRatio {
			info.Amber = 0.02
		} else {
			info.Amber = math.Abs(*info.Target) * 0.1
		}
	}
	return info
}

func defaultDecimals(unit string) int {
	switch unit {
	case UnitRatio, UnitDays:
		return 1
	case UnitPercent, UnitPerKg:
		return 2
	default:
		return 0
	}
}
