-- invoice_price_mismatch: an invoice row whose amount differs from invoiced_qty x the
-- order line's unit_price by more than params.price_tolerance (default 0.01, rounding).
-- Credit notes (negative quantity and amount) follow the same rule. At stake: the gap.
SELECT
    'invoice_price_mismatch'                     AS code,
    'medium'                                     AS severity,
    i.order_id,
    i.line_no,
    NULL::VARCHAR                                AS shipment_id,
    i.invoice_id,
    NULL::VARCHAR                                AS claim_id,
    f.sku,
    f.site,
    f.customer_id,
    p.as_of                                      AS detected_on,
    i.invoice_date                               AS since,
    abs(i.amount - i.invoiced_qty * f.unit_price) AS value_at_stake,
    coalesce(i.currency, f.currency)             AS currency,
    p.as_of - i.invoice_date                     AS days,
    NULL::INTEGER                                AS days_left,
    NULL::VARCHAR                                AS key_detail,
    i.invoiced_qty,
    f.unit_price,
    i.amount,
    i.invoiced_qty * f.unit_price                AS expected_amount,
    i.invoice_date
FROM stg_invoices i
JOIN anomaly_line_flow f USING (order_id, line_no)
CROSS JOIN params p
WHERE coalesce(i.invoice_date, p.as_of) <= p.as_of
  AND abs(i.amount - i.invoiced_qty * f.unit_price) > p.price_tolerance
