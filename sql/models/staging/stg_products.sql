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
-- Left out: the rows a later row of the same key replaces (latest load, then last row of
-- the file: _row, or the order of the table where the fast CSV path left _row NULL).
-- A window over the key columns alone finds them (few), much cheaper than one that
-- carries every column.
WHERE rowid NOT IN (
    SELECT rowid FROM products
    QUALIFY row_number() OVER (PARTITION BY sku ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1)
