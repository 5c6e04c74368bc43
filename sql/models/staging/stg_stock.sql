-- Stock snapshots, one row per (snapshot_date, site, sku) (latest load wins). The site is
-- the one orders ship from (stg_orders reads it alike): the config's sites: map, else the
-- first segment of a location path, so Odoo's quants of "LYO/Stock" and "LYO/Stock/Shelf 2"
-- are the stock of LYO, summed.
-- materialized: view
-- (its key is tested unique on fct_stock_coverage, a table)
WITH s AS (
    SELECT *, nullif(trim(site), '') AS site_raw FROM stock
    -- Left out: the rows a later row of the same key in the same extract replaces, which
    -- the first build after the load marks _superseded (the last row of the file wins; the
    -- load deletes the rows of earlier extracts with the key): see models.markSuperseded.
    WHERE _superseded IS NOT TRUE
), sited AS (
    SELECT s.*,
           coalesce(sm.site, sm_first.site,
                    CASE WHEN contains(site_raw, '/') THEN nullif(trim(split_part(site_raw, '/', 1)), '') ELSE site_raw END) AS site_code
    FROM s
    LEFT JOIN site_map sm ON sm.alias = upper(strip_accents(site_raw))
    LEFT JOIN site_map sm_first ON contains(site_raw, '/') AND sm_first.alias = upper(strip_accents(trim(split_part(site_raw, '/', 1))))
)
-- The locations of one site are summed (one row per key already passes as it is).
SELECT snapshot_date, site_code AS site, sku,
       sum(on_hand_qty) AS on_hand_qty, sum(reserved_qty) AS reserved_qty,
       sum(incoming_qty) AS incoming_qty, min(incoming_date) AS incoming_date
FROM sited
GROUP BY snapshot_date, site_code, sku
