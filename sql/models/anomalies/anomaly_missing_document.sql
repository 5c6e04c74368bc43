-- missing_document: a document the trade lane requires (anomaly_document_need) that a
-- shipment lacks, or that is recorded as missing or rejected in its latest version. A
-- document kept at order level (shipment_id '') serves every shipment of the order.
-- One anomaly per order and document type: shipment_id names the shipment when only one
-- lacks it (the list of shipments is in shipment_ids). Only checked when a documents
-- extract was loaded. At stake: the value of the shipments held up (or of the order
-- about to ship): without the document, customs, the carrier or the bank stop them.
WITH lacking AS (
    -- the needs no usable document serves (a table, refreshed by order: see
    -- anomaly_document_lacking)
    SELECT * FROM anomaly_document_lacking
),
shipment_value AS (
    SELECT s.order_id, s.shipment_id, sum(s.shipped_qty * f.unit_price) AS unit_value
    FROM stg_shipments s
    JOIN anomaly_line_flow f USING (order_id, line_no)
    WHERE s.order_id IN (SELECT order_id FROM lacking)
    GROUP BY ALL
),
open_value AS (
    SELECT order_id, '' AS shipment_id, sum(greatest(ordered_qty - shipped_qty, 0) * unit_price) AS unit_value
    FROM anomaly_line_flow
    WHERE status = 'open' AND order_id IN (SELECT order_id FROM lacking)
    GROUP BY ALL
),
valued AS (
    SELECT k.*, coalesce(sv.unit_value, ov.unit_value) AS unit_value
    FROM lacking k
    LEFT JOIN shipment_value sv USING (order_id, shipment_id)
    LEFT JOIN open_value ov USING (order_id, shipment_id)
),
per_doc AS (
    SELECT
        order_id,
        doc_type,
        any_value(rule_note)                                           AS rule_note,
        count(*)                                                       AS shipment_count,
        CASE WHEN count(*) = 1 THEN nullif(any_value(shipment_id), '') END AS shipment_id,
        string_agg(nullif(shipment_id, ''), ', ' ORDER BY shipment_id) AS shipment_ids,
        bool_and(shipment_id = '')                                     AS upcoming,
        min(ship_date)                                                 AS ship_date,
        CASE WHEN bool_or(doc_status = 'rejected') THEN 'rejected'
             WHEN bool_or(doc_status = 'missing') THEN 'missing'
             ELSE 'absent' END                                         AS doc_status,
        sum(unit_value)                                                AS unit_value,
        any_value(lane)                                                AS lane,
        any_value(transport_mode)                                      AS transport_mode
    FROM valued
    GROUP BY order_id, doc_type
)
SELECT
    'missing_document'                           AS code,
    CASE WHEN d.upcoming OR d.doc_status = 'rejected' OR o.payment_method = 'letter_of_credit'
         THEN 'high' ELSE 'medium' END           AS severity,
    d.order_id,
    NULL::VARCHAR                                AS line_no,
    d.shipment_id,
    NULL::VARCHAR                                AS invoice_id,
    NULL::VARCHAR                                AS claim_id,
    NULL::VARCHAR                                AS sku,
    o.ship_from_site                             AS site,
    o.customer_id,
    p.as_of                                      AS detected_on,
    least(d.ship_date, p.as_of)                  AS since,
    d.unit_value                                 AS value_at_stake,
    o.currency,
    CASE WHEN d.ship_date <= p.as_of THEN p.as_of - d.ship_date END AS days,
    CASE WHEN d.ship_date > p.as_of THEN d.ship_date - p.as_of END AS days_left,
    d.doc_type                                   AS key_detail,
    d.doc_type,
    d.doc_status,
    d.rule_note,
    d.shipment_count,
    d.shipment_ids,
    d.upcoming,
    d.ship_date,
    d.lane,
    d.transport_mode,
    o.incoterm
FROM per_doc d
JOIN stg_orders o USING (order_id)
CROSS JOIN params p
WHERE EXISTS (SELECT 1 FROM documents)
