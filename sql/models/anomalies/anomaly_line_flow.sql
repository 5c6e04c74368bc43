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
-- incremental: order_id
-- test: unique(order_id, line_no)
-- The shipments and invoice rows side by side (UNION ALL BY NAME), grouped by line in one
-- aggregate, which spills to disk under a memory limit; the lines then join that
-- aggregate. The lines stay out of it: carrying their columns through the aggregate as
-- any_value states took 50-61 s and 13.9 GB at ten million lines, the join 31 s and
-- 11.4 GB (a build under the default memory limit; the same rows, EXCEPT ALL at 1M).
WITH flow AS (
    SELECT order_id, line_no, 1 AS kind, shipment_id, shipped_qty, ship_date, delivery_date
    FROM stg_shipments
    WHERE true /* refresh: order_id */
    UNION ALL BY NAME
    SELECT order_id, line_no, 2 AS kind, invoice_id, invoiced_qty, amount, invoice_date
    FROM stg_invoices
    WHERE true /* refresh: order_id */
),
moved AS (
    SELECT
        f.order_id,
        f.line_no,
        -- shipped up to the as-of date (by ship date, else delivery date; undated rows count)
        sum(f.shipped_qty) FILTER (WHERE shipped)                                   AS shipped_qty,
        sum(f.shipped_qty) FILTER (WHERE shipped AND p.as_of - f.ship_date > p.invoice_delay_days) AS invoiceable_qty,
        count(*) FILTER (WHERE shipped)                                             AS shipment_count,
        min(coalesce(f.ship_date, f.delivery_date)) FILTER (WHERE shipped)          AS first_ship_date,
        max(coalesce(f.ship_date, f.delivery_date)) FILTER (WHERE shipped)          AS last_ship_date,
        min(f.ship_date) FILTER (WHERE shipped AND p.as_of - f.ship_date > p.invoice_delay_days) AS first_invoiceable_date,
        arg_max(f.shipment_id, (coalesce(f.ship_date, f.delivery_date), f.shipment_id)) FILTER (WHERE shipped) AS last_shipment_id,
        -- lines shipped after the as-of date: a build as of a past date reads today's
        -- extract, whose status says "closed" for a line that was still open then
        bool_or(kind = 1 AND coalesce(f.ship_date, f.delivery_date) > p.as_of)      AS ships_later,
        -- invoiced up to the as-of date (undated rows count)
        sum(f.invoiced_qty) FILTER (WHERE invoiced)                                 AS invoiced_qty,
        sum(f.amount) FILTER (WHERE invoiced)                                       AS invoiced_amount,
        count(*) FILTER (WHERE invoiced)                                            AS invoice_count,
        max(f.invoice_date) FILTER (WHERE invoiced)                                 AS last_invoice_date,
        arg_max(f.invoice_id, (f.invoice_date, f.invoice_id)) FILTER (WHERE invoiced) AS last_invoice_id
    FROM (SELECT f.*,
                 f.kind = 1 AND coalesce(f.ship_date, f.delivery_date, p.as_of) <= p.as_of AS shipped,
                 f.kind = 2 AND coalesce(f.invoice_date, p.as_of) <= p.as_of              AS invoiced
          FROM flow f CROSS JOIN params p) f
    CROSS JOIN params p
    GROUP BY f.order_id, f.line_no
),
line AS (
    SELECT l.order_id, l.line_no, l.sku, l.status, l.ordered_qty, l.unit_price, l.requested_date,
           l.promised_date, l.planned_ship_date, m.* EXCLUDE (order_id, line_no, shipment_count, invoice_count),
           coalesce(m.shipment_count, 0) AS shipment_count, coalesce(m.invoice_count, 0) AS invoice_count
    -- the lines of the extract only (shipments and invoices of unknown lines are orphans)
    FROM stg_order_lines l
    LEFT JOIN moved m USING (order_id, line_no)
    WHERE true /* refresh: order_id */
)
SELECT
    l.order_id,
    l.line_no,
    l.sku,
    CASE WHEN l.status = 'closed' AND l.ships_later THEN 'open' ELSE l.status END AS status,
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
    coalesce(l.shipped_qty, 0)                            AS shipped_qty,
    coalesce(l.invoiceable_qty, 0)                        AS invoiceable_qty,
    l.shipment_count,
    l.first_ship_date,
    l.last_ship_date,
    l.first_invoiceable_date,
    l.last_shipment_id,
    coalesce(l.invoiced_qty, 0)                           AS invoiced_qty,
    coalesce(l.invoiced_amount, 0)                        AS invoiced_amount,
    l.invoice_count,
    l.last_invoice_date,
    l.last_invoice_id
FROM line l
LEFT JOIN stg_orders o USING (order_id)
LEFT JOIN stg_customers c ON c.customer_id = o.customer_id
