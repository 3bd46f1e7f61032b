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

func TestFillFromText(t *testing.T) {
	for _, tt := range []struct{ title, summary, want string }{
		{"2021-06-03: Database Full", "", "2021-06-03"},
		{"Checkout outage", "On June 30, 2021 the upgrade failed.\n\nLater, on 2021-07-01, it was retried.", "June 30, 2021"},
		{"Checkout outage", "No date here.", ""},
	} {
		r := &Report{Title: tt.title}
		r.Summary.WhatHappened = tt.summary
		filled := r.FillFromText()
		if got := r.Overview.IncidentDate.Text; got != tt.want || (tt.want != "" && len(filled) != 1) {
			t.Errorf("%q / %q: incident date %q (%q), want %q", tt.title, tt.summary, got, filled, tt.want)
		}
	}
	r := &Report{Title: "2021-06-03 outage"}
	r.Overview.IncidentDate = ParseDate("2021-06-02")
	if filled := r.FillFromText(); len(filled) != 0 || r.Overview.IncidentDate.Text != "2021-06-02" {
		t.Errorf("a written incident date was replaced: %q", filled)
	}
}
