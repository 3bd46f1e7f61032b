package debrief

import "testing"

func TestStatusFromText(t *testing.T) {
	tests := []struct {
		text string
		want string // the status as the template spells it; "" for none
	}{
		{"Set up alarms for the database. **(Done during this incident)**", "Done"},
		{"Move the backups to a second region (Done as of 2021-06-30)", "Done"},
		{"**DONE** Rotate the signing key", "Done"},
		{"**TODO**: write the runbook", "TODO"},
		{"Add a canary stage [WIP]", "WIP"},
		{"Retire the old queue (blocked on the vendor)", "Blocked"},
		{"Adopt the NEW API for uploads", ""},
		{"Investigate why the job was done twice", ""},
		{"Review the (rarely used) failover path", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got := StatusFromText(tt.text)
		if got.Text != tt.want || (tt.want != "" && !got.Valid()) {
			t.Errorf("StatusFromText(%q) = %+v, want %q", tt.text, got, tt.want)
		}
	}
}
