-- What people decided about each anomaly, kept across rebuilds. anomaly_key is the
-- anomaly's stable key (code and business keys, such as late_backlog/0010000123/20);
-- anomaly_id its short form (the first 10 hex digits of md5(anomaly_key)) that people
-- type. status: new, acknowledged or resolved. A build that still finds an anomaly
-- marked resolved before it makes it new again (reopened counts how often); one that no
-- longer finds it marks it resolved by itself (resolved_by 'data').
CREATE TABLE anomaly_status (
    anomaly_key    VARCHAR PRIMARY KEY,
    anomaly_id     VARCHAR NOT NULL,
    code           VARCHAR NOT NULL,
    status         VARCHAR NOT NULL DEFAULT 'new',  -- new, acknowledged, resolved
    first_seen     DATE,                            -- as-of date of the first build that found it
    last_seen      DATE,                            -- as-of date of the last build that found it
    seen_in_build  TIMESTAMP,                       -- params.built_at of the last build that found it
    changed_at     TIMESTAMP,                       -- when status last changed
    resolved_by    VARCHAR,                         -- user or data
    reopened       INTEGER NOT NULL DEFAULT 0,
    note           VARCHAR
);

-- The control-chart signals of the weekly KPIs (package anomalies writes them after
-- every build; sql/models/anomalies/anomaly_kpi_signal.sql turns the alerts into
-- anomalies). One row per KPI, cut and Western Electric rule that fires on the latest
-- complete week.
CREATE TABLE kpi_signals (
    kpi             VARCHAR NOT NULL,
    dim             VARCHAR NOT NULL,   -- '' for the company as a whole
    dim_value       VARCHAR NOT NULL,
    week            DATE NOT NULL,      -- Monday of the week the signal fires on
    rule            INTEGER NOT NULL,   -- Western Electric rule 1 to 4
    chart           VARCHAR NOT NULL,   -- p, laney or xmr
    value           DOUBLE,
    centre          DOUBLE,
    lcl             DOUBLE,
    ucl             DOUBLE,
    sigma           DOUBLE,
    z               DOUBLE,
    n               DOUBLE,             -- population of the week (lines, orders, claims...)
    baseline_weeks  INTEGER,
    since           DATE,               -- first week of the run of points behind the signal
    worse           BOOLEAN,            -- the KPI moved the wrong way
    alert           BOOLEAN NOT NULL,   -- a material change on a large enough population
    severity        VARCHAR
);
