-- lc_shipment_date_risk: a line of a letter-of-credit order that misses, or will miss,
-- the LC's latest shipment date, which UCP 600 never extends: not fully shipped when the
-- date has passed, shipped after it, or planned to ship after it. The bank may refuse
-- the documents: the whole line value is at stake until the buyer amends the credit.
-- days = days since the latest shipment date passed; days_left = days until it.
WITH line AS (
    SELECT
        f.*,
        f.lc_latest_shipment_date                                     AS lc_date,
        (SELECT max(coalesce(s.ship_date, s.delivery_date))
         FROM stg_shipments s
         WHERE s.order_id = f.order_id AND s.line_no = f.line_no
           AND coalesce(s.ship_date, s.delivery_date) > f.lc_latest_shipment_date
           AND coalesce(s.ship_date, s.delivery_date) <= p.as_of)     AS shipped_late_on,
        p.as_of
    FROM anomaly_line_flow f
    CROSS JOIN params p
    WHERE f.payment_method = 'letter_of_credit'
      AND f.lc_latest_shipment_date IS NOT NULL
      AND f.status IS DISTINCT FROM 'cancelled'
)
SELECT
    'lc_shipment_date_risk'                      AS code,
    'high'                                       AS severity,
    order_id,
    line_no,
    NULL::VARCHAR                                AS shipment_id,
    NULL::VARCHAR                                AS invoice_id,
    NULL::VARCHAR                                AS claim_id,
    sku,
    site,
    customer_id,
    as_of                                        AS detected_on,
    least(as_of, lc_date)                        AS since,
    ordered_qty * unit_price                     AS value_at_stake,
    currency,
    CASE WHEN lc_date < as_of THEN as_of - lc_date END AS days,
    CASE WHEN lc_date >= as_of THEN lc_date - as_of END AS days_left,
    NULL::VARCHAR                                AS key_detail,
    ordered_qty,
    shipped_qty,
    ordered_qty - shipped_qty                    AS gap_qty,
    unit_price,
    lc_date,
    lc_expiry_date,
    planned_ship_date,
    shipped_late_on                              AS ship_date,
    CASE WHEN shipped_late_on IS NOT NULL THEN 'shipped_after'
         WHEN shipped_qty < ordered_qty AND lc_date < as_of THEN 'not_shipped'
         ELSE 'planned_after' END                AS lc_reason
FROM line
WHERE (shipped_qty < ordered_qty AND lc_date < as_of)
   OR shipped_late_on IS NOT NULL
   OR planned_ship_date > lc_date
