package rules

import (
	"strings"
	"sync"
)

// Incoterm is one row of data/incoterms.csv: an Incoterms 2020 rule, or an obsolete
// term (Valid false) still met in extracts, with the 2020 term to use instead.
type Incoterm struct {
	Code               string
	Name               string
	Group              string // E, F, C or D
	Valid              bool   // one of the 11 Incoterms 2020
	Modes              string // any, or sea_inland (sea and inland waterway only)
	MainCarriagePaidBy string // buyer or seller
	InsuranceBy        string // seller under CIP and CIF, else ""
	InsuranceCover     string // ICC A (CIP), ICC C (CIF)
	ExportClearanceBy  string
	ImportClearanceBy  string
	RiskPasses         string // origin or destination
	DeliveryEvent      string // ship (E, F, C) or delivery (D): the event the due date is measured on
	ReplacedBy         string // for an obsolete term, the 2020 term to suggest
	// MultimodalEquivalent is, for a sea-only term, the term of the same family for any
	// mode (FCA for FAS and FOB, CPT for CFR, CIP for CIF): the fix of a mode mismatch.
	MultimodalEquivalent string
	Note                 string
}

// AllowsMode tells whether the term may be used with a transport mode: the sea terms
// (FAS, FOB, CFR, CIF) only by sea or inland waterway.
func (t Incoterm) AllowsMode(mode string) bool {
	if t.Modes != "sea_inland" {
		return true
	}
	m := strings.ToLower(strings.TrimSpace(mode))
	return m == "sea" || m == "inland_waterway"
}

var incoterms = sync.OnceValue(func() []Incoterm {
	var out []Incoterm
	for i, row := range table("incoterms") {
		out = append(out, Incoterm{
			Code:                 strings.ToUpper(row["code"]),
			Name:                 row["name"],
			Group:                row["group"],
			Valid:                parseBool("incoterms", i, "valid", row["valid"]),
			Modes:                row["modes"],
			MainCarriagePaidBy:   row["main_carriage_paid_by"],
			InsuranceBy:          row["insurance_by"],
			InsuranceCover:       row["insurance_cover"],
			ExportClearanceBy:    row["export_clearance_by"],
			ImportClearanceBy:    row["import_clearance_by"],
			RiskPasses:           row["risk_passes"],
			DeliveryEvent:        row["delivery_event"],
			ReplacedBy:           row["replaced_by"],
			MultimodalEquivalent: row["multimodal_equivalent"],
			Note:                 row["note"],
		})
	}
	return out
})

// Incoterms returns every row of data/incoterms.csv: the 11 Incoterms 2020 first
// (Valid true), then the obsolete terms (Valid false).
func Incoterms() []Incoterm {
	return append([]Incoterm(nil), incoterms()...)
}

// IncotermByCode finds a term, valid or obsolete, by its code in any case.
func IncotermByCode(code string) (Incoterm, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	for _, t := range incoterms() {
		if t.Code == code {
			return t, true
		}
	}
	return Incoterm{}, false
}
