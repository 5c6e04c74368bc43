-- The trade documents each shipment needs, by the rules of rules/data/documents.csv
-- (loaded as ref_documents; the same rules as rules.RequiredDocuments in Go): a rule row
-- applies when its lane, mode, Incoterm, payment method and destination (country or
-- trade bloc) all match, "any" matching everything and "a|b" either value.
-- A unit is a shipment already made (goods issue on or before the as-of date) of a known
-- order line, with its own transport mode; or, for an order not shipped at all with an
-- open line planned to ship within params.document_lead_days days (or overdue), the
-- order itself (shipment_id ''), whose documents are prepared ahead at order level.
-- The lane runs from the site's country (the ISO prefix of the site code, FR01 -> FR;
-- France when the code has none) to the ship-to country, else the customer's.
-- materialized: table
-- incremental: order_id
WITH order_lane AS (
    SELECT
        o.order_id,
        CASE WHEN regexp_matches(coalesce(o.ship_from_site, ''), '^[A-Za-z]{2}([0-9_ -]|$)')
                  AND upper(left(o.ship_from_site, 2)) IN (SELECT iso2 FROM ref_countries)
             THEN upper(left(o.ship_from_site, 2)) ELSE 'FR' END  AS origin,
        coalesce(o.ship_to_country, c.country)                    AS destination,
        o.incoterm,
        o.transport_mode,
        o.payment_method
    FROM stg_orders o
    LEFT JOIN stg_customers c USING (customer_id)
    WHERE true /* refresh: o.order_id */
),
unit AS (
    SELECT s.order_id, s.shipment_id, min(s.ship_date) AS ship_date,
           coalesce(min(s.transport_mode), any_value(ol.transport_mode)) AS transport_mode
    FROM stg_shipments s
    JOIN stg_order_lines l USING (order_id, line_no)
    JOIN order_lane ol USING (order_id)
    CROSS JOIN params p
    WHERE s.ship_date <= p.as_of /* refresh: s.order_id */
    GROUP BY s.order_id, s.shipment_id
    UNION ALL
    SELECT f.order_id, '' AS shipment_id, min(coalesce(f.planned_ship_date, f.due_date)) AS ship_date,
           any_value(f.transport_mode)
    FROM anomaly_line_flow f
    CROSS JOIN params p
    WHERE f.status = 'open'
      AND f.shipped_qty < f.ordered_qty
      AND coalesce(f.planned_ship_date, f.due_date) <= p.as_of + p.document_lead_days
      AND NOT EXISTS (SELECT 1 FROM stg_shipments s WHERE s.order_id = f.order_id AND s.ship_date <= p.as_of)
      /* refresh: f.order_id */
    GROUP BY f.order_id
),
lane AS (
    SELECT
        u.*,
        ol.origin,
        ol.destination,
        ol.incoterm,
        ol.payment_method,
        CASE WHEN ol.origin = ol.destination THEN 'domestic'
             WHEN co.eu = 'true' AND cd.eu = 'true' THEN 'intra_eu'
             ELSE 'extra_eu' END                                   AS lane,
        coalesce(cd.bloc, '')                                      AS destination_bloc
    FROM unit u
    JOIN order_lane ol USING (order_id)
    LEFT JOIN ref_countries co ON co.iso2 = ol.origin
    LEFT JOIN ref_countries cd ON cd.iso2 = ol.destination
),
-- The rules are matched once per distinct lane signature (lane, mode, Incoterm, payment
-- method, destination and its bloc: a few thousand at ten million lines), not once per
-- shipment: each rule's lists split once, and the shipments then take their signature's
-- documents by an equality join.
signature AS (
    SELECT DISTINCT lane, transport_mode, incoterm, payment_method, destination, destination_bloc
    FROM lane
),
rule AS (
    SELECT
        doc_type,
        note,
        CASE WHEN lane IN ('', 'any') THEN NULL ELSE str_split(lower(lane), '|') END                     AS lanes,
        CASE WHEN mode IN ('', 'any') THEN NULL ELSE str_split(lower(mode), '|') END                     AS modes,
        CASE WHEN incoterm IN ('', 'any') THEN NULL ELSE str_split(upper(incoterm), '|') END             AS incoterms,
        CASE WHEN payment_method IN ('', 'any') THEN NULL ELSE str_split(lower(payment_method), '|') END AS payment_methods,
        CASE WHEN destination IN ('', 'any') THEN NULL ELSE str_split(upper(destination), '|') END       AS destinations
    FROM ref_documents
),
signature_document AS (
    SELECT g.*, r.doc_type, r.note AS rule_note
    FROM signature g
    JOIN rule r
      ON  (r.lanes IS NULL           OR list_contains(r.lanes, g.lane))
      AND (r.modes IS NULL           OR list_contains(r.modes, lower(g.transport_mode)))
      AND (r.incoterms IS NULL       OR list_contains(r.incoterms, upper(g.incoterm)))
      AND (r.payment_methods IS NULL OR list_contains(r.payment_methods, lower(g.payment_method)))
      AND (r.destinations IS NULL    OR list_contains(r.destinations, upper(g.destination))
                                     OR (g.destination_bloc <> '' AND list_contains(r.destinations, upper(g.destination_bloc))))
    QUALIFY row_number() OVER (PARTITION BY g.lane, g.transport_mode, g.incoterm, g.payment_method, g.destination, g.destination_bloc, r.doc_type
                               ORDER BY r.doc_type) = 1
)
SELECT
    l.order_id,
    l.shipment_id,
    l.ship_date,
    l.transport_mode,
    l.lane,
    l.origin,
    l.destination,
    l.incoterm,
    l.payment_method,
    d.doc_type,
    d.rule_note
FROM lane l
JOIN signature_document d
  ON  d.lane = l.lane
  AND d.transport_mode IS NOT DISTINCT FROM l.transport_mode
  AND d.incoterm IS NOT DISTINCT FROM l.incoterm
  AND d.payment_method IS NOT DISTINCT FROM l.payment_method
  AND d.destination IS NOT DISTINCT FROM l.destination
  AND d.destination_bloc = l.destination_bloc
