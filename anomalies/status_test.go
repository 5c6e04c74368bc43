package anomalies

import (
	"context"
	"strings"
	"testing"

	"github.com/orderflow/orderflow/config"
)

// TestStatusSurvivesRebuild: people acknowledge and resolve anomalies; a rebuild keeps
// what they decided, an anomaly resolved by hand that the next build still finds is new
// again (and says so), and one the data no longer shows is resolved by the data.
func TestStatusSurvivesRebuild(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	load(t, st, "../testdata/anomalies/world")
	rep := build(t, st, worldAsOf)
	if rep.New != rep.Total || rep.Total == 0 {
		t.Fatalf("first build: %+v", rep)
	}
	get := func(key string) Anomaly {
		t.Helper()
		list, err := List(ctx, st.DB, Filter{}, "en")
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			if a.Key == key {
				return a
			}
		}
		t.Fatalf("%s is not listed", key)
		return Anomaly{}
	}
	late, notInvoiced := get("late_backlog/O12/10"), get("shipped_not_invoiced/O04/10")
	if n, err := SetStatus(ctx, st, StatusAcknowledged, "alice", late.ID); err != nil || n != 1 {
		t.Fatalf("ack by id: %d, %v", n, err)
	}
	if n, err := SetStatus(ctx, st, StatusResolved, "alice", notInvoiced.Key); err != nil || n != 1 {
		t.Fatalf("resolve by key: %d, %v", n, err)
	}
	if _, err := SetStatus(ctx, st, StatusResolved, "alice", "nosuchkey"); err == nil || !strings.Contains(err.Error(), "nosuchkey") {
		t.Errorf("an unknown key: %v", err)
	}
	if _, err := SetStatus(ctx, st, "done", "alice", late.ID); err == nil {
		t.Error("an unknown status was accepted")
	}
	// Listing, or building the anomalies again on the same models build, keeps both.
	if _, err := Build(ctx, st, config.Default(), worldAsOf); err != nil {
		t.Fatal(err)
	}
	if a := get(late.Key); a.Status != StatusAcknowledged {
		t.Errorf("acknowledged became %s", a.Status)
	}
	if a := get(notInvoiced.Key); a.Status != StatusResolved {
		t.Errorf("resolved became %s", a.Status)
	}
	if list, _ := List(ctx, st.DB, Filter{Status: []string{StatusNew}}, "en"); len(list) != rep.Total-2 {
		t.Errorf("--status new lists %d, want %d", len(list), rep.Total-2)
	}

	// A new build on the same data still finds the invoice missing: new again.
	rep = build(t, st, worldAsOf)
	if rep.Reopened != 1 {
		t.Errorf("reopened %d, want 1", rep.Reopened)
	}
	a := get(notInvoiced.Key)
	if a.Status != StatusNew || a.Reopened != 1 || !strings.Contains(a.Message, "reopened") {
		t.Errorf("a resolved anomaly that came back: status %s, reopened %d, %q", a.Status, a.Reopened, a.Message)
	}
	if a := get(late.Key); a.Status != StatusAcknowledged {
		t.Errorf("acknowledged became %s after a rebuild", a.Status)
	}

	// The invoice arrives in a newer extract: the anomaly is gone, resolved by the data.
	load(t, st, "../testdata/anomalies/world_invoiced")
	rep = build(t, st, worldAsOf)
	if rep.Resolved != 1 {
		t.Errorf("resolved by the data: %d, want 1", rep.Resolved)
	}
	var status, by string
	if err := st.DB.QueryRow(`SELECT status, resolved_by FROM anomaly_status WHERE anomaly_key = ?`, notInvoiced.Key).Scan(&status, &by); err != nil {
		t.Fatal(err)
	}
	if status != StatusResolved || by != "data" {
		t.Errorf("after the invoice: %s by %s", status, by)
	}
}

// TestEarlierBuildResolvesNothingLater: a build as of an earlier date (last week's
// figures built again, as the demo does before this week's) cannot see what began
// since, so it resolves nothing a later build found; the later build again then
// reopens nothing and tells no one that "it was resolved".
func TestEarlierBuildResolvesNothingLater(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	load(t, st, "../testdata/anomalies/world")
	build(t, st, worldAsOf)
	var recent []string // found as of worldAsOf, begun within its last week
	for _, a := range mustList(t, st.DB) {
		if a.AgeDays < 7 {
			recent = append(recent, a.Key)
		}
	}
	if len(recent) == 0 {
		t.Fatal("the world fixture has no anomaly begun in the last week")
	}
	earlier := build(t, st, worldAsOf.AddDate(0, 0, -7))
	for _, a := range mustList(t, st.DB) {
		if a.AgeDays < 0 || a.FirstSeen > worldAsOf.AddDate(0, 0, -7).Format("2006-01-02") {
			t.Errorf("as of a week earlier, %s is %d days old, first seen %s", a.Key, a.AgeDays, a.FirstSeen)
		}
	}
	var resolved []string
	rows, err := st.DB.QueryContext(ctx, `SELECT anomaly_key FROM anomaly_status WHERE status = 'resolved'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		resolved = append(resolved, k)
	}
	rows.Close()
	if earlier.Resolved != 0 || len(resolved) != 0 {
		t.Errorf("the build of a week earlier resolved %d anomalies found later: %v", earlier.Resolved, resolved)
	}
	again := build(t, st, worldAsOf)
	if again.Reopened != 0 {
		t.Errorf("this week's build again reopened %d anomalies", again.Reopened)
	}
	for _, a := range mustList(t, st.DB) {
		if a.Reopened != 0 || strings.Contains(a.Message, "reopened") {
			t.Errorf("%s: reopened %d, %q", a.Key, a.Reopened, a.Message)
		}
	}
}
