-- The claims of int_claim (opened and closed weeks, open at the as-of date, age,
-- resolution time) with every cut dimension spelled out: the order's (dim_cut), the
-- product family, and the carrier and transport_mode of the claimed shipment.
-- materialized: view
SELECT
    f.* REPLACE (coalesce(f.sku, '(none)') AS sku),
    c.customer_id, c.customer, c.country, c.region, c.bloc, c.site, c.incoterm, c.lane, c.currency, c.event_basis,
    coalesce(p.family, '(none)') AS family
FROM int_claim f
JOIN dim_cut c USING (cut_id)
LEFT JOIN stg_products p ON p.sku = f.sku
