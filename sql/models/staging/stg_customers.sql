-- Customers, one row per customer_id. A key loaded twice keeps the row of the latest load
-- (highest _load_id, then highest _row): the same rule in every staging model.
-- materialized: view
-- test: unique(customer_id)
SELECT
    customer_id,
    name,
    upper(nullif(trim(country), '')) AS country,
    segment,
    language,
    payment_terms,
    vat_number,
    coalesce(weight, 1)               AS weight
FROM customers
-- Left out: the rows a later row of the same key replaces (latest load, then last row of
-- the file: _row, or the order of the table where the fast CSV path left _row NULL).
-- A window over the key columns alone finds them (few), much cheaper than one that
-- carries every column.
WHERE rowid NOT IN (
    SELECT rowid FROM customers
    QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1)
