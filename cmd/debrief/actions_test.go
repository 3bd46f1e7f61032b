package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

func TestActions(t *testing.T) {
	dir := sampleReports(t)
	out, errOut, code := runCLI(t, "", "actions", "--format", "json", "--now", "2024-06-15", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []struct {
		File, Priority, Action, Owner, Due, Status string
		Line                                       int
		AgeDays                                    *int `json:"age_days"`
		Open, Overdue                              bool
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4", len(rows))
	}
	// Overdue first, then open by priority, then done.
	if !rows[0].Overdue || !strings.HasSuffix(rows[0].File, "planted.md") || rows[0].Line != 77 {
		t.Errorf("first row = %+v, want the overdue item of planted.md at line 77", rows[0])
	}
	if rows[1].Priority != "High" || rows[2].Priority != "High" || rows[3].Status != "Done" {
		t.Errorf("order = %+v", rows)
	}
	if rows[0].AgeDays == nil || *rows[0].AgeDays != 30 {
		t.Errorf("age = %v, want 30 days since the report date", rows[0].AgeDays)
	}

	out, _, _ = runCLI(t, "", "actions", "--overdue", "--format", "csv", "--now", "2024-06-15", dir)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 2 || recs[0][0] != "Report" || recs[1][8] != "true" {
		t.Errorf("csv %v:\n%s", err, out)
	}

	out, _, _ = runCLI(t, "", "actions", "--open", "--owner", "platform", "--now", "2024-06-15", dir)
	if strings.Count(out, "\n") != 3 || !strings.Contains(out, "Platform team") || strings.Contains(out, "Observability") {
		t.Errorf("table:\n%s", out)
	}

	out, _, _ = runCLI(t, "", "actions", "--format", "markdown", "--now", "2024-06-15", dir)
	if !strings.HasPrefix(out, "| Report | Line |") || strings.Count(out, "\n") != 6 {
		t.Errorf("markdown:\n%s", out)
	}
	if _, _, code := runCLI(t, "", "actions", "--format", "yaml", dir); code != 2 {
		t.Errorf("bad format: exit %d, want 2", code)
	}
}
