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
-- Left out: the rows a later row of the same key replaces (latest load, then last row of
-- the file: _row, or the order of the table where the fast CSV path left _row NULL).
-- A window over the key columns alone finds them (few), much cheaper than one that
-- carries every column.
WHERE rowid NOT IN (
    SELECT rowid FROM invoices
    QUALIFY row_number() OVER (PARTITION BY invoice_id, order_id, line_no ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1)
