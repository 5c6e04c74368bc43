# One Odoo 17 order-to-cash business (testdata/erp/SCENARIO.md) exported three ways, byte
# for byte as the web client's Export dialog writes CSV (addons/web/controllers/export.py):
# csv.writer(quoting=QUOTE_ALL), "\r\n" after each row, UTF-8; a string starting with =, - or
# + gets a leading "'" (none does here).
#
# - odoo_labels_fr/, odoo_labels_en/: the normal mode. Headers are the field labels in the
#   user's language, "Parent/Child" for a related field; the `id` field is labelled
#   "External ID" ("ID externe") and gives __export__.<table>_<id>_<uuid8> for a record
#   without one; relations are display names, selections their labels.
# - odoo_import/: "I want to update data (import-compatible export)". Headers are field
#   paths; ticking a relation gives its External ID (path + "/id"), expanding it offers only
#   its id and name; read-only fields are not offered (get_fields skips field.readonly), so
#   a sale.order gives no Status and no Currency (related to the pricelist), a stock.move
#   no picking date nor carrier, an account.move.line no sale line (sale_line_ids is
#   read-only) and no Origin. The desk exports what this mode can give: orders from Sales >
#   Orders (confirmed ones: the menu leaves out quotations and cancelled orders) with their
#   lines as sub-records (one2many: the order's cells on its first line's row only), the
#   done moves from Inventory > Moves Analysis, the partners; invoices and quants come in
#   the normal mode (English) since import-compatible mode cannot link them.
#
# Run: python3 make_odoo_fixtures.py (from this folder).
import csv, os

def write(folder, name, header, rows):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)  # lineterminator "\r\n"
        w.writerow(header)
        for r in rows:
            w.writerow(r)

LINE = {512: "__export__.sale_order_line_512_5f2e1a9c", 513: "__export__.sale_order_line_513_0c1d2e3f",
        514: "__export__.sale_order_line_514_77aa10b2", 515: "__export__.sale_order_line_515_9e8d7c6b",
        516: "__export__.sale_order_line_516_1a2b3c4d", 517: "__export__.sale_order_line_517_5e6f7a8b",
        518: "__export__.sale_order_line_518_aa00bb11"}
VN, PM, JT = "[VN-25] Vanne inox DN25", "[PM-40] Pompe centrifuge PM40", "[JT-10] Joint torique 10 mm"

# Words that differ between the two languages of the normal mode.
LANG = {
    "fr": dict(
        line_file="Ligne de commande (sale.order.line).csv",
        line_header=["ID externe", "Référence de la commande", "Référence de la commande/Client",
                     "Référence de la commande/Client/Pays", "Référence de la commande/Date de commande",
                     "Référence de la commande/Date de livraison", "Référence de la commande/Incoterm",
                     "Référence de la commande/Entrepôt", "Référence de la commande/Devise",
                     "Produit", "Quantité", "Prix unitaire", "Statut"],
        germany="Allemagne", usa="États-Unis", senegal="Sénégal",
        sale="Bon de commande", cancel="Annulé", draft="Devis",
        move_file="Mouvements de stock (stock.move.line).csv",
        move_header=["Transfert", "Transfert/Document d'origine", "Transfert/Date effective", "Transfert/Transporteur",
                     "Mouvement de stock/Ligne de vente/ID externe", "Produit", "Quantité"],
        inv_file="Écritures comptables (account.move.line).csv",
        inv_header=["Pièce comptable", "Pièce comptable/Origine", "Pièce comptable/Date de facturation",
                    "Pièce comptable/Type", "Lignes de bons de commande/ID externe", "Produit", "Quantité",
                    "Sous-total", "Devise"],
        invoice="Facture client", refund="Avoir client",
        quant_file="Quants (stock.quant) 2026-11-30.csv",
        quant_header=["Produit", "Emplacement", "Quantité", "Quantité réservée"],
        partner_file="Contact (res.partner).csv",
        partner_header=["Nom", "Pays", "N° TVA", "Langue"],
        langs=["German / Deutsch", "English (US)", "French / Français"]),
    "en": dict(
        line_file="Sales Order Line (sale.order.line).csv",
        line_header=["External ID", "Order Reference", "Order Reference/Customer", "Order Reference/Customer/Country",
                     "Order Reference/Order Date", "Order Reference/Delivery Date", "Order Reference/Incoterm",
                     "Order Reference/Warehouse", "Order Reference/Currency",
                     "Product", "Quantity", "Unit Price", "Order Status"],
        germany="Germany", usa="United States", senegal="Senegal",
        sale="Sales Order", cancel="Cancelled", draft="Quotation",
        move_file="Moves Analysis (stock.move.line).csv",
        move_header=["Transfer", "Transfer/Source Document", "Transfer/Date of Transfer", "Transfer/Carrier",
                     "Stock Operation/Sale Line/External ID", "Product", "Quantity"],
        inv_file="Journal Item (account.move.line).csv",
        inv_header=["Journal Entry", "Journal Entry/Origin", "Journal Entry/Invoice/Bill Date", "Journal Entry/Type",
                    "Sales Order Lines/External ID", "Product", "Quantity", "Subtotal", "Currency"],
        invoice="Customer Invoice", refund="Customer Credit Note",
        quant_file="Quants (stock.quant) 2026-11-30.csv",
        quant_header=["Product", "Location", "Quantity", "Reserved Quantity"],
        partner_file="Contact (res.partner).csv",
        partner_header=["Name", "Country", "Tax ID", "Language"],
        langs=["German / Deutsch", "English (US)", "French / Français"]),
}

def invoices(folder, L):
    write(folder, L["inv_file"], L["inv_header"],
          [["INV/2026/00101", "S00231", "2026-11-20", L["invoice"], LINE[512], VN, "100.0", "1250.0", "EUR"],
           ["INV/2026/00101", "S00231", "2026-11-20", L["invoice"], LINE[513], PM, "6.0", "2880.0", "EUR"],
           ["INV/2026/00102", "S00232", "2026-11-21", L["invoice"], LINE[514], VN, "50.0", "700.0", "USD"],
           ["RINV/2026/00001", "S00232", "2026-11-28", L["refund"], LINE[514], VN, "2.0", "28.0", "USD"]])

def quants(folder, L):
    write(folder, L["quant_file"], L["quant_header"],
          [[VN, "LYO/Stock", "40.0", "0.0"],
           [VN, "LYO/Stock/Shelf 2", "15.0", "0.0"],
           [PM, "LYO/Stock", "3.0", "3.0"],
           [JT, "LYO/Stock", "150.0", "0.0"]])

def normal_mode(lang):
    L, folder = LANG[lang], "odoo_labels_" + lang
    de, us, sn = L["germany"], L["usa"], L["senegal"]
    write(folder, L["line_file"], L["line_header"],
          [[LINE[512], "S00231", "Müller GmbH", de, "2026-11-02 09:15:00", "2026-11-20 10:00:00", "[FCA] FREE CARRIER", "Lyon", "EUR", VN, "100.0", "12.5", L["sale"]],
           [LINE[513], "S00231", "Müller GmbH", de, "2026-11-02 09:15:00", "2026-11-20 10:00:00", "[FCA] FREE CARRIER", "Lyon", "EUR", PM, "10.0", "480.0", L["sale"]],
           [LINE[514], "S00232", "Acme Inc", us, "2026-11-04 16:40:00", "2026-11-25 10:00:00", "[DAP] DELIVERED AT PLACE", "Lyon", "USD", VN, "50.0", "14.0", L["sale"]],
           [LINE[515], "S00233", "Sahel SA", sn, "2026-11-05 10:00:00", "2026-11-24 10:00:00", "[CIF] COST, INSURANCE AND FREIGHT", "Lyon", "EUR", PM, "5.0", "480.0", L["sale"]],
           [LINE[516], "S00234", "Müller GmbH", de, "2026-11-06 11:30:00", "2026-11-27 10:00:00", "[FCA] FREE CARRIER", "Lyon", "EUR", VN, "20.0", "12.5", L["cancel"]],
           [LINE[517], "S00235", "Acme Inc", us, "2026-11-10 08:05:00", "2026-12-15 10:00:00", "[FCA] FREE CARRIER", "Lyon", "USD", JT, "200.0", "0.8", L["sale"]],
           [LINE[518], "S00236", "Acme Inc", us, "2026-11-30 08:05:00", "", "", "Lyon", "USD", JT, "500.0", "0.8", L["draft"]]])
    write(folder, L["move_file"], L["move_header"],
          [["WH/OUT/00101", "S00231", "2026-11-19 14:02:11", "DHL Freight", LINE[512], VN, "100.0"],
           ["WH/OUT/00101", "S00231", "2026-11-19 14:02:11", "DHL Freight", LINE[513], PM, "6.0"],
           ["WH/OUT/00104", "S00231", "2026-11-26 09:30:00", "DHL Freight", LINE[513], PM, "4.0"],
           ["WH/OUT/00102", "S00232", "2026-11-21 11:45:00", "FedEx", LINE[514], VN, "50.0"]])
    invoices(folder, L)
    quants(folder, L)
    write(folder, L["partner_file"], L["partner_header"],
          [["Müller GmbH", de, "DE123456789", L["langs"][0]],
           ["Acme Inc", us, "", L["langs"][1]],
           ["Sahel SA", sn, "", L["langs"][2]]])

def import_compatible():
    folder = "odoo_import"
    P = {"mueller": "__export__.res_partner_14_0f1e2d3c", "acme": "__export__.res_partner_15_4b5a6978",
         "sahel": "__export__.res_partner_16_8c9dab0e"}
    SO = lambda n, uid: "__export__.sale_order_%d_%s" % (n, uid)
    write(folder, "Sales Order (sale.order).csv",
          ["id", "name", "partner_id/id", "date_order", "commitment_date", "incoterm/id", "warehouse_id",
           "pricelist_id", "order_line/id", "order_line/product_id", "order_line/product_uom_qty", "order_line/price_unit"],
          [[SO(231, "a1b2c3d4"), "S00231", P["mueller"], "2026-11-02 09:15:00", "2026-11-20 10:00:00", "account.incoterm_FCA", "Lyon", "Public Pricelist (EUR)", LINE[512], VN, "100.0", "12.5"],
           ["", "", "", "", "", "", "", "", LINE[513], PM, "10.0", "480.0"],
           [SO(232, "e5f60718"), "S00232", P["acme"], "2026-11-04 16:40:00", "2026-11-25 10:00:00", "account.incoterm_DAP", "Lyon", "USD Export (USD)", LINE[514], VN, "50.0", "14.0"],
           [SO(233, "293a4b5c"), "S00233", P["sahel"], "2026-11-05 10:00:00", "2026-11-24 10:00:00", "account.incoterm_CIF", "Lyon", "Public Pricelist (EUR)", LINE[515], PM, "5.0", "480.0"],
           [SO(235, "6d7e8f90"), "S00235", P["acme"], "2026-11-10 08:05:00", "2026-12-15 10:00:00", "account.incoterm_FCA", "Lyon", "USD Export (USD)", LINE[517], JT, "200.0", "0.8"]])
    write(folder, "Stock Move (stock.move).csv",
          ["id", "origin", "picking_id", "sale_line_id/id", "product_id", "quantity", "date"],
          [["__export__.stock_move_901_11223344", "S00231", "WH/OUT/00101", LINE[512], VN, "100.0", "2026-11-19 14:02:11"],
           ["__export__.stock_move_902_55667788", "S00231", "WH/OUT/00101", LINE[513], PM, "6.0", "2026-11-19 14:02:11"],
           ["__export__.stock_move_907_99aabbcc", "S00231", "WH/OUT/00104", LINE[513], PM, "4.0", "2026-11-26 09:30:00"],
           ["__export__.stock_move_903_ddeeff00", "S00232", "WH/OUT/00102", LINE[514], VN, "50.0", "2026-11-21 11:45:00"]])
    write(folder, "Contact (res.partner).csv",
          ["id", "name", "country_id/id", "vat", "lang"],
          [[P["mueller"], "Müller GmbH", "base.de", "DE123456789", "de_DE"],
           [P["acme"], "Acme Inc", "base.us", "", "en_US"],
           [P["sahel"], "Sahel SA", "base.sn", "", "fr_FR"]])
    invoices(folder, LANG["en"])
    quants(folder, LANG["en"])

normal_mode("fr")
normal_mode("en")
import_compatible()
