-- _superseded marks a row that a later row of the same key in the same load replaces
-- (the last row of the file wins; the rows of earlier loads with the key are deleted by
-- the load itself). The first build after a load marks its rows, once (superseded_marked
-- lists the loads done), so that the staging models read the rows not superseded instead
-- of ranking every row of the table at every build (a window over ten million order lines
-- cost seconds). The superseded rows stay, for the duplicate_record anomaly. documents are
-- left out: their staging key normalises doc_type, which the load's key does not, so
-- stg_documents still ranks them. Rows loaded before this migration are marked by the
-- next build, like any load not in superseded_marked.
ALTER TABLE customers ADD COLUMN _superseded BOOLEAN DEFAULT false;
ALTER TABLE products ADD COLUMN _superseded BOOLEAN DEFAULT false;
ALTER TABLE orders ADD COLUMN _superseded BOOLEAN DEFAULT false;
ALTER TABLE order_lines ADD COLUMN _superseded BOOLEAN DEFAULT false;
ALTER TABLE shipments ADD COLUMN _superseded BOOLEAN DEFAULT false;
ALTER TABLE invoices ADD COLUMN _superseded BOOLEAN DEFAULT false;
ALTER TABLE stock ADD COLUMN _superseded BOOLEAN DEFAULT false;
ALTER TABLE claims ADD COLUMN _superseded BOOLEAN DEFAULT false;
CREATE TABLE superseded_marked (
    entity     VARCHAR NOT NULL,
    load_id    BIGINT NOT NULL,
    marked_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (entity, load_id)
);
