-- Every way an extract writes a country, to its ISO 3166 alpha-2 code: the alpha-2 and
-- alpha-3 codes, the English, French and German names and the usual variants of
-- rules/data/countries.csv, and Odoo's External IDs of res.country (base.de; the United
-- Kingdom is base.uk). Keyed upper case with accents and spaces folded; a spelling two
-- countries share is left out (kept raw, flagged by stg_orders' data test).
-- materialized: view
WITH names AS (
    SELECT iso2, unnest([iso2, iso3, name_en, name_fr, name_de, 'base.' || lower(iso2)]
                        || string_split(coalesce(aliases, ''), '|')) AS name
    FROM ref_countries
    UNION ALL SELECT 'GB', 'base.uk'
)
SELECT name_key, any_value(iso2) AS iso2
FROM (SELECT iso2, upper(strip_accents(trim(regexp_replace(name, '\s+', ' ', 'g')))) AS name_key FROM names)
WHERE name_key <> ''
GROUP BY name_key
HAVING count(DISTINCT iso2) = 1
