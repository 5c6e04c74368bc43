-- short_shipment: the ERP closed the line, but the shipments add up to less than the
-- ordered quantity. Either the customer still waits for the rest, or the line was closed
-- short without telling anybody. At stake: the missing quantity x unit price.
SELECT
    'short_shipment'                             AS code,
    'medium'                                     AS severity,
    f.order_id,
    f.line_no,
    f.last_shipment_id                           AS shipment_id,
    NULL::VARCHAR                                AS invoice_id,
    NULL::VARCHAR                                AS claim_id,
    f.sku,
    f.site,
    f.customer_id,
    p.as_of                                      AS detected_on,
    coalesce(f.last_ship_date, f.due_date)       AS since,
    (f.ordered_qty - f.shipped_qty) * f.unit_price AS value_at_stake,
    f.currency,
    p.as_of - coalesce(f.last_ship_date, f.due_date) AS days,
    NULL::INTEGER                                AS days_left,
    NULL::VARCHAR                                AS key_detail,
    f.ordered_qty,
    f.shipped_qty,
    f.ordered_qty - f.shipped_qty                AS gap_qty,
    f.unit_price,
    f.due_date,
    f.last_ship_date                             AS ship_date
FROM anomaly_line_flow f
CROSS JOIN params p
WHERE f.status = 'closed' AND f.shipped_qty < f.ordered_qty
