-- The shipments of int_shipment (delivery event, event gap, freight, week of the ship
-- date) with every cut dimension spelled out: the order's (dim_cut), the product family,
-- and the shipment's own sku, carrier and transport_mode.
-- materialized: view
SELECT
    f.*,
    c.customer_id, c.customer, c.country, c.region, c.bloc, c.site, c.incoterm, c.lane, c.currency, c.event_basis,
    coalesce(p.family, '(none)') AS family
FROM int_shipment f
JOIN dim_cut c USING (cut_id)
LEFT JOIN stg_products p ON p.sku = f.sku
