-- Sales orders, one row each, with their order date and cut_id: the combination of
-- their cut dimensions (customer, country, region, bloc, site, incoterm, lane, planned
-- transport mode, currency, delivery event basis), spelled out once per combination in
-- dim_cut. Built from dim_order_cut, which decides them.
-- materialized: table
-- test: unique(order_id)
-- test: not_null(cut_id)
SELECT order_id, order_date, customer_id, cut_id
FROM dim_order_cut
