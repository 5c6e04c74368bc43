-- documents._superseded: see 011_documents_doc_type.sql and 006_superseded.sql.
ALTER TABLE documents ADD COLUMN _superseded BOOLEAN DEFAULT false;
