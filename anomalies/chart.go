package anomalies

import "math"

// The arithmetic of statistical process control over weekly KPI values (domain.md,
// "Statistical monitoring of weekly KPIs"). It is statistics over the values the
// models compute, not a KPI definition: the KPIs themselves stay in SQL.

// Chart kinds.
const (
	ChartP     = "p"     // proportion of passes among n (binomial limits)
	ChartLaney = "laney" // p chart widened by sigma_z when weeks vary more than binomial noise
	ChartXmR   = "xmr"   // individual values and moving ranges, for continuous KPIs
)

// d2 is the bias constant of the moving range of two points: sigma = mean MR / d2, so
// that the XmR limits mean +- 3 sigma read mean +- 2.66 mean MR.
const d2 = 1.128

// Week is one KPI value of one week: Num/Den for a proportion (Den is its n), or Value
// for a continuous KPI, whose N is its population (the lines or claims behind it).
type Week struct {
	Num, Den float64
	Value    float64
	N        float64
}

// Limits are the control limits of one point.
type Limits struct {
	Kind    string
	Centre  float64
	Sigma   float64 // of this point (a p chart's depends on the week's n)
	LCL     float64
	UCL     float64
	SigmaZ  float64 // Laney's ratio of observed to binomial spread (1 for a p chart)
	Weeks   int     // baseline weeks used
	Defined bool    // false when the baseline is too short or empty
}

// Z is how many sigmas x lies from the centre line; a point off a zero-sigma centre
// line is infinitely far.
func (l Limits) Z(x float64) float64 {
	d := x - l.Centre
	switch {
	case l.Sigma > 0:
		return d / l.Sigma
	case d > 0:
		return math.Inf(1)
	case d < 0:
		return math.Inf(-1)
	}
	return 0
}

// PLimits computes the p chart of a point with n trials against the baseline weeks:
// centre p = sum(num) / sum(den), sigma = sqrt(p(1-p)/n), limits p +- 3 sigma, the lower
// floored at 0 and the upper capped at 1. With laney, when the baseline's z-scores vary
// more than binomial noise (sigma_z = mean moving range of z / 1.128 > 1), sigma is
// multiplied by sigma_z (Laney's p' chart).
func PLimits(baseline []Week, n float64, laney bool) Limits {
	var num, den float64
	weeks := 0
	for _, w := range baseline {
		if w.Den > 0 {
			num += w.Num
			den += w.Den
			weeks++
		}
	}
	if den == 0 || n <= 0 {
		return Limits{Kind: ChartP}
	}
	p := num / den
	l := Limits{Kind: ChartP, Centre: p, SigmaZ: 1, Weeks: weeks, Defined: true}
	l.Sigma = math.Sqrt(p * (1 - p) / n)
	if laney {
		if sz := SigmaZ(baseline, p); sz > 1 {
			l.Kind, l.SigmaZ = ChartLaney, sz
			l.Sigma *= sz
		}
	}
	l.LCL = math.Max(0, p-3*l.Sigma)
	l.UCL = math.Min(1, p+3*l.Sigma)
	return l
}

// SigmaZ is Laney's overdispersion ratio over the baseline: each week's z-score
// (p_i - p) / sqrt(p(1-p)/n_i), then the mean moving range of consecutive z-scores
// divided by 1.128. It is 0 when fewer than two weeks have a z-score.
func SigmaZ(baseline []Week, p float64) float64 {
	if p <= 0 || p >= 1 {
		return 0
	}
	var zs []float64
	for _, w := range baseline {
		if w.Den > 0 {
			zs = append(zs, (w.Num/w.Den-p)/math.Sqrt(p*(1-p)/w.Den))
		}
	}
	return meanMovingRange(zs) / d2
}

// XmRLimits computes the individuals chart of the baseline values: centre = mean,
// sigma = mean moving range / 1.128, limits mean +- 2.66 x mean moving range.
func XmRLimits(baseline []float64) Limits {
	if len(baseline) < 2 {
		return Limits{Kind: ChartXmR}
	}
	var sum float64
	for _, x := range baseline {
		sum += x
	}
	mean := sum / float64(len(baseline))
	mr := meanMovingRange(baseline)
	return Limits{Kind: ChartXmR, Centre: mean, Sigma: mr / d2, LCL: mean - 2.66*mr, UCL: mean + 2.66*mr,
		SigmaZ: 1, Weeks: len(baseline), Defined: true}
}

func meanMovingRange(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	var sum float64
	for i := 1; i < len(xs); i++ {
		sum += math.Abs(xs[i] - xs[i-1])
	}
	return sum / float64(len(xs)-1)
}

// Rule is a Western Electric rule that fired on the last point of a series of
// z-scores, with the points (indexes into the series) that make the pattern.
type Rule struct {
	Number int   // 1 to 4
	Side   int   // +1 above the centre line, -1 below
	Points []int // the points of the pattern, the last point included
}

// WesternElectric returns the rules that fire on the last point of zs (the z-scores of
// consecutive weeks, NaN for a week without a value), strongest first:
//  1. the point lies beyond 3 sigma;
//  2. 2 of the last 3 points lie beyond 2 sigma on one side;
//  3. 4 of the last 5 points lie beyond 1 sigma on one side;
//  4. the last 8 points lie on one side of the centre line.
//
// Each pattern must include the last point, so that a signal is news of this week.
func WesternElectric(zs []float64) []Rule {
	n := len(zs)
	if n == 0 || math.IsNaN(zs[n-1]) {
		return nil
	}
	last := zs[n-1]
	var out []Rule
	if math.Abs(last) > 3 {
		out = append(out, Rule{Number: 1, Side: sign(last), Points: []int{n - 1}})
	}
	beyond := func(window int, limit float64, need int, number int) {
		side := sign(last)
		if side == 0 || math.Abs(last) <= limit || n < window {
			return
		}
		var pts []int
		for i := n - window; i < n; i++ {
			if z := zs[i]; !math.IsNaN(z) && sign(z) == side && math.Abs(z) > limit {
				pts = append(pts, i)
			}
		}
		if len(pts) >= need {
			out = append(out, Rule{Number: number, Side: side, Points: pts})
		}
	}
	beyond(3, 2, 2, 2)
	beyond(5, 1, 4, 3)
	if n >= 8 {
		side := sign(last)
		pts := make([]int, 0, 8)
		for i := n - 8; i < n && side != 0; i++ {
			if math.IsNaN(zs[i]) || sign(zs[i]) != side {
				side = 0
				break
			}
			pts = append(pts, i)
		}
		if side != 0 {
			out = append(out, Rule{Number: 4, Side: side, Points: pts})
		}
	}
	return out
}

func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}
