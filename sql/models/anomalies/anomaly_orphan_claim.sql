-- orphan_claim: a claim that names an order, or an order line, the order extract does
-- not hold: it cannot be tied to what was shipped, nor counted against a customer's line.
-- A claim naming no order at all is not an orphan (some claims are general). At stake:
-- the claim's cost.
SELECT
    'orphan_claim'                               AS code,
    'low'                                        AS severity,
    c.order_id,
    c.line_no,
    c.shipment_id,
    NULL::VARCHAR                                AS invoice_id,
    c.claim_id,
    NULL::VARCHAR                                AS sku,
    o.ship_from_site                             AS site,
    o.customer_id,
    p.as_of                                      AS detected_on,
    c.opened_date                                AS since,
    c.cost                                       AS value_at_stake,
    o.currency,
    p.as_of - c.opened_date                      AS days,
    NULL::INTEGER                                AS days_left,
    NULL::VARCHAR                                AS key_detail,
    c.type                                       AS claim_type,
    c.opened_date,
    o.order_id IS NOT NULL                       AS order_known
FROM stg_claims c
CROSS JOIN params p
LEFT JOIN stg_orders o USING (order_id)
WHERE c.order_id IS NOT NULL
  AND (o.order_id IS NULL
       OR (c.line_no IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM stg_order_lines l WHERE l.order_id = c.order_id AND l.line_no = c.line_no)))
  AND coalesce(c.opened_date, p.as_of) <= p.as_of
