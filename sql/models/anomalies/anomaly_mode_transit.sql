-- Typical transit time of each transport mode, observed in the shipments: the median of
-- delivery_date - ship_date, per lane (site > destination country) where the lane has at
-- least 3 such shipments, and over all lanes. The remedies use it to find a faster mode
-- that still meets a due date.
-- materialized: table
WITH transit AS (
    SELECT
        coalesce(o.ship_from_site, '(none)')              AS site,
        coalesce(o.ship_to_country, '(none)')             AS destination,
        coalesce(s.transport_mode, o.transport_mode)      AS transport_mode,
        s.delivery_date - s.ship_date                     AS transit_days
    FROM stg_shipments s
    JOIN stg_orders o USING (order_id)
    WHERE s.delivery_date >= s.ship_date
      AND coalesce(s.transport_mode, o.transport_mode) IS NOT NULL
)
SELECT site, destination, transport_mode,
       CAST(round(median(transit_days)) AS INTEGER) AS transit_days,
       count(*)                                     AS shipments
FROM transit
GROUP BY site, destination, transport_mode
HAVING count(*) >= 3
UNION ALL
SELECT '*', '*', transport_mode,
       CAST(round(median(transit_days)) AS INTEGER),
       count(*)
FROM transit
GROUP BY transport_mode
HAVING count(*) >= 3
