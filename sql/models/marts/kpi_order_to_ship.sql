-- Lines shipped before the as-of date, in the ISO week of their first ship_date:
-- order_to_ship_days = first ship_date - order_date.
-- kpi: order_to_ship_days_p50
--   value: quantile_cont(order_to_ship_days, 0.5)
-- kpi: order_to_ship_days_p90
--   value: quantile_cont(order_to_ship_days, 0.9)
-- explain: order_id, line_no, customer, sku, order_date, first_ship_date, order_to_ship_days
-- materialized: view
SELECT * EXCLUDE (week), ship_week AS week
FROM fct_order_line
WHERE first_ship_date IS NOT NULL AND order_date IS NOT NULL
