package assets

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

func TestEChartsMatchesChecksum(t *testing.T) {
	want := EChartsSHA256()
	if len(want) != 64 {
		t.Fatalf("echarts.min.js.sha256 holds %q, want a hex SHA-256", want)
	}
	sum := sha256.Sum256(EChartsJS())
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("embedded echarts.min.js has SHA-256 %s, echarts.min.js.sha256 says %s; run dashboards/assets/refresh.sh", got, want)
	}
	if !strings.Contains(string(EChartsJS()[:2000]), "Licensed to the Apache Software Foundation") {
		t.Error("echarts.min.js lost its licence header")
	}
}

func TestLicenceIsBundled(t *testing.T) {
	for _, f := range []string{"LICENSE", "NOTICE"} {
		b, err := os.ReadFile(f)
		if err != nil || len(b) == 0 {
			t.Errorf("cannot read %s next to echarts.min.js: %v", f, err)
		}
	}
	if v := EChartsVersion(); !strings.HasPrefix(v, "5.") {
		t.Errorf("ECHARTS_VERSION = %q, want the pinned 5.x", v)
	}
}
