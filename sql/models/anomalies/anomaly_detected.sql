-- Every anomaly of the catalogue (domain.md), one row each, in one shape: the columns
-- every anomaly has (code ... key_detail), the facts of each code (NULL elsewhere) and,
-- for late and short lines, the remedies of anomaly_remedy.
-- Package anomalies materialises it after each build as the table anomaly_list, with
-- the people's status (anomaly_status) and the messages.
--   anomaly_key  stable across rebuilds: the code and the business keys that name the
--                problem (below); anomaly_id its short form, first 10 hex digits of md5
--   severity     the code's own, raised from medium to high when the value at stake
--                times the customer's weight reaches 25,000
--   urgency      days late (late_backlog) or overdue (invoicing, letters of credit,
--                documents of goods already gone); for a deadline still ahead, 1 / (1 +
--                days left): due today weighs as 1 day late; 1 for the other codes, whose
--                age says nothing of urgency (urgency_basis tells which)
--   priority     urgency x value at stake (at least 1) x customer weight (default 1)
--   value_at_stake      in the reporting currency (params.reporting_currency): the
--                value the anomaly model found, in its currency (value_at_stake_doc,
--                currency), times fx_rate: for an invoiced amount (invoice_price_mismatch,
--                orphan_invoice) the rate of its invoice date (since; fx_day); else the
--                order's rate (dim_order: its order date) when the value is in the
--                order's currency, else the rate of the anomaly's since date. NULL,
--                with fx_missing, when no rate serves that date: such an anomaly counts
--                in no total and ranks by its own amount.
WITH detected AS (
    SELECT * FROM anomaly_short_shipment
    UNION ALL BY NAME SELECT * FROM anomaly_over_shipment
    UNION ALL BY NAME SELECT * FROM anomaly_shipped_not_invoiced
    UNION ALL BY NAME SELECT * FROM anomaly_invoice_qty_mismatch
    UNION ALL BY NAME SELECT * FROM anomaly_invoice_price_mismatch
    UNION ALL BY NAME SELECT * FROM anomaly_delivery_before_ship
    UNION ALL BY NAME SELECT * FROM anomaly_ship_before_order
    UNION ALL BY NAME SELECT * FROM anomaly_orphan_shipment
    UNION ALL BY NAME SELECT * FROM anomaly_orphan_invoice
    UNION ALL BY NAME SELECT * FROM anomaly_orphan_claim
    UNION ALL BY NAME SELECT * FROM anomaly_duplicate_record
    UNION ALL BY NAME SELECT * FROM anomaly_late_backlog
    UNION ALL BY NAME SELECT * FROM anomaly_due_soon_short
    UNION ALL BY NAME SELECT * FROM anomaly_lc_shipment_date_risk
    UNION ALL BY NAME SELECT * FROM anomaly_lc_expiry_risk
    UNION ALL BY NAME SELECT * FROM anomaly_missing_document
    UNION ALL BY NAME SELECT * FROM anomaly_incoterm_mode_mismatch
    UNION ALL BY NAME SELECT * FROM anomaly_obsolete_incoterm
    UNION ALL BY NAME SELECT * FROM anomaly_kpi_signal
),
converted AS (
    SELECT
        d.* REPLACE (d.value_at_stake * x.fx_rate AS value_at_stake),
        d.value_at_stake                                      AS value_at_stake_doc,
        x.fx_rate,
        d.value_at_stake IS NOT NULL AND x.fx_rate IS NULL    AS fx_missing
    FROM detected d
    CROSS JOIN params p
    LEFT JOIN dim_order o ON o.order_id = d.order_id
    -- (the condition folded into the key, as for the remedies below: beside the
    -- equalities it made a nested loop over the anomalies and the days of rates)
    LEFT JOIN fx_day f
      ON f.currency = CASE WHEN d.currency IS DISTINCT FROM o.currency
                                OR d.code IN ('invoice_price_mismatch', 'orphan_invoice') THEN d.currency END
     AND f.day = coalesce(d.since, p.as_of)
    CROSS JOIN LATERAL (SELECT CASE
        WHEN d.currency IS NULL OR d.currency = p.reporting_currency THEN 1.0
        WHEN d.code IN ('invoice_price_mismatch', 'orphan_invoice') THEN f.factor
        WHEN d.currency = o.currency THEN o.fx_rate
        ELSE f.factor END AS fx_rate) x
),
keyed AS (
    SELECT
        d.*,
        d.code || '/' || array_to_string(CASE
            -- a line is the problem
            WHEN d.code IN ('short_shipment', 'over_shipment', 'shipped_not_invoiced', 'invoice_qty_mismatch',
                            'late_backlog', 'due_soon_short', 'lc_shipment_date_risk')
                THEN [d.order_id, d.line_no]
            -- a shipment or invoice row of a line
            WHEN d.code IN ('delivery_before_ship', 'ship_before_order', 'orphan_shipment')
                THEN [d.shipment_id, d.order_id, d.line_no]
            WHEN d.code IN ('invoice_price_mismatch', 'orphan_invoice')
                THEN [d.invoice_id, d.order_id, d.line_no]
            WHEN d.code = 'orphan_claim' THEN [d.claim_id]
            -- an order
            WHEN d.code IN ('incoterm_mode_mismatch', 'obsolete_incoterm') THEN [d.order_id]
            WHEN d.code = 'lc_expiry_risk' THEN [d.order_id, coalesce(d.shipment_id, d.key_detail)]
            WHEN d.code = 'missing_document' THEN [d.order_id, d.key_detail]
            -- a record of an extract, a KPI and cut
            WHEN d.code IN ('duplicate_record', 'kpi_signal') THEN [d.key_detail]
            ELSE [d.order_id, d.line_no, d.shipment_id, d.invoice_id, d.claim_id, d.key_detail]
        END, '/') AS anomaly_key,
        coalesce(c.weight, 1) AS customer_weight,
        -- what can be done for a late or short line (anomaly_remedy)
        r.own_available, r.partial_qty, r.other_site, r.other_available, r.faster_mode,
        r.faster_transit_days, r.current_transit_days, r.faster_arrival, r.meets_due
    FROM converted d
    LEFT JOIN stg_customers c ON c.customer_id = d.customer_id
    -- (the code tested inside the key: a condition beside the equalities made DuckDB
    -- plan a nested loop, quadratic in the anomalies)
    LEFT JOIN anomaly_remedy r
      ON r.order_id = CASE WHEN d.code IN ('late_backlog', 'due_soon_short') THEN d.order_id END
     AND r.line_no = d.line_no
)
SELECT
    left(md5(anomaly_key), 10)                                          AS anomaly_id,
    anomaly_key,
    * EXCLUDE (anomaly_key, severity),
    CASE WHEN severity = 'medium' AND coalesce(value_at_stake, value_at_stake_doc, 0) * customer_weight >= 25000 THEN 'high'
         ELSE severity END                                              AS severity,
    urgency_basis,
    urgency,
    urgency * greatest(coalesce(value_at_stake, value_at_stake_doc, 0), 1) * customer_weight AS priority
FROM (
    SELECT
        *,
        CASE WHEN days IS NULL AND days_left IS NOT NULL THEN 'due_in'
             WHEN code = 'late_backlog' AND days >= 1 THEN 'late'
             WHEN code IN ('shipped_not_invoiced', 'lc_shipment_date_risk', 'lc_expiry_risk', 'missing_document')
                  AND days >= 1 THEN 'overdue'
             ELSE 'none' END                                            AS urgency_basis,
        CASE urgency_basis
            WHEN 'due_in' THEN 1.0 / (1 + greatest(days_left, 0))
            WHEN 'late' THEN days
            WHEN 'overdue' THEN days
            ELSE 1 END                                                  AS urgency
    FROM keyed
)
