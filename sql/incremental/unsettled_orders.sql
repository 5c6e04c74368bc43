-- The orders whose rows in an incremental model can change when the as-of date moves on
-- although none of their rows changed in the extracts: an incremental build recomputes
-- them, besides the orders whose rows did change (models/incremental.go). It runs before
-- the build swaps anything in, so params is still the last build's and its as_of (A0
-- below) the last build's as-of date; the new one is later (an earlier one means a full
-- build).
--
-- An incremental model may read the as-of date only in the ways listed here; one that
-- reads it otherwise stays a full model, or this file says how its rows move. The models
-- whose reading of the as-of date this file covers:
-- models: anomaly_line_flow, anomaly_document_need, anomaly_document_lacking
--
-- - a shipment not made by A0 (its ship date, else delivery date, after A0): it counts as
--   shipped, and needs its documents, once made; until then a "closed" line it ships is
--   read as open (anomaly_line_flow);
-- - a shipment made invoice_delay_days days or fewer before A0: it becomes invoiceable;
-- - an invoice dated after A0: it counts once dated;
-- - an open line short of its ordered quantity at A0: its order may come within
--   document_lead_days of its planned ship date and need its documents at order level
--   (anomaly_document_need);
-- - a document issued after A0: it serves its shipment once issued
--   (anomaly_document_lacking).
-- Dates and quantities settled by A0 (shipped, invoiceable, invoiced, a line complete or
-- closed) stay so at any later date.
SELECT s.order_id
FROM shipments s CROSS JOIN params p
WHERE coalesce(s.ship_date, s.delivery_date) > p.as_of
   OR p.as_of - s.ship_date <= p.invoice_delay_days
UNION
SELECT i.order_id
FROM invoices i CROSS JOIN params p
WHERE i.invoice_date > p.as_of
UNION
SELECT f.order_id
FROM anomaly_line_flow f
WHERE f.status = 'open' AND f.shipped_qty < f.ordered_qty
UNION
SELECT d.order_id
FROM documents d CROSS JOIN params p
WHERE d.issued_date > p.as_of
