-- Customer claims and returns, one row per claim_id (latest load wins).
-- materialized: view
-- (its key is tested unique on fct_claim, a table)
SELECT
    claim_id,
    order_id,
    line_no,
    nullif(trim(shipment_id), '')          AS shipment_id,
    opened_date,
    closed_date,
    lower(nullif(trim(type), ''))          AS type,
    cause,
    lower(nullif(trim(responsible), ''))   AS responsible,
    claimed_qty,
    returned_qty,
    cost,
    lower(nullif(trim(status), ''))        AS status
FROM claims
-- Left out: the rows a later row of the same key in the same extract replaces, which
-- the first build after the load marks _superseded (the last row of the file wins; the
-- load deletes the rows of earlier extracts with the key): see models.markSuperseded.
WHERE _superseded IS NOT TRUE
