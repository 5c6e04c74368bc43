-- One row per order line that counts for the service KPIs (domain.md): cancelled lines and
-- zero quantities are out. Everything a line KPI needs is decided here, once (due_date,
-- deadline and required_qty come from dim_order_line):
--   is_due          = deadline < as-of
--   qty_by_deadline = shipped quantity whose delivery event is on or before the deadline
--   otif            = qty_by_deadline >= required_qty         (week: ISO week of due_date)
--   on_time         = the first delivery event is on or before the deadline
--   in_full         = all shipped quantity so far >= required_qty
--   days_late       = 0 when otif, else days from due_date to the event that completes
--                     required_qty, or to the as-of date while the line is incomplete
-- "So far" means delivery events before the as-of date: a figure never uses later data.
-- Cuts: cut_id names the order's dimensions (dim_cut), sku the product's ('(none)' when
-- missing; an enum, sku_enum, as are carrier and transport_mode); carrier and
-- transport_mode are those of the line's first delivery event (earliest event, then lowest
-- shipment_id), the shipment that decides on_time, found by their route_key (dim_route); a
-- line not yet shipped has carrier '(none)' and the order's planned transport mode. (A
-- line with shipments by several carriers counts once, for the carrier of its first
-- delivery.)
-- unit_price stays in the order's currency; fx_rate converts it to the reporting currency
-- at the order date (dim_order), NULL when unconverted: every money KPI multiplies by it.
-- Order-level columns (order_*) repeat on each line so that order KPIs can be cut by
-- line dimensions: an order counts when all its lines are due, in the week of its latest
-- due date; it is OTIF when every line is; perfect when also without claim and without a
-- document missing or rejected.
-- materialized: table
-- (one row per counted row of dim_order_line, one per (order_id, line_no))
-- test: not_null(cut_id, is_due, otif, on_time, in_full, shipped_qty, qty_by_deadline, carrier, transport_mode, order_is_due, order_otif, perfect_order)
-- test: expect(qty_by_deadline <= shipped_qty OR NOT is_due)
-- test: expect(NOT is_due OR days_late >= 0)
-- test: expect(NOT otif OR days_late = 0 OR NOT is_due)
-- test: expect(NOT order_otif OR otif OR NOT order_is_due)
-- test: expect(NOT perfect_order OR order_otif)
WITH line AS (
    SELECT * FROM dim_order_line WHERE is_counted
),
per_line AS (
    -- What the shipments of each line delivered: one pass, no sort, grouped by the
    -- integer line_key (shipments of unknown lines have none and count nowhere here).
    SELECT
        line_key,
        count(*) FILTER (WHERE so_far)                                   AS shipment_count,
        CAST(sum(shipped_qty) FILTER (WHERE so_far) AS DECIMAL(18,4))    AS shipped_qty,
        CAST(sum(shipped_qty) FILTER (WHERE so_far AND by_deadline) AS DECIMAL(18,4)) AS qty_by_deadline,
        min(event_date) FILTER (WHERE so_far)                            AS first_event_date,
        -- the carrier and mode (dim_route) when the line has a single shipment so far
        any_value(hash(carrier, transport_mode)) FILTER (WHERE so_far)   AS only_route,
        min(ship_date) FILTER (WHERE shipped_before_as_of)               AS first_ship_date,
        count(*) FILTER (WHERE event_gap AND (so_far OR event_date IS NULL)) AS event_gaps
    FROM int_shipment
    WHERE line_key IS NOT NULL
    GROUP BY line_key
),
split_line AS (
    -- Lines delivered in several shipments so far (few) are walked in delivery order
    -- (event date, then shipment_id): running_qty is the quantity delivered up to and
    -- including each shipment; the first row whose running_qty reaches required_qty falls
    -- on the day that completes the line (same-day rows share the date); the first row is
    -- the line's first delivery, whose carrier and mode the line takes.
    SELECT
        s.line_key, s.event_date, hash(s.carrier, s.transport_mode) AS route_key, l.required_qty,
        sum(s.shipped_qty) OVER delivery_order AS running_qty,
        row_number() OVER delivery_order = 1   AS is_first
    FROM int_shipment s
    JOIN (SELECT l.line_key, l.required_qty
          FROM dim_order_line l JOIN per_line p USING (line_key)
          WHERE p.shipment_count > 1 AND l.is_counted) l USING (line_key)
    WHERE s.so_far
    WINDOW delivery_order AS (PARTITION BY s.line_key ORDER BY s.event_date, s.shipment_id
                              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
split_delivery AS (
    SELECT
        line_key,
        min(event_date) FILTER (WHERE running_qty >= required_qty)  AS completing_event_date,
        any_value(route_key) FILTER (WHERE is_first)                AS first_route
    FROM split_line
    GROUP BY line_key
),
shipped AS (
    SELECT
        p.*,
        CASE WHEN p.shipment_count = 1 THEN p.only_route ELSE m.first_route END AS first_route,
        m.completing_event_date AS split_completing_event_date
    FROM per_line p
    LEFT JOIN split_delivery m USING (line_key)
),
line_kpi AS MATERIALIZED (
    SELECT
        l.line_key,
        l.order_id,
        l.line_no,
        l.sku,
        l.cut_id,
        l.order_date,
        l.requested_date,
        l.promised_date,
        l.due_date,
        l.deadline,
        CAST(date_trunc('week', l.due_date) AS DATE)                           AS week,
        coalesce(l.deadline < p.as_of, false)                                  AS is_due,
        l.ordered_qty,
        l.unit_price,
        l.fx_rate,             -- unit_price x fx_rate is in the reporting currency
        -- (not l.required_qty: fct_order_line works it out again for the few rows an
        -- explanation lists, which is cheaper than writing ten million wide decimals)
        coalesce(s.shipment_count, 0)                                          AS shipment_count,
        coalesce(s.shipped_qty, 0)                                             AS shipped_qty,
        coalesce(s.qty_by_deadline, 0)                                         AS qty_by_deadline,
        s.first_event_date,
        -- the event that completes the required quantity: the only shipment, if enough
        CASE WHEN s.shipment_count = 1 THEN
                  CASE WHEN s.shipped_qty >= l.required_qty THEN s.first_event_date END
             ELSE s.split_completing_event_date END                           AS completing_event_date,
        s.first_ship_date,
        coalesce(s.event_gaps, 0)                                              AS event_gaps,
        coalesce(s.first_event_date <= l.deadline, false)                      AS on_time,
        coalesce(s.shipped_qty, 0) >= l.required_qty                           AS in_full,
        coalesce(s.qty_by_deadline, 0) >= l.required_qty                       AS otif,
        CASE WHEN l.deadline < p.as_of THEN
            CASE WHEN coalesce(s.qty_by_deadline, 0) >= l.required_qty THEN 0
                 ELSE coalesce(completing_event_date, p.as_of) - l.due_date END
        END                                                                    AS days_late,
        CAST(greatest(l.ordered_qty - coalesce(s.shipped_qty, 0), 0) AS DECIMAL(18,4)) AS remaining_qty,
        -- Backlog: a due line not yet fully shipped; a line the ERP closed will not ship more.
        coalesce(l.deadline < p.as_of, false)
            AND coalesce(s.shipped_qty, 0) < l.required_qty
            AND l.status IS DISTINCT FROM 'closed'                             AS in_backlog,
        -- Open: not fully shipped and not closed, whether due or not (what stock must serve).
        coalesce(s.shipped_qty, 0) < l.required_qty
            AND l.status IS DISTINCT FROM 'closed'                             AS is_open,
        s.first_ship_date - l.order_date                                       AS order_to_ship_days,
        CAST(date_trunc('week', s.first_ship_date) AS DATE)                    AS ship_week,
        r.carrier,
        r.transport_mode
    FROM line l
    CROSS JOIN params p
    JOIN dim_cut c USING (cut_id)
    LEFT JOIN shipped s USING (line_key)
    LEFT JOIN dim_route r ON r.route_key = coalesce(s.first_route, hash(CAST('(none)' AS carrier_enum), CAST(c.order_transport_mode AS transport_mode_enum)))
),
order_kpi AS (
    SELECT
        order_id,
        min(line_key)                                 AS order_key, -- an integer per order: counts distinct orders cheaply
        bool_and(is_due)                              AS order_is_due,
        CAST(date_trunc('week', max(due_date)) AS DATE) AS order_week,
        bool_and(otif)                                AS order_otif
    FROM line_kpi
    GROUP BY order_id
),
claimed AS (
    SELECT DISTINCT c.order_id
    FROM stg_claims c CROSS JOIN params p
    WHERE c.opened_date IS NULL OR c.opened_date < p.as_of
),
document_issue AS (
    -- Documents missing or rejected, as stg_documents reads them: the latest row of each
    -- key (the rows a later one replaces are marked _superseded at load and build time),
    -- its status label ("Rejeté", "Fehlt") read as its canonical status.
    SELECT DISTINCT order_id
    FROM stg_documents
    WHERE status IN ('missing', 'rejected')
),
order_flags AS (
    -- one row per order (few next to the lines): the lines then take their order's
    -- verdicts in one join whose hash table holds the orders, which keeps the lines in
    -- the order they were read (by date, as extracts come)
    SELECT
        o.*,
        c.order_id IS NOT NULL                                       AS order_has_claim,
        d.order_id IS NOT NULL                                       AS order_has_document_issue,
        o.order_otif AND c.order_id IS NULL AND d.order_id IS NULL   AS perfect_order
    FROM order_kpi o
    LEFT JOIN claimed c USING (order_id)
    LEFT JOIN document_issue d USING (order_id)
)
SELECT
    l.*,
    o.order_key,
    o.order_is_due,
    o.order_week,
    o.order_otif,
    o.order_has_claim,
    o.order_has_document_issue,
    o.perfect_order
FROM line_kpi l
JOIN order_flags o USING (order_id)
-- (not sorted by week: the lines keep roughly the order of the extract, which is by date,
-- and sorting ten million rows would cost more than it saves a one-week query)
