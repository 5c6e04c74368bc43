-- Order lines, one row per (order_id, line_no) (latest load wins). line_key, the row's
-- position in order_lines, names the line with one integer for the rest of the build:
-- the facts join and group on it rather than on two strings.
-- materialized: view
-- (one row per key: see dim_order_line)
SELECT
    rowid AS line_key,
    order_id,
    line_no,
    sku,
    ordered_qty,
    unit_price,
    requested_date,
    promised_date,
    planned_ship_date,
    lower(nullif(trim(status), '')) AS status
FROM order_lines
-- Left out: the rows a later row of the same key in the same extract replaces, which
-- the first build after the load marks _superseded (the last row of the file wins; the
-- load deletes the rows of earlier extracts with the key): see models.markSuperseded.
WHERE _superseded IS NOT TRUE
