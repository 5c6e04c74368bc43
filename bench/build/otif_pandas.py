"""The pandas equivalent of the bare DuckDB OTIF query of bench/build: otif_line over
the due lines of a generated canonical extract, as domain.md defines it (defaults).

    python3 bench/build/otif_pandas.py DIR AS_OF      # prints: seconds due otif
"""
import sys
import time

import pandas as pd

d, as_of = sys.argv[1], pd.Timestamp(sys.argv[2])
t = time.perf_counter()
lines = pd.read_csv(f"{d}/order_lines.csv", usecols=["order_id", "line_no", "ordered_qty", "requested_date", "promised_date", "status"],
                    parse_dates=["requested_date", "promised_date"], dtype={"order_id": str, "line_no": str})
orders = pd.read_csv(f"{d}/orders.csv", usecols=["order_id", "incoterm"], dtype=str)
ships = pd.read_csv(f"{d}/shipments.csv", usecols=["order_id", "line_no", "shipped_qty", "ship_date", "delivery_date"],
                    parse_dates=["ship_date", "delivery_date"], dtype={"order_id": str, "line_no": str})
lines = lines[(lines.status != "cancelled") & (lines.ordered_qty > 0)].copy()
lines["due"] = lines.promised_date.fillna(lines.requested_date)
lines = lines[lines.due < as_of]
orders["group_d"] = orders.incoterm.str.upper().isin(["DAP", "DPU", "DDP"])
ships = ships.merge(orders[["order_id", "group_d"]], on="order_id", how="left")
ships["event"] = ships.ship_date.where(~ships.group_d.fillna(False), ships.delivery_date.fillna(ships.ship_date))
m = lines.merge(ships[["order_id", "line_no", "shipped_qty", "event"]], on=["order_id", "line_no"], how="left")
m["q"] = m.shipped_qty.where(m.event <= m.due, 0).fillna(0)
q = m.groupby(["order_id", "line_no"], sort=False).agg(q=("q", "sum"), ordered=("ordered_qty", "first"))
due = len(q)
otif = int((q.q >= q.ordered).sum())
print(f"{time.perf_counter() - t:.3f} {due} {otif}")
