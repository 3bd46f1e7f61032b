package debrief_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

func TestParseDuration(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"88 minutes", 88 * time.Minute, true},
		{"1h 28m", 88 * time.Minute, true},
		{"1 hour 28 minutes", 88 * time.Minute, true},
		{"1 hour and 28 minutes", 88 * time.Minute, true},
		{"1.5 hours", 90 * time.Minute, true},
		{"45 min", 45 * time.Minute, true},
		{"~30 minutes", 30 * time.Minute, true},
		{"2 days", 48 * time.Hour, true},
		{"1:28", 88 * time.Minute, true},
		{"90m", 90 * time.Minute, true},
		{"1 minutes", time.Minute, true},
		{"N/A", 0, false},
		{"", 0, false},
		{"YYY", 0, false},
		{"and 5 minutes", 0, false},
		{"5 parsecs", 0, false},
	} {
		d := debrief.ParseDuration(c.in)
		if d.Valid() != c.ok || d.D != c.want || d.Text != c.in {
			t.Errorf("ParseDuration(%q) = %v valid=%v, want %v valid=%v", c.in, d.D, d.Valid(), c.want, c.ok)
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2026-03-14", "2026-03-14"},
		{" 2026-03-14 ", "2026-03-14"},
		{"2026/03/14", "2026-03-14"},
		{"March 14, 2026", "2026-03-14"},
		{"14 Mar 2026", "2026-03-14"},
		{"2026-02-30", ""},
		{"[YYYY-MM-DD]", ""},
		{"last Tuesday", ""},
	} {
		d := debrief.ParseDate(c.in)
		if d.ISO() != c.want || d.Text != c.in {
			t.Errorf("ParseDate(%q) = %q, want %q", c.in, d.ISO(), c.want)
		}
	}
	if !debrief.ParseDate("2026-03-14").Before(debrief.ParseDate("2026-03-15")) {
		t.Error("Before is wrong")
	}
}

func TestParseSeverityAndStatus(t *testing.T) {
	for in, want := range map[string]debrief.Level{
		"High": debrief.LevelHigh, "high": debrief.LevelHigh, " CRITICAL ": debrief.LevelCritical,
		"SEV-1": debrief.LevelCritical, "p3": debrief.LevelMedium, "Low": debrief.LevelLow, "whatever": debrief.LevelUnknown,
	} {
		if got := debrief.ParseSeverity(in).Level; got != want {
			t.Errorf("ParseSeverity(%q) = %v, want %v", in, got, want)
		}
	}
	if got := debrief.ParseSeverity("high").Canonical(); got != "High" {
		t.Errorf("Canonical(high) = %q", got)
	}
	if got := debrief.ParseSeverity("SEV2").Canonical(); got != "SEV2" {
		t.Errorf("Canonical(SEV2) = %q: a scale name must be kept as written", got)
	}
	for in, want := range map[string]debrief.StatusValue{
		"Pending": debrief.StatusPending, "in progress": debrief.StatusInProgress, "In-Progress": debrief.StatusInProgress,
		"Done": debrief.StatusDone, "Won't Do": debrief.StatusWontDo, "won’t do": debrief.StatusWontDo, "wontfix": debrief.StatusWontDo,
		"Blocked": debrief.StatusBlocked, "": debrief.StatusUnknown, "maybe": debrief.StatusUnknown,
	} {
		if got := debrief.ParseStatus(in).Value; got != want {
			t.Errorf("ParseStatus(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestActionItemOverdue(t *testing.T) {
	now := time.Date(2026, 4, 1, 15, 0, 0, 0, time.UTC)
	item := func(due, status string) debrief.ActionItem {
		return debrief.ActionItem{Due: debrief.ParseDate(due), Status: debrief.ParseStatus(status)}
	}
	for _, c := range []struct {
		a    debrief.ActionItem
		want bool
	}{
		{item("2026-03-31", "Pending"), true},
		{item("2026-04-01", "Pending"), false},
		{item("2026-03-31", "Done"), false},
		{item("2026-03-31", "Won't Do"), false},
		{item("2026-03-31", "Blocked"), true},
		{item("soon", "Pending"), false},
	} {
		if got := c.a.Overdue(now); got != c.want {
			t.Errorf("Overdue(%s, %s) = %v", c.a.Due.Text, c.a.Status.Text, got)
		}
	}
}

func TestParseEventTime(t *testing.T) {
	for _, c := range []struct {
		in        string
		prec      debrief.Precision
		hour, min int
		date      string
		zoneOff   int
		zone      bool
	}{
		{"14:02", debrief.PrecisionMinute, 14, 2, "", 0, false},
		{"9:05", debrief.PrecisionMinute, 9, 5, "", 0, false},
		{"2024-03-13 10:01", debrief.PrecisionMinute, 10, 1, "2024-03-13", 0, false},
		{"2024-03-13T10:01:22Z", debrief.PrecisionMinute, 10, 1, "2024-03-13", 0, true},
		{"14:02 UTC", debrief.PrecisionMinute, 14, 2, "", 0, true},
		{"14:02 +02:00", debrief.PrecisionMinute, 14, 2, "", 7200, true},
		{"2024-03-13 14:02 -0500", debrief.PrecisionMinute, 14, 2, "2024-03-13", -18000, true},
		{"04:49 PM UTC", debrief.PrecisionMinute, 16, 49, "", 0, true},
		{"12:10 AM", debrief.PrecisionMinute, 0, 10, "", 0, false},
		{"4:49pm PST", debrief.PrecisionMinute, 16, 49, "", -8 * 3600, true},
		{"11:05a.m.", debrief.PrecisionMinute, 11, 5, "", 0, false},
		{"± 17:20 UTC", debrief.PrecisionMinute, 17, 20, "", 0, true},
		{"~09:00", debrief.PrecisionMinute, 9, 0, "", 0, false},
		{"14:??", debrief.PrecisionHour, 14, 0, "", 0, false},
		{"2022-06-02 HH:mm", debrief.PrecisionDate, 0, 0, "2022-06-02", 0, false},
		{"2019-12-03 --:--", debrief.PrecisionDate, 0, 0, "2019-12-03", 0, false},
		{"HH:MM", debrief.PrecisionNone, 0, 0, "", 0, false},
		{"25:00", debrief.PrecisionNone, 0, 0, "", 0, false},
		{"", debrief.PrecisionNone, 0, 0, "", 0, false},
	} {
		got := debrief.ParseEventTime(c.in)
		if got.Precision != c.prec || got.Hour != c.hour || got.Minute != c.min || got.Date.ISO() != c.date || (got.Zone != nil) != c.zone {
			t.Errorf("ParseEventTime(%q) = %+v", c.in, got)
			continue
		}
		if c.zone {
			if _, off := time.Date(2024, 1, 1, 0, 0, 0, 0, got.Zone).Zone(); off != c.zoneOff {
				t.Errorf("ParseEventTime(%q) zone offset %d, want %d", c.in, off, c.zoneOff)
			}
		}
	}
}

func TestParseDataLoss(t *testing.T) {
	for _, c := range []struct {
		in, details, text string
		value             *bool
	}{
		{"No", "", "No", ptr(false)},
		{"Yes - 200 orders were lost", "200 orders were lost", "Yes - 200 orders were lost", ptr(true)},
		{"yes: two rows", "two rows", "Yes - two rows", ptr(true)},
		{"None", "None", "None", nil},
		{"Unknown", "Unknown", "Unknown", nil},
	} {
		d := debrief.ParseDataLoss(c.in)
		if d.Details != c.details || d.Text() != c.text || (d.Value == nil) != (c.value == nil) || (d.Value != nil && *d.Value != *c.value) {
			t.Errorf("ParseDataLoss(%q) = %+v (%q)", c.in, d, d.Text())
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestDecodeJSONErrors(t *testing.T) {
	_, err := debrief.DecodeJSON([]byte("{\n  \"overview\": {\"author\": 5}\n}"))
	if debrief.ErrorCode(err) != debrief.EINVALID {
		t.Fatalf("code %q for %v", debrief.ErrorCode(err), err)
	}
	if msg := debrief.ErrorMessage(err); msg == "" || !strings.Contains(msg, "line 2") || !strings.Contains(msg, "overview.author") {
		t.Errorf("message %q should name line 2 and overview.author", msg)
	}
	if _, err := debrief.DecodeJSON([]byte("{ not json")); debrief.ErrorCode(err) != debrief.EINVALID {
		t.Errorf("syntax error: %v", err)
	}
	r, err := debrief.DecodeJSON([]byte(`{"title": "x", "future_key": 1}`))
	if err != nil || r.Title != "x" {
		t.Errorf("unknown keys must be ignored: %v", err)
	}
}

// FuzzDecodeJSON checks that any input either fails with EINVALID or gives a
// report whose JSON decodes to the same JSON again.
func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(`{"title":"t","overview":{"incident_date":"2026-01-02","severity":"high"},"timeline":[{"time":"14:02","event":"Incident began","action":""}],"summary":{"impact":{"data_loss":true,"data_loss_details":"x"}}}`))
	f.Add([]byte(`{"action_items":[{"priority":"High","action":"a","owner":"o","due_date":"2026-01-01","status":"Done"}],"extra_sections":[{"heading":"H","body":"b","level":3,"after":"summary"}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := debrief.DecodeJSON(data)
		if err != nil {
			if debrief.ErrorCode(err) != debrief.EINVALID {
				t.Fatalf("error code %q: %v", debrief.ErrorCode(err), err)
			}
			return
		}
		once, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := debrief.DecodeJSON(once)
		if err != nil {
			t.Fatalf("re-decoding own output: %v", err)
		}
		twice, _ := json.Marshal(r2)
		if string(once) != string(twice) {
			t.Fatalf("JSON not stable:\n%s\n%s", once, twice)
		}
	})
}

func TestDecodeJSONStrict(t *testing.T) {
	good := `{"title":"X","overview":{"severity":"High"}}`
	if r, err := debrief.DecodeJSONStrict([]byte(good)); err != nil || r.Title != "X" || r.Overview.Severity.Level != debrief.LevelHigh {
		t.Fatalf("debrief.DecodeJSONStrict(%s) = %+v, %v", good, r, err)
	}
	for in, field := range map[string]string{
		`{"title":"X","titel":"Y"}`:         "titel",
		`{"overview":{"severty":"High"}}`:   "severty",
		`{"title":"X"} {"title":"Y"}`:       "",
		`{"timeline":[{"time":"12:00",1]}`:  "",
		`{"title":"X","action_items":"no"}`: "action_items",
	} {
		_, err := debrief.DecodeJSONStrict([]byte(in))
		if debrief.ErrorCode(err) != debrief.EINVALID || debrief.ErrorField(err) != field {
			t.Errorf("debrief.DecodeJSONStrict(%s) = %v (field %q), want debrief.EINVALID for %q", in, err, debrief.ErrorField(err), field)
		}
	}
	if _, err := debrief.DecodeJSON([]byte(`{"title":"X","new_key":1}`)); err != nil {
		t.Errorf("DecodeJSON refuses an unknown key: %v", err)
	}
}
