-- Shipments, one row per (shipment_id, order_id, line_no): a delivery of (part of) a line
-- (latest load wins).
-- materialized: view
-- (its key is tested unique on int_shipment, a table: a test on this view would redo the deduplication)
SELECT * EXCLUDE (_rid)
FROM stg_shipment_rows
-- Left out: the rows a later row of the same key replaces (latest load, then last row of
-- the file: _row, or the order of the table where the fast CSV path left _row NULL).
-- A window over the key columns alone finds them (few), much cheaper than one that
-- carries every column.
WHERE _rid NOT IN (
    SELECT rowid FROM shipments
    QUALIFY row_number() OVER (PARTITION BY shipment_id, order_id, line_no ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1)
