-- Order lines, one row per (order_id, line_no) (latest load wins). line_key, the row's
-- position in order_lines, names the line with one integer for the rest of the build:
-- the facts join and group on it rather than on two strings. A status label ("Sales
-- Order", "Annulé", "Vollständig bearbeitet") reads as its canonical status
-- (stg_status_label); the lines of a quotation (Odoo's "Quotation", "Devis") are not
-- an order yet and are left out.
-- materialized: view
-- (one row per key: see dim_order_line)
SELECT
    l.rowid AS line_key,
    order_id,
    line_no,
    sku,
    ordered_qty,
    unit_price,
    requested_date,
    promised_date,
    planned_ship_date,
    coalesce(sl.status, lower(nullif(trim(l.status), ''))) AS status
FROM order_lines l
LEFT JOIN stg_status_label sl
       ON sl.applies_to = 'orders'
      AND sl.label_key = CASE WHEN l.status IN ('open', 'closed', 'cancelled') THEN NULL
                              ELSE lower(strip_accents(trim(regexp_replace(l.status, '\s+', ' ', 'g')))) END
-- Left out: the rows a later row of the same key in the same extract replaces, which
-- the first build after the load marks _superseded (the last row of the file wins; the
-- load deletes the rows of earlier extracts with the key): see models.markSuperseded.
WHERE l._superseded IS NOT TRUE
  AND sl.status IS DISTINCT FROM 'quotation'
