-- One row per combination of the order-level cut dimensions that occurs, named by
-- cut_id (a hash of the combination). The KPI views join it to a fact's cut_id to cut by
-- customer, country, region, bloc, site, incoterm or lane (and to show the customer_id and
-- currency of the order). cut_id 0 stands for a row
-- whose order is unknown: every dimension '(none)'.
-- materialized: table
-- test: unique(cut_id)
SELECT DISTINCT
    cut_id, customer_id, customer, country, region, bloc, site, incoterm, lane,
    order_transport_mode, currency, event_basis
FROM dim_order_cut
UNION ALL
SELECT
    0::UBIGINT, NULL, '(none)', '(none)', '(none)', '(none)', '(none)', '(none)', '(none) > (none)', '(none)', NULL,
    CASE delivery_basis WHEN 'delivery' THEN 'delivery' ELSE 'ship' END
FROM params
