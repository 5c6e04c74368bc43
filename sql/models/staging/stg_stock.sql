-- Stock snapshots, one row per (snapshot_date, site, sku) (latest load wins).
-- materialized: view
-- (its key is tested unique on fct_stock_coverage, a table: a test on this view would redo the deduplication)
SELECT
    snapshot_date,
    site,
    sku,
    on_hand_qty,
    reserved_qty,
    incoming_qty,
    incoming_date
FROM stock
-- Left out: the rows a later row of the same key replaces (latest load, then last row of
-- the file: _row, or the order of the table where the fast CSV path left _row NULL).
-- A window over the key columns alone finds them (few), much cheaper than one that
-- carries every column.
WHERE rowid NOT IN (
    SELECT rowid FROM stock
    QUALIFY row_number() OVER (PARTITION BY snapshot_date, site, sku ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1)
