package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief/internal/testenv"
)

// numbered returns the lines "line from" to "line to", each ending with a
// newline.
func numbered(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("line %d\n", i))
	}
	return out
}

// TestUnifiedDiff checks whole diffs whose headers were worked out by hand
// and agree with GNU diff -u.
func TestUnifiedDiff(t *testing.T) {
	a := strings.Join(numbered(1, 40), "")
	// Two changes four lines apart (one hunk) that add two lines, and a
	// change far below: the second hunk starts two lines later in the new
	// file than in the old.
	grow := strings.Join(numbered(1, 2), "") + "changed 3\nadded A\nadded B\n" + strings.Join(numbered(4, 7), "") + "changed 8\n" +
		strings.Join(numbered(9, 28), "") + "changed far\n" + strings.Join(numbered(30, 40), "")
	// The same with three lines removed: the second hunk starts earlier.
	shrink := strings.Join(numbered(1, 2), "") + strings.Join(numbered(6, 7), "") + "changed 8\n" +
		strings.Join(numbered(9, 28), "") + "changed far\n" + strings.Join(numbered(30, 40), "")
	for _, tc := range []struct {
		name, a, b, want string
	}{
		{"equal", a, a, ""},
		{"grow", a, grow, `--- old
+++ new
@@ -1,11 +1,13 @@
 line 1
 line 2
-line 3
+changed 3
+added A
+added B
 line 4
 line 5
 line 6
 line 7
-line 8
+changed 8
 line 9
 line 10
 line 11
@@ -26,7 +28,7 @@
 line 26
 line 27
 line 28
-line 29
+changed far
 line 30
 line 31
 line 32
`},
		{"shrink", a, shrink, `--- old
+++ new
@@ -1,11 +1,8 @@
 line 1
 line 2
-line 3
-line 4
-line 5
 line 6
 line 7
-line 8
+changed 8
 line 9
 line 10
 line 11
@@ -26,7 +23,7 @@
 line 26
 line 27
 line 28
-line 29
+changed far
 line 30
 line 31
 line 32
`},
		{"from empty", "", "a\nb\n", `--- old
+++ new
@@ -0,0 +1,2 @@
+a
+b
`},
		{"to empty", "a\nb\n", "", `--- old
+++ new
@@ -1,2 +0,0 @@
-a
-b
`},
		{"no final newline", "a\nb", "a\nc", `--- old
+++ new
@@ -1,2 +1,2 @@
 a
-b
\ No newline at end of file
+c
\ No newline at end of file
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := unifiedDiff("old", "new", []byte(tc.a), []byte(tc.b))
			if got != tc.want {
				t.Errorf("diff:\n%s\nwant:\n%s", got, tc.want)
			}
			checkHunks(t, got, tc.a, tc.b)
		})
	}
}

// TestUnifiedDiffRandom checks the hunks of diffs between random texts:
// each header must say where its lines are in both files, and the hunks
// must turn the old text into the new.
func TestUnifiedDiffRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	text := func() string {
		var b strings.Builder
		for range r.IntN(60) {
			fmt.Fprintf(&b, "%c\n", 'a'+r.IntN(6))
		}
		if r.IntN(8) == 0 {
			b.WriteString("end")
		}
		return b.String()
	}
	for i := range 500 {
		a := text()
		b := a
		// Mostly small changes to a, so that hunks have equal lines
		// between and around them.
		if r.IntN(4) > 0 {
			lines := strings.SplitAfter(a, "\n")
			for range 1 + r.IntN(4) {
				at := r.IntN(len(lines) + 1)
				switch r.IntN(3) {
				case 0:
					lines = append(lines[:at], append([]string{"new\n", "new\n"}, lines[at:]...)...)
				case 1:
					if at < len(lines) {
						lines = append(lines[:at], lines[min(len(lines), at+1+r.IntN(3)):]...)
					}
				default:
					if at < len(lines) && strings.HasSuffix(lines[at], "\n") {
						lines[at] = "changed\n"
					}
				}
			}
			b = strings.Join(lines, "")
		} else {
			b = text()
		}
		d := unifiedDiff("old", "new", []byte(a), []byte(b))
		if ok := t.Run(strconv.Itoa(i), func(t *testing.T) { checkHunks(t, d, a, b) }); !ok {
			t.Fatalf("old:\n%s\nnew:\n%s\ndiff:\n%s", a, b, d)
		}
	}
}

// TestFmtDiff: fmt -d prints the same diffs, with hunk headers that say
// where each hunk is in the file and in its canonical form.
func TestFmtDiff(t *testing.T) {
	canonical, errOut, code := runCLI(t, "", "fmt", testenv.Template(t))
	if code != 0 {
		t.Fatalf("fmt: exit %d: %s", code, errOut)
	}
	// Three list items with another bullet: two in one hunk, one far below.
	lines := strings.SplitAfter(canonical, "\n")
	changed := 0
	for i, l := range lines {
		for _, item := range []string{"- **Users Affected**:", "- **Financial Impact**:", "- **Affected Users**:"} {
			if strings.HasPrefix(l, item) {
				lines[i] = "*" + l[1:]
				changed++
			}
		}
	}
	if changed != 3 {
		t.Fatalf("the template's canonical form has %d of the 3 list items to change:\n%s", changed, canonical)
	}
	src := strings.Join(lines, "")
	path := filepath.Join(t.TempDir(), "report.md")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	diff, errOut, code := runCLI(t, "", "fmt", "-d", path)
	if code != 0 || strings.Count(diff, "\n@@ ") != 2 {
		t.Fatalf("fmt -d: exit %d, stderr %q, want two hunks:\n%s", code, errOut, diff)
	}
	checkHunks(t, diff, src, canonical)
}

var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$`)

// checkHunks reads a unified diff and checks it against the two texts: the
// lines each hunk takes from a and b are at the places and in the numbers
// its header gives, and applying the hunks to a gives b.
func checkHunks(t *testing.T, diff, a, b string) {
	t.Helper()
	if diff == "" {
		if a != b {
			t.Errorf("empty diff between different texts")
		}
		return
	}
	old := strings.SplitAfter(a, "\n")
	if old[len(old)-1] == "" {
		old = old[:len(old)-1]
	}
	rows := strings.SplitAfter(diff, "\n")
	if len(rows) < 3 || !strings.HasPrefix(rows[0], "--- ") || !strings.HasPrefix(rows[1], "+++ ") {
		t.Fatalf("diff does not start with the file names:\n%s", diff)
	}
	var got []string // a with the hunks applied
	next := 0        // the first line of a not yet copied to got
	rows = rows[2:]
	for len(rows) > 0 && rows[0] != "" {
		m := hunkHeader.FindStringSubmatch(strings.TrimSuffix(rows[0], "\n"))
		if m == nil {
			t.Fatalf("not a hunk header: %q", rows[0])
		}
		num := func(s string, def int) int {
			if s == "" {
				return def
			}
			n, _ := strconv.Atoi(s)
			return n
		}
		oldStart, oldCount, newStart, newCount := num(m[1], 0), num(m[2], 1), num(m[3], 0), num(m[4], 1)
		var from, to []string // the hunk's lines of a and of b
		rows = rows[1:]
		var prev byte // the kind of the row before
		for len(rows) > 0 && rows[0] != "" && !strings.HasPrefix(rows[0], "@@") {
			row := rows[0]
			rows = rows[1:]
			switch row[0] {
			case ' ':
				from, to = append(from, row[1:]), append(to, row[1:])
			case '-':
				from = append(from, row[1:])
			case '+':
				to = append(to, row[1:])
			case '\\':
				// "\ No newline at end of file": the line above has none.
				if prev == ' ' || prev == '-' {
					from[len(from)-1] = strings.TrimSuffix(from[len(from)-1], "\n")
				}
				if prev == ' ' || prev == '+' {
					to[len(to)-1] = strings.TrimSuffix(to[len(to)-1], "\n")
				}
			default:
				t.Fatalf("not a hunk line: %q", row)
			}
			prev = row[0]
		}
		if len(from) != oldCount || len(to) != newCount {
			t.Errorf("@@ -%d,%d +%d,%d @@: the hunk has %d old and %d new lines", oldStart, oldCount, newStart, newCount, len(from), len(to))
		}
		// A hunk with no line on one side gives the line before it.
		oldAt, newAt := oldStart-1, newStart-1
		if oldCount == 0 {
			oldAt = oldStart
		}
		if newCount == 0 {
			newAt = newStart
		}
		if oldAt < next || oldAt+len(from) > len(old) || !equalLines(old[oldAt:oldAt+len(from)], from) {
			t.Fatalf("@@ -%d,%d: not where those lines are in the old text", oldStart, oldCount)
		}
		got = append(got, old[next:oldAt]...)
		if newAt != len(got) {
			t.Errorf("@@ +%d,%d: the hunk's new lines start at line %d of the new text", newStart, newCount, len(got)+1)
		}
		got = append(got, to...)
		next = oldAt + len(from)
	}
	got = append(got, old[next:]...)
	if strings.Join(got, "") != b {
		t.Errorf("the hunks applied to the old text give:\n%s\nwant:\n%s", strings.Join(got, ""), b)
	}
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
