-- What can be done for a line that is late or about to be short, from the data:
--   own_available    stock available now (on hand - reserved, latest snapshot) at the
--                    line's site: a partial shipment of partial_qty = least(available,
--                    remaining) can leave now
--   other_site       the other site holding the most available stock of the same SKU,
--                    with other_available (a transfer, or a shipment from there)
--   faster_mode      for an Incoterm whose due date is a delivery at destination (D
--                    terms), a mode whose typical transit (anomaly_mode_transit, on the
--                    lane, else overall) is shorter than the order's own mode: the
--                    slowest one that still arrives by the due date when one does
--                    (meets_due), else the fastest one when it saves 2 days or more
WITH line AS (
    SELECT order_id, line_no FROM anomaly_late_backlog
    UNION
    SELECT order_id, line_no FROM anomaly_due_soon_short
),
detail AS (
    SELECT f.*, greatest(f.ordered_qty - f.shipped_qty, 0) AS remaining_qty,
           i.delivery_event, p.as_of
    FROM line
    JOIN anomaly_line_flow f USING (order_id, line_no)
    CROSS JOIN params p
    LEFT JOIN ref_incoterms i ON i.code = f.incoterm
),
stock_now AS (
    SELECT site, sku, available_qty FROM fct_stock_coverage WHERE is_latest
),
own AS (
    SELECT d.order_id, d.line_no, s.available_qty AS own_available
    FROM detail d JOIN stock_now s ON s.site = d.site AND s.sku = d.sku
),
other AS (
    SELECT d.order_id, d.line_no,
           arg_max(s.site, (s.available_qty, s.site)) AS other_site,
           max(s.available_qty)                       AS other_available
    FROM detail d JOIN stock_now s ON s.sku = d.sku AND s.site <> d.site AND s.available_qty > 0
    GROUP BY d.order_id, d.line_no
),
mode_option AS (
    -- the transit of every mode for the line's lane, the lane's own figure first
    SELECT d.order_id, d.line_no, d.due_date, d.as_of, t.transport_mode, t.transit_days,
           t.transport_mode = d.transport_mode AS is_current
    FROM detail d
    JOIN anomaly_mode_transit t
      ON (t.site = coalesce(d.site, '(none)') AND t.destination = coalesce(d.ship_to_country, '(none)'))
      OR (t.site = '*' AND t.destination = '*')
    WHERE d.delivery_event = 'delivery'
    QUALIFY row_number() OVER (PARTITION BY d.order_id, d.line_no, t.transport_mode ORDER BY t.site = '*') = 1
),
faster AS (
    SELECT o.order_id, o.line_no,
           c.transit_days                                            AS current_transit_days,
           -- the slowest mode that meets the due date, else the fastest
           arg_max(o.transport_mode, (o.as_of + o.transit_days <= o.due_date, CASE WHEN o.as_of + o.transit_days <= o.due_date THEN o.transit_days ELSE -o.transit_days END)) AS faster_mode,
           arg_max(o.transit_days,   (o.as_of + o.transit_days <= o.due_date, CASE WHEN o.as_of + o.transit_days <= o.due_date THEN o.transit_days ELSE -o.transit_days END)) AS faster_transit_days
    FROM mode_option o
    JOIN mode_option c ON c.order_id = o.order_id AND c.line_no = o.line_no AND c.is_current
    WHERE NOT o.is_current AND o.transit_days < c.transit_days
    GROUP BY o.order_id, o.line_no, c.transit_days
)
SELECT
    d.order_id,
    d.line_no,
    d.remaining_qty,
    d.unit_price,
    d.due_date,
    d.transport_mode,
    own.own_available,
    CASE WHEN own.own_available > 0 THEN least(own.own_available, d.remaining_qty) END AS partial_qty,
    other.other_site,
    other.other_available,
    CASE WHEN fa.current_transit_days - fa.faster_transit_days >= 2
              OR d.as_of + fa.faster_transit_days <= d.due_date THEN fa.faster_mode END AS faster_mode,
    fa.faster_transit_days,
    fa.current_transit_days,
    d.as_of + fa.faster_transit_days                                  AS faster_arrival,
    d.as_of + fa.faster_transit_days <= d.due_date                    AS meets_due
FROM detail d
LEFT JOIN own USING (order_id, line_no)
LEFT JOIN other USING (order_id, line_no)
LEFT JOIN faster fa USING (order_id, line_no)
