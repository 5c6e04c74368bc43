-- Documents get _superseded like the other extracts (006_superseded.sql): the load now
-- writes doc_type in lower case, trimmed, the key stg_documents reads, so that a later
-- extract replaces a document whatever the case of its type, and the first build after a
-- load marks the rows a later row of the same key in the same file replaces. stg_documents
-- then reads the rows not superseded instead of ranking every document at every build.
-- The rows already loaded are brought to the same state: their type normalised, and the
-- rows of an earlier load whose normalised key a later load carries deleted, as that load
-- would have done. Their loads are not in superseded_marked: the next build marks them.
-- (The column is added by 012: DuckDB refuses to alter a table in the transaction that
-- changed its rows.)
UPDATE documents SET doc_type = lower(trim(doc_type)) WHERE doc_type IS DISTINCT FROM lower(trim(doc_type));
DELETE FROM documents d USING (
    SELECT order_id, shipment_id, doc_type, max(_load_id) AS latest
    FROM documents GROUP BY ALL HAVING count(DISTINCT _load_id) > 1) n
WHERE d.order_id = n.order_id AND d.shipment_id = n.shipment_id AND d.doc_type = n.doc_type
  AND d._load_id < n.latest;
