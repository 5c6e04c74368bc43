package rules

import (
	"bytes"
	"encoding/csv"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestCountryByName(t *testing.T) {
	f := func(name, want string) {
		t.Helper()
		got, ok := CountryByName(name)
		if want == "" {
			if ok {
				t.Fatalf("CountryByName(%q) = %q; want no match", name, got)
			}
			return
		}
		if !ok || got != want {
			t.Fatalf("CountryByName(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	f("France", "FR")
	f("france", "FR")
	f("  FRANCE ", "FR")
	f("Allemagne", "DE")
	f("Côte d'Ivoire", "CI")
	f("Cote d'Ivoire", "CI")
	f("Côte d’Ivoire", "CI")
	f("COTE DIVOIRE", "CI")
	f("Ivory Coast", "CI")
	f("Congo, DRC", "CD")
	f("Democratic Republic of the Congo", "CD")
	f("Congo", "CG")
	f("Tanzania", "TZ")
	f("United Republic of Tanzania", "TZ")
	f("Vietnam", "VN")
	f("Viet Nam", "VN")
	f("South Sudan", "SS")
	f("Swaziland", "SZ")
	f("Turkey", "TR")
	f("Türkiye", "TR")
	f("UK", "GB")
	f("United States of America", "US")
	f("Bosnia & Herzegovina", "BA")
	f("Korea, Republic of", "KR")
	f("DE", "DE")
	f("deu", "DE")
	f("Atlantis", "")
	f("", "")
}

// TestCountryNamesUnambiguous guards the data: no name or alias may fold to the key of
// another country, or CountryByName would depend on row order.
func TestCountryNamesUnambiguous(t *testing.T) {
	owner := map[string]string{}
	for _, c := range Countries() {
		for _, n := range append([]string{c.NameEN, c.NameFR, c.NameDE}, c.Aliases...) {
			k := nameKey(n)
			if k == "" {
				t.Fatalf("country %s has an empty name or alias", c.ISO2)
			}
			if o, ok := owner[k]; ok && o != c.ISO2 {
				t.Fatalf("name %q of %s folds to %q, already a name of %s", n, c.ISO2, k, o)
			}
			owner[k] = c.ISO2
		}
	}
}

func TestCountriesTable(t *testing.T) {
	cs := Countries()
	if len(cs) != 249 {
		t.Fatalf("countries.csv has %d countries; want the 249 of ISO 3166-1", len(cs))
	}
	var eu []string
	seen := map[string]bool{}
	for _, c := range cs {
		if len(c.ISO2) != 2 || len(c.ISO3) != 3 || c.NameEN == "" || c.NameFR == "" || c.Region == "" {
			t.Fatalf("incomplete country row: %+v", c)
		}
		if seen[c.ISO2] || seen[c.ISO3] {
			t.Fatalf("country code %s/%s appears twice", c.ISO2, c.ISO3)
		}
		seen[c.ISO2], seen[c.ISO3] = true, true
		if c.EU {
			eu = append(eu, c.ISO2)
			if c.Bloc != "EU" || c.Region != "Europe" {
				t.Fatalf("EU member %s has bloc %q region %q", c.ISO2, c.Bloc, c.Region)
			}
		}
	}
	want := strings.Fields("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK")
	if !slices.Equal(eu, want) {
		t.Fatalf("EU members = %v; want %v", eu, want)
	}
}

func TestIsEU(t *testing.T) {
	f := func(code string, want bool) {
		t.Helper()
		if got := IsEU(code); got != want {
			t.Fatalf("IsEU(%q) = %v; want %v", code, got, want)
		}
	}
	f("FR", true)
	f("de", true)
	f("HR", true)
	f("CY", true)
	f("GB", false)
	f("CH", false)
	f("NO", false)
	f("TR", false)
	f("RE", false) // an outermost region has its own ISO code but is not a member state
	f("", false)
	f("XX", false)
}

func TestIncoterms(t *testing.T) {
	var valid []string
	for _, it := range Incoterms() {
		if it.Valid {
			valid = append(valid, it.Code)
		}
	}
	if want := strings.Fields("EXW FCA FAS FOB CFR CIF CPT CIP DAP DPU DDP"); !slices.Equal(valid, want) {
		t.Fatalf("valid Incoterms = %v; want %v", valid, want)
	}
	f := func(code, group, paidBy, insurance, exportBy, importBy, risk, event, replaced string, seaOnly bool) {
		t.Helper()
		it, ok := IncotermByCode(code)
		if !ok {
			t.Fatalf("IncotermByCode(%q) found nothing", code)
		}
		got := []string{it.Group, it.MainCarriagePaidBy, it.InsuranceCover, it.ExportClearanceBy, it.ImportClearanceBy, it.RiskPasses, it.DeliveryEvent, it.ReplacedBy}
		want := []string{group, paidBy, insurance, exportBy, importBy, risk, event, replaced}
		if !slices.Equal(got, want) {
			t.Fatalf("%s = %v; want %v", code, got, want)
		}
		if it.AllowsMode("air") == seaOnly || !it.AllowsMode("sea") || !it.AllowsMode("inland_waterway") {
			t.Fatalf("%s: AllowsMode air=%v sea=%v; want sea only %v", code, it.AllowsMode("air"), it.AllowsMode("sea"), seaOnly)
		}
	}
	f("EXW", "E", "buyer", "", "buyer", "buyer", "origin", "ship", "", false)
	f("fca", "F", "buyer", "", "seller", "buyer", "origin", "ship", "", false)
	f("FOB", "F", "buyer", "", "seller", "buyer", "origin", "ship", "", true)
	f("CFR", "C", "seller", "", "seller", "buyer", "origin", "ship", "", true)
	f("CIF", "C", "seller", "ICC C", "seller", "buyer", "origin", "ship", "", true)
	f("CIP", "C", "seller", "ICC A", "seller", "buyer", "origin", "ship", "", false)
	f("DAP", "D", "seller", "", "seller", "buyer", "destination", "delivery", "", false)
	f("DDP", "D", "seller", "", "seller", "seller", "destination", "delivery", "", false)
	f("DAT", "D", "seller", "", "seller", "buyer", "destination", "delivery", "DPU", false)
	f("DDU", "D", "seller", "", "seller", "buyer", "destination", "delivery", "DAP", false)
	if _, ok := IncotermByCode("XYZ"); ok {
		t.Fatalf("IncotermByCode(XYZ) found a term")
	}
}

func TestRequiredDocuments(t *testing.T) {
	f := func(origin, dest, mode, incoterm, payment, want string) {
		t.Helper()
		got := RequiredDocuments(origin, dest, mode, incoterm, payment)
		if w := strings.Fields(want); !slices.Equal(got, w) {
			t.Fatalf("RequiredDocuments(%s->%s %s %s %s) = %v; want %v", origin, dest, mode, incoterm, payment, got, w)
		}
	}
	f("FR", "DE", "road", "DAP", "open_account", "commercial_invoice packing_list intrastat cmr")
	f("FR", "FR", "road", "EXW", "open_account", "commercial_invoice packing_list cmr")
	f("FR", "US", "sea", "CIF", "open_account", "commercial_invoice packing_list export_declaration bill_of_lading insurance_certificate")
	f("DE", "CN", "air", "CIP", "open_account", "commercial_invoice packing_list export_declaration awb insurance_certificate")
	f("FR", "NG", "sea", "CFR", "letter_of_credit", "commercial_invoice packing_list export_declaration bill_of_lading lc_presentation certificate_of_origin")
	f("FR", "CH", "road", "DAP", "prepayment", "commercial_invoice packing_list export_declaration cmr origin_statement")
	f("FR", "GB", "road", "DDP", "open_account", "commercial_invoice packing_list export_declaration cmr origin_statement")
	f("DE", "KZ", "rail", "FCA", "documentary_collection", "commercial_invoice packing_list export_declaration cim")
	f("FR", "IT", "courier", "CPT", "open_account", "commercial_invoice packing_list intrastat")
	f("fr", "de", "ROAD", "dap", "open_account", "commercial_invoice packing_list intrastat cmr")
}

// TestDocumentTypes keeps documents.csv to the doc_type values of domain.md.
func TestDocumentTypes(t *testing.T) {
	known := strings.Fields(`commercial_invoice proforma_invoice packing_list order_acknowledgement cmr awb
		bill_of_lading sea_waybill cim export_declaration intrastat certificate_of_origin eur1
		origin_statement insurance_certificate lc_presentation shipping_instructions`)
	for _, r := range DocumentRules() {
		if !slices.Contains(known, r.DocType) {
			t.Fatalf("documents.csv: doc_type %q is not one of domain.md", r.DocType)
		}
		if r.Level != "shipment" && r.Level != "order" {
			t.Fatalf("documents.csv: doc_type %s has level %q; want shipment or order", r.DocType, r.Level)
		}
		for _, d := range r.Destination {
			if _, ok := CountryByCode(d); !ok && !blocExists(d) {
				t.Fatalf("documents.csv: destination %q of %s is neither a country nor a bloc", d, r.DocType)
			}
		}
	}
}

func blocExists(b string) bool {
	for _, c := range Countries() {
		if c.Bloc == b {
			return true
		}
	}
	return false
}

func TestCSV(t *testing.T) {
	for _, name := range []string{"countries", "incoterms.csv", "data/documents.csv"} {
		if len(CSV(name)) == 0 {
			t.Fatalf("CSV(%q) is empty", name)
		}
	}
	if CSV("nope") != nil {
		t.Fatalf("CSV(nope) returned data")
	}
}

// TestSCMSCountries maps every destination country of the real SCMS shipment history.
func TestSCMSCountries(t *testing.T) {
	const path = "../../shared/datasets/scms/SCMS_Delivery_History_Dataset.csv"
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("%s is not here", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n")) // the file ends lines with a bare CR
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("cannot read %s: %v", path, err)
	}
	col := slices.Index(recs[0], "Country")
	if col < 0 {
		t.Fatalf("%s has no Country column: %v", path, recs[0])
	}
	names := map[string]int{}
	for _, rec := range recs[1:] {
		names[rec[col]]++
	}
	if len(recs) < 10000 || len(names) < 40 {
		t.Fatalf("%s: read %d rows and %d countries; the file seems cut", path, len(recs)-1, len(names))
	}
	for name, n := range names {
		if _, ok := CountryByName(name); !ok {
			t.Errorf("SCMS country %q (%d rows) maps to no ISO2 code", name, n)
		}
	}
}
