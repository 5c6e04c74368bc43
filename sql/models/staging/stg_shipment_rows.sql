-- Every row of the shipments extracts, typed and normalised, the rows a later load
-- replaced too (stg_shipments leaves those out): what dim_route lists the carriers and
-- modes of without paying for the deduplication. _rid is the row's rowid.
-- materialized: view
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
    packages,
    rowid AS _rid
FROM shipments
