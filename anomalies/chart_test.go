package anomalies

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/models"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-4 }

// TestPLimits: p = 270/300 = 0.9. With n = 100, sigma = sqrt(0.9 x 0.1 / 100) = 0.03:
// limits 0.81 and 0.99. With n = 25, sigma = 0.06: 0.72 and 1.08, capped at 1.
func TestPLimits(t *testing.T) {
	base := []Week{{Num: 90, Den: 100}, {Num: 91, Den: 100}, {Num: 89, Den: 100}}
	f := func(n float64, laney bool, kind string, centre, sigma, lcl, ucl float64) {
		t.Helper()
		l := PLimits(base, n, laney)
		if l.Kind != kind || !near(l.Centre, centre) || !near(l.Sigma, sigma) || !near(l.LCL, lcl) || !near(l.UCL, ucl) {
			t.Errorf("PLimits(n=%v, laney=%v) = %+v, want %s centre %v sigma %v limits %v..%v", n, laney, l, kind, centre, sigma, lcl, ucl)
		}
	}
	f(100, false, ChartP, 0.9, 0.03, 0.81, 0.99)
	f(25, false, ChartP, 0.9, 0.06, 0.72, 1)
	// z-scores 0, +0.333, -0.333: mean moving range 0.5, sigma_z = 0.5 / 1.128 = 0.443 < 1:
	// binomial noise explains the spread, the p chart stays
	f(100, true, ChartP, 0.9, 0.03, 0.81, 0.99)

	// Lower limit floored at 0: p = 0.02, n = 10, sigma = sqrt(0.02 x 0.98 / 10) = 0.04427
	l := PLimits([]Week{{Num: 2, Den: 100}}, 10, false)
	if l.LCL != 0 || !near(l.UCL, 0.02+3*0.044272) {
		t.Errorf("floored limits: %+v", l)
	}
	if l := PLimits(nil, 10, false); l.Defined {
		t.Errorf("a chart without baseline: %+v", l)
	}
}

// TestLaney: baseline weeks of 85% and 95% alternating on n = 1,000, p = 0.9. Binomial
// sigma = sqrt(0.09 / 1000) = 0.0094868, z-scores +-5.2705, every moving range 10.5409,
// sigma_z = 10.5409 / 1.128 = 9.3448 > 1: Laney's sigma' = 0.0094868 x 9.3448 = 0.088652,
// limits 0.9 -+ 0.265957 = 0.634043 .. 1 (capped).
func TestLaney(t *testing.T) {
	var base []Week
	for i := range 26 {
		base = append(base, Week{Num: []float64{850, 950}[i%2], Den: 1000})
	}
	if sz := SigmaZ(base, 0.9); !near(sz, 9.3448) {
		t.Errorf("sigma_z = %v, want 9.3448", sz)
	}
	l := PLimits(base, 1000, true)
	if l.Kind != ChartLaney || !near(l.SigmaZ, 9.3448) || !near(l.Sigma, 0.088652) || !near(l.LCL, 0.634043) || l.UCL != 1 {
		t.Errorf("Laney limits %+v", l)
	}
	// A week at 80%: 10.5 binomial sigmas below, but only 1.128 Laney sigmas: no signal.
	if z := l.Z(0.8); !near(z, -1.128) {
		t.Errorf("z' = %v, want -1.128", z)
	}
	if p := PLimits(base, 1000, false); !near(p.Z(0.8), -10.5409) {
		t.Errorf("binomial z = %v, want -10.5409", p.Z(0.8))
	}
}

// TestXmRLimits: 10, 12, 11, 13, 9: mean 11, moving ranges 2, 1, 2, 4 (mean 2.25), limits
// 11 -+ 2.66 x 2.25 = 5.015 .. 16.985, sigma 2.25 / 1.128 = 1.99468.
func TestXmRLimits(t *testing.T) {
	l := XmRLimits([]float64{10, 12, 11, 13, 9})
	if l.Kind != ChartXmR || !near(l.Centre, 11) || !near(l.LCL, 5.015) || !near(l.UCL, 16.985) || !near(l.Sigma, 1.99468) {
		t.Errorf("XmR limits %+v", l)
	}
	if z := l.Z(17); !near(z, 3.00800) { // (17 - 11) / 1.99468
		t.Errorf("z = %v", z)
	}
	if l := XmRLimits([]float64{4}); l.Defined {
		t.Errorf("one point has no moving range: %+v", l)
	}
}

// TestWesternElectric: each rule on the z-scores of consecutive weeks, the last point
// included in the pattern.
func TestWesternElectric(t *testing.T) {
	nan := math.NaN()
	f := func(zs []float64, want ...int) {
		t.Helper()
		var got []int
		for _, r := range WesternElectric(zs) {
			got = append(got, r.Number*r.Side)
		}
		if !slices.Equal(got, want) {
			t.Errorf("WesternElectric(%v) = %v, want %v (rule x side)", zs, got, want)
		}
	}
	// rule 1: one point beyond 3 sigma
	f([]float64{0, 0.5, 3.2}, 1)
	f([]float64{0, 0.5, -3.5}, -1)
	f([]float64{0, 0.5, 2.9})
	// rule 2: 2 of the last 3 beyond 2 sigma on one side
	f([]float64{0, 2.5, 0.5, 2.1}, 2)
	f([]float64{2.5, -2.2, 2.1}, 2)
	f([]float64{0, 2.5, 2.1, 0.5}) // the last point is not one of them
	f([]float64{-2.5, 0, 2.1})     // one on each side
	// rule 3: 4 of the last 5 beyond 1 sigma on one side
	f([]float64{-1.5, -1.2, -0.3, -1.1, -1.4}, -3)
	f([]float64{1.5, 0.5, 0.3, 1.1, 1.4})
	// rule 4: 8 in a row on one side of the centre line
	f([]float64{0.1, 0.2, 0.1, 0.3, 0.2, 0.1, 0.4, 0.2}, 4)
	f([]float64{0.1, 0.2, 0.1, -0.3, 0.2, 0.1, 0.4, 0.2})
	f([]float64{0.1, 0.2, 0.1, 0.3, 0.2, 0.1, 0.4})
	f([]float64{nan, 0.2, 0.1, 0.3, 0.2, 0.1, 0.4, 0.2}) // a week without data breaks the run
	// all four at once
	f([]float64{0.5, 1.5, 2.5, 1.2, 2.2, 3.5}, 1, 2, 3)
	f([]float64{0.5, 0.5, 1.5, 2.5, 1.2, 2.2, 1.1, 3.5}, 1, 2, 3, 4)
	f([]float64{0, nan})
}

var monday = time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)

// series builds 26 baseline weeks of pass/n, then the given last weeks, ending on monday.
func series(pass, n float64, last ...Week) Series {
	s := Series{}
	total := 26 + len(last)
	for i := range total {
		t := monday.AddDate(0, 0, -7*(total-1-i))
		if i < 26 {
			s[t] = Week{Num: pass, Den: n}
		} else {
			s[t] = last[i-26]
		}
	}
	return s
}

// TestEvaluateAlert: 26 weeks at 90% OTIF on 100 lines, then 75%: 5 sigmas below
// (sigma 0.03), 15 points down, 16.7% relative: a high alert.
func TestEvaluateAlert(t *testing.T) {
	m := NewMonitor(config.Default())
	sigs := m.Evaluate(series(90, 100, Week{Num: 75, Den: 100}), monday, ChartP, models.Up, 1)
	if len(sigs) != 1 {
		t.Fatalf("signals %+v", sigs)
	}
	s := sigs[0]
	if s.Rule != 1 || !near(s.Z, -5) || !near(s.Centre, 0.9) || !near(s.LCL, 0.81) || !s.Worse || !s.Alert || s.Severity != "high" || s.N != 100 {
		t.Errorf("signal %+v", s)
	}
	// the same drop on a KPI that gets better going down is no alert
	if sigs := m.Evaluate(series(90, 100, Week{Num: 75, Den: 100}), monday, ChartP, models.Down, 1); len(sigs) != 1 || sigs[0].Alert {
		t.Errorf("improvement alerted: %+v", sigs)
	}
}

// TestSmallCustomerNoAlert: a small customer ships one line a week, always on time,
// and this week's single line is late: the point is far outside the chart (p = 1,
// sigma 0), yet one line is below the minimum population (20) and nobody is paged.
func TestSmallCustomerNoAlert(t *testing.T) {
	m := NewMonitor(config.Default())
	sigs := m.Evaluate(series(1, 1, Week{Num: 0, Den: 1}), monday, ChartP, models.Up, 1)
	if len(sigs) == 0 || sigs[0].Rule != 1 {
		t.Fatalf("the chart should still signal: %+v", sigs)
	}
	for _, s := range sigs {
		if s.Alert {
			t.Errorf("a single late line of a small customer alerted: %+v", s)
		}
	}
	// its days late on an XmR chart: one late line, 12 days, after weeks of 0 to 2 days
	s := Series{}
	for i := range 27 {
		s[monday.AddDate(0, 0, -7*(26-i))] = Week{Value: float64(i % 3), N: 1}
	}
	s[monday] = Week{Value: 12, N: 1}
	for _, sig := range m.Evaluate(s, monday, ChartXmR, models.Down, 1) {
		if sig.Alert {
			t.Errorf("a single late line alerted on the XmR chart: %+v", sig)
		}
	}
}

// TestImmaterialSignal: on 100,000 lines a week, 89.5% against 90% is 5 sigmas away
// (sigma 0.000949) but half a point: below the absolute minimum change (2 points).
func TestImmaterialSignal(t *testing.T) {
	m := NewMonitor(config.Default())
	sigs := m.Evaluate(series(90000, 100000, Week{Num: 89500, Den: 100000}), monday, ChartP, models.Up, 1)
	if len(sigs) == 0 || sigs[0].Rule != 1 || !near(sigs[0].Z, -5.2705) {
		t.Fatalf("signals %+v", sigs)
	}
	if sigs[0].Alert {
		t.Errorf("an immaterial change alerted: %+v", sigs[0])
	}
}

// TestEvaluateRun: eight weeks in a row at 85% after a baseline at 90% on 400 lines
// (sigma 0.015, z = -3.33 each week) fire rules 1 to 4; the run began 7 weeks ago.
func TestEvaluateRun(t *testing.T) {
	var last []Week
	for range 8 {
		last = append(last, Week{Num: 340, Den: 400})
	}
	m := NewMonitor(config.Default())
	sigs := m.Evaluate(series(360, 400, last...), monday, ChartP, models.Up, 1)
	rules := map[int]Signal{}
	for _, s := range sigs {
		rules[s.Rule] = s
	}
	for r := 1; r <= 4; r++ {
		if s, ok := rules[r]; !ok || !s.Alert || !near(s.Z, -3.3333) || !near(s.Centre, 0.9) {
			t.Errorf("rule %d: %+v (all %+v)", r, s, sigs)
		}
	}
	if r4 := rules[4]; !r4.Since.Equal(monday.AddDate(0, 0, -49)) || r4.BaselineWeeks != 26 {
		t.Errorf("rule 4 since %s on %d baseline weeks", r4.Since.Format(time.DateOnly), r4.BaselineWeeks)
	}
}
