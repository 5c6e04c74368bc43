-- The trade documents each shipment needs (anomaly_document_need) that no usable document
-- serves: none on file for the shipment, nor at order level (shipment_id ''), which serves
-- every shipment of the order; or the latest version is recorded missing or rejected
-- (doc_status; 'absent' when there is none). A document issued after the as-of date was
-- not on file then (a build as of last week on today's extract).
-- anomaly_missing_document groups these by order and document type. A table refreshed by
-- order: joining every need to every document was the largest cost of the anomaly models
-- (20 million needs and 24 million documents at ten million lines).
-- materialized: table
-- incremental: order_id
WITH doc AS NOT MATERIALIZED (
    -- per order, shipment ('' at order level) and type (stg_documents keeps one row per
    -- key, its latest version): is it usable, else its bad status
    SELECT order_id, shipment_id, doc_type,
           (status IS NULL OR status NOT IN ('missing', 'rejected'))
               AND coalesce(issued_date <= p.as_of, true)                    AS usable,
           CASE WHEN status IN ('rejected', 'missing') THEN status END       AS bad_status
    FROM stg_documents
    CROSS JOIN params p
    WHERE true /* refresh: order_id */
)
SELECT
    n.*,
    coalesce(own.bad_status, ord.bad_status, 'absent')                  AS doc_status
FROM anomaly_document_need n
LEFT JOIN doc own ON own.order_id = n.order_id AND own.shipment_id = n.shipment_id AND own.doc_type = n.doc_type
-- (the order-level documents filtered on their own, doc not materialised as one shared
-- result: 61.7 s to 47.6 s at 10M lines under a 2 GB limit, 5.4 s to 1.9 s at 1M)
LEFT JOIN (SELECT * FROM doc WHERE shipment_id = '') ord ON ord.order_id = n.order_id AND ord.doc_type = n.doc_type
WHERE NOT coalesce(own.usable, false) AND NOT coalesce(ord.usable, false)
  /* refresh: n.order_id */
