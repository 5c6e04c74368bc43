#!/usr/bin/env python3
"""Writes the bad-input catalogue's files (catalogue.yaml says what each must give)."""
import os
import random

os.chdir(os.path.dirname(os.path.abspath(__file__)))
H = "order_id,line_no,sku,ordered_qty,unit_price,requested_date,promised_date"
OK = ",5,2.5,2026-11-20,2026-11-21\n"


def w(name, data):
    with open(name, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


w("two_bad_dates_then_empty_key.csv", H + "\nS1,10,A,5,2.5,2026-13-40,2026-99-01\n,20,B,3,2.5,2026-11-20,2026-11-21\nS3,30,C,7,2.5,2026-11-20,2026-11-21\n")
w("short_last_line.csv", H + "\n0010000001,10,LUB-1,4,12.5,2026-11-20,2026-11-21\n0010000002,10,LUB-1,9")
w("too_many_fields.csv", H + "\nS1,10,A" + OK + "S2,10,Valve, stainless" + OK)
w("duplicate_header.csv", "order_id,line_no,sku,ordered_qty,requested_date,ordered_qty\nS1,10,A,5,2026-11-20,50\n")
w("empty.csv", "")
w("bom_and_blank_lines.csv", b"\xef\xbb\xbf\r\n\r\n")
w("colon_delimited.csv", H.replace(",", ":") + "\nS1:10:A:5:2.5:2026-11-20:2026-11-21\n")
w("header_only.csv", H + "\r\n")
neg = H + "\nS1,10,A,-5,2.5,2026-11-20,2026-11-21\nS2,10,A,0,2.5,2026-11-20,2026-11-21\nS3,10,A" + OK
w("negative_and_zero_qty.csv", neg)
w("negative_qty_sanity_reject.csv", neg)
w("date_decades_away.csv", H + "\nS1,10,A,5,2.5,2062-11-20,2026-11-21\nS2,10,A" + OK)
w("bad_number.csv", H + '\nS1,10,A,"12,5",2.5,2026-11-20,2026-11-21\nS2,10,A' + OK)
w("unterminated_quote.csv", H + "\nS1,10,A" + OK + 'S2,10,"Valve DN25' + OK + "S3,10,A" + OK)
w("formula_in_cell.csv", H + "\nS1,10,\"=cmd|' /C calc'!A0\"" + OK)
w("missing_required_column.csv", "order_id,line_no,sku\nS1,10,A\n")
random.seed(17)
w("binary_garbage.csv", bytes(random.randrange(256) for _ in range(4000)))
w("nul_in_row.csv", H + "\nS1,10,A\x00B" + OK + "S2,10,A" + OK)
w("not_a_workbook.xlsx", H + "\nS1,10,A" + OK)
w("blank_lines_between.csv", (H + "\n\nS1,10,A" + OK + "\n\nS2,10,A" + OK).replace("\n", "\r\n"))
w("latin1_text.csv", (H + "\nS1,10,Vanne inox étanche" + OK).encode("latin-1"))
w("invalid_date_february.csv", H + "\nS1,10,A,5,2.5,2026-02-30,2026-11-21\n")
w("quoted_newline_and_doubled_quotes.csv", H + '\n"S1","10","Valve 1"" \nstainless","5","2.5","2026-11-20","2026-11-21"\n')
