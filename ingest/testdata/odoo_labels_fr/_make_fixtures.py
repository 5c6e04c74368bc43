# Odoo 17 exports in the normal (not import-compatible) mode, as a French user gets them:
# the web client's CSV export writes csv.writer(quoting=csv.QUOTE_ALL) rows ("\r\n" after
# each), UTF-8, the field labels in the user's language as headers ("Parent/Child" for a
# related field), relations as display names, selections as their labels, and an External
# ID where the user ticks "ID" (addons/web/controllers/export.py, CSVExport.from_data;
# odoo/models.py, _export_rows). Run: python3 _make_fixtures.py (a name starting with _ is not loaded)
import csv

def write(name, header, rows):
    with open(name, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)  # lineterminator "\r\n"
        w.writerow(header)
        for r in rows:
            w.writerow(r)

write("Ligne de commande (sale.order.line).csv",
      ["ID", "Référence de la commande", "Référence de la commande/Client", "Référence de la commande/Client/Pays",
       "Référence de la commande/Date de commande", "Référence de la commande/Date de livraison",
       "Référence de la commande/Incoterm", "Référence de la commande/Entrepôt", "Référence de la commande/Devise",
       "Produit", "Quantité", "Prix unitaire", "Statut"],
      [["__export__.sale_order_line_512_5f2e1a9c", "S00231", "Müller GmbH", "Allemagne", "2026-11-02 09:15:00", "2026-11-20 10:00:00", "[FCA] FREE CARRIER", "Lyon", "EUR", "[VN-25] Vanne inox DN25", "100.0", "12.5", "Bon de commande"],
       ["__export__.sale_order_line_513_0c1d2e3f", "S00231", "Müller GmbH", "Allemagne", "2026-11-02 09:15:00", "2026-11-20 10:00:00", "[FCA] FREE CARRIER", "Lyon", "EUR", "[PM-40] Pompe centrifuge PM40", "10.0", "480.0", "Bon de commande"],
       ["__export__.sale_order_line_514_77aa10b2", "S00232", "Acme Inc", "États-Unis", "2026-11-04 16:40:00", "2026-11-25 10:00:00", "[DAP] DELIVERED AT PLACE", "Lyon", "USD", "[VN-25] Vanne inox DN25", "50.0", "14.0", "Bon de commande"],
       ["__export__.sale_order_line_515_9e8d7c6b", "S00233", "Sahel SA", "Sénégal", "2026-11-05 10:00:00", "2026-11-24 10:00:00", "[CIF] COST, INSURANCE AND FREIGHT", "Lyon", "EUR", "[PM-40] Pompe centrifuge PM40", "5.0", "480.0", "Bon de commande"],
       ["__export__.sale_order_line_516_1a2b3c4d", "S00234", "Müller GmbH", "Allemagne", "2026-11-06 11:30:00", "2026-11-27 10:00:00", "[FCA] FREE CARRIER", "Lyon", "EUR", "[VN-25] Vanne inox DN25", "20.0", "12.5", "Annulé"],
       ["__export__.sale_order_line_517_5e6f7a8b", "S00235", "Acme Inc", "États-Unis", "2026-11-10 08:05:00", "2026-12-15 10:00:00", "[FCA] FREE CARRIER", "Lyon", "USD", "[JT-10] Joint torique 10 mm", "200.0", "0.8", "Bon de commande"],
       ["__export__.sale_order_line_518_aa00bb11", "S00236", "Acme Inc", "États-Unis", "2026-11-30 08:05:00", "", "", "Lyon", "USD", "[JT-10] Joint torique 10 mm", "500.0", "0.8", "Devis"]])

write("Mouvements de stock (stock.move.line).csv",
      ["Transfert", "Transfert/Document d'origine", "Transfert/Date effective", "Transfert/Transporteur",
       "Mouvement de stock/Ligne de vente/ID", "Produit", "Quantité"],
      [["WH/OUT/00101", "S00231", "2026-11-19 14:02:11", "DHL Freight", "__export__.sale_order_line_512_5f2e1a9c", "[VN-25] Vanne inox DN25", "100.0"],
       ["WH/OUT/00101", "S00231", "2026-11-19 14:02:11", "DHL Freight", "__export__.sale_order_line_513_0c1d2e3f", "[PM-40] Pompe centrifuge PM40", "6.0"],
       ["WH/OUT/00104", "S00231", "2026-11-26 09:30:00", "DHL Freight", "__export__.sale_order_line_513_0c1d2e3f", "[PM-40] Pompe centrifuge PM40", "4.0"],
       ["WH/OUT/00102", "S00232", "2026-11-21 11:45:00", "FedEx", "__export__.sale_order_line_514_77aa10b2", "[VN-25] Vanne inox DN25", "50.0"]])

write("Écritures comptables (account.move.line).csv",
      ["Pièce comptable", "Pièce comptable/Document d'origine", "Pièce comptable/Date de facturation", "Pièce comptable/Type",
       "Lignes de bons de commande/ID", "Produit", "Quantité", "Sous-total", "Devise"],
      [["INV/2026/00101", "S00231", "2026-11-20", "Facture client", "__export__.sale_order_line_512_5f2e1a9c", "[VN-25] Vanne inox DN25", "100.0", "1250.0", "EUR"],
       ["INV/2026/00101", "S00231", "2026-11-20", "Facture client", "__export__.sale_order_line_513_0c1d2e3f", "[PM-40] Pompe centrifuge PM40", "6.0", "2880.0", "EUR"],
       ["INV/2026/00102", "S00232", "2026-11-21", "Facture client", "__export__.sale_order_line_514_77aa10b2", "[VN-25] Vanne inox DN25", "50.0", "700.0", "USD"],
       ["RINV/2026/00001", "S00232", "2026-11-28", "Avoir client", "__export__.sale_order_line_514_77aa10b2", "[VN-25] Vanne inox DN25", "2.0", "28.0", "USD"]])

write("Quants (stock.quant) 2026-11-30.csv",
      ["Produit", "Emplacement", "Quantité", "Quantité réservée"],
      [["[VN-25] Vanne inox DN25", "LYO/Stock", "40.0", "0.0"],
       ["[VN-25] Vanne inox DN25", "LYO/Stock/Shelf 2", "15.0", "0.0"],
       ["[PM-40] Pompe centrifuge PM40", "LYO/Stock", "3.0", "3.0"],
       ["[JT-10] Joint torique 10 mm", "LYO/Stock", "150.0", "0.0"]])

write("Contact (res.partner).csv",
      ["Nom", "Pays", "N° TVA", "Langue"],
      [["Müller GmbH", "Allemagne", "DE123456789", "German / Deutsch"],
       ["Acme Inc", "États-Unis", "", "English (US)"],
       ["Sahel SA", "Sénégal", "", "French / Français"]])
