-- due_soon_short: an open line due within params.due_soon_days days (default 10) that the
-- stock will not cover. fct_stock_coverage walks, from the latest snapshot of the line's
-- site and SKU (on hand - reserved), the incoming receipt by its date and the open lines
-- by due date (earlier-due demand first); the first date the projected quantity goes
-- below zero is the projected stock-out. A line due on or after it is short.
-- days_left = days to the due date; at stake: remaining quantity x unit price.
SELECT
    'due_soon_short'                             AS code,
    CASE WHEN l.due_date - p.as_of <= 3 THEN 'high' ELSE 'medium' END AS severity,
    l.order_id,
    l.line_no,
    NULL::VARCHAR                                AS shipment_id,
    NULL::VARCHAR                                AS invoice_id,
    NULL::VARCHAR                                AS claim_id,
    l.sku,
    l.site,
    l.customer_id,
    p.as_of                                      AS detected_on,
    s.snapshot_date                              AS since,
    l.remaining_qty * l.unit_price               AS value_at_stake,
    l.currency,
    NULL::INTEGER                                AS days,
    l.due_date - p.as_of                         AS days_left,
    NULL::VARCHAR                                AS key_detail,
    l.ordered_qty,
    l.shipped_qty,
    l.remaining_qty                              AS gap_qty,
    l.unit_price,
    l.due_date,
    s.available_qty,
    s.incoming_qty,
    s.incoming_date,
    s.projected_stockout_date,
    s.snapshot_date,
    l.incoterm,
    l.transport_mode
FROM fct_order_line l
JOIN fct_stock_coverage s ON s.site = l.site AND s.sku = l.sku AND s.is_latest
CROSS JOIN params p
WHERE l.is_open
  AND l.remaining_qty > 0
  AND l.due_date BETWEEN p.as_of AND p.as_of + p.due_soon_days
  AND s.projected_stockout_date <= l.due_date
