-- Claims opened before the as-of date, in the ISO week of opened_date.
-- kpi: claim_count
--   value: count(*)
-- kpi: claim_cost
--   value: sum(cost)
-- explain: claim_id, order_id, line_no, shipment_id, customer, opened_date, closed_date, type, cause, responsible, cost
-- materialized: view
SELECT * FROM fct_claim WHERE is_opened
