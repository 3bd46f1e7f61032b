package logscan

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestSyslogYearStated: a syslog file's year comes from --year, else from
// the file's modification time (a December line in a file modified in
// January is from the year before), else from today; the result says which
// and why.
func TestSyslogYearStated(t *testing.T) {
	const log = "Dec 30 23:59:58 host app[1]: error: old year\nJan  1 00:00:01 host app[1]: new year\n"
	jan := time.Date(2025, 1, 3, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		mod       time.Time
		year      int
		wantYear  int
		wantFirst string
		wantFrom  []string
	}{
		{"modified in January", jan, 0, 2024, "2024-12-30T23:59:58Z", []string{"modification time (2025-01-03)", "in December, is from the year before"}},
		{"--year", jan, 2019, 2019, "2019-12-30T23:59:58Z", []string{"--year"}},
		{"modified in December", time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), 0, 2024, "2024-12-30T23:59:58Z", []string{"modification time (2024-12-31)"}},
		{"no modification time", time.Time{}, 0, 0, "", []string{"today's date", "no modification time"}},
	} {
		res, err := Analyze(context.Background(), []Input{{Name: "syslog", Reader: strings.NewReader(log), ModTime: tc.mod}}, Options{Year: tc.year})
		if err != nil {
			t.Fatal(err)
		}
		f := res.Files[0]
		if tc.wantYear != 0 && (f.Year != tc.wantYear || res.First.UTC().Format(time.RFC3339) != tc.wantFirst) {
			t.Errorf("%s: year %d, first %s; want %d, %s", tc.name, f.Year, res.First.UTC().Format(time.RFC3339), tc.wantYear, tc.wantFirst)
		}
		if f.Year == 0 || f.Year != res.First.UTC().Year() {
			t.Errorf("%s: year %d stated, first line in %d", tc.name, f.Year, res.First.UTC().Year())
		}
		for _, w := range tc.wantFrom {
			if !strings.Contains(f.YearFrom, w) {
				t.Errorf("%s: year from %q, want it to say %q", tc.name, f.YearFrom, w)
			}
		}
		if strings.Contains(tc.name, "December") && strings.Contains(f.YearFrom, "year before") {
			t.Errorf("%s: year from %q", tc.name, f.YearFrom)
		}
	}
	// Formats whose times have a year state none.
	res, err := Analyze(context.Background(), []Input{{Name: "app.log", Reader: strings.NewReader(`{"time":"2025-01-01T00:00:00Z","msg":"x"}` + "\n")}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Files[0]; f.Year != 0 || f.YearFrom != "" {
		t.Errorf("JSON: year %d from %q, want none", f.Year, f.YearFrom)
	}
}
