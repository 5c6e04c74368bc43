package anomalies

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/store"
)

// BenchmarkWriteState times the state over time (anomaly_state and the snapshot) on a
// database already built, named by ORDERFLOW_BENCH_DB (a copy: the benchmark rewrites
// its anomaly_state):
//
//	ORDERFLOW_BENCH_DB=/tmp/b1m/new.duckdb go test ./anomalies -run '^$' -bench WriteState -benchtime 3x
func BenchmarkWriteState(b *testing.B) {
	path := os.Getenv("ORDERFLOW_BENCH_DB")
	if path == "" {
		b.Skip("set ORDERFLOW_BENCH_DB to a built database (a copy)")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var n int
	st.DB.QueryRow(`SELECT count(*) FROM anomaly_list`).Scan(&n)
	b.ReportMetric(float64(n), "anomalies")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := st.InTx(ctx, func(tx *sql.Tx) error { return writeState(ctx, tx, config.Default()) }); err != nil {
			b.Fatal(err)
		}
	}
}
