package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
)

// Resources bound the DuckDB engine of a store (config's duckdb section).
type Resources struct {
	MemoryLimit   string // "4GB", "512MiB" or a share of the machine's memory, "50%"; "" is 50%
	TempDirectory string // where it spills past the limit; "" keeps DuckDB's <db>.tmp
	Threads       int    // 0: every core
}

// DefaultMemoryShare is the share of the machine's memory DuckDB may hold by default.
const DefaultMemoryShare = 50

var sizeRe = regexp.MustCompile(`^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)\s*$`)

// MemoryBytes reads a memory limit as bytes: a size, or a share of total (the
// machine's memory in bytes).
func MemoryBytes(limit string, total int64) (int64, error) {
	if strings.TrimSpace(limit) == "" {
		limit = strconv.Itoa(DefaultMemoryShare) + "%"
	}
	m := sizeRe.FindStringSubmatch(limit)
	if m == nil {
		return 0, fmt.Errorf("duckdb.memory_limit %q is not a size: write it as 4GB, 512MiB or 50%% (of the machine's memory)", limit)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	unit := map[string]float64{"B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
		"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}
	if m[2] == "%" {
		if v <= 0 || v > 100 {
			return 0, fmt.Errorf("duckdb.memory_limit %q is not a share between 1%% and 100%%", limit)
		}
		if total <= 0 {
			return 0, fmt.Errorf("duckdb.memory_limit %q is a share of the machine's memory, which cannot be read here: write a size such as 4GB", limit)
		}
		return int64(v / 100 * float64(total)), nil
	}
	b := int64(v * unit[m[2]])
	if b < 64<<20 {
		return 0, fmt.Errorf("duckdb.memory_limit %q is below 64 MiB, too little to build anything: write at least 256MB", limit)
	}
	return b, nil
}

// MachineMemory is the machine's total memory in bytes (/proc/meminfo), 0 if unknown.
func MachineMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// Apply sets the engine's memory limit, temporary folder and threads. The values come
// from the configuration, checked here: a size is written back as bytes, the folder as
// a quoted literal.
func (s *Store) Apply(ctx context.Context, r Resources) error {
	b, err := MemoryBytes(r.MemoryLimit, MachineMemory())
	if err != nil {
		return err
	}
	stmts := []string{fmt.Sprintf("SET memory_limit = '%dB'", b)}
	if r.TempDirectory != "" {
		if err := os.MkdirAll(r.TempDirectory, 0o700); err != nil {
			return fmt.Errorf("duckdb.temp_directory %s cannot be created: %w", r.TempDirectory, err)
		}
		stmts = append(stmts, "SET temp_directory = '"+strings.ReplaceAll(r.TempDirectory, "'", "''")+"'")
	}
	if r.Threads < 0 {
		return fmt.Errorf("duckdb.threads is %d: write a number of threads, or 0 for every core", r.Threads)
	}
	if r.Threads > 0 {
		stmts = append(stmts, fmt.Sprintf("SET threads = %d", r.Threads))
	}
	for _, q := range stmts {
		if _, err := s.DB.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("cannot set the engine's resources (%s): %w", q, err)
		}
	}
	s.MemoryLimit = b
	return nil
}

// PeakMemory is the largest resident memory of this process so far, in bytes (the Go
// program and DuckDB together), 0 where the system does not say.
func PeakMemory() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss << 10 // kilobytes on Linux
}
