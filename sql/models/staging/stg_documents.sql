-- Trade documents, one row per (order_id, shipment_id, doc_type); shipment_id is '' for an
-- order-level document (latest load wins). A status label ("Émis", "Abgelehnt") reads as
-- its canonical status (stg_status_label).
-- materialized: view
SELECT
    order_id,
    shipment_id,
    lower(trim(doc_type))            AS doc_type,
    coalesce(sl.status, lower(nullif(trim(d.status), ''))) AS status,
    issued_date,
    reference
FROM documents d
LEFT JOIN stg_status_label sl
       ON sl.applies_to = 'documents'
      AND sl.label_key = CASE WHEN d.status IN ('missing', 'draft', 'issued', 'sent', 'rejected') THEN NULL
                              ELSE lower(strip_accents(trim(regexp_replace(d.status, '\s+', ' ', 'g')))) END
-- Left out: the rows a later row of the same key replaces (latest load, then last row of
-- the file: _row, or the order of the table where the fast CSV path left _row NULL).
-- A window over the key columns alone finds them (few), much cheaper than one that
-- carries every column; it ranks only the rows whose key hashes like another row's (a
-- key's rows share its hash), found by an integer GROUP BY.
WHERE d.rowid NOT IN (
    SELECT rowid FROM documents
    WHERE hash(order_id, shipment_id, lower(trim(doc_type))) IN (
        SELECT h FROM (SELECT hash(order_id, shipment_id, lower(trim(doc_type))) AS h FROM documents)
        GROUP BY h HAVING count(*) > 1)
    QUALIFY row_number() OVER (PARTITION BY order_id, shipment_id, lower(trim(doc_type)) ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1)
