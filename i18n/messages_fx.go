package i18n

// The texts of the reporting currency (package reports): what the money figures are
// in, and what no exchange rate could convert.

func init() {
	for k, v := range fxEN {
		messagesEN[k] = v
	}
	for k, v := range fxFR {
		messagesFR[k] = v
	}
}

var fxEN = map[string]string{
	"report.fx.no_rate":         "no exchange rate",
	"report.fx.basis":           "Amounts in %s, converted at the rate of each order's date (claims: the opened date; freight: the ship date).",
	"report.fx.gap.order_lines": "%s order line(s) in %s (%s ordered)",
	"report.fx.gap.shipments":   "%s shipment(s) in %s (%s of freight)",
	"report.fx.gap.claims":      "%s claim(s) in %s (%s of cost)",
	"report.fx.gap.anomalies":   "%s anomaly value(s) in %s (%s at stake)",
	"report.fx.unconverted":     "Not converted, left out of every total: %s (no %s rate at most %d days before their date). Load the rates with orderflow ingest and build again.",
}

var fxFR = map[string]string{
	"report.fx.no_rate":         "pas de taux de change",
	"report.fx.basis":           "Montants en %s, convertis au taux de la date de chaque commande (réclamations : date d'ouverture ; transport : date d'expédition).",
	"report.fx.gap.order_lines": "%s ligne(s) de commande en %s (%s commandés)",
	"report.fx.gap.shipments":   "%s expédition(s) en %s (%s de transport)",
	"report.fx.gap.claims":      "%s réclamation(s) en %s (%s de coût)",
	"report.fx.gap.anomalies":   "%s montant(s) d'anomalie en %s (%s en jeu)",
	"report.fx.unconverted":     "Non convertis, hors de tout total : %s (pas de taux %s au plus %d jours avant leur date). Chargez les taux avec orderflow ingest puis relancez le build.",
}
