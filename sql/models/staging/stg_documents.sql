-- Trade documents, one row per (order_id, shipment_id, doc_type); shipment_id is '' for an
-- order-level document (latest load wins).
-- materialized: view
SELECT
    order_id,
    shipment_id,
    lower(trim(doc_type))            AS doc_type,
    lower(nullif(trim(status), ''))  AS status,
    issued_date,
    reference
FROM documents
-- Left out: the rows a later row of the same key replaces (latest load, then last row of
-- the file: _row, or the order of the table where the fast CSV path left _row NULL).
-- A window over the key columns alone finds them (few), much cheaper than one that
-- carries every column.
WHERE rowid NOT IN (
    SELECT rowid FROM documents
    QUALIFY row_number() OVER (PARTITION BY order_id, shipment_id, lower(trim(doc_type)) ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1)
