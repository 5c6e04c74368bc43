-- The carrier and transport mode pairs of the shipments, and the planned transport mode
-- of the orders (with carrier '(none)', for lines not shipped yet), each named by
-- route_key, a hash of the pair. int_order_line carries the route_key of its line's first
-- delivery instead of the two texts: ten million texts cost seconds to write and to
-- aggregate, ten million integers a fraction of that (two pairs would share a hash only
-- among billions of them, and the unique test would say so).
-- materialized: table
-- test: unique(route_key)
SELECT hash(carrier, transport_mode) AS route_key, carrier, transport_mode
FROM (
    SELECT carrier, transport_mode FROM int_shipment
    UNION
    SELECT '(none)', order_transport_mode FROM dim_cut
)
