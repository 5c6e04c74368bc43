-- The memory of `orderflow serve`: what each scheduled job did, and what was already
-- sent, so that an alert or a weekly report goes out once, not again every hour.
-- Times are UTC.

-- One row per run of a job, whatever its outcome.
CREATE SEQUENCE job_run_id_seq START 1;
CREATE TABLE job_runs (
    run_id        BIGINT PRIMARY KEY,
    job           VARCHAR NOT NULL,   -- the schedule's name
    kind          VARCHAR NOT NULL,   -- pull, build, report, alerts
    triggered_by  VARCHAR NOT NULL,   -- schedule, catch_up, manual, after_pull
    scheduled_for TIMESTAMP,          -- the cron time the run answers (a catch-up: the missed one)
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    outcome       VARCHAR NOT NULL,   -- running, success, failed, skipped
    attempts      INTEGER NOT NULL,
    row_count     BIGINT,             -- rows loaded (pull), rows built (build), messages sent
    message       VARCHAR             -- the error, or what was done
);

-- An alert sent: a high-severity anomaly or a control-chart signal, by its identity.
CREATE TABLE alerts_sent (
    alert_key  VARCHAR NOT NULL,      -- anomaly:<code>|<order>|<line>|<shipment>|<sku>|<customer> or signal:<kpi>|<cut>|<week>|<rule>
    channel    VARCHAR NOT NULL,      -- email or webhook
    severity   VARCHAR,
    summary    VARCHAR,
    sent_at    TIMESTAMP NOT NULL
);

-- A weekly report delivered to one recipient.
CREATE TABLE report_deliveries (
    week       VARCHAR NOT NULL,      -- ISO week, such as 2026-W47
    recipient  VARCHAR NOT NULL,
    sent_at    TIMESTAMP NOT NULL,
    message_id VARCHAR
);
