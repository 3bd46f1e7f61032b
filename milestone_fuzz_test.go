package debrief

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/debrief-oss/debrief/internal/testenv"
)

// FuzzMatchMilestones checks that any event text gives matches whose words
// are in the text, whose phrase is in the vocabulary for that milestone,
// and that the same text matched again gives the same milestones. Seeds are
// the lines of the shared real post-mortems.
func FuzzMatchMilestones(f *testing.F) {
	for _, s := range []string{"**OUTAGE BEGINS** Search backends overloaded", "Rollback fails due to a held lock", "Site is hard down, engineers respond to alarms", "Acknowledged"} {
		f.Add(s)
	}
	if dir := filepath.Join(testenv.SharedDir(f), "fixtures", "postmortems"); testenv.RequireAll() || dirExists(dir) {
		for _, path := range testenv.FixtureFiles(f, "postmortems", ".md") {
			b, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			for _, l := range strings.Split(string(b), "\n") {
				f.Add(l)
			}
		}
	}
	f.Fuzz(func(t *testing.T, event string) {
		if !utf8.ValidString(event) {
			return
		}
		ms := MatchMilestones(event)
		for _, m := range ms {
			if !strings.Contains(event, m.Text) || m.Text == "" {
				t.Fatalf("match %+v: words not in %q", m, event)
			}
			if !slices.Contains(MilestonePhrases[m.Milestone], m.Phrase) && !slices.Contains(MilestonePhrases[m.Milestone], "="+m.Phrase) {
				t.Fatalf("match %+v: phrase not in the vocabulary of %s", m, m.Milestone)
			}
		}
		if again := MatchMilestones(event); !slices.Equal(again, ms) {
			t.Fatalf("%q matched %+v, then %+v", event, ms, again)
		}
	})
}

func dirExists(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}
