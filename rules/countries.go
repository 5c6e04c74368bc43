package rules

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Country is one row of data/countries.csv.
type Country struct {
	ISO2    string
	ISO3    string
	NameEN  string
	NameFR  string
	NameDE  string // from Debian's iso-codes German translation, everyday names
	EU      bool   // one of the 27 member states
	Region  string // Europe, Africa, Asia, Americas, Oceania, Middle East, Antarctica
	Bloc    string // main trade bloc (EU, EFTA, UK, USMCA, MERCOSUR, ASEAN, GCC, AfCFTA...) or ""
	Aliases []string
}

type countryIndex struct {
	list   []Country
	byCode map[string]int // ISO2 and ISO3
	byName map[string]int // normalised English, French and alias names
}

var countries = sync.OnceValue(func() *countryIndex {
	rows := table("countries")
	idx := &countryIndex{byCode: map[string]int{}, byName: map[string]int{}}
	for i, row := range rows {
		c := Country{
			ISO2:    strings.ToUpper(row["iso2"]),
			ISO3:    strings.ToUpper(row["iso3"]),
			NameEN:  row["name_en"],
			NameFR:  row["name_fr"],
			NameDE:  row["name_de"],
			EU:      parseBool("countries", i, "eu", row["eu"]),
			Region:  row["region"],
			Bloc:    row["bloc"],
			Aliases: splitList(row["aliases"]),
		}
		idx.list = append(idx.list, c)
		idx.byCode[c.ISO2] = i
		idx.byCode[c.ISO3] = i
	}
	// Official names win over aliases when both normalise alike.
	for i, c := range idx.list {
		for _, n := range []string{c.NameEN, c.NameFR, c.NameDE} {
			if k := nameKey(n); k != "" {
				if _, taken := idx.byName[k]; !taken {
					idx.byName[k] = i
				}
			}
		}
	}
	for i, c := range idx.list {
		for _, n := range c.Aliases {
			if k := nameKey(n); k != "" {
				if _, taken := idx.byName[k]; !taken {
					idx.byName[k] = i
				}
			}
		}
	}
	return idx
})

// Countries returns every ISO 3166-1 country, in file order (by ISO2).
func Countries() []Country {
	return append([]Country(nil), countries().list...)
}

// CountryByCode returns the country of an ISO2 or ISO3 code, in any case.
func CountryByCode(code string) (Country, bool) {
	idx := countries()
	i, ok := idx.byCode[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return Country{}, false
	}
	return idx.list[i], true
}

// CountryByName maps a country name as ERPs and data sets write it to its ISO2 code:
// the English or French name, an alias ("Congo, DRC", "Viet Nam", "Ivory Coast") or the
// ISO2/ISO3 code itself, ignoring case, accents, spaces and punctuation.
func CountryByName(name string) (iso2 string, ok bool) {
	idx := countries()
	if i, ok := idx.byName[nameKey(name)]; ok {
		return idx.list[i].ISO2, true
	}
	if c, ok := CountryByCode(name); ok {
		return c.ISO2, true
	}
	return "", false
}

// IsEU tells whether a country code (ISO2, or ISO3) is one of the 27 EU member states.
func IsEU(iso2 string) bool {
	c, ok := CountryByCode(iso2)
	return ok && c.EU
}

// nameKey folds a name for lookup: lower case, no accents, "&" read as "and", and only
// letters and digits kept, so "Côte d’Ivoire" and "COTE D'IVOIRE" meet.
func nameKey(s string) string {
	s = strings.ReplaceAll(s, "&", " and ")
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// combining accent: dropped
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
