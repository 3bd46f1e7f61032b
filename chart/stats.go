package chart

import (
	"fmt"
	"image/color"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/debrief-oss/debrief"
)

// statsSeverity is a severity stacked in the incident bars, with its colour.
type statsSeverity struct {
	name  string
	color color.RGBA
}

// statsSeverities returns the severities of the incident bars, from the
// bottom.
func statsSeverities() []statsSeverity {
	return []statsSeverity{
		{"Critical", color.RGBA{R: 0xb9, G: 0x1c, B: 0x1c, A: 0xff}},
		{"High", color.RGBA{R: 0xea, G: 0x58, B: 0x0c, A: 0xff}},
		{"Medium", color.RGBA{R: 0xea, G: 0xb3, B: 0x08, A: 0xff}},
		{"Low", color.RGBA{R: 0x16, G: 0xa3, B: 0x4a, A: 0xff}},
		{"unknown", color.RGBA{R: 0x9c, G: 0xa3, B: 0xaf, A: 0xff}},
	}
}

// StatsSVG writes a chart of incident statistics as SVG: incidents per group
// (month, severity or service, as st was computed) stacked by severity, and
// below it the median and 90th percentile of the time to resolution per
// group.
func StatsSVG(w io.Writer, st debrief.Stats) error {
	const wd, ht = 9 * vg.Inch, 7 * vg.Inch
	c := vgsvg.New(wd, ht)
	if err := statsDraw(draw.New(c), st); err != nil {
		return err
	}
	if _, err := c.WriteTo(w); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	return nil
}

// statsDraw draws the two plots of StatsSVG on a canvas.
func statsDraw(dc draw.Canvas, st debrief.Stats) error {
	labels := make([]string, len(st.Groups))
	for i, g := range st.Groups {
		labels[i] = g.Key
	}
	top := plot.New()
	top.Title.Text = "Incidents per " + st.By + " by severity"
	top.Y.Label.Text = "incidents"
	top.Y.Min = 0
	top.Legend.Top = true
	width := vg.Points(statsBarWidth(len(labels)))
	var below *plotter.BarChart
	for _, sev := range statsSeverities() {
		vals := make(plotter.Values, len(st.Groups))
		nonzero := false
		for i, g := range st.Groups {
			vals[i] = float64(g.BySeverity[sev.name])
			nonzero = nonzero || vals[i] > 0
		}
		if !nonzero {
			continue
		}
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return fmt.Errorf("chart: %w", err)
		}
		bars.Color = sev.color
		bars.LineStyle.Width = 0
		if below != nil {
			bars.StackOn(below)
		}
		below = bars
		top.Add(bars)
		top.Legend.Add(sev.name, bars)
	}
	if len(labels) > 0 {
		top.NominalX(labels...)
	}
	// Room for the legend above the tallest bar, and for the bars at the
	// ends, which are centred on the first and last positions.
	most := 0
	for _, g := range st.Groups {
		most = max(most, g.Incidents)
	}
	top.Y.Max = max(1, float64(most)*1.6)
	top.X.Min, top.X.Max = -0.5, float64(len(labels))-0.5

	bottom := plot.New()
	bottom.Title.Text = "Time to resolution"
	bottom.Y.Label.Text = "minutes"
	bottom.Y.Min = 0
	bottom.Legend.Top = true
	bottom.Add(plotter.NewGrid())
	for _, s := range []struct {
		name  string
		pick  func(debrief.Distribution) float64
		color color.RGBA
		dash  []vg.Length
	}{
		{"median", func(d debrief.Distribution) float64 { return d.Median }, color.RGBA{R: 0x25, G: 0x63, B: 0xeb, A: 0xff}, nil},
		{"p90", func(d debrief.Distribution) float64 { return d.P90 }, color.RGBA{R: 0x7c, G: 0x3a, B: 0xed, A: 0xff}, []vg.Length{vg.Points(4), vg.Points(3)}},
	} {
		var pts plotter.XYs
		for i, g := range st.Groups {
			if g.Resolution.Count > 0 {
				pts = append(pts, plotter.XY{X: float64(i), Y: s.pick(g.Resolution)})
			}
		}
		if len(pts) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return fmt.Errorf("chart: %w", err)
		}
		line.Color, points.Color = s.color, s.color
		line.Dashes = s.dash
		bottom.Add(line, points)
		bottom.Legend.Add(s.name, line, points)
	}
	if len(labels) > 0 {
		bottom.NominalX(labels...)
	}
	bottom.X.Min, bottom.X.Max = -0.5, float64(len(labels))-0.5
	highest := 0.0
	for _, g := range st.Groups {
		highest = max(highest, g.Resolution.P90)
	}
	bottom.Y.Max = max(1, highest*1.3)

	tiles := draw.Tiles{Rows: 2, Cols: 1, PadTop: vg.Points(8), PadBottom: vg.Points(8), PadLeft: vg.Points(8), PadRight: vg.Points(8), PadY: vg.Points(16)}
	canvases := plot.Align([][]*plot.Plot{{top}, {bottom}}, tiles, dc)
	top.Draw(canvases[0][0])
	bottom.Draw(canvases[1][0])
	return nil
}

// statsBarWidth makes bars narrower as groups get more numerous.
func statsBarWidth(n int) float64 {
	switch {
	case n <= 6:
		return 40
	case n <= 24:
		return 18
	}
	return 6
}
