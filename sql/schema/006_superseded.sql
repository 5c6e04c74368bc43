-- _superseded marks a row that a later row of the same key in the same extract replaces
-- (the last row of the file wins; the rows of earlier extracts with the key are deleted
-- by the load itself). ingest sets it as it loads, so that the staging models read the
-- rows not superseded instead of ranking every row of the table at every build (a
-- window over ten million order lines cost seconds). The superseded rows stay, for the
-- duplicate_record anomaly. documents are left out: their staging key normalises
-- doc_type, which the load's key does not, so stg_documents still ranks them.
-- This migration marks the rows already loaded (latest load, then last row of the file:
-- _row, or the order of the table where the fast CSV path left _row NULL).
ALTER TABLE customers ADD COLUMN _superseded BOOLEAN DEFAULT false;
ALTER TABLE products ADD COLUMN _superseded BOOLEAN DEFAULT false;
ALTER TABLE orders ADD COLUMN _superseded BOOLEAN DEFAULT false;
ALTER TABLE order_lines ADD COLUMN _superseded BOOLEAN DEFAULT false;
ALTER TABLE shipments ADD COLUMN _superseded BOOLEAN DEFAULT false;
ALTER TABLE invoices ADD COLUMN _superseded BOOLEAN DEFAULT false;
ALTER TABLE stock ADD COLUMN _superseded BOOLEAN DEFAULT false;
ALTER TABLE claims ADD COLUMN _superseded BOOLEAN DEFAULT false;
UPDATE customers SET _superseded = true WHERE rowid IN (
    SELECT rowid FROM customers
    QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1);
UPDATE products SET _superseded = true WHERE rowid IN (
    SELECT rowid FROM products
    QUALIFY row_number() OVER (PARTITION BY sku ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1);
UPDATE orders SET _superseded = true WHERE rowid IN (
    SELECT rowid FROM orders
    QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1);
UPDATE order_lines SET _superseded = true WHERE rowid IN (
    SELECT rowid FROM order_lines
    QUALIFY row_number() OVER (PARTITION BY order_id, line_no ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1);
UPDATE shipments SET _superseded = true WHERE rowid IN (
    SELECT rowid FROM shipments
    QUALIFY row_number() OVER (PARTITION BY shipment_id, order_id, line_no ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1);
UPDATE invoices SET _superseded = true WHERE rowid IN (
    SELECT rowid FROM invoices
    QUALIFY row_number() OVER (PARTITION BY invoice_id, order_id, line_no ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1);
UPDATE stock SET _superseded = true WHERE rowid IN (
    SELECT rowid FROM stock
    QUALIFY row_number() OVER (PARTITION BY snapshot_date, site, sku ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1);
UPDATE claims SET _superseded = true WHERE rowid IN (
    SELECT rowid FROM claims
    QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY _load_id DESC, _row DESC NULLS LAST, rowid DESC) > 1);
