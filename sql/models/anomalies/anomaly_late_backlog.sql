-- late_backlog: a line past due (due_date + params.late_tolerance_days before the as-of
-- date) and shipped short of its ordered quantity, cancelled lines excepted. A line the
-- ERP closed short is still owed to the customer until a credit note or a new date says
-- otherwise, so it is listed too (line_status says so; kpi_backlog leaves it out).
-- days = days late (as-of - due date); at stake: remaining quantity x unit price; the
-- ranking multiplies both by the customer's weight.
SELECT
    'late_backlog'                               AS code,
    CASE WHEN p.as_of - f.due_date > 14 THEN 'high' ELSE 'medium' END AS severity,
    f.order_id,
    f.line_no,
    NULL::VARCHAR                                AS shipment_id,
    NULL::VARCHAR                                AS invoice_id,
    NULL::VARCHAR                                AS claim_id,
    f.sku,
    f.site,
    f.customer_id,
    p.as_of                                      AS detected_on,
    f.due_date                                   AS since,
    (f.ordered_qty - f.shipped_qty) * f.unit_price AS value_at_stake,
    f.currency,
    p.as_of - f.due_date                         AS days,
    NULL::INTEGER                                AS days_left,
    NULL::VARCHAR                                AS key_detail,
    f.ordered_qty,
    f.shipped_qty,
    f.ordered_qty - f.shipped_qty                AS gap_qty,
    f.unit_price,
    f.due_date,
    f.status                                     AS line_status,
    f.incoterm,
    f.transport_mode
FROM anomaly_line_flow f
CROSS JOIN params p
WHERE f.status IS DISTINCT FROM 'cancelled'
  AND f.due_date + p.late_tolerance_days < p.as_of
  AND f.shipped_qty < f.ordered_qty
