// Package sql holds orderflow's SQL, embedded in the binary: schema/ (the canonical
// tables, as numbered migrations) and models/ (staging, facts, KPI marts, anomalies).
package sql

import "embed"

// Schema holds the migrations, applied in file-name order.
//
//go:embed schema/*.sql
var Schema embed.FS

// Models holds the SQL models, one SELECT per file, built in dependency order by package
// models: staging/ (typed, deduplicated canonical tables), dims/ (the cut dimensions),
// facts/ (one row per line, order, shipment, claim, stock snapshot) and marts/ (the
// populations and formulas of the KPIs).
//
//go:embed models
var Models embed.FS

// Incremental holds what an incremental build reads besides the models:
// unsettled_orders.sql, the orders whose rows the move of the as-of date can change.
//
//go:embed incremental/*.sql
var Incremental embed.FS
