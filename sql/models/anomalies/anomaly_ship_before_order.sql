-- ship_before_order: a shipment whose goods issue is dated before the order was placed:
-- a wrong date, or goods sent before the order existed.
SELECT
    'ship_before_order'                          AS code,
    'low'                                        AS severity,
    s.order_id,
    s.line_no,
    s.shipment_id,
    NULL::VARCHAR                                AS invoice_id,
    NULL::VARCHAR                                AS claim_id,
    f.sku,
    o.ship_from_site                             AS site,
    o.customer_id,
    p.as_of                                      AS detected_on,
    s.ship_date                                  AS since,
    NULL::DECIMAL(18,4)                          AS value_at_stake,
    o.currency,
    o.order_date - s.ship_date                   AS days,
    NULL::INTEGER                                AS days_left,
    NULL::VARCHAR                                AS key_detail,
    s.shipped_qty,
    s.ship_date,
    o.order_date
FROM stg_shipments s
JOIN stg_orders o USING (order_id)
CROSS JOIN params p
LEFT JOIN anomaly_line_flow f USING (order_id, line_no)
WHERE s.ship_date < o.order_date
  AND s.ship_date <= p.as_of
