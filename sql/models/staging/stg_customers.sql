-- Customers, one row per customer_id. A key loaded twice keeps the row of the latest load
-- (highest _load_id, then highest _row): the same rule in every staging model. The
-- country is ISO alpha-2 whatever the extract wrote ("Allemagne", "DEU", "base.de"):
-- stg_country_name.
-- materialized: view
-- test: unique(customer_id)
SELECT
    customer_id,
    name,
    coalesce(cn.iso2, upper(nullif(trim(country), ''))) AS country,
    segment,
    language,
    payment_terms,
    vat_number,
    coalesce(weight, 1)               AS weight
FROM customers c
LEFT JOIN stg_country_name cn ON cn.name_key = upper(strip_accents(trim(regexp_replace(c.country, '\s+', ' ', 'g'))))
-- Left out: the rows a later row of the same key in the same extract replaces, which
-- the first build after the load marks _superseded (the last row of the file wins; the
-- load deletes the rows of earlier extracts with the key): see models.markSuperseded.
WHERE _superseded IS NOT TRUE
