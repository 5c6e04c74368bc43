-- kpi_signal: a weekly KPI that left its usual range (a control-chart signal, with the
-- four Western Electric rules, on a p-chart, Laney p' chart or XmR chart over the
-- baseline weeks) by a material amount on a large enough population. The arithmetic is in
-- package anomalies (signals.go), which writes kpi_signals after every build; only the
-- alerts are anomalies. days = weeks the run has lasted x 7.
SELECT
    'kpi_signal'                                 AS code,
    s.severity,
    NULL::VARCHAR                                AS order_id,
    NULL::VARCHAR                                AS line_no,
    NULL::VARCHAR                                AS shipment_id,
    NULL::VARCHAR                                AS invoice_id,
    NULL::VARCHAR                                AS claim_id,
    CASE WHEN s.dim = 'sku' THEN s.dim_value END  AS sku,
    CASE WHEN s.dim = 'site' THEN s.dim_value END AS site,
    CASE WHEN s.dim = 'customer' THEN s.dim_value END AS customer_id,
    p.as_of                                      AS detected_on,
    s.since,
    NULL::DECIMAL(18,4)                          AS value_at_stake,
    NULL::VARCHAR                                AS currency,
    s.week + 7 - s.since                         AS days,
    NULL::INTEGER                                AS days_left,
    s.kpi || '/' || CASE WHEN s.dim = '' THEN 'all' ELSE s.dim || '=' || s.dim_value END AS key_detail,
    s.kpi,
    s.dim,
    s.dim_value,
    s.week,
    s.rule,
    s.chart,
    s.value                                      AS kpi_value,
    s.centre,
    s.lcl,
    s.ucl,
    s.z,
    s.n
FROM kpi_signals s
CROSS JOIN params p
WHERE s.alert
-- several rules may fire on one KPI and cut: the strongest (lowest rule number) speaks
QUALIFY row_number() OVER (PARTITION BY s.kpi, s.dim, s.dim_value ORDER BY s.rule) = 1
