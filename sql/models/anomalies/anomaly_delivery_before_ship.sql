-- delivery_before_ship: a shipment whose proof of delivery is dated before its goods
-- issue. One of the two dates is wrong, and with it the on-time figures of D terms.
SELECT
    'delivery_before_ship'                       AS code,
    'low'                                        AS severity,
    s.order_id,
    s.line_no,
    s.shipment_id,
    NULL::VARCHAR                                AS invoice_id,
    NULL::VARCHAR                                AS claim_id,
    f.sku,
    f.site,
    f.customer_id,
    p.as_of                                      AS detected_on,
    s.delivery_date                              AS since,
    NULL::DECIMAL(18,4)                          AS value_at_stake,
    f.currency,
    s.ship_date - s.delivery_date                AS days,
    NULL::INTEGER                                AS days_left,
    NULL::VARCHAR                                AS key_detail,
    s.shipped_qty,
    s.ship_date,
    s.delivery_date
FROM stg_shipments s
CROSS JOIN params p
LEFT JOIN anomaly_line_flow f USING (order_id, line_no)
WHERE s.delivery_date < s.ship_date
  AND s.ship_date <= p.as_of
