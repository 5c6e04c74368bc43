package reports

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/orderflow/orderflow/anomalies"
	"github.com/orderflow/orderflow/models"
)

// A build's cube (BuildCube: what the control charts and Prepare ask, read once)
// changes no figure: the control-chart signals and the figures of the dashboards and of
// the weekly report are those computed without it, up to the last bits of a sum added
// in another order; and the cube answered every weekly query it was declared for, so
// the comparison is not of two computations by the marts.
func TestBuildCubeChangesNoFigure(t *testing.T) {
	ctx := context.Background()
	fx, err := buildCompany(ctx, t.TempDir(), 1500, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer fx.st.Close()
	plans := []Plan{DashboardPlan(), WeeklyPlan()}
	read := func(ctx context.Context) ([]anomalies.Signal, []*Facts) {
		t.Helper()
		sig, err := anomalies.Signals(ctx, fx.st.DB, fx.cfg, asOf)
		if err != nil {
			t.Fatal(err)
		}
		var facts []*Facts
		for _, p := range plans {
			f, err := Collect(ctx, fx.st.DB, fx.cfg, asOf, "en", p)
			if err != nil {
				t.Fatal(err)
			}
			if !computed(t, f) {
				t.Fatal("the figures were read from the ones kept, not computed")
			}
			facts = append(facts, f)
		}
		return sig, facts
	}
	wantSig, wantFacts := read(ctx)
	cube := BuildCube(fx.cfg, asOf)
	gotSig, gotFacts := read(models.WithCube(ctx, cube))

	if len(wantSig) == 0 || !closeTo(reflect.ValueOf(gotSig), reflect.ValueOf(wantSig)) {
		t.Errorf("signals from the cube differ: %d against %d without it", len(gotSig), len(wantSig))
	}
	for i, p := range plans {
		g, w := gotFacts[i], wantFacts[i]
		if len(w.Values) == 0 {
			t.Fatalf("plan %d: no values to compare", i)
		}
		for name, pair := range map[string][2]any{
			"weeks":    {g.Weeks, w.Weeks},
			"cut from": {g.CutFrom, w.CutFrom},
			"values":   {g.Values, w.Values},
			"snapshot": {g.Snapshot.Values, w.Snapshot.Values},
			"four":     {g.FourWeeks, w.FourWeeks},
			"drill":    {g.Drill, w.Drill},
			"controls": {g.Controls, w.Controls},
		} {
			if !closeTo(reflect.ValueOf(pair[0]), reflect.ValueOf(pair[1])) {
				t.Errorf("plan %d (%d weeks): the %s from the cube differ", i, p.Weeks, name)
			}
		}
	}
	want := int64(len(anomalies.ChartQueries(fx.cfg, asOf)) + len(PrepareQueries(asOf)))
	if n := cube.Answered(); n != want || want < 20 {
		t.Errorf("the cube answered %d queries, want the %d it was declared for", n, want)
	}
}

// closeTo is reflect.DeepEqual, but floats only need to agree to 1e-9 (relative).
func closeTo(a, b reflect.Value) bool {
	if a.Kind() != b.Kind() || a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Float32, reflect.Float64:
		x, y := a.Float(), b.Float()
		if math.IsNaN(x) || math.IsNaN(y) {
			return math.IsNaN(x) && math.IsNaN(y)
		}
		return x == y || math.Abs(x-y) <= 1e-9*math.Max(1, math.Max(math.Abs(x), math.Abs(y)))
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() && b.IsNil()
		}
		return closeTo(a.Elem(), b.Elem())
	case reflect.Slice, reflect.Array:
		if a.Kind() == reflect.Slice && a.IsNil() != b.IsNil() {
			return false
		}
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !closeTo(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() || !closeTo(a.MapIndex(k), bv) {
				return false
			}
		}
		return true
	case reflect.Struct:
		if t, ok := a.Interface().(time.Time); ok && a.CanInterface() {
			return t.Equal(b.Interface().(time.Time))
		}
		for i := range a.NumField() {
			if !closeTo(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	case reflect.String:
		return a.String() == b.String()
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}
