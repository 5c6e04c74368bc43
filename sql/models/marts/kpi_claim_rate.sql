-- Claims opened in a week against the order lines shipped in the same week (by ship
-- date, else delivery date): claim_rate = claims / shipped lines x 100, return_rate =
-- returned_qty / shipped_qty. A line shipped twice in a week counts once.
-- kpi: claim_rate
--   numerator: count(DISTINCT claim_id)
--   denominator: count(DISTINCT shipped_line)
--   scale: 100
-- kpi: return_rate
--   numerator: sum(returned_qty)
--   denominator: sum(shipped_qty)
-- explain: source, claim_id, shipment_id, order_id, line_no, returned_qty, shipped_qty
-- materialized: view
SELECT
    'claim' AS source, week, claim_id, shipment_id, order_id, line_no,
    NULL::BIGINT AS shipped_line, returned_qty, NULL::DECIMAL(18,4) AS shipped_qty,
    customer, country, region, bloc, site, family, sku, carrier, transport_mode, incoterm, lane
FROM fct_claim
WHERE is_opened
UNION ALL
SELECT
    'shipment', week, NULL, shipment_id, order_id, line_no,
    -- the line, as an integer (a line unknown to the orders gets one from its key)
    coalesce(line_key, -CAST(hash(order_id, line_no) >> 1 AS BIGINT)), NULL, shipped_qty,
    customer, country, region, bloc, site, family, sku, carrier, transport_mode, incoterm, lane
FROM fct_shipment
WHERE is_shipped
