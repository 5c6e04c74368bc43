package models

import (
	"testing"

	"github.com/orderflow/orderflow/config"
)

func TestBuildOnEmptyDatabase(t *testing.T) {
	st := openStore(t)
	rep := mustBuild(t, st, config.Default(), "2026-11-23")
	if len(rep.Models) == 0 || len(rep.Tests) == 0 {
		t.Fatalf("nothing built: %+v", rep)
	}
	// A second build replaces the first.
	mustBuild(t, st, config.Default(), "2026-11-30")
}
