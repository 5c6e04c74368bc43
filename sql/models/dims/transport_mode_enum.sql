-- The transport modes as an enum type of the build (see carrier_enum): '(none)', every
-- mode of the shipments and the orders' planned modes.
-- materialized: enum
SELECT transport_mode FROM stg_shipments
UNION ALL
SELECT order_transport_mode FROM dim_cut
UNION ALL
SELECT '(none)'
