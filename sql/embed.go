// Package sql holds orderflow's SQL, embedded in the binary: schema/ (the canonical
// tables, as numbered migrations) and models/ (staging, facts, KPI marts, anomalies).
package sql

import "embed"

// Schema holds the migrations, applied in file-name order.
//
//go:embed schema/*.sql
var Schema embed.FS
