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
QUALIFY row_number() OVER (PARTITION BY order_id, shipment_id, lower(trim(doc_type)) ORDER BY _load_id DESC, _row DESC) = 1
