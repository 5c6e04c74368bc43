package anomalies

import (
	"fmt"
	"strings"

	"github.com/orderflow/orderflow/i18n"
)

// text says one anomaly code: what is wrong, and what to do (nil when nothing can be
// proposed). Each receives the anomaly's facts (the columns of its model).
type text struct {
	message func(s say) string
	remedy  func(s say) string
}

var texts = map[string]map[string]text{i18n.EN: textsEN, i18n.FR: textsFR}

var reopenedNote = map[string]string{
	i18n.EN: "It was marked resolved, but the latest data still shows it: reopened.",
	i18n.FR: "Elle avait été marquée résolue, mais les dernières données la montrent encore : rouverte.",
}

var textsEN = map[string]text{
	"short_shipment": {
		message: func(s say) string {
			shipped := "nothing was shipped"
			if s.float("shipped_qty") > 0 {
				shipped = fmt.Sprintf("only %s of %s were shipped (last shipment %s on %s)",
					s.qty("shipped_qty"), s.qty("ordered_qty"), s.str("shipment_id"), s.date("ship_date"))
			}
			return fmt.Sprintf("%s is closed in the ERP, but %s: %s missing, worth %s.",
				capital(s.line()), shipped, s.qty("gap_qty"), s.money("value_at_stake_doc"))
		},
		remedy: func(s say) string {
			return fmt.Sprintf("Ship the missing %s, or agree a credit note with the customer; then correct the line in the ERP.", s.qty("gap_qty"))
		},
	},
	"over_shipment": {
		message: func(s say) string {
			return fmt.Sprintf("%s: %s shipped against %s ordered, %s too many (worth %s); %s invoiced.",
				capital(s.line()), s.qty("shipped_qty"), s.qty("ordered_qty"), s.qty("gap_qty"), s.money("value_at_stake_doc"), s.qty("invoiced_qty"))
		},
		remedy: func(s say) string {
			return fmt.Sprintf("Invoice the extra %s (%s) with the customer's agreement, or arrange their return.", s.qty("gap_qty"), s.money("value_at_stake_doc"))
		},
	},
	"shipped_not_invoiced": {
		message: func(s say) string {
			return fmt.Sprintf("%s: %s shipped since %s (%s ago) and still not invoiced.",
				capital(s.line()), s.qty("shipped_qty"), s.date("ship_date"), s.days(s.int("days")))
		},
		remedy: func(s say) string {
			return fmt.Sprintf("Raise the invoice: %s × %s = %s.", s.qty("shipped_qty"), s.money("unit_price"), s.money("expected_amount"))
		},
	},
	"invoice_qty_mismatch": {
		message: func(s say) string {
			return fmt.Sprintf("%s: %s invoiced (latest invoice %s) but %s shipped, a gap of %s worth %s.",
				capital(s.line()), s.qty("invoiced_qty"), s.str("invoice_id"), s.qty("shipped_qty"), s.num(abs(s.float("gap_qty"))), s.money("value_at_stake_doc"))
		},
		remedy: func(s say) string {
			if s.float("gap_qty") > 0 {
				return fmt.Sprintf("Issue a credit note for the %s invoiced but not shipped (%s), or ship them.", s.qty("gap_qty"), s.money("value_at_stake_doc"))
			}
			return fmt.Sprintf("Invoice the %s shipped but not billed (%s).", s.num(-s.float("gap_qty")), s.money("value_at_stake_doc"))
		},
	},
	"invoice_price_mismatch": {
		message: func(s say) string {
			return fmt.Sprintf("Invoice %s (%s): amount %s for %s × %s = %s, a gap of %s.",
				s.str("invoice_id"), s.line(), s.money("amount"), s.qty("invoiced_qty"), s.money("unit_price"), s.money("expected_amount"), s.money("value_at_stake_doc"))
		},
		remedy: func(s say) string {
			if s.float("amount") > s.float("expected_amount") {
				return fmt.Sprintf("Issue a credit note for %s, unless the order's price is the one to correct.", s.money("value_at_stake_doc"))
			}
			return fmt.Sprintf("Issue a complementary invoice for %s, unless the order's price is the one to correct.", s.money("value_at_stake_doc"))
		},
	},
	"delivery_before_ship": {
		message: func(s say) string {
			return fmt.Sprintf("Shipment %s (%s) is recorded as delivered on %s, %s before it was shipped on %s.",
				s.str("shipment_id"), s.line(), s.date("delivery_date"), s.days(s.int("days")), s.date("ship_date"))
		},
		remedy: func(s say) string {
			return "Correct the goods-issue or the proof-of-delivery date in the ERP; until then the on-time figures of this line are wrong."
		},
	},
	"ship_before_order": {
		message: func(s say) string {
			return fmt.Sprintf("Shipment %s (%s) left on %s, %s before the order was placed on %s.",
				s.str("shipment_id"), s.line(), s.date("ship_date"), s.days(s.int("days")), s.date("order_date"))
		},
		remedy: func(s say) string {
			return "Check the order date and the goods-issue date in the ERP and correct the wrong one."
		},
	},
	"orphan_shipment": {
		message: func(s say) string {
			return fmt.Sprintf("Shipment %s (%s shipped on %s) refers to %s.",
				s.str("shipment_id"), s.qty("shipped_qty"), s.date("ship_date"), orphanRefEN(s))
		},
		remedy: func(s say) string {
			return "Find the right order line and correct the shipment's reference in the ERP (or load the missing order): otherwise nobody invoices these goods."
		},
	},
	"orphan_invoice": {
		message: func(s say) string {
			return fmt.Sprintf("Invoice %s bills %s for %s on %s, against %s.",
				s.str("invoice_id"), s.qty("invoiced_qty"), s.money("amount"), s.date("invoice_date"), orphanRefEN(s))
		},
		remedy: func(s say) string {
			return "Check the invoice's order reference; if it is wrong, credit it and invoice the right order line."
		},
	},
	"orphan_claim": {
		message: func(s say) string {
			return fmt.Sprintf("Claim %s (%s, opened on %s, cost %s) refers to %s.",
				s.str("claim_id"), s.str("claim_type"), s.date("opened_date"), s.money("value_at_stake_doc"), orphanRefEN(s))
		},
		remedy: func(s say) string {
			return "Attach the claim to the right order and line, so that its cost counts against them."
		},
	},
	"duplicate_record": {
		message: func(s say) string {
			return fmt.Sprintf("The %s extract %s holds %s %d times with different values (%s).",
				s.str("entity"), fileName(s.str("source_file")), s.str("key_text"), s.int("versions"), s.str("changed_columns"))
		},
		remedy: func(s say) string {
			return "Fix the extract at its source so that each key appears once; until then the last row of the file is the one used."
		},
	},
	"late_backlog": {
		message: func(s say) string {
			m := fmt.Sprintf("%s was due on %s: %s late, %s of %s shipped, %s still to ship, worth %s.",
				capital(s.line()), s.date("due_date"), s.days(s.int("days")), s.qty("shipped_qty"), s.qty("ordered_qty"),
				s.qty("gap_qty"), s.money("value_at_stake_doc"))
			if s.str("line_status") == "closed" {
				m += " The ERP has closed the line although it is short."
			}
			return m
		},
		remedy: func(s say) string {
			if s.str("line_status") == "closed" {
				return "Agree with the customer: ship the rest, or issue a credit note and tell them."
			}
			return stockRemedyEN(s, "Confirm a new date to the customer: no site has the stock now.")
		},
	},
	"due_soon_short": {
		message: func(s say) string {
			due := "in " + s.days(s.int("days_left"))
			if s.int("days_left") == 0 {
				due = "today"
			}
			out := fmt.Sprintf("runs out by %s", s.date("projected_stockout_date"))
			if s.past("projected_stockout_date") {
				out = fmt.Sprintf("ran out on %s", s.date("projected_stockout_date"))
			}
			m := fmt.Sprintf("%s is due on %s (%s), but the stock at %s %s: %s to ship, %s available now",
				capital(s.line()), s.date("due_date"), due, s.str("site"), out, s.qty("gap_qty"), s.qty("available_qty"))
			if s.float("incoming_qty") > 0 {
				if s.past("incoming_date") {
					m += fmt.Sprintf(", %s expected since %s and not received", s.qty("incoming_qty"), s.date("incoming_date"))
				} else {
					m += fmt.Sprintf(", %s incoming on %s", s.qty("incoming_qty"), s.date("incoming_date"))
				}
			}
			return m + " and earlier-due lines to serve first."
		},
		remedy: func(s say) string {
			return stockRemedyEN(s, "Warn the customer now and confirm a new date, or speed up the replenishment.")
		},
	},
	"lc_shipment_date_risk": {
		message: func(s say) string {
			var what string
			switch s.str("lc_reason") {
			case "shipped_after":
				what = fmt.Sprintf("shipped on %s, after the latest shipment date of its letter of credit (%s)", s.date("ship_date"), s.date("lc_date"))
			case "not_shipped":
				what = fmt.Sprintf("has %s of %s still to ship although the latest shipment date of its letter of credit was %s (%s ago)",
					s.qty("gap_qty"), s.qty("ordered_qty"), s.date("lc_date"), s.days(s.int("days")))
			default:
				what = fmt.Sprintf("is planned to ship on %s, after the latest shipment date of its letter of credit (%s)", s.date("planned_ship_date"), s.date("lc_date"))
			}
			return fmt.Sprintf("%s %s. The bank may refuse the documents: %s at stake.", capital(s.line()), what, s.money("value_at_stake_doc"))
		},
		remedy: func(s say) string {
			if s.str("lc_reason") == "shipped_after" {
				return "Ask the buyer to waive the discrepancy or to amend the credit before presenting the documents."
			}
			return "Ask the buyer to have the credit amended (new latest shipment date and expiry) before shipping: a latest shipment date is never extended by itself."
		},
	},
	"lc_expiry_risk": {
		message: func(s say) string {
			expired := s.past("lc_expiry_date")
			if !s.has("shipment_id") {
				if expired {
					return fmt.Sprintf("The letter of credit of order %s expired on %s (%s ago) with %s still to ship: the bank will not pay for goods shipped now.",
						s.str("order_id"), s.date("lc_expiry_date"), s.days(s.int("days")), s.money("value_at_stake_doc"))
				}
				return fmt.Sprintf("The letter of credit of order %s expires on %s, less than %d days from now, with %s still to ship.",
					s.str("order_id"), s.date("lc_expiry_date"), lcDays(s), s.money("value_at_stake_doc"))
			}
			if expired {
				return fmt.Sprintf("Shipment %s of order %s left on %s; its letter of credit expired on %s (%s ago), %s before the %d days for presenting the documents ran out; %s at stake.",
					s.str("shipment_id"), s.str("order_id"), s.date("ship_date"), s.date("lc_expiry_date"), s.days(s.int("days")),
					s.days(s.int("days_short")), lcDays(s), s.money("value_at_stake_doc"))
			}
			return fmt.Sprintf("Shipment %s of order %s left on %s: its documents may reach the bank until %s, but the letter of credit expires on %s (%s earlier); %s at stake.",
				s.str("shipment_id"), s.str("order_id"), s.date("ship_date"), s.date("presentation_due"), s.date("lc_expiry_date"),
				s.days(s.int("days_short")), s.money("value_at_stake_doc"))
		},
		remedy: func(s say) string {
			switch {
			case s.past("lc_expiry_date") && !s.has("shipment_id"):
				return "Do not ship under the expired credit: ask the buyer to have it amended (new expiry and latest shipment date) or agree other payment terms (prepayment, documentary collection) before the goods leave."
			case s.past("lc_expiry_date"):
				return fmt.Sprintf("The credit expired on %s with the documents not presented: ask the bank for an amendment (the buyer must agree to extend the expiry) or collect outside the L/C (documentary collection, or payment agreed with the buyer).", s.date("lc_expiry_date"))
			case s.today("lc_expiry_date"):
				return "Present the documents to the bank today, or ask the buyer for an extension of the expiry date now."
			}
			return fmt.Sprintf("Present the documents before %s, or ask the buyer for an extension of the expiry date now.", s.date("lc_expiry_date"))
		},
	},
	"missing_document": {
		message: func(s say) string {
			var where string
			switch {
			case s.bool("upcoming"):
				where = fmt.Sprintf("order %s, to ship on %s", s.str("order_id"), s.date("ship_date"))
			case s.int("shipment_count") > 1:
				where = fmt.Sprintf("order %s, %d shipments (%s)", s.str("order_id"), s.int("shipment_count"), s.str("shipment_ids"))
			default:
				where = fmt.Sprintf("order %s, shipment %s of %s", s.str("order_id"), s.str("shipment_id"), s.date("ship_date"))
			}
			state := map[string]string{"absent": "is not on file", "missing": "is recorded as missing", "rejected": "was rejected"}[s.str("doc_status")]
			return fmt.Sprintf("%s: the %s required on this lane (%s, %s, %s) %s.",
				capital(where), docName(s, s.str("doc_type")), laneName(s), s.modes("transport_mode"), s.str("incoterm"), state)
		},
		remedy: func(s say) string {
			if s.str("doc_status") == "rejected" {
				return fmt.Sprintf("Correct the rejected %s and send it again.", docName(s, s.str("doc_type")))
			}
			if s.bool("upcoming") {
				return fmt.Sprintf("Prepare the %s before the goods leave.", docName(s, s.str("doc_type")))
			}
			return fmt.Sprintf("Issue the %s and file it with the shipment.", docName(s, s.str("doc_type")))
		},
	},
	"incoterm_mode_mismatch": {
		message: func(s say) string {
			return fmt.Sprintf("Order %s uses %s, an Incoterm for sea and inland waterway only, but travels by %s: the risk is meant to pass on board a vessel that does not exist.",
				s.str("order_id"), s.str("incoterm"), s.modes("transport_mode"))
		},
		remedy: func(s say) string {
			if !s.has("replacement") {
				return "Choose an Incoterm for any mode (EXW, FCA, CPT, CIP, DAP, DPU, DDP) and amend the order."
			}
			return fmt.Sprintf("Use %s instead (the same split of costs, for any mode) and amend the order and its documents.", s.str("replacement"))
		},
	},
	"obsolete_incoterm": {
		message: func(s say) string {
			if !s.bool("incoterm_known") {
				return fmt.Sprintf("Order %s (%s) uses the Incoterm %q, which is not one of the 11 Incoterms 2020.", s.str("order_id"), s.lines(s.int("line_count")), s.str("incoterm"))
			}
			return fmt.Sprintf("Order %s (%s) uses %s, which is not one of the 11 Incoterms 2020: who pays what and who bears the risk are open to dispute.",
				s.str("order_id"), s.lines(s.int("line_count")), s.str("incoterm"))
		},
		remedy: func(s say) string {
			if s.has("replacement") {
				return fmt.Sprintf("Use %s instead, the Incoterms 2020 rule that replaced %s, and amend the order.", s.str("replacement"), s.str("incoterm"))
			}
			return "Use one of the Incoterms 2020 (EXW, FCA, FAS, FOB, CFR, CIF, CPT, CIP, DAP, DPU, DDP) and amend the order."
		},
	},
	"kpi_signal": {
		message: func(s say) string { return kpiSignalMessage(s) },
		remedy: func(s say) string {
			return fmt.Sprintf("Open the lines behind it (orderflow kpi --explain %s --week %s%s) and look for the root cause in the Monday meeting.",
				s.str("kpi"), weekName(s), explainBy(s))
		},
	},
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func orphanRefEN(s say) string {
	if s.bool("order_known") && s.has("line_no") {
		return fmt.Sprintf("line %s of order %s, which has no such line", s.str("line_no"), s.str("order_id"))
	}
	return fmt.Sprintf("order %s, which is not in the order extract", s.str("order_id"))
}

// stockRemedyEN proposes, from the remedy facts, a shipment now, another site, a faster mode.
func stockRemedyEN(s say, none string) string {
	var out []string
	gap := s.float("gap_qty")
	switch own := s.float("own_available"); {
	case s.str("code") == "late_backlog" && own >= gap && gap > 0:
		out = append(out, fmt.Sprintf("%s has %s available: ship the %s now.", s.str("site"), s.qty("own_available"), s.qty("gap_qty")))
	case s.float("partial_qty") > 0 && s.float("partial_qty") < gap:
		out = append(out, fmt.Sprintf("Ship the %s available at %s now (partial shipment) and the other %s later.",
			s.qty("partial_qty"), s.str("site"), s.num(gap-s.float("partial_qty"))))
	}
	if s.has("other_site") {
		out = append(out, fmt.Sprintf("%s has %s available: ship from there or transfer.", s.str("other_site"), s.qty("other_available")))
	}
	if s.has("faster_mode") {
		m := fmt.Sprintf("By %s (typically %s instead of %s by %s) it would arrive on %s",
			s.modes("faster_mode"), s.days(s.int("faster_transit_days")), s.days(s.int("current_transit_days")), s.modes("transport_mode"), s.date("faster_arrival"))
		if s.bool("meets_due") {
			m += ", in time"
		}
		out = append(out, m+".")
	}
	if len(out) == 0 {
		return none
	}
	return strings.Join(out, " ")
}

func lcDays(s say) int64 { return s.int("presentation_days") }

func fileName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}
