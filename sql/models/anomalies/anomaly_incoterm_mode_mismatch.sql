-- incoterm_mode_mismatch: a sea-only Incoterm (FAS, FOB, CFR, CIF: modes sea_inland in
-- rules/data/incoterms.csv) on an order carried, or planned, by another mode than sea or
-- inland waterway. Risk then passes "on board a vessel" that does not exist: the seller
-- bears a risk it thinks it has passed. The mode is the order's, and that of each of its
-- shipments. One anomaly per order; at stake: the value not yet shipped (risk still to
-- run), else the order value. The fix is the multimodal twin (multimodal_equivalent:
-- FCA for FAS and FOB, CPT for CFR, CIP for CIF).
WITH order_mode AS (
    SELECT order_id, transport_mode FROM stg_orders WHERE transport_mode IS NOT NULL
    UNION
    SELECT s.order_id, s.transport_mode FROM stg_shipments s WHERE s.transport_mode IS NOT NULL
),
breach AS (
    SELECT
        o.order_id,
        string_agg(DISTINCT m.transport_mode, ', ' ORDER BY m.transport_mode) AS transport_mode,
        any_value(i.multimodal_equivalent)                                   AS replacement
    FROM stg_orders o
    JOIN ref_incoterms i ON i.code = o.incoterm AND i.modes = 'sea_inland'
    JOIN order_mode m USING (order_id)
    WHERE m.transport_mode NOT IN ('sea', 'inland_waterway')
    GROUP BY o.order_id
),
order_value AS (
    SELECT order_id,
           count(*)                                                      AS line_count,
           sum(ordered_qty * unit_price)                                 AS ordered_value,
           sum(greatest(ordered_qty - shipped_qty, 0) * unit_price)
               FILTER (WHERE status = 'open')                            AS open_value
    FROM anomaly_line_flow
    WHERE status IS DISTINCT FROM 'cancelled'
    GROUP BY order_id
)
SELECT
    'incoterm_mode_mismatch'                     AS code,
    CASE WHEN o.status = 'open' OR v.open_value > 0 THEN 'medium' ELSE 'low' END AS severity,
    o.order_id,
    NULL::VARCHAR                                AS line_no,
    NULL::VARCHAR                                AS shipment_id,
    NULL::VARCHAR                                AS invoice_id,
    NULL::VARCHAR                                AS claim_id,
    NULL::VARCHAR                                AS sku,
    o.ship_from_site                             AS site,
    o.customer_id,
    p.as_of                                      AS detected_on,
    o.order_date                                 AS since,
    coalesce(nullif(v.open_value, 0), v.ordered_value) AS value_at_stake,
    o.currency,
    p.as_of - o.order_date                       AS days,
    NULL::INTEGER                                AS days_left,
    NULL::VARCHAR                                AS key_detail,
    o.incoterm,
    b.transport_mode,
    b.replacement,
    v.line_count,
    o.order_date
FROM breach b
JOIN stg_orders o USING (order_id)
CROSS JOIN params p
LEFT JOIN order_value v USING (order_id)
