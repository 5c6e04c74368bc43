package anomalies

import "time"

// Advice is written as of the build's as-of date (the anomaly's detected_on): a deadline
// already gone turns into what can still be done, never an instruction to act before
// a date that has passed. These helpers tell a fact's date from the as-of date.

// asOf is the date the anomaly was detected on: the as-of date of its build.
func (s say) asOf() time.Time { return s.f.date("detected_on") }

// past tells whether the date fact k lies before the as-of date.
func (s say) past(k string) bool {
	d := s.f.date(k)
	return !d.IsZero() && !s.asOf().IsZero() && d.Before(s.asOf())
}

// today tells whether the date fact k is the as-of date itself.
func (s say) today(k string) bool {
	d := s.f.date(k)
	return !d.IsZero() && d.Equal(s.asOf())
}
