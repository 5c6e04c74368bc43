-- One row per shipment of an order line, with its delivery event (domain.md).
-- The event is the ship_date (handover to the carrier) or the delivery_date (proof of
-- delivery), as the order's event_basis says (dim_order). When the chosen date is
-- missing the other one stands in and event_gap counts it as a data-quality gap (the
-- real SCMS extract has delivery dates only); with neither date there is no event, and a
-- gap. so_far: the event happened before the as-of date; by_deadline: on or before the
-- line's deadline. carrier and transport_mode are the shipment's own, '(none)' when not
-- recorded (stored as the enums carrier_enum and transport_mode_enum: they read as
-- text). Its week is that of shipped_on, the ship date (else the delivery date).
-- line_key is the line's (dim_order_line), NULL when the line is unknown; sku the line's,
-- '(none)' when unknown (an enum, sku_enum).
-- Money: freight_cost is in the order's currency, like the line's price; fx_rate converts
-- both to the reporting currency at the rate of the ship date (fx_day), NULL when no rate
-- serves it; shipped_value is already converted.
-- materialized: table
-- (one row per (shipment_id, order_id, line_no) by construction: stg_shipments keeps one
-- row per key and the joins are on dim_order_line's key and dim_cut's, tested unique;
-- TestStagingKeepsTheLastRowOfAKey checks it. A unique test here would cost 2.5 s at ten
-- million shipments.)
-- test: not_null(cut_id, event_gap, so_far, by_deadline, carrier, transport_mode, is_shipped)
-- test: expect(event_date IS NULL OR event_date IN (ship_date, delivery_date))
-- test: warn expect(fx_rate IS NOT NULL OR freight_cost IS NULL)
WITH shipment AS (
    SELECT
        s.*,
        l.line_key,
        l.sku,
        l.unit_price,
        l.deadline,
        coalesce(l.cut_id, 0::UBIGINT) AS cut_id,
        CASE c.event_basis
            WHEN 'delivery' THEN coalesce(s.delivery_date, s.ship_date)
            ELSE coalesce(s.ship_date, s.delivery_date)
        END                    AS event_date,
        CASE c.event_basis
            WHEN 'delivery' THEN s.delivery_date IS NULL
            ELSE s.ship_date IS NULL
        END                    AS event_gap,
        coalesce(s.ship_date, s.delivery_date) AS shipped_on,
        CASE WHEN c.currency IS NULL OR c.currency = p.reporting_currency THEN 1.0
             ELSE f.factor END AS fx_rate,
        p.as_of
    FROM (
        -- the enums cast before the join, where the extract's columns are still
        -- dictionary-compressed and a cast runs once per distinct text, not per row
        SELECT * REPLACE (
            CAST(coalesce(carrier, '(none)') AS carrier_enum)               AS carrier,
            CAST(coalesce(transport_mode, '(none)') AS transport_mode_enum) AS transport_mode)
        FROM stg_shipments) s
    CROSS JOIN params p
    LEFT JOIN dim_order_line l USING (order_id, line_no)
    JOIN dim_cut c ON c.cut_id = coalesce(l.cut_id, 0::UBIGINT)
    LEFT JOIN fx_day f ON f.currency = c.currency AND f.day = coalesce(s.ship_date, s.delivery_date)
)
SELECT
    shipment_id,
    order_id,
    line_no,
    line_key,
    coalesce(sku, CAST('(none)' AS sku_enum))           AS sku,
    cut_id,
    shipped_qty,
    ship_date,
    delivery_date,
    event_date,
    event_gap,
    coalesce(event_date < as_of, false)                 AS so_far,
    coalesce(event_date <= deadline, false)             AS by_deadline,
    coalesce(ship_date < as_of, false)                  AS shipped_before_as_of,
    shipped_on,
    CAST(date_trunc('week', shipped_on) AS DATE)        AS week,
    coalesce(shipped_on < as_of, false)                 AS is_shipped,
    -- in the reporting currency (a DECIMAL product could overflow)
    shipped_qty * CAST(unit_price AS DOUBLE) * fx_rate  AS shipped_value,
    freight_cost,                                       -- in the order's currency
    fx_rate,
    weight_kg,
    carrier,
    transport_mode
FROM shipment
-- (not sorted by week: extracts come roughly in date order, which the table keeps, and
-- sorting ten million rows would cost more than it saves a one-week query)
