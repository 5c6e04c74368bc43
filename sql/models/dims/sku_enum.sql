-- The SKUs as an enum type of the build (see carrier_enum): int_shipment and
-- int_order_line store the line's sku in it, '(none)' when the line has none or is
-- unknown, and fct_stock_coverage casts the stocked SKUs to it to match them with their
-- shipments. Its values: '(none)' and every sku of the order lines and of the stock.
-- materialized: enum
SELECT sku FROM stg_order_lines
UNION ALL
SELECT sku FROM stg_stock
UNION ALL
SELECT '(none)'
