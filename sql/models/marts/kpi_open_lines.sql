-- The open order book at the as-of date: lines not yet fully shipped and not closed,
-- whether due or not, in the ISO week of their due date.
-- kpi: open_lines
--   value: count(*)
-- kpi: open_order_value
--   value: sum(remaining_qty * CAST(unit_price AS DOUBLE) * fx_rate)
-- explain: order_id, line_no, customer, sku, due_date, ordered_qty, shipped_qty, remaining_qty, unit_price, is_due
-- materialized: view
SELECT * FROM fct_order_line WHERE is_open
