package i18n

// The texts of the anomaly worklist: states over time, what changed since last week,
// items and the data to clean up (package reports, orderflow anomalies).

func init() {
	for k, v := range worklistEN {
		messagesEN[k] = v
	}
	for k, v := range worklistFR {
		messagesFR[k] = v
	}
}

var worklistEN = map[string]string{
	"state.new":          "New this week",
	"state.open":         "Still open",
	"state.worsening":    "Worsening",
	"state.acknowledged": "Acknowledged",
	"state.resolved":     "Resolved",
	"state.stale":        "Stale",

	"report.worklist.changes":        "What changed since %s",
	"report.worklist.changes_first":  "What changed in the last 7 days",
	"report.worklist.changes_note":   "Compared with the build of %s.",
	"report.worklist.no_ref":         "No build of a week before is kept yet: “new” is what began in the last 7 days, and nothing can be counted as resolved. Next week's report compares with this one.",
	"report.worklist.col_state":      "State",
	"report.worklist.col_anomalies":  "Anomalies",
	"report.worklist.col_items":      "Items",
	"report.worklist.col_age":        "Age (days)",
	"report.worklist.col_oldest":     "Oldest (days)",
	"report.worklist.col_limit":      "Stale after (days)",
	"report.worklist.new_items":      "New and worsening, most urgent first",
	"report.worklist.tile_new":       "New this week",
	"report.worklist.tile_new_note":  "%s at stake",
	"report.worklist.tile_worse":     "Worsening",
	"report.worklist.tile_resolved":  "Resolved since last week",
	"report.worklist.tile_items":     "On the worklist",
	"report.worklist.tile_items_n":   "items (%s anomalies)",
	"report.worklist.tile_stale":     "Data to clean up",
	"report.worklist.tile_stale_n":   "stale items (%s anomalies), not on the worklist",
	"report.worklist.top":            "The worklist: top %[1]d of %[2]s items, most urgent first",
	"report.worklist.more":           "%[1]s more items on the worklist",
	"report.worklist.more_xlsx":      "The other %s are in the XLSX workbook (orderflow anomalies --all).",
	"report.worklist.lines":          "%d lines",
	"report.worklist.also":           "Also on this item: %s.",
	"report.worklist.customer_group": "%[1]s: %[2]s items of this type, %[3]s at stake",
	"report.worklist.stale":          "Data to clean up: %s stale items",
	"report.worklist.stale_note":     "Older than their type's limit (anomalies.stale_after_days in orderflow.yaml): a gap open for months is a data or process problem, not this week's task. Fix them at the source or close them in the ERP; every one is in the XLSX sheet “Data to clean up”.",
	"report.worklist.stale_none":     "Nothing stale: every open anomaly is younger than its type's limit.",
	"report.sheet.stale":             "Data to clean up",
	"report.col.state":               "State",
	"report.col.age":                 "Age (days)",
	"report.col.item":                "Item",
}

var worklistFR = map[string]string{
	"state.new":          "Nouvelle cette semaine",
	"state.open":         "Toujours ouverte",
	"state.worsening":    "S'aggrave",
	"state.acknowledged": "Prise en compte",
	"state.resolved":     "Résolue",
	"state.stale":        "Ancienne",

	"report.worklist.changes":        "Ce qui a changé depuis le %s",
	"report.worklist.changes_first":  "Ce qui a changé ces 7 derniers jours",
	"report.worklist.changes_note":   "Comparé au calcul du %s.",
	"report.worklist.no_ref":         "Aucun calcul d'il y a une semaine n'est encore conservé : « nouvelle » désigne ce qui a commencé ces 7 derniers jours, et rien ne peut être compté comme résolu. Le rapport de la semaine prochaine se comparera à celui-ci.",
	"report.worklist.col_state":      "État",
	"report.worklist.col_anomalies":  "Anomalies",
	"report.worklist.col_items":      "Sujets",
	"report.worklist.col_age":        "Âge (jours)",
	"report.worklist.col_oldest":     "La plus ancienne (jours)",
	"report.worklist.col_limit":      "Ancienne après (jours)",
	"report.worklist.new_items":      "Nouvelles et en aggravation, les plus urgentes d'abord",
	"report.worklist.tile_new":       "Nouvelles cette semaine",
	"report.worklist.tile_new_note":  "%s en jeu",
	"report.worklist.tile_worse":     "En aggravation",
	"report.worklist.tile_resolved":  "Résolues depuis la semaine dernière",
	"report.worklist.tile_items":     "À traiter",
	"report.worklist.tile_items_n":   "sujets (%s anomalies)",
	"report.worklist.tile_stale":     "Données à nettoyer",
	"report.worklist.tile_stale_n":   "sujets anciens (%s anomalies), hors liste de travail",
	"report.worklist.top":            "La liste de travail : les %[1]d premiers sujets sur %[2]s, les plus urgents d'abord",
	"report.worklist.more":           "%[1]s autres sujets à traiter",
	"report.worklist.more_xlsx":      "Les %s autres sont dans le classeur XLSX (orderflow anomalies --all).",
	"report.worklist.lines":          "%d lignes",
	"report.worklist.also":           "Aussi dans ce sujet : %s.",
	"report.worklist.customer_group": "%[1]s : %[2]s sujets de ce type, %[3]s en jeu",
	"report.worklist.stale":          "Données à nettoyer : %s sujets anciens",
	"report.worklist.stale_note":     "Plus anciens que la limite de leur type (anomalies.stale_after_days dans orderflow.yaml) : un écart ouvert depuis des mois est un problème de données ou de processus, pas la tâche de la semaine. Corrigez-les à la source ou soldez-les dans l'ERP ; tous sont dans l'onglet « Données à nettoyer » du classeur XLSX.",
	"report.worklist.stale_none":     "Rien d'ancien : chaque anomalie ouverte est plus récente que la limite de son type.",
	"report.sheet.stale":             "Données à nettoyer",
	"report.col.state":               "État",
	"report.col.age":                 "Âge (jours)",
	"report.col.item":                "Sujet",
}
