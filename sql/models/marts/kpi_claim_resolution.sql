-- Claims closed before the as-of date, in the ISO week they were closed.
-- kpi: mean_resolution_days
--   numerator: sum(resolution_days)
--   denominator: count(*)
-- explain: claim_id, order_id, line_no, customer, opened_date, closed_date, resolution_days
-- materialized: view
SELECT * EXCLUDE (week), closed_week AS week FROM fct_claim WHERE is_closed AND opened_date IS NOT NULL
