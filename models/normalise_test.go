package models

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderflow/orderflow/config"
)

// The staging models read codes the way ERPs write them (issue 14): Odoo's Incoterm
// display name "[FCA] FREE CARRIER" (account.incoterms shows "[code] NAME"), a code
// followed by its place, a country name in English or French or an Odoo External ID
// (res.country's base.de), a stock location path (Odoo's stock.location "LYO/Stock"),
// status labels in English and French (Odoo's sale.order state selection).
func TestStagingNormalisesWhatERPsWrite(t *testing.T) {
	st := openStore(t)
	dir := filepath.Join(t.TempDir(), "x")
	writeFiles(t, dir, map[string]string{
		"orders.csv": "order_id,customer_id,order_date,ship_from_site,ship_to_country,incoterm,incoterm_place,status\n" +
			"S1,C1,2026-11-02,Lyon,Germany,[FCA] FREE CARRIER,,Sales Order\n" +
			"S2,C2,2026-11-02,LYO,Allemagne,FCA Paris,,Bon de commande\n" +
			"S3,C3,2026-11-02,LYO/Stock,base.de,fca,Lyon,Annulé\n" +
			"S4,C3,2026-11-02,LYO,DEU,DAT Dakar,,Locked\n" +
			"S5,C3,2026-11-02,LYO,base.uk,Free Carrier,,open\n" +
			"S6,C3,2026-11-02,LYO,Atlantis,XYZ Somewhere,,Devis\n" +
			"S7,C3,2026-11-02,LYO,US,CIF Incoterms® 2020 Dakar,,cancel\n" +
			"S8,C3,2026-11-02,LYO,base.sn,account.incoterm_DAP,,\n",
		"order_lines.csv": "order_id,line_no,sku,ordered_qty,unit_price,requested_date,status\n" +
			"S1,1,A,1,1,2026-11-20,Sales Order\nS2,1,A,1,1,2026-11-20,Annulé\nS6,1,A,1,1,2026-11-20,Devis\nS3,1,A,1,1,2026-11-20,Vollständig bearbeitet\n",
		"customers.csv": "customer_id,name,country\nC1,Müller GmbH,Allemagne\nC2,Acme Inc,Vereinigte Staaten\nC3,Sahel SA,SEN\nC4,Ivoire SA,Elfenbeinküste\n",
		"stock.csv": "snapshot_date,site,sku,on_hand_qty,reserved_qty\n" +
			"2026-11-30,LYO/Stock,A,40,0\n2026-11-30,LYO/Stock/Shelf 2,A,15,1\n2026-11-30,PAR,A,5,0\n2026-11-30,Entrepôt Paris/Stock,B,7,0\n",
	})
	loadCanonical(t, st, dir)
	cfg := config.Default()
	cfg.Sites = map[string]string{"Lyon": "LYO", "Entrepot Paris": "PAR"}
	rep := mustBuild(t, st, cfg, "2026-12-05")

	got := queryText(t, st, `SELECT concat_ws('|', order_id, ship_from_site, ship_to_country, incoterm, coalesce(incoterm_place, '-'), status) FROM stg_orders ORDER BY order_id`)
	want := strings.Join([]string{
		"S1|LYO|DE|FCA|-|open",
		"S2|LYO|DE|FCA|Paris|open",
		"S3|LYO|DE|FCA|Lyon|cancelled",
		"S4|LYO|DE|DAT|Dakar|closed",
		"S5|LYO|GB|FCA|-|open",
		"S6|LYO|ATLANTIS|XYZ SOMEWHERE|-|quotation",
		"S7|LYO|US|CIF|Dakar|cancelled",
		"S8|LYO|SN|DAP|-",
	}, " ")
	if got != want {
		t.Fatalf("stg_orders:\n got %s\nwant %s", got, want)
	}
	// A quotation's lines are no order lines; labels read as statuses.
	if got := queryText(t, st, `SELECT order_id || '=' || status FROM stg_order_lines ORDER BY order_id`); got != "S1=open S2=cancelled S3=closed" {
		t.Fatalf("stg_order_lines: %s", got)
	}
	if got := queryText(t, st, `SELECT customer_id || '=' || country FROM stg_customers ORDER BY 1`); got != "C1=DE C2=US C3=SN C4=CI" {
		t.Fatalf("stg_customers: %s", got)
	}
	// The locations of one warehouse are its stock, summed.
	if got := queryText(t, st, `SELECT site || '/' || sku || '=' || CAST(CAST(on_hand_qty AS INTEGER) AS VARCHAR) || '-' || CAST(CAST(reserved_qty AS INTEGER) AS VARCHAR) FROM stg_stock ORDER BY 1`); got != "LYO/A=55-1 PAR/A=5-0 PAR/B=7-0" {
		t.Fatalf("stg_stock: %s", got)
	}
	// What no rule reads is kept as written, and the build says so without failing.
	warned := strings.Join(rep.Warnings, "\n")
	if !strings.Contains(warned, "XYZ SOMEWHERE") || !strings.Contains(warned, "ATLANTIS") {
		t.Fatalf("the build did not warn of the unknown Incoterm and country: %q", warned)
	}
	// obsolete_incoterm is for the real 2010 codes only, not for unreadable text.
	if got := queryText(t, st, `SELECT order_id FROM anomaly_obsolete_incoterm ORDER BY 1`); got != "S4" {
		t.Fatalf("obsolete_incoterm on %q, want S4 (DAT) only", got)
	}
}
