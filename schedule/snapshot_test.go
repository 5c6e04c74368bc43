package schedule

import (
	"context"
	"reflect"
	"testing"

	"github.com/orderflow/orderflow/models"
)

// Readers see the figures of the snapshot taken after the last committed build,
// whatever changes in the store's tables since, until the next snapshot.
func TestReadersSeeTheLastSnapshotOnly(t *testing.T) {
	ctx := context.Background()
	st := builtStore(t)
	snaps, err := NewSnapshots(ctx, st, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	week := models.LastCompleteWeek(asOf)
	q := models.KPIQuery{KPIs: []string{"otif_line", "claim_count"}, From: week, To: week, By: []string{"country"}}
	read := func() []models.KPIValue {
		t.Helper()
		db, release, err := snaps.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		vals, err := models.Query(ctx, db, q)
		if err != nil {
			t.Fatal(err)
		}
		return vals
	}
	before := read()
	pinned := snaps.View() // a reader that started before the next snapshot
	defer pinned.Release()
	// What a build in progress does to the model tables (here: every order to one country).
	if _, err := st.DB.Exec(`UPDATE dim_cut SET country = 'ZZ'`); err != nil {
		t.Fatal(err)
	}
	direct, err := models.Query(ctx, st.DB, q)
	if err != nil || reflect.DeepEqual(direct, before) {
		t.Fatalf("the change does not show in the store itself (%v): the test checks nothing", err)
	}
	if after := read(); !reflect.DeepEqual(after, before) {
		t.Fatalf("readers saw a change made after the snapshot:\n%v\n%v", before, after)
	}
	if err := snaps.Take(ctx); err != nil {
		t.Fatal(err)
	}
	if after := read(); !reflect.DeepEqual(after, direct) {
		t.Fatalf("after the next snapshot, readers do not see it:\n%v\n%v", direct, after)
	}
	// The reader that started before still has its own, whole.
	db, err := pinned.DB(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if vals, err := models.Query(ctx, db, q); err != nil || !reflect.DeepEqual(vals, before) {
		t.Fatalf("a reader pinned before the snapshot saw %v (%v)", vals, err)
	}
}
