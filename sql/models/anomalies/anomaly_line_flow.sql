-- The physical and the information flow of every order line, side by side: what was
-- ordered (the ERP's line and header), shipped and invoiced up to the as-of date. The
-- flow-gap anomalies compare these totals. Unlike fct_order_line it keeps cancelled and
-- closed lines and counts every shipment row of the extract up to the as-of date (by
-- ship date, else delivery date), whatever the Incoterm's delivery event: a quantity
-- check does not depend on when the customer received the goods.
--   due_date          = promised_date, else requested_date (domain.md)
--   shipped_qty       = shipments with coalesce(ship_date, delivery_date) <= as-of
--   invoiceable_qty   = of which shipped more than params.invoice_delay_days days ago
--   invoiced_qty      = invoice rows with invoice_date <= as-of (credit notes negative)
--   status            = the ERP's, except that a closed line shipped after the as-of date
--                       was still open then (a build as of last week on today's extract)
-- materialized: table
-- test: unique(order_id, line_no)
WITH shipped AS (
    SELECT
        s.order_id,
        s.line_no,
        sum(s.shipped_qty)                                                         AS shipped_qty,
        sum(s.shipped_qty) FILTER (WHERE p.as_of - s.ship_date > p.invoice_delay_days) AS invoiceable_qty,
        count(*)                                                                   AS shipment_count,
        min(coalesce(s.ship_date, s.delivery_date))                                AS first_ship_date,
        max(coalesce(s.ship_date, s.delivery_date))                                AS last_ship_date,
        min(s.ship_date) FILTER (WHERE p.as_of - s.ship_date > p.invoice_delay_days) AS first_invoiceable_date,
        arg_max(s.shipment_id, (coalesce(s.ship_date, s.delivery_date), s.shipment_id)) AS last_shipment_id
    FROM stg_shipments s
    CROSS JOIN params p
    WHERE coalesce(s.ship_date, s.delivery_date, p.as_of) <= p.as_of
    GROUP BY s.order_id, s.line_no
),
-- lines shipped after the as-of date: a build as of a past date reads today's extract,
-- whose status says "closed" for a line that was still open then
later AS (
    SELECT s.order_id, s.line_no
    FROM stg_shipments s
    CROSS JOIN params p
    WHERE coalesce(s.ship_date, s.delivery_date) > p.as_of
    GROUP BY s.order_id, s.line_no
),
invoiced AS (
    SELECT
        i.order_id,
        i.line_no,
        sum(i.invoiced_qty)                                               AS invoiced_qty,
        sum(i.amount)                                                     AS invoiced_amount,
        count(*)                                                          AS invoice_count,
        max(i.invoice_date)                                               AS last_invoice_date,
        arg_max(i.invoice_id, (i.invoice_date, i.invoice_id))             AS last_invoice_id
    FROM stg_invoices i
    CROSS JOIN params p
    WHERE coalesce(i.invoice_date, p.as_of) <= p.as_of
    GROUP BY i.order_id, i.line_no
)
SELECT
    l.order_id,
    l.line_no,
    l.sku,
    CASE WHEN l.status = 'closed' AND lt.order_id IS NOT NULL THEN 'open' ELSE l.status END AS status,
    l.ordered_qty,
    l.unit_price,
    l.requested_date,
    l.promised_date,
    l.planned_ship_date,
    coalesce(l.promised_date, l.requested_date)           AS due_date,
    o.customer_id,
    o.order_date,
    o.ship_from_site                                      AS site,
    coalesce(o.ship_to_country, c.country)                AS ship_to_country,
    o.incoterm,
    o.transport_mode,
    o.currency,
    o.payment_method,
    o.lc_latest_shipment_date,
    o.lc_expiry_date,
    o.order_id IS NOT NULL                                AS has_header,
    coalesce(c.weight, 1)                                 AS customer_weight,
    coalesce(s.shipped_qty, 0)                            AS shipped_qty,
    coalesce(s.invoiceable_qty, 0)                        AS invoiceable_qty,
    coalesce(s.shipment_count, 0)                         AS shipment_count,
    s.first_ship_date,
    s.last_ship_date,
    s.first_invoiceable_date,
    s.last_shipment_id,
    coalesce(i.invoiced_qty, 0)                           AS invoiced_qty,
    coalesce(i.invoiced_amount, 0)                        AS invoiced_amount,
    coalesce(i.invoice_count, 0)                          AS invoice_count,
    i.last_invoice_date,
    i.last_invoice_id
FROM stg_order_lines l
LEFT JOIN stg_orders o USING (order_id)
LEFT JOIN stg_customers c ON c.customer_id = o.customer_id
LEFT JOIN shipped s USING (order_id, line_no)
LEFT JOIN invoiced i USING (order_id, line_no)
LEFT JOIN later lt ON lt.order_id = l.order_id AND lt.line_no = l.line_no
