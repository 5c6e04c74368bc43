#!/usr/bin/env python3
"""Writes the SAP fixtures of testdata/erp/SCENARIO.md, byte for byte.

    python3 testdata/erp/sap/make_fixtures.py

Four folders, each with the four lists a user saves from SAP GUI:
VA05 (sales items), VL06O (delivery items), VF05 (billing items), MB52 (stock).

  technical/    technical field names as headings (SE16N-style), ';' or tab,
                dd.mm.yyyy, 1.234,56, trailing minus, Windows-1252, CRLF.
  labels_en/    "Text with Tabs" (List > Export > Local File), English logon,
                MM/DD/YYYY, 1,234.56, UTF-16LE with BOM (Unicode SAP GUI default), CRLF.
  labels_de/    "Text with Tabs", German logon, DD.MM.YYYY, 1.234,56,
                Windows-1252 (encoding 1160 chosen in the save dialog), CRLF.
  unconverted/  "Unconverted" (List > Export > Local File), English logon,
                YYYY.MM.DD, 1 234,56, '|' cells, UTF-8 with BOM, CRLF.

See README.md next to this script for where each detail comes from.
Only the standard library is used; the output is deterministic.
"""
from datetime import date
from decimal import Decimal as D
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# --------------------------------------------------------------------------
# The business (SCENARIO.md) in SAP terms
# --------------------------------------------------------------------------
CUSTOMERS = {
    "0000100001": ("Müller GmbH", "DE"),
    "0000100002": ("Acme Inc", "US"),
    "0000100003": ("Sahel SA", "SN"),
}
MATERIALS = {
    "VN-25": "Vanne inox DN25",
    "PM-40": "Pompe centrifuge PM40",
    "JT-10": "Joint torique 10 mm",
}
PLANT = "1000"  # plant 1000 "Lyon" = warehouse LYO

# order -> sold-to, document date, Incoterms 1/2, shipping type, currency, promised date
ORDERS = {
    "0000012231": ("0000100001", date(2026, 11, 2), "FCA", "Lyon", "01", "EUR", date(2026, 11, 20)),
    "0000012232": ("0000100002", date(2026, 11, 4), "DAP", "Chicago", "05", "USD", date(2026, 11, 25)),
    "0000012233": ("0000100003", date(2026, 11, 5), "CIF", "Dakar", "04", "EUR", date(2026, 11, 24)),
    "0000012234": ("0000100001", date(2026, 11, 6), "FCA", "Lyon", "01", "EUR", date(2026, 11, 27)),
    "0000012235": ("0000100002", date(2026, 11, 10), "FCA", "Lyon", "05", "USD", date(2026, 12, 15)),
}
# order, item, material, quantity, net price, reason for rejection, overall status (GBSTA)
ITEMS = [
    ("0000012231", "000010", "VN-25", D("100"), D("12.50"), "", "C"),
    ("0000012231", "000020", "PM-40", D("10"), D("480.00"), "", "B"),
    ("0000012232", "000010", "VN-25", D("50"), D("14.00"), "", "C"),
    ("0000012233", "000010", "PM-40", D("5"), D("480.00"), "", "A"),
    ("0000012234", "000010", "VN-25", D("20"), D("12.50"), "03", "C"),  # rejected: 03 Too expensive
    ("0000012235", "000010", "JT-10", D("200"), D("0.80"), "", "A"),
]
# delivery, item, order, order item, material, quantity, actual GI date, shipping type, carrier, gross weight kg
DELIVERIES = [
    ("0080000101", "000010", "0000012231", "000010", "VN-25", D("100"), date(2026, 11, 19), "01", "DHL Freight", D("80.000")),
    ("0080000101", "000020", "0000012231", "000020", "PM-40", D("6"), date(2026, 11, 19), "01", "DHL Freight", D("72.000")),
    ("0080000102", "000010", "0000012232", "000010", "VN-25", D("50"), date(2026, 11, 21), "05", "FedEx", D("40.000")),
    ("0080000104", "000010", "0000012231", "000020", "PM-40", D("4"), date(2026, 11, 26), "01", "DHL Freight", D("48.000")),
]
# billing doc, billing type, billing date, sales doc, sales item, material, billed qty, net value, currency
# The G2 credit memo refers to invoice 90000102 (VF01 with reference), so its
# sales document/item are those of the original order. It is written negative.
BILLING = [
    ("0090000101", "F2", date(2026, 11, 20), "0000012231", "000010", "VN-25", D("100"), D("1250.00"), "EUR"),
    ("0090000101", "F2", date(2026, 11, 20), "0000012231", "000020", "PM-40", D("6"), D("2880.00"), "EUR"),
    ("0090000102", "F2", date(2026, 11, 21), "0000012232", "000010", "VN-25", D("50"), D("700.00"), "USD"),
    ("0090000103", "G2", date(2026, 11, 28), "0000012232", "000010", "VN-25", D("-2"), D("-28.00"), "USD"),
]
# material, plant, storage location, unrestricted, quality inspection, blocked (snapshot 2026-11-30)
STOCK = [
    ("JT-10", PLANT, "0001", D("150"), D("0"), D("0")),
    ("PM-40", PLANT, "0001", D("0"), D("0"), D("3")),
    ("VN-25", PLANT, "0001", D("40"), D("0"), D("0")),
    ("VN-25", PLANT, "0002", D("15"), D("0"), D("0")),  # LYO/Stock/Shelf 2
]

EXPORT_DAY = date(2026, 12, 5)   # VA05, VL06O, VF05 run on the as-of date
STOCK_DAY = date(2026, 11, 30)   # MB52 run on the snapshot date (it is in the file name)

# --------------------------------------------------------------------------
# Formatting as the user's defaults (SU3) make SAP write it
# --------------------------------------------------------------------------
# decimal notation (USR01-DCPFM): ' ' = 1.234.567,89   X = 1,234,567.89   Y = 1 234 567,89
SEPARATORS = {" ": (",", "."), "X": (".", ","), "Y": (",", " ")}
# date format (USR01-DATFM): 1 = DD.MM.YYYY   2 = MM/DD/YYYY   4 = YYYY.MM.DD
DATE_PATTERNS = {"1": "%d.%m.%Y", "2": "%m/%d/%Y", "4": "%Y.%m.%d"}
# commercial (output) unit of the internal unit ST, by logon language (T006A)
UNITS = {"E": {"ST": "PC", "KG": "KG"}, "D": {"ST": "ST", "KG": "KG"}}


def fmt_number(value, decimals, notation, sign_place=False):
    """SAP list output of a packed number: grouped, trailing minus.

    With sign_place the last position is the sign place: '-' or a blank
    (WRITE reserves it, ABAP keyword documentation 'WRITE, Predefined Formats').
    """
    dec_sep, thou_sep = SEPARATORS[notation]
    q = abs(value).quantize(D(1).scaleb(-decimals)) if decimals else abs(value).quantize(D(1))
    whole, _, frac = f"{q:f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = thou_sep.join(groups) + (dec_sep + frac if decimals else "")
    if value < 0:
        return text + "-"
    return text + (" " if sign_place else "")


def fmt_date(d, datfm):
    return d.strftime(DATE_PATTERNS[datfm]) if d else ""


def alpha_out(key):
    """Conversion exit ALPHA on output: numeric keys lose their leading zeros."""
    if key.isdigit():
        return key.lstrip("0") or "0"
    return key


# --------------------------------------------------------------------------
# Columns: (technical field, kind, output length)
#   kind: key (ALPHA), item (NUMC item), text, qty, amount (2 decimals), weight (3 decimals), date, unit
# --------------------------------------------------------------------------
SALES_COLS = [
    ("KUNNR", "key", 10), ("NAME1", "text", 35), ("LAND1", "text", 3),
    ("VBELN", "key", 10), ("AUDAT", "date", 10), ("POSNR", "item", 6),
    ("MATNR", "text", 18), ("ARKTX", "text", 40), ("KWMENG", "qty", 15),
    ("VRKME", "unit", 3), ("NETPR", "amount", 14), ("NETWR", "amount", 18),
    ("WAERK", "text", 5), ("WERKS", "text", 4), ("VDATU", "date", 10),
    ("EDATU", "date", 10), ("INCO1", "text", 3), ("INCO2", "text", 28),
    ("VSART", "text", 2), ("ABGRU", "text", 2), ("GBSTA", "text", 1),
]
DELIVERY_COLS = [
    ("VBELN", "key", 10), ("POSNR", "item", 6), ("MATNR", "text", 18),
    ("ARKTX", "text", 40), ("LFIMG", "qty", 15), ("VRKME", "unit", 3),
    ("VGBEL", "key", 10), ("VGPOS", "item", 6), ("WADAT_IST", "date", 10),
    ("VSART", "text", 2), ("TDLNR", "text", 10), ("BRGEW", "weight", 17),
    ("GEWEI", "unit", 3),
]
BILLING_COLS = [
    ("VBELN", "key", 10), ("FKART", "text", 4), ("FKDAT", "date", 10),
    ("AUBEL", "key", 10), ("AUPOS", "item", 6), ("MATNR", "text", 18),
    ("ARKTX", "text", 40), ("FKIMG", "qty", 15), ("VRKME", "unit", 3),
    ("NETWR", "amount", 18), ("WAERK", "text", 5),
]
STOCK_COLS = [
    ("MATNR", "text", 18), ("MAKTX", "text", 40), ("WERKS", "text", 4),
    ("LGORT", "text", 4), ("MEINS", "unit", 3), ("LABST", "qty", 15),
    ("INSME", "qty", 15), ("SPEME", "qty", 15),
]
NUMERIC = {"qty", "amount", "weight"}

# Column headings as the ALV shows them (medium field labels; see labels.yaml)
HEADINGS = {
    "E": {
        "sales": {"KUNNR": "Sold-to party", "NAME1": "Name 1", "LAND1": "Country",
                  "VBELN": "Sales Document", "AUDAT": "Document Date", "POSNR": "Item",
                  "MATNR": "Material", "ARKTX": "Description", "KWMENG": "Order Quantity",
                  "VRKME": "SU", "NETPR": "Net price", "NETWR": "Net Value", "WAERK": "Curr.",
                  "WERKS": "Plant", "VDATU": "Req. deliv.date", "EDATU": "Delivery Date",
                  "INCO1": "Incoterms", "INCO2": "Incoterms 2", "VSART": "Shipping type",
                  "ABGRU": "Reason for rej.", "GBSTA": "Overall Status"},
        "deliveries": {"VBELN": "Delivery", "POSNR": "Item", "MATNR": "Material",
                       "ARKTX": "Description", "LFIMG": "Delivery quantity", "VRKME": "SU",
                       "VGBEL": "Reference document", "VGPOS": "Reference item",
                       "WADAT_IST": "Act. GI date", "VSART": "Shipping type",
                       "TDLNR": "Forwarding agent", "BRGEW": "Gross weight", "GEWEI": "Weight unit"},
        "billing": {"VBELN": "Billing Document", "FKART": "Billing Type", "FKDAT": "Billing Date",
                    "AUBEL": "Sales Document", "AUPOS": "Item", "MATNR": "Material",
                    "ARKTX": "Description", "FKIMG": "Billed Quantity", "VRKME": "SU",
                    "NETWR": "Net Value", "WAERK": "Curr."},
        "stock": {"MATNR": "Material", "MAKTX": "Material Description", "WERKS": "Plant",
                  "LGORT": "Storage Location", "MEINS": "Base Unit of Measure",
                  "LABST": "Unrestricted", "INSME": "In Quality Insp.", "SPEME": "Blocked"},
    },
    "D": {
        "sales": {"KUNNR": "Auftraggeber", "NAME1": "Name 1", "LAND1": "Land",
                  "VBELN": "Verkaufsbeleg", "AUDAT": "Belegdatum", "POSNR": "Position",
                  "MATNR": "Material", "ARKTX": "Bezeichnung", "KWMENG": "Auftragsmenge",
                  "VRKME": "VME", "NETPR": "Nettopreis", "NETWR": "Nettowert", "WAERK": "Währg",
                  "WERKS": "Werk", "VDATU": "Wunschlieferdat.", "EDATU": "Lieferdatum",
                  "INCO1": "Incoterms", "INCO2": "Incoterms 2", "VSART": "Versandart",
                  "ABGRU": "Absagegrund", "GBSTA": "Gesamtstatus"},
        "deliveries": {"VBELN": "Lieferung", "POSNR": "Position", "MATNR": "Material",
                       "ARKTX": "Bezeichnung", "LFIMG": "Liefermenge", "VRKME": "VME",
                       "VGBEL": "Referenzbeleg", "VGPOS": "Referenzposition",
                       "WADAT_IST": "Ist-WA-Datum", "VSART": "Versandart",
                       "TDLNR": "Spediteur", "BRGEW": "Bruttogewicht", "GEWEI": "Gewichtseinheit"},
        "billing": {"VBELN": "Faktura", "FKART": "Fakturaart", "FKDAT": "Fakturadatum",
                    "AUBEL": "Verkaufsbeleg", "AUPOS": "Position", "MATNR": "Material",
                    "ARKTX": "Bezeichnung", "FKIMG": "Fakturierte Menge", "VRKME": "VME",
                    "NETWR": "Nettowert", "WAERK": "Währg"},
        "stock": {"MATNR": "Material", "MAKTX": "Materialkurztext", "WERKS": "Werk",
                  "LGORT": "Lagerort", "MEINS": "Basismengeneinheit",
                  "LABST": "Frei verwendbar", "INSME": "Qualitätsprüfung", "SPEME": "Gesperrt"},
    },
}
LIST_TITLE = {"E": "Dynamic List Display", "D": "Dynamische Listenausgabe"}


# --------------------------------------------------------------------------
# Rows, as dicts of technical field -> raw value
# --------------------------------------------------------------------------
def sales_rows():
    for order, item, matnr, qty, price, abgru, gbsta in ITEMS:
        kunnr, audat, inco1, inco2, vsart, waerk, promised = ORDERS[order]
        name1, land1 = CUSTOMERS[kunnr]
        yield {"KUNNR": kunnr, "NAME1": name1, "LAND1": land1, "VBELN": order, "AUDAT": audat,
               "POSNR": item, "MATNR": matnr, "ARKTX": MATERIALS[matnr], "KWMENG": qty,
               "VRKME": "ST", "NETPR": price, "NETWR": qty * price, "WAERK": waerk,
               "WERKS": PLANT, "VDATU": promised, "EDATU": promised, "INCO1": inco1,
               "INCO2": inco2, "VSART": vsart, "ABGRU": abgru, "GBSTA": gbsta}


def delivery_rows():
    for vbeln, posnr, vgbel, vgpos, matnr, qty, gi, vsart, carrier, weight in DELIVERIES:
        yield {"VBELN": vbeln, "POSNR": posnr, "MATNR": matnr, "ARKTX": MATERIALS[matnr],
               "LFIMG": qty, "VRKME": "ST", "VGBEL": vgbel, "VGPOS": vgpos, "WADAT_IST": gi,
               "VSART": vsart, "TDLNR": carrier, "BRGEW": weight, "GEWEI": "KG"}


def billing_rows():
    for vbeln, fkart, fkdat, aubel, aupos, matnr, qty, netwr, waerk in BILLING:
        yield {"VBELN": vbeln, "FKART": fkart, "FKDAT": fkdat, "AUBEL": aubel, "AUPOS": aupos,
               "MATNR": matnr, "ARKTX": MATERIALS[matnr], "FKIMG": qty, "VRKME": "ST",
               "NETWR": netwr, "WAERK": waerk}


def stock_rows():
    for matnr, werks, lgort, labst, insme, speme in STOCK:
        yield {"MATNR": matnr, "MAKTX": MATERIALS[matnr], "WERKS": werks, "LGORT": lgort,
               "MEINS": "ST", "LABST": labst, "INSME": insme, "SPEME": speme}


LISTS = [
    # kind, file name, columns, rows, export day
    ("sales", "VA05_20261205.txt", SALES_COLS, sales_rows, EXPORT_DAY),
    ("deliveries", "VL06O_20261205.txt", DELIVERY_COLS, delivery_rows, EXPORT_DAY),
    ("billing", "VF05_20261205.txt", BILLING_COLS, billing_rows, EXPORT_DAY),
    ("stock", "stock_20261130.txt", STOCK_COLS, stock_rows, STOCK_DAY),
]


# --------------------------------------------------------------------------
# Cell rendering for an ALV list (what "Unconverted" and "Text with Tabs" carry)
# --------------------------------------------------------------------------
def list_cell(kind, value, lang, datfm, notation):
    if kind == "key":
        return alpha_out(value)
    if kind == "item":
        return value.lstrip("0") or "0"   # item numbers show as 10, 20 in these ALV lists
    if kind == "date":
        return fmt_date(value, datfm)
    if kind == "unit":
        return UNITS[lang][value]
    if kind == "qty":       # unit ST (PC) has no decimal places: the ALV cuts them
        return fmt_number(value, 0, notation, sign_place=True)
    if kind == "amount":
        return fmt_number(value, 2, notation, sign_place=True)
    if kind == "weight":
        return fmt_number(value, 3, notation, sign_place=True)
    return value


def alv_table(kind_name, cols, rows, lang, datfm, notation):
    """Header and rows as fixed-width cells (text left, numbers right)."""
    heads = HEADINGS[lang][kind_name]
    widths, header, body = [], [], []
    cells = [[list_cell(k, r[f], lang, datfm, notation) for f, k, _ in cols] for r in rows]
    for i, (field, kind, outlen) in enumerate(cols):
        widths.append(max(outlen, len(heads[field]), *(len(c[i]) for c in cells)))
    for (field, kind, _), w in zip(cols, widths):
        h = heads[field]
        header.append(h.rjust(w) if kind in NUMERIC else h.ljust(w))
    for c in cells:
        body.append([v.rjust(w) if k in NUMERIC else v.ljust(w)
                     for v, (_, k, _), w in zip(c, cols, widths)])
    return widths, header, body


def title_line(day, lang, datfm, width, page=1):
    """Page header of the list: date left, title centred, page number right."""
    left, title, right = fmt_date(day, datfm), LIST_TITLE[lang], str(page)
    start = (width - len(title)) // 2
    line = left.ljust(start) + title
    return line.ljust(width - len(right)) + right


def unconverted(kind_name, cols, rows, day, lang, datfm, notation):
    widths, header, body = alv_table(kind_name, cols, rows, lang, datfm, notation)
    width = 1 + sum(w + 1 for w in widths)
    rule = "-" * width
    lines = [title_line(day, lang, datfm, width), rule, rule,
             "|" + "|".join(header) + "|",
             "|" + "-" * (width - 2) + "|"]
    lines += ["|" + "|".join(r) + "|" for r in body]
    lines.append(rule)
    return lines


def text_with_tabs(kind_name, cols, rows, day, lang, datfm, notation):
    """The same list, each '|' a tab: a leading empty cell, rules as empty cells,
    trailing blanks cut; right-aligned headings keep their leading blanks."""
    widths, header, body = alv_table(kind_name, cols, rows, lang, datfm, notation)
    width = 1 + sum(w + 1 for w in widths)
    empty = "\t" * len(cols)
    lines = [title_line(day, lang, datfm, width), empty, empty,
             "\t" + "\t".join(h.rstrip() for h in header), empty]
    lines += ["\t" + "\t".join(v.strip() for v in r) for r in body]
    lines.append(empty)
    return lines


# --------------------------------------------------------------------------
# Technical-name files (current ingest/profiles/sap.yaml shape)
# --------------------------------------------------------------------------
TECH = {
    # kind: (separator, lines before the heading, columns)
    "sales": (";", ["List of Sales Orders", ""],
              ["VBELN", "POSNR", "MATNR", "ARKTX", "KWMENG", "VRKME", "NETPR", "NETWR", "WAERK",
               "KUNNR", "NAME1", "LAND1", "AUDAT", "VDATU", "EDATU", "INCO1", "INCO2", "WERKS",
               "VSART", "ABGRU", "GBSTA"]),
    "deliveries": ("\t", ["", ""],
                   ["VBELN", "POSNR", "VGBEL", "VGPOS", "MATNR", "LFIMG", "VRKME", "WADAT_IST",
                    "VSART", "TDLNR", "BRGEW", "GEWEI"]),
    "billing": (";", ["Billing documents", ""],
                ["VBELN", "FKART", "FKDAT", "AUBEL", "AUPOS", "MATNR", "FKIMG", "VRKME", "NETWR",
                 "WAERK"]),
    "stock": (";", ["MB52 Warehouse stocks of material", ""],
              ["MATNR", "WERKS", "LGORT", "LABST", "INSME", "SPEME"]),
}


def technical(kind_name, cols, rows):
    sep, preamble, fields = TECH[kind_name]
    kinds = {f: k for f, k, _ in cols}
    lines = list(preamble) + [sep.join(fields)]
    for r in rows:
        out = []
        for f in fields:
            k, v = kinds[f], r[f]
            if k == "date":
                out.append(fmt_date(v, "1"))
            elif k in ("qty", "weight"):
                out.append(fmt_number(v, 3, " "))    # QUAN 13,3 as stored
            elif k == "amount":
                out.append(fmt_number(v, 2, " "))
            else:
                out.append(v)                        # internal format: leading zeros, unit ST
        lines.append(sep.join(out))
    return lines


# --------------------------------------------------------------------------
def write(folder, name, lines, encoding, bom=b""):
    path = os.path.join(HERE, folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = bom + "".join(line + "\r\n" for line in lines).encode(encoding)
    with open(path, "wb") as f:
        f.write(data)
    return path


FOLDERS = {
    # folder: (writer, logon language, date format, decimal notation, encoding, BOM)
    "labels_en": (text_with_tabs, "E", "2", "X", "utf-16-le", b"\xff\xfe"),
    "labels_de": (text_with_tabs, "D", "1", " ", "cp1252", b""),
    "unconverted": (unconverted, "E", "4", "Y", "utf-8", b"\xef\xbb\xbf"),
}


def main():
    written = []
    for kind_name, name, cols, rows, day in LISTS:
        written.append(write("technical", name, technical(kind_name, cols, list(rows())), "cp1252"))
        for folder, (writer, lang, datfm, notation, enc, bom) in FOLDERS.items():
            lines = writer(kind_name, cols, list(rows()), day, lang, datfm, notation)
            written.append(write(folder, name, lines, enc, bom))
    for p in written:
        print(os.path.relpath(p, HERE))


if __name__ == "__main__":
    main()
