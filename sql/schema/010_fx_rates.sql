-- Exchange rates: one row per (rate_date, currency), rate = units of that currency per
-- one unit of the base the file is quoted in (the ECB's reference rates: per euro, with
-- EUR = 1 added by the ECB reader). A newer file replaces the rates of its keys. Rates
-- of several bases must not be mixed: a conversion divides two rates of one day.
CREATE TABLE fx_rates (
    rate_date  DATE NOT NULL,
    currency   VARCHAR NOT NULL,   -- ISO 4217
    rate       DOUBLE NOT NULL,
    _load_id   BIGINT NOT NULL,
    _row       BIGINT,             -- NULL where the fast CSV path does not number rows
    _superseded BOOLEAN DEFAULT false
);
