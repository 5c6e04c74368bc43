-- The order lines of int_order_line (one row per counted line: the due date, deadline,
-- delivery events, qty_by_deadline, first and completing delivery, the on_time, in_full
-- and otif verdicts, days_late, the week) with every cut dimension spelled out: customer,
-- country, region (EU or non-EU), bloc, site, incoterm and lane of the order (dim_cut),
-- family of the product, and the line's own sku, carrier and transport_mode. The KPI
-- views and the anomaly models read this view; the table keeps only cut_id, which is
-- much cheaper to write than the text of every dimension on every line.
-- materialized: view
SELECT
    f.*,
    CASE WHEN f.promised_date IS NOT NULL THEN 'promised'
         WHEN f.requested_date IS NOT NULL THEN 'requested' END AS due_source,
    c.customer_id, c.customer, c.country, c.region, c.bloc, c.site, c.incoterm, c.lane, c.currency, c.event_basis,
    coalesce(p.family, '(none)') AS family,
    -- the quantity that makes the line in full, exactly as dim_order_line works it out
    CAST(f.ordered_qty AS DECIMAL(38,4)) * (1 - params.qty_tolerance) AS required_qty
FROM int_order_line f
CROSS JOIN params
JOIN dim_cut c USING (cut_id)
LEFT JOIN stg_products p ON p.sku = f.sku
