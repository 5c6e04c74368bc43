-- lc_expiry_risk: the documents of a letter-of-credit shipment must reach the bank within
-- params.lc_presentation_days days (21, UCP 600 art. 14c) of the shipment date and before
-- the credit expires: a shipment with ship_date + 21 days after lc_expiry_date leaves less
-- time than that. Also an order still to ship whose credit expires within 21 days of the
-- as-of date (no shipment key then). At stake: the shipment's value (or the value left).
WITH lc_shipment AS (
    SELECT
        s.order_id,
        s.shipment_id,
        min(s.ship_date)                          AS ship_date,
        sum(s.shipped_qty * f.unit_price)         AS shipment_value,
        any_value(f.site)                         AS site,
        any_value(f.customer_id)                  AS customer_id,
        any_value(f.currency)                     AS currency,
        any_value(f.lc_expiry_date)               AS lc_expiry_date,
        any_value(f.lc_latest_shipment_date)      AS lc_latest_shipment_date,
        CASE WHEN count(DISTINCT s.line_no) = 1 THEN any_value(f.sku) END AS sku
    FROM stg_shipments s
    JOIN anomaly_line_flow f USING (order_id, line_no)
    CROSS JOIN params p
    WHERE f.payment_method = 'letter_of_credit'
      AND f.lc_expiry_date IS NOT NULL
      AND s.ship_date <= p.as_of
    GROUP BY s.order_id, s.shipment_id
),
lc_open AS (
    SELECT
        f.order_id,
        sum((f.ordered_qty - f.shipped_qty) * f.unit_price) AS open_value,
        any_value(f.site) AS site, any_value(f.customer_id) AS customer_id,
        any_value(f.currency) AS currency, any_value(f.lc_expiry_date) AS lc_expiry_date,
        any_value(f.lc_latest_shipment_date) AS lc_latest_shipment_date
    FROM anomaly_line_flow f
    WHERE f.payment_method = 'letter_of_credit'
      AND f.lc_expiry_date IS NOT NULL
      AND f.status = 'open'
      AND f.shipped_qty < f.ordered_qty
    GROUP BY f.order_id
)
SELECT
    'lc_expiry_risk'                             AS code,
    'high'                                       AS severity,
    order_id,
    NULL::VARCHAR                                AS line_no,
    shipment_id,
    NULL::VARCHAR                                AS invoice_id,
    NULL::VARCHAR                                AS claim_id,
    sku,
    site,
    customer_id,
    p.as_of                                      AS detected_on,
    ship_date                                    AS since,
    shipment_value                               AS value_at_stake,
    currency,
    CASE WHEN lc_expiry_date < p.as_of THEN p.as_of - lc_expiry_date END AS days,
    CASE WHEN lc_expiry_date >= p.as_of THEN lc_expiry_date - p.as_of END AS days_left,
    NULL::VARCHAR                                AS key_detail,
    ship_date,
    ship_date + p.lc_presentation_days           AS presentation_due,
    p.lc_presentation_days                       AS presentation_days,
    lc_expiry_date,
    lc_latest_shipment_date                      AS lc_date,
    ship_date + p.lc_presentation_days - lc_expiry_date AS days_short
FROM lc_shipment
CROSS JOIN params p
WHERE ship_date + p.lc_presentation_days > lc_expiry_date
UNION ALL BY NAME
SELECT
    'lc_expiry_risk'                             AS code,
    'high'                                       AS severity,
    order_id,
    NULL::VARCHAR                                AS line_no,
    NULL::VARCHAR                                AS shipment_id,
    NULL::VARCHAR                                AS invoice_id,
    NULL::VARCHAR                                AS claim_id,
    NULL::VARCHAR                                AS sku,
    site,
    customer_id,
    p.as_of                                      AS detected_on,
    p.as_of                                      AS since,
    open_value                                   AS value_at_stake,
    currency,
    CASE WHEN lc_expiry_date < p.as_of THEN p.as_of - lc_expiry_date END AS days,
    CASE WHEN lc_expiry_date >= p.as_of THEN lc_expiry_date - p.as_of END AS days_left,
    'not_shipped'                                AS key_detail,
    NULL::DATE                                   AS ship_date,
    p.as_of + p.lc_presentation_days             AS presentation_due,
    p.lc_presentation_days                       AS presentation_days,
    lc_expiry_date,
    lc_latest_shipment_date                      AS lc_date,
    p.as_of + p.lc_presentation_days - lc_expiry_date AS days_short
FROM lc_open
CROSS JOIN params p
WHERE p.as_of + p.lc_presentation_days > lc_expiry_date
