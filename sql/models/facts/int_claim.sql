-- One row per claim or return. Its week is that of opened_date; closed_week that of
-- closed_date. Open at the as-of date: opened before it and not closed before it (a claim
-- whose status says closed without a closed_date is not open, and has no resolution time).
-- Cuts: the claimed order's dimensions (cut_id) and the claimed line's SKU; carrier and
-- transport_mode those of the claimed shipment, else those of the line (its first
-- delivery), else the order's planned mode.
-- cost is in the order's currency; fx_rate converts it to the reporting currency at the
-- rate of the claim's opened date (fx_day), NULL when no rate serves it.
-- materialized: table
-- test: unique(claim_id)
-- test: not_null(cut_id, is_opened, is_open, is_closed, carrier, transport_mode)
-- test: expect(NOT is_open OR age_days >= 0)
-- test: warn expect(fx_rate IS NOT NULL OR cost IS NULL)
WITH shipment AS (
    SELECT shipment_id, min(carrier) AS carrier, min(transport_mode) AS transport_mode
    FROM int_shipment
    WHERE shipment_id IN (SELECT shipment_id FROM stg_claims)
    GROUP BY shipment_id
)
SELECT
    c.claim_id,
    c.order_id,
    c.line_no,
    c.shipment_id,
    l.sku,
    coalesce(o.cut_id, 0::UBIGINT)                                               AS cut_id,
    c.opened_date,
    c.closed_date,
    c.type,
    c.cause,
    c.responsible,
    c.claimed_qty,
    c.returned_qty,
    c.cost,                                                               -- in the order's currency
    CASE WHEN o.currency IS NULL OR o.currency = p.reporting_currency THEN 1.0
         ELSE f.factor END                                                AS fx_rate,
    c.status,
    CAST(date_trunc('week', c.opened_date) AS DATE)                       AS week,
    CAST(date_trunc('week', c.closed_date) AS DATE)                       AS closed_week,
    coalesce(c.opened_date < p.as_of, false)                              AS is_opened,
    coalesce(c.opened_date < p.as_of, false)
        AND (c.closed_date >= p.as_of
             OR (c.closed_date IS NULL AND c.status IS DISTINCT FROM 'closed')) AS is_open,
    coalesce(c.closed_date < p.as_of, false)                              AS is_closed,
    CASE WHEN c.closed_date < p.as_of THEN c.closed_date - c.opened_date END AS resolution_days,
    p.as_of - c.opened_date                                               AS age_days,
    coalesce(s.carrier, fl.carrier, '(none)')                             AS carrier,
    coalesce(s.transport_mode, fl.transport_mode, o.order_transport_mode, '(none)') AS transport_mode
FROM stg_claims c
CROSS JOIN params p
LEFT JOIN dim_order_cut o ON o.order_id = c.order_id
LEFT JOIN dim_order_line l ON l.order_id = c.order_id AND l.line_no = c.line_no
LEFT JOIN int_order_line fl ON fl.line_key = l.line_key -- an integer: cheaper to match than two texts
LEFT JOIN shipment s ON s.shipment_id = c.shipment_id
LEFT JOIN fx_day f ON f.currency = o.currency AND f.day = c.opened_date
