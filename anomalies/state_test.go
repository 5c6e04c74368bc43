package anomalies

import (
	"context"
	"database/sql"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/orderflow/config"
)

func byKey(t *testing.T, list []Anomaly) map[string]Anomaly {
	t.Helper()
	out := map[string]Anomaly{}
	for _, a := range list {
		out[a.Key] = a
	}
	return out
}

// TestStateOverWeeks builds the world fixture a week apart: what began in the last 7
// days is new at the first build, what was there a week before is open (a late line
// whose days grow is not worsening), a value that grew is worsening, and an invoice
// raised between two weekly builds moves its gap to resolved, with its value.
func TestStateOverWeeks(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	load(t, st, "../testdata/anomalies/world")
	week0 := worldAsOf.AddDate(0, 0, -7)
	build(t, st, week0)
	first, err := List(ctx, st.DB, Filter{}, "en")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range first {
		want := StateOpen
		if a.AgeDays < 7 {
			want = StateNew
		}
		if a.Bucket == BucketStale {
			want = StateStale
		}
		if a.State != want {
			t.Errorf("first build: %s is %s (age %d days), want %s", a.Key, a.State, a.AgeDays, want)
		}
	}
	ch, err := ReadChanges(ctx, st.DB, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ch.RefAsOf.IsZero() || ch.Resolved.Count != 0 {
		t.Errorf("first build compares with %v and resolves %d", ch.RefAsOf, ch.Resolved.Count)
	}

	// A week later, on the same data: nothing resolved yet.
	build(t, st, worldAsOf)
	now := byKey(t, mustList(t, st.DB))
	before := byKey(t, first)
	var late Anomaly
	for k, a := range now {
		if b, was := before[k]; was && a.Code == "late_backlog" && a.ValueAtStake != nil && b.ValueAtStake != nil &&
			*a.ValueAtStake == *b.ValueAtStake && a.Bucket == BucketWorklist {
			late = a
		}
	}
	if late.Key == "" {
		t.Fatal("no late line of the world is late at both builds")
	}
	if late.State != StateOpen || *late.Days != *before[late.Key].Days+7 {
		t.Errorf("%s a week later, %d days late instead of %d, same value: %s, want open", late.Key, *late.Days, *before[late.Key].Days, late.State)
	}
	for k, a := range now {
		if _, was := before[k]; !was && a.State != StateNew && a.State != StateStale {
			t.Errorf("%s was not there a week ago but is %s", k, a.State)
		}
	}

	// The invoice of O04 arrives; the next weekly build finds its gap gone.
	week2 := worldAsOf.AddDate(0, 0, 7)
	build(t, st, week2)
	without, err := ReadChanges(ctx, st.DB, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !without.RefAsOf.Equal(worldAsOf) {
		t.Fatalf("the build of %s compares with %s, want %s", week2.Format("2006-01-02"), without.RefAsOf, worldAsOf)
	}
	gap, ok := byKey(t, mustList(t, st.DB))["shipped_not_invoiced/O04/10"]
	if !ok || gap.ValueAtStake == nil {
		t.Fatal("shipped_not_invoiced/O04/10 is not listed before its invoice")
	}
	load(t, st, "../testdata/anomalies/world_invoiced")
	build(t, st, week2)
	with, err := ReadChanges(ctx, st.DB, nil)
	if err != nil {
		t.Fatal(err)
	}
	if with.Resolved.Count != without.Resolved.Count+1 {
		t.Errorf("resolved since last week: %d, want %d + the invoiced gap", with.Resolved.Count, without.Resolved.Count)
	}
	// hand-worked: 100 pieces at 10.00 shipped on 2 Mar 2026 and not invoiced = 1,000.00
	if got := with.Resolved.Value - without.Resolved.Value; math.Abs(got-1000) > 0.005 || math.Abs(*gap.ValueAtStake-1000) > 0.005 {
		t.Errorf("value resolved by the invoice: %.2f (gap %.2f), want 1,000.00", got, *gap.ValueAtStake)
	}
	if _, still := byKey(t, mustList(t, st.DB))["shipped_not_invoiced/O04/10"]; still {
		t.Error("the invoiced gap is still listed")
	}

	// A value that grew since a week ago is worsening: halve the value kept for a week ago.
	if _, err := st.DB.Exec(`UPDATE anomaly_snapshot SET value_at_stake = value_at_stake / 2 WHERE as_of = ? AND anomaly_key = ?`,
		worldAsOf, late.Key); err != nil {
		t.Fatal(err)
	}
	build(t, st, week2)
	if a := byKey(t, mustList(t, st.DB))[late.Key]; a.State != StateWorsening {
		t.Errorf("a late line whose value doubled in a week: %s, want worsening", a.State)
	}
}

func mustList(t *testing.T, db *sql.DB) []Anomaly {
	t.Helper()
	list, err := List(context.Background(), db, Filter{}, "en")
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestStaleInvoicingGap: an invoicing gap 200 days old leaves the worklist for the data
// to clean up, unless the configuration says that code never goes stale.
func TestStaleInvoicingGap(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	load(t, st, "../testdata/anomalies/world")
	// O04 line 10 shipped on 2 Mar 2026 and is not invoiced: 200 days later it is stale
	asOf := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 200)
	build(t, st, asOf)
	a, ok := byKey(t, mustList(t, st.DB))["shipped_not_invoiced/O04/10"]
	if !ok {
		t.Fatal("shipped_not_invoiced/O04/10 is not listed")
	}
	if a.AgeDays != 200 || a.State != StateStale || a.Bucket != BucketStale || !strings.HasSuffix(a.Item, "#stale") {
		t.Errorf("a 200-day invoicing gap: age %d, state %s, list %s, item %s; want 200, stale, stale", a.AgeDays, a.State, a.Bucket, a.Item)
	}
	work, err := List(ctx, st.DB, Filter{Buckets: []string{BucketWorklist}}, "en")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range work {
		if w.Key == a.Key {
			t.Error("the stale gap is on the worklist")
		}
		if w.Bucket != BucketWorklist || w.State == StateStale {
			t.Errorf("%s on the worklist is %s in %s", w.Key, w.State, w.Bucket)
		}
	}
	ch, err := ReadChanges(ctx, st.DB, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Stale.Count == 0 || ch.StaleItems == 0 {
		t.Errorf("the clean-up list counts %d anomalies in %d items", ch.Stale.Count, ch.StaleItems)
	}

	cfg := config.Default()
	cfg.Anomalies.StaleAfterDays = map[string]int{"shipped_not_invoiced": 0}
	if _, err := Build(ctx, st, cfg, asOf); err != nil {
		t.Fatal(err)
	}
	if a := byKey(t, mustList(t, st.DB))[a.Key]; a.State == StateStale || a.Bucket != BucketWorklist {
		t.Errorf("with stale_after_days 0 the gap is %s in %s", a.State, a.Bucket)
	}
	cfg.Anomalies.StaleAfterDays = map[string]int{"not_a_code": 10}
	if _, err := Build(ctx, st, cfg, asOf); err == nil || !strings.Contains(err.Error(), "not_a_code") {
		t.Errorf("an unknown code in stale_after_days: %v", err)
	}
}

// TestItemsGroupTheirLines: the anomalies of one item share its code and its order
// (or shipment, or invoice), item_lines counts them, and the worklist's items are ranked
// 1, 2, 3... by their summed priority.
func TestItemsGroupTheirLines(t *testing.T) {
	checkItems(t, worldList(t), false)
}

// checkItems checks the items of a list; multi asks for at least one item of several lines.
func checkItems(t *testing.T, list []Anomaly, multi bool) {
	t.Helper()
	items := map[string][]Anomaly{}
	for _, a := range list {
		items[a.Item] = append(items[a.Item], a)
	}
	several := 0
	ranks := map[string]map[int]bool{}
	for key, as := range items {
		if len(as) > 1 {
			several++
		}
		for _, a := range as {
			if a.Code != as[0].Code || a.OrderID != as[0].OrderID || a.ItemLines != len(as) || a.ItemRank != as[0].ItemRank {
				t.Errorf("item %s mixes %s/%s (%d lines, rank %d) with %s/%s (%d, rank %d)", key, a.Code, a.OrderID, a.ItemLines,
					a.ItemRank, as[0].Code, as[0].OrderID, len(as), as[0].ItemRank)
			}
		}
		if ranks[as[0].Bucket] == nil {
			ranks[as[0].Bucket] = map[int]bool{}
		}
		ranks[as[0].Bucket][as[0].ItemRank] = true
	}
	if multi && several == 0 {
		t.Error("no item groups several lines")
	}
	for bucket, rs := range ranks {
		for i := 1; i <= len(rs); i++ {
			if !rs[i] {
				t.Errorf("the %s list has %d items but no rank %d", bucket, len(rs), i)
			}
		}
	}
}
