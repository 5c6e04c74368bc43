-- Trade documents, one row per (order_id, shipment_id, doc_type); shipment_id is '' for an
-- order-level document (latest load wins). A status label ("Émis", "Abgelehnt") reads as
-- its canonical status (stg_status_label). The load writes doc_type in lower case, trimmed.
-- materialized: view
SELECT
    order_id,
    shipment_id,
    doc_type,
    coalesce(sl.status, lower(nullif(trim(d.status), ''))) AS status,
    issued_date,
    reference
FROM documents d
LEFT JOIN stg_status_label sl
       ON sl.applies_to = 'documents'
      AND sl.label_key = CASE WHEN d.status IN ('missing', 'draft', 'issued', 'sent', 'rejected') THEN NULL
                              ELSE lower(strip_accents(trim(regexp_replace(d.status, '\s+', ' ', 'g')))) END
-- Left out: the rows a later row of the same key in the same extract replaces, which
-- the first build after the load marks _superseded (the last row of the file wins; the
-- load deletes the rows of earlier extracts with the key, doc_type read in lower case):
-- see models.markSuperseded.
WHERE d._superseded IS NOT TRUE
