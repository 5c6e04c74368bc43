package rules

import (
	"slices"
	"strings"
	"sync"
)

// Lanes of a shipment, as the documents rules name them.
const (
	LaneDomestic = "domestic" // same country: neither export nor intra-EU supply
	LaneIntraEU  = "intra_eu" // between two EU member states
	LaneExtraEU  = "extra_eu" // into or out of the EU customs territory, or between third countries
)

// Lane classifies a shipment from origin to destination (ISO2 codes).
func Lane(origin, dest string) string {
	o, d := strings.ToUpper(strings.TrimSpace(origin)), strings.ToUpper(strings.TrimSpace(dest))
	switch {
	case o == d:
		return LaneDomestic
	case IsEU(o) && IsEU(d):
		return LaneIntraEU
	}
	return LaneExtraEU
}

// DocumentRule is one row of data/documents.csv: doc_type is required when every
// condition matches. A condition is "any" or a pipe-separated list of values.
type DocumentRule struct {
	DocType       string
	Lane          []string // nil = any
	Mode          []string
	Incoterm      []string
	PaymentMethod []string
	Destination   []string // ISO2 codes or trade blocs of the destination
	Level         string   // shipment or order: where the document is attached
	Note          string
}

var documentRules = sync.OnceValue(func() []DocumentRule {
	cond := func(v string) []string {
		if strings.EqualFold(v, "any") || v == "" {
			return nil
		}
		return splitList(v)
	}
	var out []DocumentRule
	for _, row := range table("documents") {
		out = append(out, DocumentRule{
			DocType:       row["doc_type"],
			Lane:          cond(row["lane"]),
			Mode:          cond(row["mode"]),
			Incoterm:      cond(row["incoterm"]),
			PaymentMethod: cond(row["payment_method"]),
			Destination:   cond(row["destination"]),
			Level:         row["level"],
			Note:          row["note"],
		})
	}
	return out
})

// DocumentRules returns the rows of data/documents.csv in file order.
func DocumentRules() []DocumentRule {
	return append([]DocumentRule(nil), documentRules()...)
}

// RequiredDocuments lists the doc_type values a shipment needs, in the order of
// data/documents.csv and without repeats: origin and dest are ISO2 codes, mode a
// transport mode of domain.md, incoterm a code, payment a payment_method.
func RequiredDocuments(origin, dest, mode, incoterm, payment string) []string {
	lane := Lane(origin, dest)
	destCountry, _ := CountryByCode(dest)
	var docs []string
	for _, r := range documentRules() {
		if matches(r.Lane, lane) && matches(r.Mode, mode) && matches(r.Incoterm, incoterm) &&
			matches(r.PaymentMethod, payment) &&
			(matches(r.Destination, destCountry.ISO2) || (destCountry.Bloc != "" && matches(r.Destination, destCountry.Bloc))) &&
			!slices.Contains(docs, r.DocType) {
			docs = append(docs, r.DocType)
		}
	}
	return docs
}

// matches tells whether a value meets a condition (nil means any), ignoring case.
func matches(cond []string, v string) bool {
	if cond == nil {
		return true
	}
	v = strings.TrimSpace(v)
	for _, c := range cond {
		if strings.EqualFold(c, v) {
			return true
		}
	}
	return false
}
