package portfolio

import (
	"errors"
	"reflect"
	"testing"
)

func TestRestrict(t *testing.T) {
	p := Of([]string{" C2", "C1", "C1"}, nil, []string{"de"})
	f := func(asked, want map[string][]string, outside bool) {
		t.Helper()
		got, err := p.Restrict(asked)
		if outside {
			if !errors.Is(err, ErrOutside) {
				t.Fatalf("%v: error %v, want ErrOutside", asked, err)
			}
			return
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%v: got %v, %v; want %v", asked, got, err, want)
		}
	}
	whole := map[string][]string{"customer": {"C1", "C2"}, "country": {"DE"}}
	f(nil, whole, false)
	f(map[string][]string{"customer": {"C2"}}, map[string][]string{"customer": {"C2"}, "country": {"DE"}}, false)
	f(map[string][]string{"carrier": {"DHL"}}, map[string][]string{"carrier": {"DHL"}, "customer": {"C1", "C2"}, "country": {"DE"}}, false)
	f(map[string][]string{"customer": {"C3"}}, nil, true)
	f(map[string][]string{"customer": {"C1", "C3"}}, nil, true)
	f(map[string][]string{"country": {"FR"}}, nil, true)

	var all Portfolio
	if all.Limited() || all.Filters() != nil || !all.Allows("customer", "anything") {
		t.Fatal("the zero portfolio must see everything")
	}
	if got, _ := all.Restrict(map[string][]string{"customer": {"C9"}}); !reflect.DeepEqual(got, map[string][]string{"customer": {"C9"}}) {
		t.Fatalf("unlimited restrict: %v", got)
	}
	if s := p.String(); s != "customer=C1,C2; country=DE" {
		t.Fatalf("String: %q", s)
	}
}
