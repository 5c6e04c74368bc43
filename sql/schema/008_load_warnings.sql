-- A value that loaded but looks wrong for the business (a quantity of zero or less, a
-- negative price, a date decades away): kept with the load so the desk can check the
-- source, never silently. With `sanity: reject` in orderflow.yaml such rows go to
-- rejects instead and this table stays empty.
CREATE TABLE load_warnings (
    load_id     BIGINT NOT NULL,
    path        VARCHAR NOT NULL,
    row_no      BIGINT,              -- file row; NULL when the fast path did not number rows
    entity      VARCHAR NOT NULL,
    record_key  VARCHAR,             -- the row's business key, e.g. 0010000002/10
    column_name VARCHAR NOT NULL,
    value       VARCHAR,
    reason      VARCHAR NOT NULL
);
