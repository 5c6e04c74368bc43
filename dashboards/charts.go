package dashboards

import (
	"encoding/json"
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// The chart options are built with go-echarts and embedded as JSON; the page
// script fills in the series data for the active filters, so the options carry
// structure (axes, series kinds, tooltip, legend, zoom) and no figures.

// chartJSON turns a go-echarts chart into its ECharts option.
func chartJSON(c interface {
	Validate()
	JSON() map[string]interface{}
}) (map[string]any, error) {
	c.Validate()
	b, err := json.Marshal(c.JSON())
	if err != nil {
		return nil, fmt.Errorf("cannot encode chart option: %w", err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("cannot decode chart option: %w", err)
	}
	// go-echarts always writes a title and a toolbox; the cards have their own.
	delete(out, "title")
	delete(out, "toolbox")
	return out, nil
}

func baseOpts(axisTrigger string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: axisTrigger}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "scroll", Top: "0", Left: "0"}),
		charts.WithAnimation(false),
	}
}

// timeZoom is the zoom of a weekly axis: the mouse wheel and a slider.
func timeZoom() charts.GlobalOpts {
	return charts.WithDataZoomOpts(
		opts.DataZoom{Type: "inside", XAxisIndex: []int{0}, FilterMode: "none"},
		opts.DataZoom{Type: "slider", XAxisIndex: []int{0}, FilterMode: "none"},
	)
}

type trendSeries struct {
	Name   string
	Bar    bool
	Axis   int      // 0 left, 1 right
	Target *float64 // drawn as a dashed line
}

// trendOption is a weekly chart of one or two units: bars and lines.
func trendOption(series []trendSeries, axisNames []string, targetName string) (map[string]any, error) {
	global := append(baseOpts("axis"), timeZoom(),
		charts.WithGridOpts(opts.Grid{Left: "12", Right: "16", Top: "40", Bottom: "64", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: axisNames[0], Scale: opts.Bool(true)}),
	)
	var bar *charts.Bar
	line := charts.NewLine()
	hasBar := false
	for _, s := range series {
		hasBar = hasBar || s.Bar
	}
	if hasBar {
		bar = charts.NewBar()
		bar.SetGlobalOptions(global...)
		bar.SetXAxis([]string{})
		if len(axisNames) > 1 {
			bar.ExtendYAxis(opts.YAxis{Type: "value", Name: axisNames[1], Scale: opts.Bool(true)})
		}
	} else {
		line.SetGlobalOptions(global...)
		line.SetXAxis([]string{})
		if len(axisNames) > 1 {
			line.ExtendYAxis(opts.YAxis{Type: "value", Name: axisNames[1], Scale: opts.Bool(true)})
		}
	}
	for _, s := range series {
		var mark []charts.SeriesOpts
		if s.Target != nil {
			mark = append(mark,
				charts.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{Name: targetName, YAxis: *s.Target}),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"}}),
			)
		}
		if s.Bar {
			bar.AddSeries(s.Name, []opts.BarData{}, append(mark, charts.WithBarChartOpts(opts.BarChart{YAxisIndex: s.Axis}))...)
			continue
		}
		line.AddSeries(s.Name, []opts.LineData{}, append(mark, charts.WithLineChartOpts(opts.LineChart{
			YAxisIndex: s.Axis, Smooth: opts.Bool(false), ShowSymbol: opts.Bool(true), ConnectNulls: opts.Bool(false)}))...)
	}
	if hasBar {
		bar.Overlap(line)
		return chartJSON(bar)
	}
	return chartJSON(line)
}

// breakdownOption is horizontal bars of one KPI by the values of a dimension.
func breakdownOption(name string) (map[string]any, error) {
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(baseOpts("axis"),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithGridOpts(opts.Grid{Left: "12", Right: "56", Top: "8", Bottom: "8", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Scale: opts.Bool(false)}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}),
	)...)
	bar.AddSeries(name, []opts.BarData{}, charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "30%"}))
	return chartJSON(bar)
}

// paretoOption is bars, largest first, with the cumulative share as a line.
func paretoOption(name, cumulative string) (map[string]any, error) {
	bar := charts.NewBar()
	bar.SetGlobalOptions(append(baseOpts("axis"),
		charts.WithGridOpts(opts.Grid{Left: "12", Right: "16", Top: "40", Bottom: "12", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Rotate: 30, Interval: "0"}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value"}),
	)...)
	bar.ExtendYAxis(opts.YAxis{Type: "value", Min: 0, Max: 1})
	bar.SetXAxis([]string{})
	bar.AddSeries(name, []opts.BarData{}, charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "25%"}))
	line := charts.NewLine()
	line.AddSeries(cumulative, []opts.LineData{}, charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1, Smooth: opts.Bool(false)}))
	bar.Overlap(line)
	return chartJSON(bar)
}

// controlOption is a weekly KPI with its centre line, control limits and signals.
func controlOption(name, centre, upper, lower, signal string) (map[string]any, error) {
	line := charts.NewLine()
	line.SetGlobalOptions(append(baseOpts("axis"), timeZoom(),
		charts.WithGridOpts(opts.Grid{Left: "12", Right: "16", Top: "40", Bottom: "64", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Scale: opts.Bool(true)}),
	)...)
	line.SetXAxis([]string{})
	line.AddSeries(name, []opts.LineData{}, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true)}))
	line.AddSeries(centre, []opts.LineData{}, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
		charts.WithLineStyleOpts(opts.LineStyle{Type: "solid", Width: 1}))
	line.AddSeries(upper, []opts.LineData{}, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Step: "middle"}),
		charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Width: 1}))
	line.AddSeries(lower, []opts.LineData{}, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Step: "middle"}),
		charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Width: 1}))
	sc := charts.NewScatter()
	sc.AddSeries(signal, []opts.ScatterData{}, charts.WithScatterChartOpts(opts.ScatterChart{SymbolSize: 14}))
	line.Overlap(sc)
	return chartJSON(line)
}

// sparkOption is the 13-week line of a tile: no axes, no legend.
func sparkOption(name string) (map[string]any, error) {
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithAnimation(false),
		charts.WithGridOpts(opts.Grid{Left: "2", Right: "2", Top: "4", Bottom: "2"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Show: opts.Bool(false)}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Show: opts.Bool(false), Scale: opts.Bool(true)}),
	)
	line.SetXAxis([]string{})
	line.AddSeries(name, []opts.LineData{}, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Smooth: opts.Bool(true)}),
		charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.12)}))
	return chartJSON(line)
}
