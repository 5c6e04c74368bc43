-- The factor that converts an amount of a currency on a day to the reporting currency
-- (params.reporting_currency): amount x factor. One row per currency and day that a
-- rate serves: a rate serves its own date and the days after it, up to the next rate of
-- the currency or params.fx_rate_max_age_days (default 7: no ECB rate on weekends and
-- the TARGET holidays), whichever comes first. A day no rate serves has no row: an
-- amount of that day is unconverted (dim_order, int_shipment, int_claim and
-- anomaly_detected leave it out of every sum, fx_unconverted lists it).
--   factor = rate(reporting currency) / rate(currency), both of the rate's date; when
--            the rates hold no row of the reporting currency, they are taken to be
--            quoted per unit of it (a file of "rate per reporting currency"): 1 / rate.
-- The reporting currency itself needs no row: its factor is 1 wherever it is read.
-- materialized: table
-- test: unique(currency, day)
-- test: not_null(factor)
WITH quoted AS (
    SELECT count(*) FILTER (WHERE r.currency = p.reporting_currency) > 0 AS has_reporting
    FROM stg_fx_rates r CROSS JOIN params p
),
factor AS (
    SELECT
        r.currency,
        r.rate_date,
        CASE WHEN q.has_reporting THEN b.rate / r.rate ELSE 1 / r.rate END AS factor
    FROM stg_fx_rates r
    CROSS JOIN params p
    CROSS JOIN quoted q
    LEFT JOIN stg_fx_rates b ON b.currency = p.reporting_currency AND b.rate_date = r.rate_date
    WHERE r.currency <> p.reporting_currency
      AND (b.rate IS NOT NULL OR NOT q.has_reporting)
),
span AS (
    SELECT
        currency,
        rate_date,
        factor,
        least(coalesce(lead(rate_date) OVER (PARTITION BY currency ORDER BY rate_date) - 1, DATE '9999-12-31'),
              rate_date + p.fx_rate_max_age_days) AS last_day
    FROM factor CROSS JOIN params p
)
SELECT
    currency,
    CAST(unnest(generate_series(rate_date, last_day, INTERVAL 1 DAY)) AS DATE) AS day,
    rate_date,
    factor
FROM span
