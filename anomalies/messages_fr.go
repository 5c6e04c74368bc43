package anomalies

import (
	"fmt"
	"strings"
)

var textsFR = map[string]text{
	"short_shipment": {
		message: func(s say) string {
			shipped := "rien n'a été expédié"
			if s.float("shipped_qty") > 0 {
				shipped = fmt.Sprintf("seulement %s sur %s ont été expédiés (dernière expédition %s le %s)",
					s.qty("shipped_qty"), s.qty("ordered_qty"), s.str("shipment_id"), s.date("ship_date"))
			}
			return fmt.Sprintf("%s est soldée dans l'ERP, mais %s : il manque %s, soit %s.",
				capital(s.line()), shipped, s.qty("gap_qty"), s.money("value_at_stake_doc"))
		},
		remedy: func(s say) string {
			return fmt.Sprintf("Expédier les %s manquants, ou convenir d'un avoir avec le client ; puis corriger la ligne dans l'ERP.", s.qty("gap_qty"))
		},
	},
	"over_shipment": {
		message: func(s say) string {
			return fmt.Sprintf("%s : %s expédiés pour %s commandés, %s de trop (soit %s) ; %s facturés.",
				capital(s.line()), s.qty("shipped_qty"), s.qty("ordered_qty"), s.qty("gap_qty"), s.money("value_at_stake_doc"), s.qty("invoiced_qty"))
		},
		remedy: func(s say) string {
			return fmt.Sprintf("Facturer les %s en plus (%s) avec l'accord du client, ou organiser leur retour.", s.qty("gap_qty"), s.money("value_at_stake_doc"))
		},
	},
	"shipped_not_invoiced": {
		message: func(s say) string {
			return fmt.Sprintf("%s : %s expédiés depuis le %s (il y a %s) et toujours pas facturés.",
				capital(s.line()), s.qty("shipped_qty"), s.date("ship_date"), s.days(s.int("days")))
		},
		remedy: func(s say) string {
			return fmt.Sprintf("Émettre la facture : %s × %s = %s.", s.qty("shipped_qty"), s.money("unit_price"), s.money("expected_amount"))
		},
	},
	"invoice_qty_mismatch": {
		message: func(s say) string {
			return fmt.Sprintf("%s : %s facturés (dernière facture %s) mais %s expédiés, un écart de %s soit %s.",
				capital(s.line()), s.qty("invoiced_qty"), s.str("invoice_id"), s.qty("shipped_qty"), s.num(abs(s.float("gap_qty"))), s.money("value_at_stake_doc"))
		},
		remedy: func(s say) string {
			if s.float("gap_qty") > 0 {
				return fmt.Sprintf("Émettre un avoir pour les %s facturés mais non expédiés (%s), ou les expédier.", s.qty("gap_qty"), s.money("value_at_stake_doc"))
			}
			return fmt.Sprintf("Facturer les %s expédiés mais non facturés (%s).", s.num(-s.float("gap_qty")), s.money("value_at_stake_doc"))
		},
	},
	"invoice_price_mismatch": {
		message: func(s say) string {
			return fmt.Sprintf("Facture %s (%s) : montant %s pour %s × %s = %s, un écart de %s.",
				s.str("invoice_id"), s.line(), s.money("amount"), s.qty("invoiced_qty"), s.money("unit_price"), s.money("expected_amount"), s.money("value_at_stake_doc"))
		},
		remedy: func(s say) string {
			if s.float("amount") > s.float("expected_amount") {
				return fmt.Sprintf("Émettre un avoir de %s, sauf si c'est le prix de la commande qu'il faut corriger.", s.money("value_at_stake_doc"))
			}
			return fmt.Sprintf("Émettre une facture complémentaire de %s, sauf si c'est le prix de la commande qu'il faut corriger.", s.money("value_at_stake_doc"))
		},
	},
	"delivery_before_ship": {
		message: func(s say) string {
			return fmt.Sprintf("L'expédition %s (%s) est livrée le %s, %s avant d'avoir été expédiée le %s.",
				s.str("shipment_id"), s.line(), s.date("delivery_date"), s.days(s.int("days")), s.date("ship_date"))
		},
		remedy: func(s say) string {
			return "Corriger dans l'ERP la date de sortie de stock ou celle de la preuve de livraison ; d'ici là, les indicateurs de ponctualité de cette ligne sont faux."
		},
	},
	"ship_before_order": {
		message: func(s say) string {
			return fmt.Sprintf("L'expédition %s (%s) est partie le %s, %s avant la passation de la commande le %s.",
				s.str("shipment_id"), s.line(), s.date("ship_date"), s.days(s.int("days")), s.date("order_date"))
		},
		remedy: func(s say) string {
			return "Vérifier dans l'ERP la date de commande et la date de sortie de stock, et corriger la mauvaise."
		},
	},
	"orphan_shipment": {
		message: func(s say) string {
			return fmt.Sprintf("L'expédition %s (%s expédiés le %s) renvoie à %s.",
				s.str("shipment_id"), s.qty("shipped_qty"), s.date("ship_date"), orphanRefFR(s))
		},
		remedy: func(s say) string {
			return "Retrouver la bonne ligne de commande et corriger la référence de l'expédition dans l'ERP (ou charger la commande manquante) : sinon personne ne facturera ces marchandises."
		},
	},
	"orphan_invoice": {
		message: func(s say) string {
			return fmt.Sprintf("La facture %s facture %s pour %s le %s, sur %s.",
				s.str("invoice_id"), s.qty("invoiced_qty"), s.money("amount"), s.date("invoice_date"), orphanRefFR(s))
		},
		remedy: func(s say) string {
			return "Vérifier la référence de commande de la facture ; si elle est fausse, émettre un avoir et refacturer la bonne ligne."
		},
	},
	"orphan_claim": {
		message: func(s say) string {
			return fmt.Sprintf("La réclamation %s (%s, ouverte le %s, coût %s) renvoie à %s.",
				s.str("claim_id"), s.str("claim_type"), s.date("opened_date"), s.money("value_at_stake_doc"), orphanRefFR(s))
		},
		remedy: func(s say) string {
			return "Rattacher la réclamation à la bonne commande et à la bonne ligne, pour que son coût leur soit imputé."
		},
	},
	"duplicate_record": {
		message: func(s say) string {
			return fmt.Sprintf("L'extraction %s (%s) contient %s %d fois avec des valeurs différentes (%s).",
				s.str("entity"), fileName(s.str("source_file")), s.str("key_text"), s.int("versions"), s.str("changed_columns"))
		},
		remedy: func(s say) string {
			return "Corriger l'extraction à la source pour que chaque clé n'y figure qu'une fois ; d'ici là, c'est la dernière ligne du fichier qui compte."
		},
	},
	"late_backlog": {
		message: func(s say) string {
			m := fmt.Sprintf("%s était due le %s : %s de retard, %s expédiés sur %s, %s à expédier encore, soit %s.",
				capital(s.line()), s.date("due_date"), s.days(s.int("days")), s.qty("shipped_qty"), s.qty("ordered_qty"),
				s.qty("gap_qty"), s.money("value_at_stake_doc"))
			if s.str("line_status") == "closed" {
				m += " L'ERP a soldé la ligne alors qu'elle est incomplète."
			}
			return m
		},
		remedy: func(s say) string {
			if s.str("line_status") == "closed" {
				return "Convenir avec le client : expédier le reliquat, ou émettre un avoir et le prévenir."
			}
			return stockRemedyFR(s, "Confirmer une nouvelle date au client : aucun site n'a le stock aujourd'hui.")
		},
	},
	"due_soon_short": {
		message: func(s say) string {
			due := "dans " + s.days(s.int("days_left"))
			if s.int("days_left") == 0 {
				due = "aujourd'hui"
			}
			out := fmt.Sprintf("sera épuisé le %s", s.date("projected_stockout_date"))
			if s.past("projected_stockout_date") {
				out = fmt.Sprintf("est épuisé depuis le %s", s.date("projected_stockout_date"))
			}
			m := fmt.Sprintf("%s est due le %s (%s), mais le stock de %s %s : %s à expédier, %s disponibles aujourd'hui",
				capital(s.line()), s.date("due_date"), due, s.str("site"), out, s.qty("gap_qty"), s.qty("available_qty"))
			if s.float("incoming_qty") > 0 {
				if s.past("incoming_date") {
					m += fmt.Sprintf(", %s attendus depuis le %s et pas encore reçus", s.qty("incoming_qty"), s.date("incoming_date"))
				} else {
					m += fmt.Sprintf(", %s attendus le %s", s.qty("incoming_qty"), s.date("incoming_date"))
				}
			}
			return m + " et des lignes plus urgentes à servir d'abord."
		},
		remedy: func(s say) string {
			return stockRemedyFR(s, "Prévenir le client dès maintenant et confirmer une nouvelle date, ou accélérer le réapprovisionnement.")
		},
	},
	"lc_shipment_date_risk": {
		message: func(s say) string {
			var what string
			switch s.str("lc_reason") {
			case "shipped_after":
				what = fmt.Sprintf("a été expédiée le %s, après la date limite d'expédition de son crédit documentaire (%s)", s.date("ship_date"), s.date("lc_date"))
			case "not_shipped":
				what = fmt.Sprintf("a encore %s sur %s à expédier alors que la date limite d'expédition de son crédit documentaire était le %s (il y a %s)",
					s.qty("gap_qty"), s.qty("ordered_qty"), s.date("lc_date"), s.days(s.int("days")))
			default:
				what = fmt.Sprintf("doit partir le %s, après la date limite d'expédition de son crédit documentaire (%s)", s.date("planned_ship_date"), s.date("lc_date"))
			}
			return fmt.Sprintf("%s %s. La banque peut refuser les documents : %s en jeu.", capital(s.line()), what, s.money("value_at_stake_doc"))
		},
		remedy: func(s say) string {
			if s.str("lc_reason") == "shipped_after" {
				return "Demander à l'acheteur de lever la réserve ou de faire amender le crédit avant de présenter les documents."
			}
			return "Demander à l'acheteur de faire amender le crédit (nouvelle date limite d'expédition et de validité) avant d'expédier : la date limite d'expédition n'est jamais prorogée d'office."
		},
	},
	"lc_expiry_risk": {
		message: func(s say) string {
			expired := s.past("lc_expiry_date")
			if !s.has("shipment_id") {
				if expired {
					return fmt.Sprintf("Le crédit documentaire de la commande %s a expiré le %s (il y a %s) et %s restent à expédier : la banque ne paiera pas des marchandises expédiées maintenant.",
						s.str("order_id"), s.date("lc_expiry_date"), s.days(s.int("days")), s.money("value_at_stake_doc"))
				}
				return fmt.Sprintf("Le crédit documentaire de la commande %s expire le %s, dans moins de %d jours, et %s restent à expédier.",
					s.str("order_id"), s.date("lc_expiry_date"), lcDays(s), s.money("value_at_stake_doc"))
			}
			if expired {
				return fmt.Sprintf("L'expédition %s de la commande %s est partie le %s ; son crédit documentaire a expiré le %s (il y a %s), %s avant la fin des %d jours de présentation des documents ; %s en jeu.",
					s.str("shipment_id"), s.str("order_id"), s.date("ship_date"), s.date("lc_expiry_date"), s.days(s.int("days")),
					s.days(s.int("days_short")), lcDays(s), s.money("value_at_stake_doc"))
			}
			return fmt.Sprintf("L'expédition %s de la commande %s est partie le %s : ses documents peuvent être présentés jusqu'au %s, mais le crédit documentaire expire le %s (%s plus tôt) ; %s en jeu.",
				s.str("shipment_id"), s.str("order_id"), s.date("ship_date"), s.date("presentation_due"), s.date("lc_expiry_date"),
				s.days(s.int("days_short")), s.money("value_at_stake_doc"))
		},
		remedy: func(s say) string {
			switch {
			case s.past("lc_expiry_date") && !s.has("shipment_id"):
				return "Ne pas expédier sous le crédit expiré : demander à l'acheteur de le faire amender (nouvelles dates de validité et d'expédition) ou convenir d'autres conditions de paiement (paiement d'avance, remise documentaire) avant le départ des marchandises."
			case s.past("lc_expiry_date"):
				return fmt.Sprintf("Le crédit a expiré le %s sans que les documents soient présentés : demander à la banque un amendement (l'acheteur doit accepter de proroger la validité) ou encaisser hors crédit (remise documentaire, ou paiement convenu avec l'acheteur).", s.date("lc_expiry_date"))
			case s.today("lc_expiry_date"):
				return "Présenter les documents à la banque aujourd'hui, ou demander dès maintenant à l'acheteur de proroger la validité du crédit."
			}
			return fmt.Sprintf("Présenter les documents avant le %s, ou demander dès maintenant à l'acheteur de proroger la validité du crédit.", s.date("lc_expiry_date"))
		},
	},
	"missing_document": {
		message: func(s say) string {
			var where string
			switch {
			case s.bool("upcoming"):
				where = fmt.Sprintf("commande %s, à expédier le %s", s.str("order_id"), s.date("ship_date"))
			case s.int("shipment_count") > 1:
				where = fmt.Sprintf("commande %s, %d expéditions (%s)", s.str("order_id"), s.int("shipment_count"), s.str("shipment_ids"))
			default:
				where = fmt.Sprintf("commande %s, expédition %s du %s", s.str("order_id"), s.str("shipment_id"), s.date("ship_date"))
			}
			state := map[string]string{"absent": "n'est pas au dossier", "missing": "est enregistré comme manquant", "rejected": "a été rejeté"}[s.str("doc_status")]
			return fmt.Sprintf("%s : le document « %s » exigé sur ce flux (%s, %s, %s) %s.",
				capital(where), docName(s, s.str("doc_type")), laneName(s), s.modes("transport_mode"), s.str("incoterm"), state)
		},
		remedy: func(s say) string {
			if s.str("doc_status") == "rejected" {
				return fmt.Sprintf("Corriger le document « %s » rejeté et le renvoyer.", docName(s, s.str("doc_type")))
			}
			if s.bool("upcoming") {
				return fmt.Sprintf("Préparer le document « %s » avant le départ des marchandises.", docName(s, s.str("doc_type")))
			}
			return fmt.Sprintf("Établir le document « %s » et le classer avec l'expédition.", docName(s, s.str("doc_type")))
		},
	},
	"incoterm_mode_mismatch": {
		message: func(s say) string {
			return fmt.Sprintf("La commande %s est en %s, un Incoterm réservé au maritime et au fluvial, mais voyage par %s : le transfert des risques « à bord du navire » n'a pas de sens.",
				s.str("order_id"), s.str("incoterm"), s.modes("transport_mode"))
		},
		remedy: func(s say) string {
			if !s.has("replacement") {
				return "Choisir un Incoterm multimodal (EXW, FCA, CPT, CIP, DAP, DPU, DDP) et amender la commande."
			}
			return fmt.Sprintf("Utiliser %s à la place (même partage des frais, pour tout mode) et amender la commande et ses documents.", s.str("replacement"))
		},
	},
	"obsolete_incoterm": {
		message: func(s say) string {
			if !s.bool("incoterm_known") {
				return fmt.Sprintf("La commande %s (%s) utilise l'Incoterm « %s », qui ne fait pas partie des 11 Incoterms 2020.", s.str("order_id"), s.lines(s.int("line_count")), s.str("incoterm"))
			}
			return fmt.Sprintf("La commande %s (%s) utilise %s, qui ne fait pas partie des 11 Incoterms 2020 : qui paie quoi et qui porte le risque peut être contesté.",
				s.str("order_id"), s.lines(s.int("line_count")), s.str("incoterm"))
		},
		remedy: func(s say) string {
			if s.has("replacement") {
				return fmt.Sprintf("Utiliser %s, la règle des Incoterms 2020 qui a remplacé %s, et amender la commande.", s.str("replacement"), s.str("incoterm"))
			}
			return "Utiliser l'un des Incoterms 2020 (EXW, FCA, FAS, FOB, CFR, CIF, CPT, CIP, DAP, DPU, DDP) et amender la commande."
		},
	},
	"kpi_signal": {
		message: func(s say) string { return kpiSignalMessage(s) },
		remedy: func(s say) string {
			return fmt.Sprintf("Ouvrir les lignes concernées (orderflow kpi --explain %s --week %s%s) et chercher la cause en réunion du lundi.",
				s.str("kpi"), weekName(s), explainBy(s))
		},
	},
}

func orphanRefFR(s say) string {
	if s.bool("order_known") && s.has("line_no") {
		return fmt.Sprintf("la ligne %s de la commande %s, qui n'existe pas", s.str("line_no"), s.str("order_id"))
	}
	return fmt.Sprintf("la commande %s, absente de l'extraction des commandes", s.str("order_id"))
}

func stockRemedyFR(s say, none string) string {
	var out []string
	gap := s.float("gap_qty")
	switch own := s.float("own_available"); {
	case s.str("code") == "late_backlog" && own >= gap && gap > 0:
		out = append(out, fmt.Sprintf("%s a %s disponibles : expédier les %s dès maintenant.", s.str("site"), s.qty("own_available"), s.qty("gap_qty")))
	case s.float("partial_qty") > 0 && s.float("partial_qty") < gap:
		out = append(out, fmt.Sprintf("Expédier tout de suite les %s disponibles à %s (expédition partielle), et les %s restants plus tard.",
			s.qty("partial_qty"), s.str("site"), s.num(gap-s.float("partial_qty"))))
	}
	if s.has("other_site") {
		out = append(out, fmt.Sprintf("%s a %s disponibles : expédier depuis ce site ou transférer.", s.str("other_site"), s.qty("other_available")))
	}
	if s.has("faster_mode") {
		m := fmt.Sprintf("Par %s (en général %s au lieu de %s par %s), la marchandise arriverait le %s",
			s.modes("faster_mode"), s.days(s.int("faster_transit_days")), s.days(s.int("current_transit_days")), s.modes("transport_mode"), s.date("faster_arrival"))
		if s.bool("meets_due") {
			m += ", à temps"
		}
		out = append(out, m+".")
	}
	if len(out) == 0 {
		return none
	}
	return strings.Join(out, " ")
}
