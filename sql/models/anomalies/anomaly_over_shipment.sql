-- over_shipment: the ERP closed the line, and the shipments add up to more than the
-- ordered quantity: goods given away unless the surplus is invoiced or returned. At
-- stake: the surplus x unit price.
SELECT
    'over_shipment'                              AS code,
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
    f.last_ship_date                             AS since,
    (f.shipped_qty - f.ordered_qty) * f.unit_price AS value_at_stake,
    f.currency,
    p.as_of - f.last_ship_date                   AS days,
    NULL::INTEGER                                AS days_left,
    NULL::VARCHAR                                AS key_detail,
    f.ordered_qty,
    f.shipped_qty,
    f.shipped_qty - f.ordered_qty                AS gap_qty,
    f.unit_price,
    f.invoiced_qty,
    f.last_ship_date                             AS ship_date
FROM anomaly_line_flow f
CROSS JOIN params p
WHERE f.status = 'closed' AND f.shipped_qty > f.ordered_qty
