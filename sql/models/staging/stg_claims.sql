-- Customer claims and returns, one row per claim_id (latest load wins).
-- materialized: view
-- (its key is tested unique on fct_claim, a table: a test on this view would redo the deduplication)
SELECT
    claim_id,
    order_id,
    line_no,
    nullif(trim(shipment_id), '')          AS shipment_id,
    opened_date,
    closed_date,
    lower(nullif(trim(type), ''))          AS type,
    cause,
    lower(nullif(trim(responsible), ''))   AS responsible,
    claimed_qty,
    returned_qty,
    cost,
    lower(nullif(trim(status), ''))        AS status
FROM claims
-- Left out: the rows a later row of the same key replaces (latest load, then last row of
-- the file: _row, or the order of the table where the fast CSV path left _row NULL).
-- A window over the key columns alone finds them (few), much cheaper than one that
-- carries every column.
WHERE rowid NOT IN (
    SELECT rowid FROM claims
    QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1)
