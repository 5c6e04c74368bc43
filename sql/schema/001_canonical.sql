-- The canonical model of domain.md. Every ERP extract is mapped onto these tables.
-- Keys are text (ERP numbers keep their leading zeros); dates are DATE; quantities and
-- money are DECIMAL. No primary keys: a newer extract replaces rows by business key
-- (ingest deletes then inserts in one transaction), and a duplicate key inside one
-- extract is kept so that the duplicate_record anomaly can show it; staging models
-- deduplicate. _load_id and _row trace every row back to its file and row.

CREATE TABLE customers (
    customer_id    VARCHAR NOT NULL,
    name           VARCHAR,
    country        VARCHAR,          -- ISO 3166 alpha-2
    segment        VARCHAR,
    language       VARCHAR,
    payment_terms  VARCHAR,
    vat_number     VARCHAR,          -- needed for intra-EU supplies
    weight         DECIMAL(9,3),     -- customer weight for ranking (1 = normal)
    _load_id       BIGINT NOT NULL,
    _row           BIGINT NOT NULL
);

CREATE TABLE products (
    sku            VARCHAR NOT NULL,
    description    VARCHAR,
    family         VARCHAR,
    unit           VARCHAR,
    net_weight_kg  DECIMAL(18,4),
    hs_code        VARCHAR,
    origin_country VARCHAR,
    unit_cost      DECIMAL(18,4),
    _load_id       BIGINT NOT NULL,
    _row           BIGINT NOT NULL
);

CREATE TABLE orders (
    order_id                VARCHAR NOT NULL,
    customer_id             VARCHAR,
    order_date              DATE,
    ship_from_site          VARCHAR,
    ship_to_country         VARCHAR,
    incoterm                VARCHAR,
    incoterm_place          VARCHAR,
    transport_mode          VARCHAR,
    currency                VARCHAR,
    payment_method          VARCHAR,  -- open_account, documentary_collection, letter_of_credit, prepayment
    lc_latest_shipment_date DATE,
    lc_expiry_date          DATE,
    status                  VARCHAR,
    _load_id                BIGINT NOT NULL,
    _row                    BIGINT NOT NULL
);

CREATE TABLE order_lines (
    order_id          VARCHAR NOT NULL,
    line_no           VARCHAR NOT NULL,
    sku               VARCHAR,
    ordered_qty       DECIMAL(18,4),
    unit_price        DECIMAL(18,4),
    requested_date    DATE,
    promised_date     DATE,              -- confirmed date
    planned_ship_date DATE,              -- scheduled goods issue, when the ERP has one
    status            VARCHAR,           -- open, closed, cancelled
    _load_id          BIGINT NOT NULL,
    _row              BIGINT NOT NULL
);

CREATE TABLE shipments (
    shipment_id    VARCHAR NOT NULL,
    order_id       VARCHAR NOT NULL,
    line_no        VARCHAR NOT NULL,
    shipped_qty    DECIMAL(18,4),
    ship_date      DATE,                 -- goods issue / handover to the carrier
    delivery_date  DATE,                 -- proof of delivery, may be empty
    carrier        VARCHAR,
    transport_mode VARCHAR,
    forwarder      VARCHAR,
    freight_cost   DECIMAL(18,4),
    weight_kg      DECIMAL(18,4),
    packages       INTEGER,
    _load_id       BIGINT NOT NULL,
    _row           BIGINT NOT NULL
);

CREATE TABLE invoices (
    invoice_id     VARCHAR NOT NULL,
    order_id       VARCHAR NOT NULL,
    line_no        VARCHAR NOT NULL,
    invoice_date   DATE,
    invoiced_qty   DECIMAL(18,4),
    amount         DECIMAL(18,4),
    currency       VARCHAR,
    _load_id       BIGINT NOT NULL,
    _row           BIGINT NOT NULL
);

CREATE TABLE stock (
    snapshot_date  DATE NOT NULL,
    site           VARCHAR NOT NULL,
    sku            VARCHAR NOT NULL,
    on_hand_qty    DECIMAL(18,4),
    reserved_qty   DECIMAL(18,4),
    incoming_qty   DECIMAL(18,4),
    incoming_date  DATE,
    _load_id       BIGINT NOT NULL,
    _row           BIGINT NOT NULL
);

CREATE TABLE claims (
    claim_id       VARCHAR NOT NULL,
    order_id       VARCHAR,
    line_no        VARCHAR,
    shipment_id    VARCHAR,
    opened_date    DATE,
    closed_date    DATE,
    type           VARCHAR,  -- damage, shortage, wrong_item, late, quality, documentation, other
    cause          VARCHAR,
    responsible    VARCHAR,  -- carrier, warehouse, production, supplier, customer, sales_admin
    claimed_qty    DECIMAL(18,4),
    returned_qty   DECIMAL(18,4),
    cost           DECIMAL(18,4),
    status         VARCHAR,
    _load_id       BIGINT NOT NULL,
    _row           BIGINT NOT NULL
);

CREATE TABLE documents (
    order_id       VARCHAR NOT NULL,
    shipment_id    VARCHAR NOT NULL DEFAULT '',   -- '' for an order-level document
    doc_type       VARCHAR NOT NULL,
    status         VARCHAR,  -- missing, draft, issued, sent, rejected
    issued_date    DATE,
    reference      VARCHAR,
    _load_id       BIGINT NOT NULL,
    _row           BIGINT NOT NULL
);

-- One row per file offered to ingest, whatever its outcome.
CREATE SEQUENCE load_id_seq START 1;
CREATE TABLE load_log (
    load_id       BIGINT PRIMARY KEY,
    path          VARCHAR NOT NULL,
    checksum      VARCHAR NOT NULL,   -- sha256 of the file's bytes
    profile       VARCHAR NOT NULL,
    file_spec     VARCHAR,            -- which file kind of the profile recognised it
    entities      VARCHAR,            -- comma-separated canonical entities written
    rows_read     BIGINT,
    rows_loaded   BIGINT,
    rows_rejected BIGINT,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    outcome       VARCHAR NOT NULL,   -- loaded, partial, skipped, failed
    message       VARCHAR
);

-- A row that could not be read: which file, row, column and value, and why.
CREATE TABLE rejects (
    load_id    BIGINT NOT NULL,
    path       VARCHAR NOT NULL,
    row_no     BIGINT NOT NULL,
    entity     VARCHAR,
    column_name VARCHAR,
    raw_value  VARCHAR,
    reason     VARCHAR NOT NULL
);
