# The scenario of ../SCENARIO.md in orderflow's canonical columns, written as pandas'
# to_csv(quoting=csv.QUOTE_ALL) and Python's csv module write it: every cell quoted,
# "\r\n" after each record, UTF-8. Run: python3 _make_fixtures.py
import csv

def write(name, header, rows):
    with open(name, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerow(header)
        w.writerows(rows)

write("customers.csv", ["customer_id", "name", "country", "language", "payment_terms", "vat_number"],
      [["C-MUL", "Müller GmbH", "DE", "de", "30 days", "DE123456789"],
       ["C-ACM", "Acme Inc", "US", "en", "60 days", ""],
       ["C-SAH", "Sahel SA", "SN", "fr", "Immediate", ""]])
write("products.csv", ["sku", "description", "family", "unit"],
      [["VN-25", "Vanne inox DN25", "VALVES", "Units"], ["PM-40", "Pompe centrifuge PM40", "PUMPS", "Units"], ["JT-10", "Joint torique 10 mm", "SEALS", "Units"]])
write("orders.csv", ["order_id", "customer_id", "order_date", "ship_from_site", "ship_to_country", "incoterm", "incoterm_place", "transport_mode", "currency", "status"],
      [["S00231", "C-MUL", "2026-11-02", "LYO", "DE", "FCA", "Lyon", "road", "EUR", "open"],
       ["S00232", "C-ACM", "2026-11-04", "LYO", "US", "DAP", "Chicago", "air", "USD", "open"],
       ["S00233", "C-SAH", "2026-11-05", "LYO", "SN", "CIF", "Dakar", "sea", "EUR", "open"],
       ["S00234", "C-MUL", "2026-11-06", "LYO", "DE", "FCA", "Lyon", "road", "EUR", "cancelled"],
       ["S00235", "C-ACM", "2026-11-10", "LYO", "US", "FCA", "Lyon", "air", "USD", "open"]])
write("order_lines.csv", ["order_id", "line_no", "sku", "ordered_qty", "unit_price", "promised_date", "status"],
      [["S00231", "10", "VN-25", "100", "12.50", "2026-11-20", "open"],
       ["S00231", "20", "PM-40", "10", "480.00", "2026-11-20", "open"],
       ["S00232", "10", "VN-25", "50", "14.00", "2026-11-25", "open"],
       ["S00233", "10", "PM-40", "5", "480.00", "2026-11-24", "open"],
       ["S00234", "10", "VN-25", "20", "12.50", "2026-11-27", "cancelled"],
       ["S00235", "10", "JT-10", "200", "0.80", "2026-12-15", "open"]])
write("shipments.csv", ["shipment_id", "order_id", "line_no", "shipped_qty", "ship_date", "carrier", "transport_mode"],
      [["WH/OUT/00101", "S00231", "10", "100", "2026-11-19", "DHL Freight", "road"],
       ["WH/OUT/00101", "S00231", "20", "6", "2026-11-19", "DHL Freight", "road"],
       ["WH/OUT/00104", "S00231", "20", "4", "2026-11-26", "DHL Freight", "road"],
       ["WH/OUT/00102", "S00232", "10", "50", "2026-11-21", "FedEx", "air"]])
write("invoices.csv", ["invoice_id", "order_id", "line_no", "invoice_date", "invoiced_qty", "amount", "currency"],
      [["INV/2026/00101", "S00231", "10", "2026-11-20", "100", "1250.00", "EUR"],
       ["INV/2026/00101", "S00231", "20", "2026-11-20", "6", "2880.00", "EUR"],
       ["INV/2026/00102", "S00232", "10", "2026-11-21", "50", "700.00", "USD"],
       ["RINV/2026/00001", "S00232", "10", "2026-11-28", "-2", "-28.00", "USD"]])
write("stock.csv", ["snapshot_date", "site", "sku", "on_hand_qty", "reserved_qty"],
      [["2026-11-30", "LYO", "VN-25", "55", "0"], ["2026-11-30", "LYO", "PM-40", "3", "3"], ["2026-11-30", "LYO", "JT-10", "150", "0"]])
