package anomalies

import (
	"fmt"
	"strings"

	"github.com/orderflow/orderflow/i18n"
	"github.com/orderflow/orderflow/models"
)

// docNames are the trade documents of domain.md as people call them.
var docNames = map[string][2]string{
	"commercial_invoice":    {"commercial invoice", "facture commerciale"},
	"proforma_invoice":      {"pro forma invoice", "facture pro forma"},
	"packing_list":          {"packing list", "liste de colisage"},
	"order_acknowledgement": {"order acknowledgement", "accusé de réception de commande"},
	"cmr":                   {"CMR road consignment note", "lettre de voiture CMR"},
	"awb":                   {"air waybill", "lettre de transport aérien (LTA)"},
	"bill_of_lading":        {"bill of lading", "connaissement"},
	"sea_waybill":           {"sea waybill", "lettre de transport maritime"},
	"cim":                   {"CIM rail consignment note", "lettre de voiture CIM"},
	"export_declaration":    {"export declaration", "déclaration d'export"},
	"intrastat":             {"intra-EU trade statistics declaration", "déclaration d'échanges de biens (EMEBI)"},
	"certificate_of_origin": {"certificate of origin", "certificat d'origine"},
	"eur1":                  {"EUR.1 movement certificate", "certificat EUR.1"},
	"origin_statement":      {"origin statement", "déclaration d'origine"},
	"insurance_certificate": {"insurance certificate", "certificat d'assurance"},
	"lc_presentation":       {"letter-of-credit presentation", "présentation du crédit documentaire"},
	"shipping_instructions": {"shipping instructions", "instructions d'expédition"},
}

func docName(s say, docType string) string {
	if n, ok := docNames[docType]; ok {
		return s.pick(n[0], n[1])
	}
	return docType
}

var laneNames = map[string][2]string{
	"domestic": {"domestic", "national"},
	"intra_eu": {"intra-EU", "intra-UE"},
	"extra_eu": {"export outside the EU", "export hors UE"},
}

func laneName(s say) string {
	if n, ok := laneNames[s.str("lane")]; ok {
		return s.pick(n[0], n[1])
	}
	return s.str("lane")
}

var modeNames = map[string][2]string{
	"road": {"road", "route"}, "air": {"air", "avion"}, "sea": {"sea", "mer"}, "rail": {"rail", "rail"},
	"inland_waterway": {"inland waterway", "voie fluviale"}, "multimodal": {"multimodal", "multimodal"},
	"courier": {"courier", "messagerie"},
}

// modes names transport modes, one or a comma-separated list of them.
func (s say) modes(k string) string {
	var out []string
	for _, m := range strings.Split(s.str(k), ", ") {
		if n, ok := modeNames[m]; ok {
			m = s.pick(n[0], n[1])
		}
		out = append(out, m)
	}
	return strings.Join(out, ", ")
}

var dimNames = map[string][2]string{
	"customer": {"customer", "client"}, "country": {"country", "pays"}, "site": {"site", "site"},
	"carrier": {"carrier", "transporteur"}, "transport_mode": {"transport mode", "mode de transport"},
	"incoterm": {"Incoterm", "Incoterm"}, "family": {"family", "famille"}, "sku": {"SKU", "article"},
	"region": {"region", "région"}, "bloc": {"trade bloc", "zone"}, "lane": {"lane", "flux"},
}

var ruleNames = map[int64][2]string{
	1: {"a point beyond the 3-sigma limit", "un point au-delà de la limite à 3 sigmas"},
	2: {"2 of the last 3 weeks beyond 2 sigma on one side", "2 des 3 dernières semaines au-delà de 2 sigmas du même côté"},
	3: {"4 of the last 5 weeks beyond 1 sigma on one side", "4 des 5 dernières semaines au-delà de 1 sigma du même côté"},
	4: {"8 weeks in a row on one side of the centre line", "8 semaines de suite du même côté de la ligne centrale"},
}

// kpiSignalMessage says a control-chart alert: the KPI and cut, the week's value against
// its usual level and limits, and the rule that fired.
func kpiSignalMessage(s say) string {
	k, ok := models.LookupKPI(s.str("kpi"))
	if !ok {
		k = models.KPI{Name: s.str("kpi"), LabelEN: s.str("kpi"), LabelFR: s.str("kpi")}
	}
	label := k.Label(s.lang)
	if d := s.str("dim"); d != "" {
		n := dimNames[d]
		v := s.str("dim_value")
		if d == "transport_mode" {
			v = s.modes("dim_value")
		}
		label += s.pick(" for "+n[0]+" ", " pour "+n[1]+" ") + v
	}
	dir := s.pick("above", "au-dessus de")
	if s.float("kpi_value") < s.float("centre") {
		dir = s.pick("below", "en dessous de")
	}
	rule := ruleNames[s.int("rule")]
	y, w := s.f.date("week").ISOWeek()
	return fmt.Sprintf(s.pick("%s: %s in %s, %s its usual %s (control limits %s to %s, n = %s): %s.",
		"%s : %s en %s, %s sa valeur habituelle %s (limites de contrôle %s à %s, n = %s) : %s."),
		label, s.kpiValue(k, s.float("kpi_value")), strings.ToLower(i18n.Week(s.lang, y, w)), dir,
		s.kpiValue(k, s.float("centre")), s.kpiValue(k, s.float("lcl")), s.kpiValue(k, s.float("ucl")),
		i18n.Number(s.lang, s.float("n"), 0), s.pick(rule[0], rule[1]))
}

func weekName(s say) string { return models.FormatWeek(s.f.date("week")) }

func explainBy(s say) string {
	if d := s.str("dim"); d != "" {
		v := s.str("dim_value")
		if strings.ContainsAny(v, " '\"") {
			v = "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
		}
		return " --by " + d + "=" + v
	}
	return ""
}
