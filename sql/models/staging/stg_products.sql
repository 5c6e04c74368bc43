-- Products, one row per SKU (latest load wins).
-- materialized: view
-- test: unique(sku)
SELECT
    sku,
    description,
    nullif(trim(family), '')                 AS family,
    unit,
    net_weight_kg,
    hs_code,
    upper(nullif(trim(origin_country), ''))  AS origin_country,
    unit_cost
FROM products
-- Left out: the rows a later row of the same key in the same extract replaces, which
-- the first build after the load marks _superseded (the last row of the file wins; the
-- load deletes the rows of earlier extracts with the key): see models.markSuperseded.
WHERE _superseded IS NOT TRUE
