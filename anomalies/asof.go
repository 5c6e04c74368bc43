package anomalies

import (
	"regexp"
	"time"

	"github.com/orderflow/orderflow/i18n"
)

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

// PastInstruction finds, in a text written as of asOf in lang, an instruction to act
// before a date already gone: "before 7 Feb 2025", "by ...", "until ...", "avant le
// 07/02/2025", "d'ici le ...", "jusqu'au ...", "au plus tard le ...". It returns the
// phrase, or "" when every deadline named is still ahead (a fact of the past, such as
// "was due on" or "expired on", is not an instruction). Tests run it over every message
// and report the product renders.
func PastInstruction(lang, text string, asOf time.Time) string {
	re, layout := instructionEN, "2 Jan 2006"
	if lang == i18n.FR {
		re, layout = instructionFR, "02/01/2006"
	}
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		d, err := time.Parse(layout, m[1])
		if err == nil && d.Before(asOf) {
			return m[0]
		}
	}
	return ""
}

var (
	instructionEN = regexp.MustCompile(`(?i)\b(?:before|by|until|no later than|not after) (\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4})`)
	instructionFR = regexp.MustCompile(`(?i)(?:avant le|d'ici le|jusqu'au|au plus tard le|pas après le) (\d{2}/\d{2}/\d{4})`)
)
