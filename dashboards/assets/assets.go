// Package assets is the offline bundle every dashboard page inlines: the
// pinned Apache ECharts build (see refresh.sh), the page script and styles.
package assets

import (
	_ "embed"
	"strings"
)

//go:embed echarts.min.js
var echartsJS []byte

//go:embed echarts.min.js.sha256
var echartsSum string

//go:embed ECHARTS_VERSION
var echartsVersion string

//go:embed app.js
var appJS []byte

//go:embed app.css
var appCSS []byte

// EChartsJS is the pinned ECharts build (echarts.min.js from npm).
func EChartsJS() []byte { return echartsJS }

// EChartsVersion is the pinned ECharts version, e.g. "5.6.0".
func EChartsVersion() string { return strings.TrimSpace(echartsVersion) }

// EChartsSHA256 is the expected hex SHA-256 of EChartsJS, from echarts.min.js.sha256.
func EChartsSHA256() string {
	sum, _, _ := strings.Cut(strings.TrimSpace(echartsSum), " ")
	return sum
}

// AppJS is the page script: filters, charts, tiles, drill-down.
func AppJS() []byte { return appJS }

// AppCSS is the page style sheet.
func AppCSS() []byte { return appCSS }
