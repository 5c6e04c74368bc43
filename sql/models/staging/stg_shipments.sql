-- Shipments, one row per (shipment_id, order_id, line_no): a delivery of (part of) a line
-- (latest load wins).
-- materialized: view
-- (a unique test on this view would redo the deduplication: see int_shipment)
SELECT
    shipment_id,
    order_id,
    line_no,
    shipped_qty,
    ship_date,
    delivery_date,
    nullif(trim(carrier), '')                AS carrier,
    lower(nullif(trim(transport_mode), ''))  AS transport_mode,
    nullif(trim(forwarder), '')              AS forwarder,
    freight_cost,
    weight_kg,
    packages
FROM shipments
-- Left out: the rows a later row of the same key replaces (latest load, then last row of
-- the file: _row, or the order of the table where the fast CSV path left _row NULL).
-- A window over the key columns alone finds them (few), much cheaper than one that
-- carries every column.
WHERE rowid NOT IN (
    SELECT rowid FROM shipments
    QUALIFY row_number() OVER (PARTITION BY shipment_id, order_id, line_no ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1)
