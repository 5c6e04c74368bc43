-- The late backlog at the as-of date: due lines not yet fully shipped (and not closed by
-- the ERP), in the ISO week of their due date.
-- kpi: backlog_lines
--   value: count(*)
-- kpi: backlog_value
--   value: sum(remaining_qty * CAST(unit_price AS DOUBLE) * fx_rate)
-- explain: order_id, line_no, customer, sku, due_date, deadline, ordered_qty, shipped_qty, remaining_qty, unit_price, days_late
-- materialized: view
SELECT * FROM fct_order_line WHERE in_backlog
