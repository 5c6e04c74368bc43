-- shipped_not_invoiced: goods left more than params.invoice_delay_days days ago (default
-- 3) and the line has no invoice at all: cash that nobody asked for. A line invoiced in
-- part is invoice_qty_mismatch's case. Only checked when an invoice extract was loaded
-- (a data set without invoices, such as SCMS, would flag every line).
-- At stake, and the invoice to raise: shipped quantity x unit price.
SELECT
    'shipped_not_invoiced'                       AS code,
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
    f.first_invoiceable_date                     AS since,
    f.shipped_qty * f.unit_price                 AS value_at_stake,
    f.currency,
    p.as_of - f.first_invoiceable_date           AS days,
    NULL::INTEGER                                AS days_left,
    NULL::VARCHAR                                AS key_detail,
    f.ordered_qty,
    f.shipped_qty,
    f.invoiced_qty,
    f.shipped_qty - f.invoiced_qty               AS gap_qty,
    f.unit_price,
    f.shipped_qty * f.unit_price                 AS expected_amount,
    f.first_invoiceable_date                     AS ship_date
FROM anomaly_line_flow f
CROSS JOIN params p
WHERE f.invoice_count = 0
  AND f.invoiceable_qty > 0
  AND f.shipped_qty > f.invoiced_qty
  AND EXISTS (SELECT 1 FROM invoices)
