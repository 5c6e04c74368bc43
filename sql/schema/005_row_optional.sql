-- _row, the file row of a loaded row, is left NULL by the fast CSV path: numbering ten
-- million rows after the insert cost a third of the load. Those rows keep their file
-- order as their order in the table (rowid), which is what deduplication needs ("the
-- last row of the file wins"); rejected rows always carry their exact file row.
ALTER TABLE customers ALTER COLUMN _row DROP NOT NULL;
ALTER TABLE products ALTER COLUMN _row DROP NOT NULL;
ALTER TABLE orders ALTER COLUMN _row DROP NOT NULL;
ALTER TABLE order_lines ALTER COLUMN _row DROP NOT NULL;
ALTER TABLE shipments ALTER COLUMN _row DROP NOT NULL;
ALTER TABLE invoices ALTER COLUMN _row DROP NOT NULL;
ALTER TABLE stock ALTER COLUMN _row DROP NOT NULL;
ALTER TABLE claims ALTER COLUMN _row DROP NOT NULL;
ALTER TABLE documents ALTER COLUMN _row DROP NOT NULL;
