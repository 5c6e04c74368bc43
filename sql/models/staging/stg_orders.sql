-- Sales order headers, one row per order_id (latest load wins). Codes are normalised here,
-- once, whatever the ERP wrote (the rules are data: rules/data/*.csv, the config's sites):
-- - incoterm: the Incoterms code, read from "FCA", "fca", "[FCA] FREE CARRIER" (Odoo's
--   display name), account.incoterm_FCA (its External ID), "FCA Paris", "FCA - Free
--   Carrier, Lyon", or the term's name alone; the
--   place the text carries after the code fills incoterm_place when the extract has none.
--   A text that holds no known code is kept as written (upper case) and flagged below.
-- - ship_to_country: ISO alpha-2 from a code, an English, French or German name, or an
--   Odoo External ID (stg_country_name).
-- - ship_from_site: the config's sites: map, else the first segment of a location path
--   ("LYO/Stock" -> LYO), as stg_stock reads stock locations.
-- - status: the canonical status of a label ("Sales Order", "Bon de commande", "Annulé")
--   (stg_status_label); a status no label names is kept lower case.
-- materialized: view
-- test: warn expect(incoterm IS NULL OR incoterm IN (SELECT code FROM ref_incoterms))
-- test: warn expect(ship_to_country IS NULL OR ship_to_country IN (SELECT iso2 FROM ref_countries))
-- (its key is tested unique on dim_order, a table)
WITH o AS (
    SELECT *,
           -- Odoo's External ID of a term (account.incoterm_FCA) is read as its code
           regexp_replace(nullif(trim(incoterm), ''), '^account\.incoterm_([A-Za-z]{3})$', '\1') AS inco_raw,
           nullif(trim(ship_from_site), '')                                      AS site_raw,
           upper(strip_accents(trim(regexp_replace(ship_to_country, '\s+', ' ', 'g')))) AS country_key
    FROM orders
    -- Left out: the rows a later row of the same key in the same extract replaces, which
    -- the first build after the load marks _superseded (the last row of the file wins; the
    -- load deletes the rows of earlier extracts with the key): see models.markSuperseded.
    WHERE _superseded IS NOT TRUE
), inco AS (
    SELECT o.*,
           coalesce(ic.code, iname.code)                                        AS inco_code,
           -- what follows the code: "Paris" in "FCA Paris", the term's name in "[FCA] FREE CARRIER"
           CASE WHEN ic.code IS NOT NULL AND length(inco_raw) > 3 THEN
                trim(regexp_replace(regexp_replace(inco_raw, '^\[?\s*[A-Za-z]{3}\s*\]?[\s,:;-]*', ''),
                                    '\(?\s*incoterms?\s*®?\s*(20[0-9]{2})?\s*\)?', '', 'gi'), ' ,;-')
           END                                                                  AS inco_rest,
           ic.name                                                              AS inco_name
    FROM o
    LEFT JOIN ref_incoterms ic
           ON ic.code = CASE WHEN length(inco_raw) = 3 THEN upper(inco_raw)
                             ELSE regexp_extract(upper(inco_raw), '^\[?\s*([A-Z]{3})\b', 1) END
    LEFT JOIN ref_incoterms iname ON length(inco_raw) > 3 AND upper(iname.name) = upper(inco_raw)
)
SELECT
    order_id,
    customer_id,
    order_date,
    coalesce(sm.site, sm_first.site,
             CASE WHEN contains(site_raw, '/') THEN nullif(trim(split_part(site_raw, '/', 1)), '') ELSE site_raw END)
                                                        AS ship_from_site,
    coalesce(cn.iso2, nullif(country_key, ''))          AS ship_to_country,
    coalesce(inco_code, upper(inco_raw))                AS incoterm,
    coalesce(nullif(trim(incoterm_place), ''),
             nullif(CASE WHEN upper(inco_rest) LIKE upper(inco_name) || '%'
                         THEN trim(substr(inco_rest, length(inco_name) + 1), ' ,;-')
                         ELSE inco_rest END, ''))       AS incoterm_place,
    lower(nullif(trim(transport_mode), ''))             AS transport_mode,
    upper(nullif(trim(currency), ''))                   AS currency,
    lower(nullif(trim(payment_method), ''))             AS payment_method,
    lc_latest_shipment_date,
    lc_expiry_date,
    coalesce(sl.status, lower(nullif(trim(inco.status), ''))) AS status
FROM inco
LEFT JOIN stg_country_name cn ON cn.name_key = inco.country_key
LEFT JOIN site_map sm ON sm.alias = upper(strip_accents(site_raw))
LEFT JOIN site_map sm_first ON contains(site_raw, '/') AND sm_first.alias = upper(strip_accents(trim(split_part(site_raw, '/', 1))))
LEFT JOIN stg_status_label sl
       ON sl.applies_to = 'orders'
      AND sl.label_key = CASE WHEN inco.status IN ('open', 'closed', 'cancelled') THEN NULL
                              ELSE lower(strip_accents(trim(regexp_replace(inco.status, '\s+', ' ', 'g')))) END
