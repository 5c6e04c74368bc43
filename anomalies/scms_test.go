package anomalies

import (
	"context"
	"os"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/orderflow/orderflow/ingest"
)

const scmsPath = "../../shared/datasets/scms/SCMS_Delivery_History_Dataset.csv"

// TestSCMSIncotermRules: the real SCMS delivery history has 15 rows under the obsolete
// DDU and 2 CIF rows carried by air. Its profile derives one order per "PO / SO #"
// (from the first row of each), which gives 12 DDU orders holding the 15 DDU lines
// (SCMS-139, -98040 and -98041 have two each) and 2 CIF orders flown.
func TestSCMSIncotermRules(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the 10,324 rows of the SCMS data set")
	}
	if _, err := os.Stat(scmsPath); err != nil {
		t.Skipf("real data set not found beside the checkout: %v", err)
	}
	ctx := context.Background()
	st := openStore(t)
	if _, err := ingest.Load(ctx, st, ingest.Options{Profile: "scms"}, scmsPath); err != nil {
		t.Fatal(err)
	}
	build(t, st, time.Date(2016, 1, 4, 0, 0, 0, 0, time.UTC))

	list, err := List(ctx, st.DB, Filter{Codes: []string{"obsolete_incoterm", "incoterm_mode_mismatch"}}, "en")
	if err != nil {
		t.Fatal(err)
	}
	var ddu, cifAir []string
	lines := 0
	for _, a := range list {
		switch a.Code {
		case "obsolete_incoterm":
			if a.Facts["incoterm"] != "DDU" || a.Facts["replacement"] != "DAP" {
				t.Errorf("%s: %v, replaced by %v", a.OrderID, a.Facts["incoterm"], a.Facts["replacement"])
			}
			ddu = append(ddu, a.OrderID)
			lines += int(a.Facts["line_count"].(int64))
		case "incoterm_mode_mismatch":
			if a.Facts["incoterm"] != "CIF" || a.Facts["transport_mode"] != "air" || a.Facts["replacement"] != "CIP" {
				t.Errorf("%s: %v by %v, replaced by %v", a.OrderID, a.Facts["incoterm"], a.Facts["transport_mode"], a.Facts["replacement"])
			}
			cifAir = append(cifAir, a.OrderID)
		}
	}
	sort.Strings(ddu)
	sort.Strings(cifAir)
	wantDDU := []string{"SCMS-106770", "SCMS-106780", "SCMS-132020", "SCMS-139", "SCMS-19630", "SCMS-33",
		"SCMS-74760", "SCMS-80710", "SCMS-85620", "SCMS-87910", "SCMS-98040", "SCMS-98041"}
	if !slices.Equal(ddu, wantDDU) || lines != 15 {
		t.Errorf("DDU orders %v holding %d lines, want %v holding 15", ddu, lines, wantDDU)
	}
	if want := []string{"SCMS-14600", "SCMS-95570"}; !slices.Equal(cifAir, want) {
		t.Errorf("CIF by air: %v, want %v", cifAir, want)
	}
}
