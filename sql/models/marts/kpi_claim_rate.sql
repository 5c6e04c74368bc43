-- Claims opened in a week against the order lines shipped in the same week (by ship
-- date, else delivery date): claim_rate = claims / shipped lines x 100, return_rate =
-- returned_qty / shipped_qty. A line shipped twice in a week counts once: its first
-- shipment of the week (by date, then shipment_id) is first_of_week, and a cut by a
-- shipment dimension (carrier, transport_mode) counts the line under that shipment's,
-- as the line KPIs count a line under the carrier of its first delivery; its quantity
-- counts under each shipment's own. (Counting distinct lines per cut instead cost
-- seconds per cut on millions of shipments: a distinct count has its own hash table per
-- grouping set.) fct_claim holds one row per claim (int_claim tests it), so claims are
-- counted as rows.
-- kpi: claim_rate
--   numerator: count(claim_id)
--   denominator: count(*) FILTER (WHERE first_of_week)
--   scale: 100
-- kpi: return_rate
--   numerator: sum(returned_qty)
--   denominator: sum(shipped_qty)
-- explain: source, claim_id, shipment_id, order_id, line_no, first_of_week, returned_qty, shipped_qty
-- materialized: view
SELECT
    'claim' AS source, week, claim_id, shipment_id, order_id, line_no,
    NULL::BIGINT AS shipped_line, NULL::BOOLEAN AS first_of_week, returned_qty, NULL::DECIMAL(18,4) AS shipped_qty,
    customer, country, region, bloc, site, family, sku, carrier, transport_mode, incoterm, lane
FROM fct_claim
WHERE is_opened
UNION ALL
SELECT
    'shipment', week, NULL, shipment_id, order_id, line_no,
    shipped_line,
    -- a window by week: a query of one week reads that week only
    row_number() OVER (PARTITION BY week, shipped_line ORDER BY shipped_on, shipment_id) = 1,
    NULL, shipped_qty,
    customer, country, region, bloc, site, family, sku, carrier, transport_mode, incoterm, lane
FROM (
    -- the line, as an integer (a line unknown to the orders gets one from its key)
    SELECT *, coalesce(line_key, -CAST(hash(order_id, line_no) >> 1 AS BIGINT)) AS shipped_line
    FROM fct_shipment
    WHERE is_shipped
)
