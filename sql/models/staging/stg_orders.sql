-- Sales order headers, one row per order_id (latest load wins). Codes are normalised here
-- once: Incoterms and countries upper case, modes and statuses lower case.
-- materialized: view
-- (its key is tested unique on dim_order, a table: a test on this view would redo the deduplication)
SELECT
    order_id,
    customer_id,
    order_date,
    nullif(trim(ship_from_site), '')          AS ship_from_site,
    upper(nullif(trim(ship_to_country), ''))  AS ship_to_country,
    upper(nullif(trim(incoterm), ''))         AS incoterm,
    incoterm_place,
    lower(nullif(trim(transport_mode), ''))   AS transport_mode,
    upper(nullif(trim(currency), ''))         AS currency,
    lower(nullif(trim(payment_method), ''))   AS payment_method,
    lc_latest_shipment_date,
    lc_expiry_date,
    lower(nullif(trim(status), ''))           AS status
FROM orders
-- Left out: the rows a later row of the same key replaces (latest load, then last row of
-- the file: _row, or the order of the table where the fast CSV path left _row NULL).
-- A window over the key columns alone finds them (few), much cheaper than one that
-- carries every column.
WHERE rowid NOT IN (
    SELECT rowid FROM orders
    QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1)
