package ingest

import (
	"fmt"
	"path/filepath"
	"strings"
)

// DraftProfile writes a mapping profile (YAML) to start from for a file no profile
// reads: its header is found as the loader finds one (the line, before the first 30,
// that splits into the most cells), and each heading is matched against the canonical
// field names and against every column and label of the built-in profiles ("Sales
// Document" is SAP's VBELN, so order_id). The entity is the one most headings feed.
// Every field the entity needs and no heading matched is written as a comment to fill.
func DraftProfile(path string) (string, error) {
	header, delim, err := draftHeader(path)
	if err != nil {
		return "", err
	}
	builtin, err := BuiltinProfiles()
	if err != nil {
		return "", err
	}
	// heading -> entity -> field, and why
	type match struct{ field, why string }
	votes := map[string]map[string]match{}
	vote := func(heading, entity, field, why string) {
		if votes[entity] == nil {
			votes[entity] = map[string]match{}
		}
		for _, m := range votes[entity] {
			if m.field == field {
				return // the first heading for a field wins
			}
		}
		if _, taken := votes[entity][heading]; !taken {
			votes[entity][heading] = match{field, why}
		}
	}
	for _, h := range header {
		key := normHeader(h)
		if key == "" {
			continue
		}
		for entity, keys := range canonicalFields() {
			for _, f := range keys {
				if key == normHeader(f) {
					vote(h, entity, f, "the canonical name")
				}
			}
		}
		for _, p := range builtin {
			for _, fsp := range p.Files {
				for _, em := range fsp.Entities {
					for field, spec := range em.Fields {
						col := spec.Column
						if col == "" {
							continue
						}
						if key == normHeader(col) {
							vote(h, em.Entity, field, fmt.Sprintf("as profile %s names it", p.Name))
						}
						for _, label := range fsp.Labels[col] {
							if key == normHeader(label) {
								vote(h, em.Entity, field, fmt.Sprintf("a label of %s's %s", p.Name, col))
							}
						}
					}
				}
			}
		}
	}
	best, bestN := "", 0
	for _, e := range entityOrder {
		if n := len(votes[e]); n > bestN {
			best, bestN = e, n
		}
	}
	if best == "" {
		return "", fmt.Errorf("cannot draft a profile for %s: none of its headings (%s) names a canonical field or a column of the built-in profiles; write the profile by hand (README, \"Map your own extract\")", path, strings.Join(header, ", "))
	}
	name := strings.ToLower(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	name = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, name)
	var b strings.Builder
	fmt.Fprintf(&b, "# Drafted by `orderflow profile draft` from %s. Check every line, then try it:\n", filepath.Base(path))
	fmt.Fprintf(&b, "#   orderflow ingest --profile THIS_FILE.yaml --explain %s\n", filepath.Base(path))
	fmt.Fprintf(&b, "name: %s\nfiles:\n  - kind: %s\n", name, best)
	var keyHeadings []string
	fields := map[string]string{}
	whys := map[string]string{}
	for h, m := range votes[best] {
		fields[m.field] = h
		whys[m.field] = m.why
	}
	for _, f := range canonicalFields()[best] {
		if h, ok := fields[f]; ok {
			keyHeadings = append(keyHeadings, yamlString(h))
		}
	}
	if len(keyHeadings) > 0 {
		fmt.Fprintf(&b, "    match: [%s]   # the headings that tell this kind of file\n", strings.Join(keyHeadings, ", "))
	}
	if delim != 0 {
		fmt.Fprintf(&b, "    delimiter: %s\n", yamlString(string(delim)))
	}
	b.WriteString("    # decimal: \",\"               # if the numbers are written 1.234,56\n")
	b.WriteString("    # date_formats: [\"%d.%m.%Y\"] # if the dates are not YYYY-MM-DD\n")
	fmt.Fprintf(&b, "    entities:\n      - entity: %s\n        fields:\n", best)
	keys := map[string]bool{}
	for _, k := range canonicalKeys[best] {
		keys[k] = true
	}
	for _, f := range canonicalFields()[best] {
		if h, ok := fields[f]; ok {
			fmt.Fprintf(&b, "          %s: %s  # %s\n", f, yamlString(h), whys[f])
		} else if keys[f] {
			fmt.Fprintf(&b, "          # %s: ???   (required: the column holding the %s)\n", f, f)
		} else {
			fmt.Fprintf(&b, "          # %s:\n", f)
		}
	}
	var unread []string
	for _, h := range header {
		if _, ok := votes[best][h]; !ok && strings.TrimSpace(h) != "" {
			unread = append(unread, h)
		}
	}
	if len(unread) > 0 {
		fmt.Fprintf(&b, "# headings not mapped: %s\n", strings.Join(unread, ", "))
	}
	var others []string
	for _, e := range entityOrder {
		if e != best && len(votes[e]) > 1 {
			others = append(others, fmt.Sprintf("%s (%d headings)", e, len(votes[e])))
		}
	}
	if len(others) > 0 {
		fmt.Fprintf(&b, "# the file may also feed %s: add an entity for each (README, \"Map your own extract\")\n", strings.Join(others, ", "))
	}
	return b.String(), nil
}

// draftHeader is the likely header of a file: for a workbook, the first row of cells of
// its first sheet; for text, the line that splits into the most cells.
func draftHeader(path string) ([]string, rune, error) {
	format, err := formatOf(path, "")
	if err != nil {
		return nil, 0, err
	}
	switch format {
	case "xlsx":
		heads, sheets, err := xlsxHeaders(path, "", Limits{}.withDefaults())
		if err != nil {
			return nil, 0, err
		}
		for _, sh := range sheets {
			if hs := heads[sh]; len(hs) > 0 {
				return hs[0].cells, 0, nil
			}
		}
		return nil, 0, fmt.Errorf("%s holds no row of cells", path)
	case "csv":
		sn, err := sniffText(path, "")
		if err != nil {
			return nil, 0, err
		}
		var best headerCandidate
		for _, hc := range sn.headerCandidates("", "") {
			if len(hc.cells) > len(best.cells) {
				best = hc
			}
		}
		if len(best.cells) < 2 {
			return nil, 0, fmt.Errorf("%s: no line of its first 30 splits into columns by ';', tab, ',' or '|'", path)
		}
		return best.cells, best.delim, nil
	}
	return nil, 0, fmt.Errorf("%s: a draft is made from CSV or XLSX files", path)
}

// canonicalFields lists each entity's fields in the model's order.
func canonicalFields() map[string][]string {
	return map[string][]string{
		"customers":   {"customer_id", "name", "country", "segment", "language", "payment_terms", "vat_number"},
		"products":    {"sku", "description", "family", "unit", "net_weight_kg", "hs_code", "origin_country", "unit_cost"},
		"orders":      {"order_id", "customer_id", "order_date", "ship_from_site", "ship_to_country", "incoterm", "incoterm_place", "transport_mode", "currency", "payment_method", "lc_latest_shipment_date", "lc_expiry_date", "status"},
		"order_lines": {"order_id", "line_no", "sku", "ordered_qty", "unit_price", "requested_date", "promised_date", "planned_ship_date", "status"},
		"shipments":   {"shipment_id", "order_id", "line_no", "shipped_qty", "ship_date", "delivery_date", "carrier", "transport_mode", "forwarder", "freight_cost", "weight_kg", "packages"},
		"invoices":    {"invoice_id", "order_id", "line_no", "invoice_date", "invoiced_qty", "amount", "currency"},
		"stock":       {"snapshot_date", "site", "sku", "on_hand_qty", "reserved_qty", "incoming_qty", "incoming_date"},
		"claims":      {"claim_id", "order_id", "line_no", "shipment_id", "opened_date", "closed_date", "type", "cause", "responsible", "claimed_qty", "returned_qty", "cost", "status"},
		"documents":   {"order_id", "shipment_id", "doc_type", "status", "issued_date", "reference"},
	}
}

func yamlString(s string) string {
	s = strings.TrimSpace(s)
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}
