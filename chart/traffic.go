package chart

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"
	"time"
)

// TrafficPoint is the traffic of one time bucket.
type TrafficPoint struct {
	Start  time.Time
	Total  int64
	Errors int64
}

// Traffic is a chart of requests per bucket (bars) and error rate (a line)
// over time, with an incident window shaded: the monitoring screenshot of a
// post-mortem, drawn from logs.
type Traffic struct {
	Title  string
	Points []TrafficPoint
	Bucket time.Duration
	// WindowStart and WindowEnd bound the shaded incident window; zero
	// when there is none.
	WindowStart, WindowEnd time.Time
	// RateOnly draws the error-rate line alone, for a rate measured
	// elsewhere (Prometheus): each point's Errors/Total is the rate, and
	// there are no counts to draw as bars.
	RateOnly bool
}

// Chart geometry, in SVG user units.
const (
	trafficWidth  = 960
	trafficHeight = 380
	trafficLeft   = 70
	trafficRight  = 70
	trafficTop    = 40
	trafficBottom = 50
)

// WriteSVG writes the chart as a standalone SVG document.
func (t Traffic) WriteSVG(w io.Writer) error {
	bw := bufio.NewWriter(w)
	pw, ph := float64(trafficWidth-trafficLeft-trafficRight), float64(trafficHeight-trafficTop-trafficBottom)
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", trafficWidth, trafficHeight, trafficWidth, trafficHeight)
	fmt.Fprintf(bw, `<rect width="100%%" height="100%%" fill="#fff"/>`+"\n")
	fmt.Fprintf(bw, `<text x="%d" y="24" font-size="15" font-weight="bold">%s</text>`+"\n", trafficLeft, html.EscapeString(t.Title))
	if len(t.Points) == 0 {
		fmt.Fprintf(bw, `<text x="%d" y="%d">no events</text>`+"\n</svg>\n", trafficWidth/2-30, trafficHeight/2)
		return bw.Flush()
	}
	bucket := t.Bucket
	if bucket <= 0 {
		bucket = time.Minute
	}
	t0 := t.Points[0].Start
	t1 := t.Points[len(t.Points)-1].Start.Add(bucket)
	span := t1.Sub(t0).Seconds()
	x := func(at time.Time) float64 {
		return trafficLeft + pw*at.Sub(t0).Seconds()/span
	}
	var maxTotal int64
	maxRate := 0.0
	for _, p := range t.Points {
		maxTotal = max(maxTotal, p.Total)
		if p.Total > 0 {
			maxRate = max(maxRate, float64(p.Errors)/float64(p.Total))
		}
	}
	totalTop := trafficNiceCeil(float64(max(maxTotal, 1)))
	rateTop := trafficNiceCeil(max(maxRate*100, 1)) // percent
	base := float64(trafficTop) + ph
	// Incident window.
	if !t.WindowStart.IsZero() && t.WindowEnd.After(t.WindowStart) {
		x0, x1 := x(t.WindowStart), x(t.WindowEnd)
		fmt.Fprintf(bw, `<rect x="%.1f" y="%d" width="%.1f" height="%.1f" fill="#f8d7da" opacity="0.8"/>`+"\n", x0, trafficTop, max(x1-x0, 1), ph)
		fmt.Fprintf(bw, `<text x="%.1f" y="%d" fill="#a4262c">incident</text>`+"\n", x0+4, trafficTop+14)
	}
	// Grid and axes.
	for i := 0; i <= 4; i++ {
		y := base - ph*float64(i)/4
		fmt.Fprintf(bw, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#e5e5e5"/>`+"\n", trafficLeft, y, trafficWidth-trafficRight, y)
		if !t.RateOnly {
			fmt.Fprintf(bw, `<text x="%d" y="%.1f" text-anchor="end" fill="#3b6ea5">%s</text>`+"\n", trafficLeft-6, y+4, trafficCount(totalTop*float64(i)/4))
		}
		fmt.Fprintf(bw, `<text x="%d" y="%.1f" fill="#c0392b">%s%%</text>`+"\n", trafficWidth-trafficRight+6, y+4, trafficNumber(rateTop*float64(i)/4))
	}
	if !t.RateOnly {
		fmt.Fprintf(bw, `<text x="14" y="%.1f" transform="rotate(-90 14 %.1f)" text-anchor="middle" fill="#3b6ea5">events per %s</text>`+"\n", base-ph/2, base-ph/2, trafficDuration(bucket))
	}
	fmt.Fprintf(bw, `<text x="%d" y="%.1f" transform="rotate(90 %d %.1f)" text-anchor="middle" fill="#c0392b">error rate</text>`+"\n", trafficWidth-12, base-ph/2, trafficWidth-12, base-ph/2)
	// Bars.
	bwidth := max(pw/float64(len(t.Points))-1, 0.5)
	for _, p := range t.Points {
		if t.RateOnly {
			break
		}
		h := ph * float64(p.Total) / totalTop
		fmt.Fprintf(bw, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#9dbbdc"/>`+"\n", x(p.Start), base-h, bwidth, h)
	}
	// Error-rate line, through the middle of each bucket with events.
	fmt.Fprint(bw, `<polyline fill="none" stroke="#c0392b" stroke-width="2" points="`)
	for _, p := range t.Points {
		if p.Total == 0 {
			continue
		}
		r := 100 * float64(p.Errors) / float64(p.Total)
		fmt.Fprintf(bw, "%.1f,%.1f ", x(p.Start.Add(bucket/2)), base-ph*r/rateTop)
	}
	fmt.Fprint(bw, `"/>`+"\n")
	// Time axis: about six labels.
	layout := "15:04"
	if t1.Sub(t0) > 36*time.Hour {
		layout = "01-02 15:04"
	}
	step := trafficTimeStep(t1.Sub(t0))
	for at := t0.Truncate(step); !at.After(t1); at = at.Add(step) {
		if at.Before(t0) {
			continue
		}
		xx := x(at)
		fmt.Fprintf(bw, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#999"/>`+"\n", xx, base, xx, base+5)
		fmt.Fprintf(bw, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", xx, base+18, at.Format(layout))
	}
	fmt.Fprintf(bw, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#333"/>`+"\n", trafficLeft, base, trafficWidth-trafficRight, base)
	fmt.Fprintf(bw, `<text x="%d" y="%d" fill="#555">%s – %s</text>`+"\n", trafficLeft, trafficHeight-10, t0.Format("2006-01-02 15:04 MST"), t1.Format("2006-01-02 15:04 MST"))
	fmt.Fprint(bw, "</svg>\n")
	return bw.Flush()
}

// trafficNiceCeil rounds v up to 1, 2 or 5 times a power of ten.
func trafficNiceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func trafficNumber(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func trafficCount(v float64) string {
	switch {
	case v >= 1e6:
		return trafficNumber(v/1e6) + "M"
	case v >= 1e4:
		return trafficNumber(v/1e3) + "k"
	}
	return trafficNumber(v)
}

func trafficDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0 && d >= time.Hour:
		if d == time.Hour {
			return "hour"
		}
		return fmt.Sprintf("%d h", d/time.Hour)
	case d%time.Minute == 0:
		if d == time.Minute {
			return "minute"
		}
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return d.String()
}

// trafficTimeStep picks a label step that gives about six labels.
func trafficTimeStep(span time.Duration) time.Duration {
	for _, s := range []time.Duration{time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour, 48 * time.Hour, 7 * 24 * time.Hour} {
		if span/s <= 8 {
			return s
		}
	}
	return 30 * 24 * time.Hour
}
