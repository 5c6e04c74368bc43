-- invoice_qty_mismatch: the line has invoices, and the invoiced total differs from the
-- shipped total. Shipments of the last params.invoice_delay_days days may still wait for
-- their invoice: invoicing less than shipped counts only below what shipped before that.
-- At stake: the quantity gap x unit price (a credit note or a complementary invoice).
SELECT
    'invoice_qty_mismatch'                       AS code,
    'medium'                                     AS severity,
    f.order_id,
    f.line_no,
    NULL::VARCHAR                                AS shipment_id,
    f.last_invoice_id                            AS invoice_id,
    NULL::VARCHAR                                AS claim_id,
    f.sku,
    f.site,
    f.customer_id,
    p.as_of                                      AS detected_on,
    f.last_invoice_date                          AS since,
    abs(f.shipped_qty - f.invoiced_qty) * f.unit_price AS value_at_stake,
    f.currency,
    p.as_of - f.last_invoice_date                AS days,
    NULL::INTEGER                                AS days_left,
    NULL::VARCHAR                                AS key_detail,
    f.ordered_qty,
    f.shipped_qty,
    f.invoiced_qty,
    f.invoiced_qty - f.shipped_qty               AS gap_qty,
    f.unit_price,
    f.invoice_count
FROM anomaly_line_flow f
CROSS JOIN params p
WHERE f.invoice_count > 0
  AND (f.invoiced_qty > f.shipped_qty OR f.invoiced_qty < f.invoiceable_qty)
