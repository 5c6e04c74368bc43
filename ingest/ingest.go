// Package ingest reads ERP extracts (CSV, XLSX, Parquet, JSON), maps them onto the
// canonical model through a profile, validates every value and loads the result into
// the store: one transaction per file, rejected rows kept with their reason, a file
// already loaded skipped by its checksum, newer extracts replacing rows by business key.
package ingest

import (
	"io"
	"time"
)

// Options steer a load.
type Options struct {
	// Profile is a built-in profile name (canonical, sap, odoo, scms) or the path of a
	// YAML profile; empty means: recognise each file by its header among all profiles.
	Profile string
	// ProfilePaths are extra YAML profiles (files or folders) offered for recognition.
	ProfilePaths []string
	// Progress, when set, receives progress lines on long loads.
	Progress io.Writer
	// AsOf dates a stock file that carries no snapshot date of its own when neither its
	// name nor its modification time gives one.
	AsOf time.Time
	// Sanity is what an unlikely value (a quantity of zero or less, a negative price,
	// a date decades away) does: "warn" (the default) loads the row and keeps a warning
	// in load_warnings; "reject" sends the row to rejects.
	Sanity string
	// Limits bound line, cell and workbook sizes (orderflow.yaml limits:).
	Limits Limits
	// OnResult, when set, is called as each file is done.
	OnResult func(FileResult)
}

// FileResult is the outcome of one file; Summary renders it as the command's line.
type FileResult struct {
	Path         string
	Profile      string
	FileSpec     string
	Entities     []string
	LoadID       int64
	RowsRead     int64
	RowsLoaded   int64
	RowsRejected int64
	RowsWarned   int64 // loaded rows with a sanity warning (load_warnings)
	EmptyCells   int64 // ECB rate files: N/A cells, no rate, neither loaded nor rejected
	Skipped      bool  // already loaded (same checksum)
	Err          error
	Duration     time.Duration
}
