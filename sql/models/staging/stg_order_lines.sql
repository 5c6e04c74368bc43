-- Order lines, one row per (order_id, line_no) (latest load wins). line_key, the row's
-- position in order_lines, names the line with one integer for the rest of the build:
-- the facts join and group on it rather than on two strings.
-- materialized: view
-- (a unique test on this view would redo the deduplication: see dim_order_line)
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
-- Left out: the rows a later row of the same key replaces (latest load, then last row of
-- the file: _row, or the order of the table where the fast CSV path left _row NULL).
-- A window over the key columns alone finds them (few), much cheaper than one that
-- carries every column.
WHERE rowid NOT IN (
    SELECT rowid FROM order_lines
    QUALIFY row_number() OVER (PARTITION BY order_id, line_no ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1)
