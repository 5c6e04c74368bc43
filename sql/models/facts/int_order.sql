-- One row per order that has a line counting for the service KPIs, with its order-level
-- verdicts (decided in int_order_line): due when all its lines are due, its week that of
-- its latest due date, OTIF when every line is, perfect when also without claim and
-- without a document missing or rejected.
-- materialized: view
-- (a view: nothing in the product reads it, and a query of it groups the ten million
-- lines again in about 2 s, which writing it cost every build. One row per order_id by its
-- GROUP BY; int_order_line tests its order-level columns.)
SELECT
    order_id,
    any_value(cut_id)                             AS cut_id,
    any_value(order_week)                         AS week,
    bool_and(order_is_due)                        AS order_is_due,
    bool_and(order_otif)                          AS order_otif,
    bool_or(order_has_claim)                      AS order_has_claim,
    bool_or(order_has_document_issue)             AS order_has_document_issue,
    bool_and(perfect_order)                       AS perfect_order,
    min(order_date)                               AS order_date,
    max(due_date)                                 AS latest_due_date,
    count(*)                                      AS line_count,
    count(*) FILTER (WHERE otif)                  AS otif_lines,
    sum(ordered_qty * CAST(unit_price AS DOUBLE)) AS ordered_value
FROM int_order_line
GROUP BY order_id
