package chart

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
)

func TestStatsSVG(t *testing.T) {
	st := debrief.Stats{
		By: debrief.ByMonth,
		Groups: []debrief.StatsGroup{
			{Key: "2024-01", Incidents: 3, BySeverity: map[string]int{"High": 2, "Low": 1},
				Resolution: debrief.Distribute([]float64{30, 60, 90})},
			{Key: "2024-02", Incidents: 1, BySeverity: map[string]int{"Critical": 1}},
			{Key: "2024-03", Incidents: 2, BySeverity: map[string]int{"unknown": 2},
				Resolution: debrief.Distribute([]float64{20, 40})},
		},
	}
	var buf bytes.Buffer
	if err := StatsSVG(&buf, st); err != nil {
		t.Fatal(err)
	}
	// Well-formed XML with an <svg> root.
	dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
	root := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q, want svg", root)
	}
	// The colours of the three severities present are used; Medium's is not.
	out := buf.String()
	for _, c := range []string{"#B91C1C", "#EA580C", "#16A34A"} {
		if !strings.Contains(out, c) {
			t.Errorf("chart does not use colour %s", c)
		}
	}
	if strings.Contains(out, "#EAB308") {
		t.Error("chart draws Medium bars though no incident is Medium")
	}
}

func TestStatsSVGEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := StatsSVG(&buf, debrief.Stats{By: debrief.ByMonth}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<svg") {
		t.Error("no svg for empty stats")
	}
}
