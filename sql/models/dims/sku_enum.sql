-- The SKUs as an enum type of the build (see carrier_enum): int_shipment and
-- int_order_line store the line's sku in it, '(none)' when the line has none or is
-- unknown. Its values: '(none)' and every sku of the order lines, from every load.
-- materialized: enum
SELECT sku FROM order_lines
UNION ALL
SELECT '(none)'
