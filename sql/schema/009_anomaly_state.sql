-- The state of each anomaly over time (package anomalies writes them after every build).
-- anomaly_snapshot keeps, for each build's as-of date, the anomalies found with their
-- value and deadline, for eight weeks: the build compares the current list with the
-- snapshot of a week before (the latest at least 7 days older) to tell what is new,
-- worsening or resolved since last week. anomaly_state is rebuilt by every build: one
-- row per anomaly of anomaly_list with its age, state and the item it belongs to.
CREATE TABLE anomaly_snapshot (
    as_of           DATE NOT NULL,
    anomaly_key     VARCHAR NOT NULL,
    code            VARCHAR NOT NULL,
    customer_id     VARCHAR,
    value_at_stake  DOUBLE,
    currency        VARCHAR,
    days            INTEGER,
    days_left       INTEGER,
    severity        VARCHAR,
    state           VARCHAR
);

CREATE TABLE anomaly_state (
    anomaly_key       VARCHAR NOT NULL,
    age_days          INTEGER,         -- since when the condition holds (its since, or first seen)
    stale_after_days  INTEGER,         -- the code's limit (anomalies.stale_after_days); 0: never stale
    state             VARCHAR NOT NULL, -- new, open, worsening, acknowledged, resolved, stale
    ref_as_of         DATE,            -- the build compared with (a week before), if any
    ref_value         DOUBLE,          -- the value at stake then
    bucket            VARCHAR NOT NULL, -- worklist, stale (data to clean up) or resolved
    item_key          VARCHAR NOT NULL, -- one item per cause: the code and its order, shipment or invoice
    item_lines        INTEGER NOT NULL,
    item_value        DOUBLE,
    item_priority     DOUBLE,
    item_rank         INTEGER NOT NULL  -- 1 = the item of highest priority of its bucket
);
