-- The carrier and transport mode pairs of the shipments, and the planned transport mode
-- of the orders (with carrier '(none)', for lines not shipped yet), each named by
-- route_key, a hash of the pair ('(none)' where the extract has no value). int_shipment
-- and int_order_line carry the route_key instead of the two texts: ten million texts
-- cost seconds to write and to aggregate, ten million integers a fraction of that (two
-- pairs would share a hash only among billions of them, and the unique test would say
-- so). The pairs come from every row of the extracts, replaced ones too: a superset of
-- those the facts use, without the cost of deduplicating them.
-- materialized: table
-- test: unique(route_key)
SELECT hash(carrier, transport_mode) AS route_key, carrier, transport_mode
FROM (
    SELECT coalesce(carrier, '(none)') AS carrier, coalesce(transport_mode, '(none)') AS transport_mode
    FROM stg_shipment_rows
    UNION
    SELECT '(none)', order_transport_mode FROM dim_cut
)
