-- Sales order headers, one row per order_id (latest load wins). Codes are normalised here
-- once: Incoterms and countries upper case, modes and statuses lower case.
-- materialized: view
-- (its key is tested unique on dim_order, a table)
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
-- Left out: the rows a later row of the same key in the same extract replaces, which
-- the first build after the load marks _superseded (the last row of the file wins; the
-- load deletes the rows of earlier extracts with the key): see models.markSuperseded.
WHERE _superseded IS NOT TRUE
