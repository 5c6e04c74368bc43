-- What no exchange rate could convert to the reporting currency: per kind of amount and
-- currency, the rows whose currency has no rate at most params.fx_rate_max_age_days
-- older than their date (fx_day), their amount in that currency and the dates to find
-- rates for. These amounts are left out of every money KPI and total (a sum never adds
-- two currencies); the build says so in one line, and the reports show it.
--   order_lines  the open and ordered value of lines (their order date)
--   shipments    freight cost (the ship date)
--   claims       claim cost (the opened date)
-- The anomalies' value at stake left unconverted (anomaly_detected.fx_missing) is read
-- from anomaly_list, the table package anomalies materialises once per build: reading
-- it here would run every anomaly model again for each reader (6 s at 1M lines).
-- materialized: view
SELECT 'order_lines' AS amounts, c.currency, count(*) AS rows,
       sum(l.ordered_qty * CAST(l.unit_price AS DOUBLE)) AS amount,
       min(l.order_date) AS first_date, max(l.order_date) AS last_date
FROM int_order_line l JOIN dim_cut c USING (cut_id)
WHERE l.fx_rate IS NULL
GROUP BY c.currency
UNION ALL
SELECT 'shipments', c.currency, count(*), sum(CAST(s.freight_cost AS DOUBLE)), min(s.shipped_on), max(s.shipped_on)
FROM int_shipment s JOIN dim_cut c USING (cut_id)
WHERE s.fx_rate IS NULL
GROUP BY c.currency
UNION ALL
SELECT 'claims', c.currency, count(*), sum(CAST(k.cost AS DOUBLE)), min(k.opened_date), max(k.opened_date)
FROM int_claim k JOIN dim_cut c USING (cut_id)
WHERE k.fx_rate IS NULL
GROUP BY c.currency
