-- Customer claims and returns, one row per claim_id (latest load wins). A status label
-- ("Résolu", "In Progress") reads as its canonical status (stg_status_label).
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
    coalesce(sl.status, lower(nullif(trim(c.status), ''))) AS status
FROM claims c
LEFT JOIN stg_status_label sl
       ON sl.applies_to = 'claims'
      AND sl.label_key = CASE WHEN c.status IN ('open', 'closed') THEN NULL
                              ELSE lower(strip_accents(trim(regexp_replace(c.status, '\s+', ' ', 'g')))) END
-- Left out: the rows a later row of the same key in the same extract replaces, which
-- the first build after the load marks _superseded (the last row of the file wins; the
-- load deletes the rows of earlier extracts with the key): see models.markSuperseded.
WHERE c._superseded IS NOT TRUE
