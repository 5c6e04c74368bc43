-- Claims opened before the as-of date, in the ISO week of opened_date. claim_cost is in
-- the reporting currency (cost x fx_rate, the rate of the opened date; int_claim).
-- kpi: claim_count
--   value: count(*)
-- kpi: claim_cost
--   value: sum(cost * fx_rate)
-- explain: claim_id, order_id, line_no, shipment_id, customer, opened_date, closed_date, type, cause, responsible, cost
-- materialized: view
SELECT * FROM fct_claim WHERE is_opened
