package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestMemoryBytes(t *testing.T) {
	const total = 24 << 30
	for _, c := range []struct {
		in   string
		want int64
		err  string
	}{
		{"", total / 2, ""},
		{"50%", total / 2, ""},
		{"25 %", total / 4, ""},
		{"4GB", 4e9, ""},
		{"512MiB", 512 << 20, ""},
		{"1.5GiB", 3 << 29, ""},
		{"lots", 0, "not a size"},
		{"0%", 0, "between 1% and 100%"},
		{"150%", 0, "between 1% and 100%"},
		{"10MB", 0, "below 64 MiB"},
	} {
		got, err := MemoryBytes(c.in, total)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: %v, want an error saying %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	if MachineMemory() <= 0 {
		t.Error("the machine's memory cannot be read from /proc/meminfo")
	}
}

// TestMemoryLimitSpills: under a 100 MB limit, a sort and an aggregation of 3 million
// wide rows (about 300 MB of state) finish by spilling to the temporary folder
// rather than failing or growing.
func TestMemoryLimitSpills(t *testing.T) {
	if testing.Short() {
		t.Skip("sorts 3 million rows under a small memory limit")
	}
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(ctx, filepath.Join(dir, "spill.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tmp := filepath.Join(dir, "spill")
	if err := st.Apply(ctx, Resources{MemoryLimit: "100MB", TempDirectory: tmp, Threads: 2}); err != nil {
		t.Fatal(err)
	}
	var limit, where string
	if err := st.DB.QueryRow(`SELECT current_setting('memory_limit'), current_setting('temp_directory')`).Scan(&limit, &where); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(limit, "MiB") && !strings.Contains(limit, "MB") || where != tmp {
		t.Errorf("memory_limit %s, temp_directory %s", limit, where)
	}
	if _, err := st.DB.Exec(`CREATE TABLE big AS SELECT i, md5(i::VARCHAR) || md5((i * 7)::VARCHAR) AS pad FROM range(3000000) t(i)`); err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := st.DB.QueryRow(`SELECT count(*) FROM (SELECT pad, count(*) FROM big GROUP BY pad ORDER BY pad)`).Scan(&n); err != nil {
		t.Fatalf("under a 100 MB limit the aggregation failed instead of spilling: %v", err)
	}
	if n != 3000000 {
		t.Errorf("%d groups, want 3,000,000", n)
	}
}
