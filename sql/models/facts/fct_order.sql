-- int_order with its cut dimensions spelled out (dim_cut): one row per order that has a
-- line counting for the service KPIs.
-- materialized: view
SELECT
    f.*,
    c.customer_id, c.customer, c.country, c.region, c.bloc, c.site, c.incoterm, c.lane,
    c.currency, c.event_basis
FROM int_order f
JOIN dim_cut c USING (cut_id)
