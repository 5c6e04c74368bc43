-- Stock snapshots, one row per (snapshot_date, site, sku) (latest load wins).
-- materialized: view
-- (its key is tested unique on fct_stock_coverage, a table)
SELECT
    snapshot_date,
    site,
    sku,
    on_hand_qty,
    reserved_qty,
    incoming_qty,
    incoming_date
FROM stock
-- Left out: the rows a later row of the same key in the same extract replaces, which
-- the first build after the load marks _superseded (the last row of the file wins; the
-- load deletes the rows of earlier extracts with the key): see models.markSuperseded.
WHERE _superseded IS NOT TRUE
