-- Claims open at the as-of date, in the ISO week they were opened; age = as-of - opened.
-- kpi: open_claims
--   value: count(*)
-- kpi: open_claims_age_days
--   numerator: sum(age_days)
--   denominator: count(*)
-- explain: claim_id, order_id, line_no, customer, opened_date, status, age_days, type, responsible
-- materialized: view
SELECT * FROM fct_claim WHERE is_open
