-- Every order line (cancelled ones too: their shipments still need their order's
-- dimensions) with the cut_id and date of its order, and its due date (domain.md):
--   due_date     = promised_date, or requested_date where no promise exists
--   deadline     = due_date + params.late_tolerance_days
--   required_qty = ordered_qty x (1 - params.qty_tolerance)
--   is_counted   = the line counts for the service KPIs: not cancelled, quantity > 0
-- cut_id 0: the order is unknown. A temp table: the facts read it during the build, no
-- one after (it saves writing ten million rows to disk).
-- materialized: temp
-- (one row per (order_id, line_no) by construction: stg_order_lines keeps one row per key
-- and dim_order, tested unique on order_id, cannot multiply it; TestStagingKeepsTheLastRowOfAKey
-- checks it. A unique test here would cost 2 s at ten million lines.)
-- test: not_null(cut_id, is_counted)
SELECT
    l.line_key,
    l.order_id,
    l.line_no,
    l.sku,
    l.ordered_qty,
    l.unit_price,
    l.requested_date,
    l.promised_date,
    l.status,
    coalesce(o.cut_id, 0::UBIGINT)                                             AS cut_id,
    o.order_date,
    -- the order's conversion to the reporting currency (dim_order); 1 for an unknown order
    CASE WHEN o.order_id IS NULL THEN 1.0 ELSE o.fx_rate END            AS fx_rate,
    coalesce(l.promised_date, l.requested_date)                         AS due_date,
    coalesce(l.promised_date, l.requested_date) + p.late_tolerance_days AS deadline,
    -- wide enough for any quantity: DECIMAL(18,4) x DECIMAL(9,6) would overflow past 10^8
    -- (fct_order_line repeats this formula: int_order_line does not store the result)
    CAST(l.ordered_qty AS DECIMAL(38,4)) * (1 - p.qty_tolerance)        AS required_qty,
    l.status IS DISTINCT FROM 'cancelled' AND coalesce(l.ordered_qty > 0, false) AS is_counted
FROM (
    -- the sku as an enum, '(none)' when missing, cast before the join, where the extract's
    -- column is still dictionary-compressed and a cast runs once per distinct text (after
    -- it, or in the facts, once per row: 2 to 3 s at ten million lines)
    SELECT * REPLACE (CAST(coalesce(sku, '(none)') AS sku_enum) AS sku) FROM stg_order_lines) l
CROSS JOIN params p
LEFT JOIN dim_order o USING (order_id)
