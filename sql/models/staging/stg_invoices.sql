-- Invoice items, one row per (invoice_id, order_id, line_no) (latest load wins).
-- materialized: view
SELECT
    invoice_id,
    order_id,
    line_no,
    invoice_date,
    invoiced_qty,
    amount,
    upper(nullif(trim(currency), '')) AS currency
FROM invoices
-- Left out: the rows a later row of the same key in the same extract replaces, which
-- the first build after the load marks _superseded (the last row of the file wins; the
-- load deletes the rows of earlier extracts with the key): see models.markSuperseded.
WHERE _superseded IS NOT TRUE
