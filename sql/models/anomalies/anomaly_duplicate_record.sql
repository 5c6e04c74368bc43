-- duplicate_record: the same business key twice (or more) in one extract (_load_id) with
-- different values: which version is right? Staging keeps the last row of the file,
-- which may be the wrong one. Identical repeats are harmless and not reported. Keys are
-- those of domain.md; changed_columns names the fields whose values differ. A key is
-- twice in a load exactly when one of its rows there is marked _superseded (the build
-- marks, before any model runs, every row of a key in a load but the last: see
-- models.markSuperseded): the versions are the rows of those keys, found by a semi-join on
-- the few rows marked rather than by counting every key of every table.
WITH versions AS (
    SELECT 'order_lines' AS entity, t.order_id, t.line_no, NULL::VARCHAR AS shipment_id,
           NULL::VARCHAR AS invoice_id, NULL::VARCHAR AS claim_id, t.sku, NULL::VARCHAR AS site,
           t.order_id || ' / ' || t.line_no AS key_text, t._load_id, to_json(t) AS row_json
    FROM order_lines t
    SEMI JOIN (SELECT DISTINCT order_id, line_no, _load_id FROM order_lines WHERE _superseded) USING (order_id, line_no, _load_id)
    UNION ALL
    SELECT 'shipments', t.order_id, t.line_no, t.shipment_id, NULL, NULL, NULL, NULL,
           t.shipment_id || ' / ' || t.order_id || ' / ' || t.line_no, t._load_id, to_json(t)
    FROM shipments t
    SEMI JOIN (SELECT DISTINCT shipment_id, order_id, line_no, _load_id FROM shipments WHERE _superseded) USING (shipment_id, order_id, line_no, _load_id)
    UNION ALL
    SELECT 'invoices', t.order_id, t.line_no, NULL, t.invoice_id, NULL, NULL, NULL,
           t.invoice_id || ' / ' || t.order_id || ' / ' || t.line_no, t._load_id, to_json(t)
    FROM invoices t
    SEMI JOIN (SELECT DISTINCT invoice_id, order_id, line_no, _load_id FROM invoices WHERE _superseded) USING (invoice_id, order_id, line_no, _load_id)
    UNION ALL
    SELECT 'orders', t.order_id, NULL, NULL, NULL, NULL, NULL, t.ship_from_site,
           t.order_id, t._load_id, to_json(t)
    FROM orders t
    SEMI JOIN (SELECT DISTINCT order_id, _load_id FROM orders WHERE _superseded) USING (order_id, _load_id)
    UNION ALL
    SELECT 'claims', t.order_id, t.line_no, t.shipment_id, NULL, t.claim_id, NULL, NULL,
           t.claim_id, t._load_id, to_json(t)
    FROM claims t
    SEMI JOIN (SELECT DISTINCT claim_id, _load_id FROM claims WHERE _superseded) USING (claim_id, _load_id)
    UNION ALL
    SELECT 'documents', t.order_id, NULL, nullif(t.shipment_id, ''), NULL, NULL, NULL, NULL,
           t.order_id || ' / ' || t.shipment_id || ' / ' || t.doc_type, t._load_id, to_json(t)
    FROM documents t
    SEMI JOIN (SELECT DISTINCT order_id, shipment_id, doc_type, _load_id FROM documents WHERE _superseded) USING (order_id, shipment_id, doc_type, _load_id)
    UNION ALL
    SELECT 'customers', NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           t.customer_id, t._load_id, to_json(t)
    FROM customers t
    SEMI JOIN (SELECT DISTINCT customer_id, _load_id FROM customers WHERE _superseded) USING (customer_id, _load_id)
    UNION ALL
    SELECT 'products', NULL, NULL, NULL, NULL, NULL, t.sku, NULL,
           t.sku, t._load_id, to_json(t)
    FROM products t
    SEMI JOIN (SELECT DISTINCT sku, _load_id FROM products WHERE _superseded) USING (sku, _load_id)
    UNION ALL
    SELECT 'stock', NULL, NULL, NULL, NULL, NULL, t.sku, t.site,
           CAST(t.snapshot_date AS VARCHAR) || ' / ' || t.site || ' / ' || t.sku, t._load_id, to_json(t)
    FROM stock t
    SEMI JOIN (SELECT DISTINCT snapshot_date, site, sku, _load_id FROM stock WHERE _superseded) USING (snapshot_date, site, sku, _load_id)
),
changed AS (
    -- the fields whose values differ between the versions of one key in one load
    SELECT entity, key_text, _load_id, field
    FROM (SELECT entity, key_text, _load_id, row_json, unnest(json_keys(row_json)) AS field FROM versions)
    WHERE field NOT IN ('_row', '_load_id', '_superseded')
    GROUP BY entity, key_text, _load_id, field
    HAVING count(DISTINCT coalesce(row_json ->> field, '(empty)')) > 1
),
duplicate AS (
    SELECT
        v.entity, v.key_text, v._load_id,
        any_value(v.order_id) AS order_id, any_value(v.line_no) AS line_no,
        any_value(v.shipment_id) AS shipment_id, any_value(v.invoice_id) AS invoice_id,
        any_value(v.claim_id) AS claim_id, any_value(v.sku) AS sku, any_value(v.site) AS site,
        count(*) AS row_count
    FROM versions v
    GROUP BY v.entity, v.key_text, v._load_id
    -- a key duplicated in two extracts is one problem: the latest extract tells it
    QUALIFY row_number() OVER (PARTITION BY v.entity, v.key_text ORDER BY v._load_id DESC) = 1
)
SELECT
    'duplicate_record'                           AS code,
    'low'                                        AS severity,
    d.order_id,
    d.line_no,
    d.shipment_id,
    d.invoice_id,
    d.claim_id,
    coalesce(d.sku, f.sku)                       AS sku,
    coalesce(d.site, f.site, o.ship_from_site)   AS site,
    coalesce(f.customer_id, o.customer_id, CASE WHEN d.entity = 'customers' THEN d.key_text END) AS customer_id,
    p.as_of                                      AS detected_on,
    CAST(ll.started_at AS DATE)                  AS since,
    NULL::DECIMAL(18,4)                          AS value_at_stake,
    coalesce(f.currency, o.currency)             AS currency,
    p.as_of - CAST(ll.started_at AS DATE)        AS days,
    NULL::INTEGER                                AS days_left,
    d.entity || ':' || d.key_text                AS key_detail,
    d.entity,
    d.key_text,
    d.row_count                                  AS versions,
    c.changed_columns,
    ll.path                                      AS source_file
FROM duplicate d
JOIN (SELECT entity, key_text, _load_id, string_agg(field, ', ' ORDER BY field) AS changed_columns
      FROM changed GROUP BY ALL) c USING (entity, key_text, _load_id)
CROSS JOIN params p
LEFT JOIN load_log ll ON ll.load_id = d._load_id
LEFT JOIN stg_orders o ON o.order_id = d.order_id
LEFT JOIN anomaly_line_flow f ON f.order_id = d.order_id AND f.line_no = d.line_no
