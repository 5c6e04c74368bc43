-- Shipments, one row per (shipment_id, order_id, line_no): a delivery of (part of) a line
-- (latest load wins).
-- materialized: view
-- (one row per key: see int_shipment)
SELECT
    shipment_id,
    order_id,
    line_no,
    shipped_qty,
    ship_date,
    delivery_date,
    nullif(trim(carrier), '')                AS carrier,
    lower(nullif(trim(transport_mode), ''))  AS transport_mode,
    nullif(trim(forwarder), '')              AS forwarder,
    freight_cost,
    weight_kg,
    packages
FROM shipments
-- Left out: the rows a later row of the same key in the same extract replaces, which
-- the first build after the load marks _superseded (the last row of the file wins; the
-- load deletes the rows of earlier extracts with the key): see models.markSuperseded.
WHERE _superseded IS NOT TRUE
