package reports

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestTiming(t *testing.T) {
	if os.Getenv("ORDERFLOW_TIMING") == "" {
		t.Skip()
	}
	fx := loadFixture(t)
	ctx := context.Background()
	t0 := time.Now()
	f, err := Collect(ctx, fx.st.DB, fx.cfg, asOf, "en", DashboardPlan())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("collect %v, %d values", time.Since(t0), len(f.Values))
}
