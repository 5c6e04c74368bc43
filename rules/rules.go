// Package rules holds the trade rules of domain.md as data a user can read and extend:
// countries (ISO 3166-1, EU membership, region, trade bloc, the names ERPs use),
// Incoterms (2020 and the obsolete terms still met in extracts) and the documents a
// trade lane requires. The CSV files under data/ are the rules; Go only reads them, and
// the SQL models load the same files (FS, CSV) so both sides apply one set of rules.
package rules

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"strings"
)

// FS holds the rule files: data/countries.csv, data/incoterms.csv, data/documents.csv.
//
//go:embed data/*.csv
var FS embed.FS

// CSV returns the bytes of one rule file, named with or without its .csv extension
// ("countries", "incoterms.csv"); nil when there is no such file.
func CSV(name string) []byte {
	name = strings.TrimSuffix(strings.TrimPrefix(name, "data/"), ".csv")
	b, err := FS.ReadFile("data/" + name + ".csv")
	if err != nil {
		return nil
	}
	return b
}

// table reads an embedded rule file into one map per row, keyed by header name. The
// files are part of the binary, so a malformed one is a build defect: it panics with
// the file and row at fault (the package tests read every file).
func table(name string) []map[string]string {
	b := CSV(name)
	if b == nil {
		panic(fmt.Sprintf("rules: embedded file data/%s.csv is missing", name))
	}
	r := csv.NewReader(bytes.NewReader(b))
	recs, err := r.ReadAll()
	if err != nil {
		panic(fmt.Sprintf("rules: cannot parse data/%s.csv: %v", name, err))
	}
	if len(recs) == 0 {
		panic(fmt.Sprintf("rules: data/%s.csv has no header", name))
	}
	header := recs[0]
	rows := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		row := make(map[string]string, len(header))
		for i, h := range header {
			row[h] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, row)
	}
	return rows
}

// parseBool reads the true/false columns of the rule files.
func parseBool(file string, row int, col, v string) bool {
	switch strings.ToLower(v) {
	case "true":
		return true
	case "false", "":
		return false
	}
	panic(fmt.Sprintf("rules: data/%s.csv row %d column %s: %q is not true or false", file, row+2, col, v))
}

// splitList splits a pipe-separated cell; an empty cell gives nil.
func splitList(v string) []string {
	if v == "" {
		return nil
	}
	parts := strings.Split(v, "|")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
