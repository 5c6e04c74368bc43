-- Order lines, one row per (order_id, line_no) (latest load wins).
-- materialized: view
-- (its key is tested unique on dim_order_line, a table: a test on this view would redo the deduplication)
SELECT
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
QUALIFY row_number() OVER (PARTITION BY order_id, line_no ORDER BY _load_id DESC, _row DESC) = 1
