-- Sales orders with their cut dimensions, attached once here so that every fact cuts
-- alike: customer; country = the ship-to country, else the customer's; region = EU or
-- non-EU and bloc = the trade bloc, both from the trade rules (rules/data/countries.csv,
-- loaded as ref_countries); site = the ship-from site; incoterm; lane = site > country.
-- A missing value reads '(none)' so that it can be grouped and filtered like any other.
-- event_basis is the delivery event the order's lines are measured on: ship_date for
-- Incoterm groups E, F and C (rules/data/incoterms.csv: delivery_event), delivery_date for
-- group D, unless params.delivery_basis switches the whole company to ship or delivery.
-- cut_id names the combination of these dimensions (see dim_cut): facts carry it
-- instead of the text of every dimension, which keeps them small. A temp table: dim_cut
-- keeps each combination once and dim_order each order with its cut_id, which is what
-- is read after the build (writing the text of every dimension on every order to disk
-- cost seconds at millions of orders).
-- materialized: temp
-- test: not_null(cut_id, customer, country, region, bloc, site, incoterm, lane, event_basis)
-- test: accepted_values(event_basis: ship, delivery)
WITH o AS (
    SELECT
        o.order_id,
        o.order_date,
        o.customer_id,
        coalesce(o.customer_id, '(none)')                 AS customer,
        coalesce(o.ship_to_country, c.country, '(none)')  AS country,
        CASE WHEN r.eu = 'true' THEN 'EU'
             WHEN coalesce(o.ship_to_country, c.country) IS NULL THEN '(none)'
             ELSE 'non-EU' END                            AS region,
        coalesce(nullif(r.bloc, ''), '(none)')            AS bloc,
        coalesce(o.ship_from_site, '(none)')              AS site,
        coalesce(o.incoterm, '(none)')                    AS incoterm,
        coalesce(o.transport_mode, '(none)')              AS order_transport_mode,
        o.currency,
        CASE p.delivery_basis
            WHEN 'ship' THEN 'ship'
            WHEN 'delivery' THEN 'delivery'
            ELSE coalesce(i.delivery_event, 'ship')
        END                                               AS event_basis
    FROM stg_orders o
    CROSS JOIN params p
    LEFT JOIN stg_customers c USING (customer_id)
    LEFT JOIN ref_countries r ON r.iso2 = coalesce(o.ship_to_country, c.country)
    LEFT JOIN ref_incoterms i ON i.code = o.incoterm
)
SELECT
    *,
    site || ' > ' || country                                                        AS lane,
    hash(customer_id, country, region, bloc, site, incoterm, order_transport_mode, currency, event_basis) AS cut_id
FROM o
