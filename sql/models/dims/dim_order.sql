-- Sales orders, one row each, with their order date and cut_id: the combination of
-- their cut dimensions (customer, country, region, bloc, site, incoterm, lane, planned
-- transport mode, currency, delivery event basis), spelled out once per combination in
-- dim_cut. Built from dim_order_cut, which decides them.
-- fx_rate converts the order's amounts (line prices, hence backlog, open and ordered
-- value) to the reporting currency at the rate of its order date (fx_day); 1 when the
-- order is in the reporting currency or names none (taken to be in it); NULL when no
-- rate serves that date: the order's values are unconverted, left out of money sums.
-- materialized: table
-- test: unique(order_id)
-- test: not_null(cut_id)
-- (a warning, not a failure: the order's currency has no rate within
-- params.fx_rate_max_age_days of its order date; fx_unconverted lists them)
-- test: warn expect(fx_rate IS NOT NULL)
SELECT
    o.order_id,
    o.order_date,
    o.customer_id,
    o.cut_id,
    o.currency,
    CASE WHEN o.currency IS NULL OR o.currency = p.reporting_currency THEN 1.0
         ELSE f.factor END AS fx_rate
FROM dim_order_cut o
CROSS JOIN params p
LEFT JOIN fx_day f ON f.currency = o.currency AND f.day = o.order_date
