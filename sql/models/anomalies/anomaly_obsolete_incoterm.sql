-- obsolete_incoterm: an order whose Incoterm is an Incoterms 2010 (or older) code that
-- the 2020 rules dropped (valid = false in rules/data/incoterms.csv): DDU, DAT, DEQ, DES,
-- DAF. Who pays and who bears the risk is then open to dispute. stg_orders reads the code
-- out of what the ERP wrote ("[FCA] FREE CARRIER", "FCA Paris"); a text that holds no
-- known code is not an obsolete term but unreadable data, which stg_orders' data test
-- reports with the build. replacement is the 2020 term to
-- use (replaced_by), line_count how many lines the order carries. One anomaly per order;
-- at stake: the value not yet shipped, else the order value.
WITH order_value AS (
    SELECT order_id,
           count(*)                                                      AS line_count,
           sum(ordered_qty * unit_price)                                 AS ordered_value,
           sum(greatest(ordered_qty - shipped_qty, 0) * unit_price)
               FILTER (WHERE status = 'open')                            AS open_value
    FROM anomaly_line_flow
    WHERE status IS DISTINCT FROM 'cancelled'
    GROUP BY order_id
)
SELECT
    'obsolete_incoterm'                          AS code,
    CASE WHEN o.status = 'open' OR v.open_value > 0 THEN 'medium' ELSE 'low' END AS severity,
    o.order_id,
    NULL::VARCHAR                                AS line_no,
    NULL::VARCHAR                                AS shipment_id,
    NULL::VARCHAR                                AS invoice_id,
    NULL::VARCHAR                                AS claim_id,
    NULL::VARCHAR                                AS sku,
    o.ship_from_site                             AS site,
    o.customer_id,
    p.as_of                                      AS detected_on,
    o.order_date                                 AS since,
    coalesce(nullif(v.open_value, 0), v.ordered_value) AS value_at_stake,
    o.currency,
    p.as_of - o.order_date                       AS days,
    NULL::INTEGER                                AS days_left,
    NULL::VARCHAR                                AS key_detail,
    o.incoterm,
    o.transport_mode,
    nullif(i.replaced_by, '')                    AS replacement,
    i.code IS NOT NULL                           AS incoterm_known,
    v.line_count,
    o.order_date
FROM stg_orders o
CROSS JOIN params p
JOIN ref_incoterms i ON i.code = o.incoterm
LEFT JOIN order_value v USING (order_id)
WHERE i.valid <> 'true'
