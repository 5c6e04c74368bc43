-- Status labels as ERPs write them (Odoo's selection labels in English and French, SAP's
-- status texts, plain words in three languages) and the canonical status each stands for:
-- the seed rules/data/status_labels.csv, keyed as the staging models look a status up
-- (lower case, accents and spaces folded). A label is added there, without code.
-- materialized: view
-- test: unique(applies_to, label_key)
SELECT DISTINCT
    applies_to,
    lower(strip_accents(trim(regexp_replace(label, '\s+', ' ', 'g')))) AS label_key,
    status
FROM ref_status_labels
