-- The transport modes as an enum type of the build (see carrier_enum): '(none)', every
-- mode of the shipments, normalised as stg_shipments does, and the orders' planned modes.
-- materialized: enum
SELECT lower(nullif(trim(transport_mode), '')) FROM shipments
UNION ALL
SELECT order_transport_mode FROM dim_cut
UNION ALL
SELECT '(none)'
