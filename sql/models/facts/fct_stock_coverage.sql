-- One row per stock snapshot (site, SKU, snapshot_date on or before the as-of date):
--   available_qty    = on_hand_qty - reserved_qty
--   avg_daily_demand = quantity shipped from the site in the params.demand_window_days
--                      (default 91) days before the snapshot / demand_window_days
--   coverage_days    = available_qty / avg_daily_demand (backward coverage); NULL, with
--                      no_movement, when nothing shipped in the window
-- and, for the latest snapshot of each site and SKU, the forward projection: walking the
-- open order lines of that site and SKU by due date (remaining quantity out) and the
-- incoming receipt by its date (in, before the lines of the same day), the first date the
-- projected available quantity goes below zero is projected_stockout_date; the open lines
-- due on or after it are at risk (lines_at_risk, value_at_risk = remaining qty x price).
-- A snapshot shows the stock at the start of its day, so its week is that of the day
-- before: a Monday extract closes the previous week. is_week_last keeps one snapshot per
-- week for the weekly KPIs.
-- materialized: table
-- test: unique(snapshot_date, site, sku)
-- test: not_null(week, is_week_last, is_latest, no_movement, family)
-- test: expect(no_movement = (coverage_days IS NULL))
-- test: expect(projected_stockout_date IS NULL OR is_latest)
WITH snapshot AS (
    SELECT
        s.*,
        -- the sku as int_shipment stores it (sku_enum), for the hash to match its shipments'
        hash(s.site, CAST(s.sku AS sku_enum))                     AS site_sku,
        coalesce(s.on_hand_qty, 0) - coalesce(s.reserved_qty, 0)  AS available_qty,
        CAST(date_trunc('week', s.snapshot_date - 1) AS DATE)     AS week,
        p.demand_window_days,
        p.coverage_target_days,
        p.overstock_days
    FROM stg_stock s
    CROSS JOIN params p
    WHERE s.snapshot_date <= p.as_of
),
last_of_week AS (
    SELECT site, sku, week, max(snapshot_date) AS week_last
    FROM snapshot
    GROUP BY ALL
),
latest AS (
    SELECT site, sku, max(week_last) AS latest FROM last_of_week GROUP BY ALL
),
ranked AS (
    SELECT
        s.*,
        s.snapshot_date = w.week_last  AS is_week_last,
        s.snapshot_date = l.latest     AS is_latest
    FROM snapshot s
    JOIN last_of_week w USING (site, sku, week)
    JOIN latest l USING (site, sku)
),
daily_shipped AS (
    -- by site_sku, a 64-bit hash of the pair: grouping ten million shipments and walking
    -- their days by an integer is about twice as fast as by the two texts (two pairs
    -- would share a hash only among billions of them)
    SELECT hash(c.site, s.sku) AS site_sku, s.shipped_on AS day, sum(s.shipped_qty) AS qty
    FROM int_shipment s
    JOIN dim_cut c USING (cut_id)
    WHERE s.shipped_on IS NOT NULL AND s.sku <> '(none)'
    GROUP BY ALL
),
cumulative AS (
    SELECT site_sku, day, sum(qty) OVER (PARTITION BY site_sku ORDER BY day) AS shipped_to_date
    FROM daily_shipped
),
demand AS (
    -- shipped in [snapshot - window, snapshot) = shipped before the snapshot minus shipped
    -- before the window: two ASOF joins on the running total, no range join
    SELECT r.site_sku, r.snapshot_date,
           coalesce(upto.shipped_to_date, 0) - coalesce(before.shipped_to_date, 0) AS demand_qty
    FROM ranked r
    ASOF LEFT JOIN cumulative upto
      ON upto.site_sku = r.site_sku AND upto.day < r.snapshot_date
    ASOF LEFT JOIN cumulative before
      ON before.site_sku = r.site_sku AND before.day < r.snapshot_date - r.demand_window_days
),
movement AS (
    SELECT r.site, r.sku, r.available_qty, r.incoming_date AS day, 0 AS kind,
           r.incoming_qty AS qty_change, NULL AS remaining_value
    FROM ranked r
    WHERE r.is_latest AND r.incoming_qty > 0 AND r.incoming_date IS NOT NULL
    UNION ALL
    SELECT r.site, r.sku, r.available_qty, o.due_date, 1,
           -o.remaining_qty, o.remaining_qty * CAST(o.unit_price AS DOUBLE) * o.fx_rate
    FROM int_order_line o
    JOIN dim_cut c USING (cut_id)
    JOIN ranked r ON r.site = c.site AND r.sku = o.sku
    WHERE r.is_latest AND o.is_open AND o.remaining_qty > 0 AND o.due_date IS NOT NULL
),
walk AS (
    -- the default frame includes the peers of (day, kind): a day's lines go out together
    SELECT *, available_qty + sum(qty_change) OVER (PARTITION BY site, sku ORDER BY day, kind) AS projected_qty
    FROM movement
),
projection AS (
    SELECT site, sku, min(day) FILTER (WHERE projected_qty < 0) AS projected_stockout_date
    FROM walk
    GROUP BY site, sku
),
at_risk AS (
    SELECT w.site, w.sku, count(*) AS lines_at_risk, sum(w.remaining_value) AS value_at_risk
    FROM walk w
    JOIN projection j USING (site, sku)
    WHERE w.kind = 1 AND w.day >= j.projected_stockout_date
    GROUP BY ALL
),
coverage AS (
    SELECT
        r.*,
        coalesce(d.demand_qty, 0)                                        AS demand_qty,
        coalesce(d.demand_qty, 0) / r.demand_window_days                 AS avg_daily_demand,
        coalesce(d.demand_qty, 0) <= 0                                   AS no_movement,
        CASE WHEN d.demand_qty > 0
             THEN r.available_qty / (d.demand_qty / r.demand_window_days) END AS coverage_days
    FROM ranked r
    LEFT JOIN demand d USING (site_sku, snapshot_date)
)
SELECT
    c.snapshot_date,
    c.week,
    c.is_week_last,
    c.is_latest,
    c.site,
    c.sku,
    coalesce(pr.family, '(none)')                         AS family,
    c.on_hand_qty,
    c.reserved_qty,
    c.available_qty,
    c.incoming_qty,
    c.incoming_date,
    c.demand_qty,
    c.avg_daily_demand,
    c.no_movement,
    c.coverage_days,
    c.coverage_days < c.coverage_target_days              AS under_coverage_target,
    c.coverage_days > c.overstock_days                    AS over_overstock,
    c.available_qty * CAST(pr.unit_cost AS DOUBLE)        AS stock_value,
    -- the projection walks from the latest snapshot only
    CASE WHEN c.is_latest THEN j.projected_stockout_date END          AS projected_stockout_date,
    CASE WHEN c.is_latest THEN coalesce(a.lines_at_risk, 0) ELSE 0 END AS lines_at_risk,
    CASE WHEN c.is_latest THEN coalesce(a.value_at_risk, 0) ELSE 0 END AS value_at_risk
FROM coverage c
LEFT JOIN stg_products pr ON pr.sku = c.sku
LEFT JOIN projection j ON j.site = c.site AND j.sku = c.sku
LEFT JOIN at_risk a ON a.site = c.site AND a.sku = c.sku
