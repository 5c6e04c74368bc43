// Package lockinfo tells the other orderflow commands that `orderflow serve` owns the
// database, and where to reach it. The server writes <db>.serve.json beside the DuckDB
// file while it runs; store.Open, when DuckDB refuses the file because it is locked,
// reads it to say in one sentence who holds the database and how to reach it.
// Standard library only: package store imports it.
package lockinfo

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// Info is what the server publishes about itself.
type Info struct {
	PID     int       `json:"pid"`
	URL     string    `json:"url"` // such as http://127.0.0.1:8080
	DB      string    `json:"db"`
	Started time.Time `json:"started"`
}

// Path is the info file of a database.
func Path(dbPath string) string { return dbPath + ".serve.json" }

// Write publishes the server's info beside the database (write, then rename: a reader
// never sees half a file).
func Write(dbPath string, info Info) error {
	body, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	tmp := Path(dbPath) + ".tmp"
	if err := os.WriteFile(tmp, body, 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", Path(dbPath), err)
	}
	return os.Rename(tmp, Path(dbPath))
}

// Remove withdraws the info when the server stops, if it is still this process's.
func Remove(dbPath string) {
	if info, err := read(dbPath); err == nil && info.PID == os.Getpid() {
		os.Remove(Path(dbPath))
	}
}

// Read returns the info of the server running on the database, if one is.
func Read(dbPath string) (Info, bool) {
	info, err := read(dbPath)
	if err != nil || !alive(info.PID) {
		return Info{}, false
	}
	return info, true
}

func read(dbPath string) (Info, error) {
	var info Info
	body, err := os.ReadFile(Path(dbPath))
	if err != nil {
		return info, err
	}
	if err := json.Unmarshal(body, &info); err != nil {
		return info, err
	}
	if info.PID <= 0 {
		return info, errors.New("no pid")
	}
	return info, nil
}

// alive tells whether a process of that id exists.
func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, os.ErrPermission)
}

// Describe is the sentence for a command that cannot open the database because the
// server holds it; "" when no running server published its info.
func Describe(dbPath string) string {
	info, ok := Read(dbPath)
	if !ok {
		return ""
	}
	return fmt.Sprintf("cannot open %s: the database is in use by `orderflow serve` (pid %d, running since %s) at %s: read the figures there (such as %s/api/kpi, or the dashboards at %s/), or stop the server first",
		dbPath, info.PID, info.Started.Local().Format("2006-01-02 15:04"), info.URL, info.URL, info.URL)
}
