package chart

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"
)

func TestTrafficSVG(t *testing.T) {
	t0 := time.Date(2026, 3, 14, 13, 0, 0, 0, time.UTC)
	var pts []TrafficPoint
	for i := range 30 {
		p := TrafficPoint{Start: t0.Add(time.Duration(i) * time.Minute), Total: 1000, Errors: 5}
		if i >= 10 && i < 15 {
			p.Errors = 300
		}
		pts = append(pts, p)
	}
	tr := Traffic{Title: "checkout <api> & more", Points: pts, Bucket: time.Minute, WindowStart: t0.Add(10 * time.Minute), WindowEnd: t0.Add(15 * time.Minute)}
	var buf bytes.Buffer
	if err := tr.WriteSVG(&buf); err != nil {
		t.Fatal(err)
	}
	// The output must be well-formed XML.
	dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
	rects, polylines := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("invalid SVG: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch se.Name.Local {
			case "rect":
				rects++
			case "polyline":
				polylines++
			}
		}
	}
	// background + window + 30 bars
	if rects != 32 || polylines != 1 {
		t.Errorf("rects, polylines = %d, %d; want 32, 1", rects, polylines)
	}
	s := buf.String()
	for _, want := range []string{"checkout &lt;api&gt; &amp; more", "incident", "events per minute", "50%", "13:10"} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	// Window x from 10/30 of the plot width.
	if !strings.Contains(s, `<rect x="343.3" y="40"`) {
		t.Errorf("window not shaded at 13:10")
	}
}

func TestTrafficEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := (Traffic{Title: "none"}).WriteSVG(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "no events") {
		t.Errorf("empty chart = %s", buf.String())
	}
}

// TestTrafficRateOnly checks that a chart of a rate alone draws its line
// but no bars and no count axis.
func TestTrafficRateOnly(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 22, 0, 0, 0, time.UTC)
	tr := Traffic{Title: "rate", Bucket: time.Minute, RateOnly: true}
	for i := range 10 {
		tr.Points = append(tr.Points, TrafficPoint{Start: t0.Add(time.Duration(i) * time.Minute), Total: 1_000_000, Errors: int64(i) * 10_000})
	}
	var with, without strings.Builder
	if err := tr.WriteSVG(&with); err != nil {
		t.Fatal(err)
	}
	tr.RateOnly = false
	if err := tr.WriteSVG(&without); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(with.String(), "<polyline") || strings.Contains(with.String(), `fill="#9dbbdc"`) || strings.Contains(with.String(), "events per") {
		t.Errorf("a rate-only chart:\n%s", with.String())
	}
	if !strings.Contains(without.String(), `fill="#9dbbdc"`) {
		t.Error("the chart of counts lost its bars")
	}
}
