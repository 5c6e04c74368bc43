package models

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderflow/orderflow/config"
	"github.com/orderflow/orderflow/ingest"
)

const scmsCSV = "../../shared/datasets/scms/SCMS_Delivery_History_Dataset.csv"

// On the real SCMS delivery history, loaded through ingest's scms profile, the on-time
// rate per week and per transport mode equals a plain SQL query on the raw CSV:
// Scheduled Delivery Date is the promise, Delivered to Client Date the delivery event.
func TestSCMSOnTimeMatchesRawCSV(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the 10,324 SCMS rows")
	}
	path, _ := filepath.Abs(scmsCSV)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("the SCMS dataset is not at %s", path)
	}
	ctx := context.Background()
	st := openStore(t)
	res, err := ingest.Load(ctx, st, ingest.Options{Profile: "scms"}, path)
	if err != nil {
		if strings.Contains(err.Error(), "scms") && strings.Contains(err.Error(), "profile") {
			t.Skipf("ingest has no scms profile yet: %v", err)
		}
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatalf("cannot load %s: %v", r.Path, r.Err)
		}
		t.Logf("%s: %d rows read, %d loaded, %d rejected", filepath.Base(r.Path), r.RowsRead, r.RowsLoaded, r.RowsRejected)
	}
	rep := mustBuild(t, st, config.Default(), "2016-06-01")
	// every SCMS amount is in USD and the file brings no rates: the build says how to
	// get money figures (rates, or reporting in USD)
	if note := strings.Join(rep.Notes, "\n"); !strings.Contains(note, "in USD") || !strings.Contains(note, "reporting_currency: USD in orderflow.yaml") {
		t.Errorf("the build's notes do not say how to convert the USD amounts:\n%s", note)
	}

	// The independent computation, on the raw file: no staging, no facts.
	want := map[string][2]float64{} // "week mode" -> on time, lines
	rows, err := st.DB.QueryContext(ctx, fmt.Sprintf(`
		WITH raw AS (
			SELECT
				try_strptime("Scheduled Delivery Date", '%%d-%%b-%%y')::DATE  AS promised,
				try_strptime("Delivered to Client Date", '%%d-%%b-%%y')::DATE AS delivered,
				CASE "Shipment Mode" WHEN 'Air' THEN 'air' WHEN 'Air Charter' THEN 'air'
				     WHEN 'Truck' THEN 'road' WHEN 'Ocean' THEN 'sea' ELSE '(none)' END AS mode,
				try_cast("Line Item Quantity" AS DOUBLE) AS qty
			FROM read_csv('%s', header = true, all_varchar = true)
		)
		SELECT strftime(promised, '%%G-W%%V') AS week, mode,
		       count(*) FILTER (WHERE delivered <= promised), count(*)
		FROM raw
		WHERE promised IS NOT NULL AND qty > 0
		GROUP BY ALL`, strings.ReplaceAll(path, "'", "''")))
	if err != nil {
		t.Fatal(err)
	}
	perWeek := map[string][2]float64{}
	for rows.Next() {
		var week, mode string
		var onTime, lines float64
		if err := rows.Scan(&week, &mode, &onTime, &lines); err != nil {
			t.Fatal(err)
		}
		want[week+" "+mode] = [2]float64{onTime, lines}
		w := perWeek[week]
		perWeek[week] = [2]float64{w[0] + onTime, w[1] + lines}
	}
	rows.Close()
	if len(want) < 100 {
		t.Fatalf("the raw query found only %d week-mode groups", len(want))
	}

	check := func(by []string, want map[string][2]float64) {
		t.Helper()
		vals, err := Query(ctx, st.DB, KPIQuery{KPIs: []string{"on_time_line"}, By: by})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]KPIValue{}
		for _, v := range vals {
			key := v.Week
			if len(by) > 0 {
				key += " " + v.Dims[by[0]]
			}
			got[key] = v
		}
		bad := 0
		for key, w := range want {
			v, ok := got[key]
			switch {
			case !ok:
				t.Errorf("%v %s: no value, the raw CSV has %v of %v on time", by, key, w[0], w[1])
			case *v.Numerator != w[0] || *v.Denominator != w[1] || math.Abs(*v.Value-w[0]/w[1]) > 1e-12:
				t.Errorf("%v %s: %v / %v, the raw CSV has %v / %v", by, key, *v.Numerator, *v.Denominator, w[0], w[1])
			default:
				continue
			}
			if bad++; bad > 10 {
				t.Fatal("too many differences")
			}
		}
		if len(got) != len(want) {
			t.Errorf("%v: %d values, the raw CSV gives %d", by, len(got), len(want))
		}
	}
	check([]string{"transport_mode"}, want)
	check(nil, perWeek)
}
