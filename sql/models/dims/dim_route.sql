-- The carrier and transport mode pairs of the shipments, and the planned transport mode
-- of the orders (with carrier '(none)', for lines not shipped yet), each named by
-- route_key, a hash of the pair (of the enums carrier_enum and transport_mode_enum, as
-- int_shipment stores them: a hash of the same texts as VARCHAR differs). int_order_line
-- finds the first delivery of each line by this integer (an aggregate keeping ten million
-- values of two columns cost seconds) and spells the pair out again from here. Two pairs
-- would share a hash only among billions of them, and the unique test would say so. A temp
-- table: the facts keep the pair itself, which their readers group by fastest.
-- materialized: temp
-- test: unique(route_key)
SELECT hash(carrier, transport_mode) AS route_key, carrier, transport_mode
FROM (
    SELECT carrier, transport_mode FROM int_shipment
    UNION
    SELECT CAST('(none)' AS carrier_enum), CAST(order_transport_mode AS transport_mode_enum) FROM dim_cut
)
