-- Exchange rates, one row per (rate_date, currency): units of the currency per one unit
-- of the base the rates are quoted in (the ECB's: per euro, EUR = 1). A newer load
-- replaces the rates of its days and currencies; a rate of zero or less is no rate.
-- materialized: view
SELECT
    rate_date,
    upper(trim(currency)) AS currency,
    rate
FROM fx_rates
WHERE _superseded IS NOT TRUE
  AND rate > 0
  AND rate_date IS NOT NULL
