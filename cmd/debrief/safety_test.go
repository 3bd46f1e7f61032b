package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
)

// TestExportRefusesToOverwrite checks that export never replaces a file it
// finds in the folder unless told to, and then writes nothing at all.
func TestExportRefusesToOverwrite(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	src := t.TempDir()
	mustWrite(t, filepath.Join(src, "ok.md"), filledReport(t))
	mustWrite(t, filepath.Join(src, "other.md"), strings.Replace(filledReport(t), "Checkout", "Search", 1))
	mustRun(t, "load", "--db", db, src)

	out := t.TempDir()
	notes := filepath.Join(out, "ok.md")
	mustWrite(t, notes, "notes\n")
	mustWrite(t, filepath.Join(out, "unrelated.md"), "mine\n")
	stdout, errOut, code := runCLI(t, "", "export", "--db", db, out)
	if code != 2 || !strings.Contains(errOut, notes) || !strings.Contains(errOut, "--force") || !strings.Contains(errOut, "nothing was written") {
		t.Errorf("export into a folder holding ok.md: exit %d, stdout %q, stderr %q", code, stdout, errOut)
	}
	if b, _ := os.ReadFile(notes); string(b) != "notes\n" {
		t.Errorf("ok.md was overwritten: %q", b)
	}
	if _, err := os.Stat(filepath.Join(out, "other.md")); err == nil {
		t.Error("export wrote other.md although it refused")
	}

	mustRun(t, "export", "--db", db, "--force", out)
	if b, _ := os.ReadFile(notes); !strings.HasPrefix(string(b), "---\n") && !strings.Contains(string(b), "# Incident Post-Mortem Report") {
		t.Errorf("--force did not write ok.md: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "unrelated.md")); string(b) != "mine\n" {
		t.Errorf("--force touched a file that is not a stored report")
	}
	// A new folder, and a folder with other files, need no --force.
	mustRun(t, "export", "--db", db, filepath.Join(t.TempDir(), "new", "folder"))
	again := t.TempDir()
	mustWrite(t, filepath.Join(again, "README.md"), "keep\n")
	mustRun(t, "export", "--db", db, again)
	if entries, _ := os.ReadDir(again); len(entries) != 3 {
		t.Errorf("export into a folder with a README: %d entries, want 3", len(entries))
	}
}

// TestRefusesInputThatIsNotAReport checks that empty, blank and binary
// files are refused with a clear error and left as they were.
func TestRefusesInputThatIsNotAReport(t *testing.T) {
	dir := t.TempDir()
	binary := make([]byte, 4096)
	for i := range binary {
		binary[i] = byte(i * 7)
	}
	inputs := map[string]string{
		"empty.md":  "",
		"blank.md":  "  \n\n\t\n",
		"binary.md": string(binary),
		"latin1.md": "# Incident Post-Mortem Report: Caf\xe9\n",
	}
	for name, text := range inputs {
		path := filepath.Join(dir, name)
		mustWrite(t, path, text)
		want := "not text"
		if strings.TrimSpace(text) == "" {
			want = "empty"
		}
		for _, args := range [][]string{{"fmt", "-w", path}, {"fmt", path}, {"show", path}, {"show", "--json", path}, {"import", path}, {"lint", path}, {"metrics", path}, {"logs", "apply", path, path}} {
			stdout, errOut, code := runCLI(t, "", args...)
			if code != 2 || !strings.Contains(errOut, path) || !strings.Contains(errOut, want) {
				t.Errorf("%s: exit %d, stderr %q; want 2 and %q", strings.Join(args, " "), code, errOut, want)
			}
			if stdout != "" {
				t.Errorf("%s printed %d bytes", strings.Join(args, " "), len(stdout))
			}
		}
		if b, _ := os.ReadFile(path); string(b) != text {
			t.Errorf("%s was changed", name)
		}
	}
	// The same from standard input.
	if _, errOut, code := runCLI(t, "", "show", "-"); code != 2 || !strings.Contains(errOut, "<stdin>: empty") {
		t.Errorf("show - with nothing: exit %d, %q", code, errOut)
	}
	if _, errOut, code := runCLI(t, string(binary), "import", "-"); code != 2 || !strings.Contains(errOut, "<stdin>:1: not text") {
		t.Errorf("import - with binary: exit %d, %q", code, errOut)
	}
}

// TestTextOutputShowsControlCharacters checks that a report's escape
// sequences reach the terminal only as visible text.
func TestTextOutputShowsControlCharacters(t *testing.T) {
	dir := t.TempDir()
	hostile := strings.NewReplacer(
		"# Incident Post-Mortem Report: Checkout outage", "# Incident Post-Mortem Report: Checkout \x1b]0;owned\x07 outage",
		"Priya Raman", "Priya \x1b[2J\x1b[H Raman\u202e",
	).Replace(filledReport(t))
	if hostile == filledReport(t) {
		t.Fatal("the example changed: nothing was planted")
	}
	path := filepath.Join(dir, "report.md")
	mustWrite(t, path, hostile)
	for _, args := range [][]string{{"show", path}, {"actions", "--now", "2026-03-20", dir}, {"metrics", path}, {"lint", path}} {
		out, errOut, code := runCLI(t, "", args...)
		if code > 1 || out == "" {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q", args[0], code, out, errOut)
		}
		if i := strings.IndexFunc(out, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == '\u202e' }); i >= 0 {
			t.Errorf("%s printed control character %q: %q", args[0], out[i], out[max(0, i-20):min(len(out), i+20)])
		}
	}
	out, _, _ := runCLI(t, "", "show", path)
	if !strings.Contains(out, "Checkout ^[]0;owned^G outage") || !strings.Contains(out, "Priya ^[[2J^[[H Raman<U+202E>") {
		t.Errorf("show does not make the characters visible:\n%s", out)
	}
	// JSON escapes them; Markdown output is the report itself.
	if out, _, _ := runCLI(t, "", "show", "--json", path); !strings.Contains(out, `\u001b]0;owned\u0007`) {
		t.Errorf("show --json lost the characters")
	}
}

// TestMaxSize checks that a report over --max-size is refused before it is
// parsed, naming the file and the flag.
func TestMaxSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.md")
	mustWrite(t, path, filledReport(t))
	for _, args := range [][]string{{"fmt"}, {"show"}, {"import"}, {"lint"}, {"metrics"}, {"actions"}, {"stats"}} {
		_, errOut, code := runCLI(t, "", append(args, "--max-size", "4KiB", path)...)
		if code != 2 || !strings.Contains(errOut, path+": over the size limit") || !strings.Contains(errOut, "--max-size raises the limit") {
			t.Errorf("%s --max-size 4KiB: exit %d, stderr %q", args[0], code, errOut)
		}
		if _, errOut, code := runCLI(t, "", append(args, "--max-size", "1MiB", path)...); code > 1 {
			t.Errorf("%s --max-size 1MiB: exit %d, stderr %q", args[0], code, errOut)
		}
	}
	if _, errOut, code := runCLI(t, filledReport(t), "show", "--max-size", "100", "-"); code != 2 || !strings.Contains(errOut, "<stdin>: over the size limit (more than 100 bytes)") {
		t.Errorf("stdin over the limit: exit %d, %q", code, errOut)
	}
	for _, bad := range []string{"0", "-5", "lots", "12XB"} {
		if _, errOut, code := runCLI(t, "", "show", "--max-size", bad, path); code != 2 || !strings.Contains(errOut, "max-size") {
			t.Errorf("--max-size %s: exit %d, %q", bad, code, errOut)
		}
	}
}

// startedReport is a report begun with "debrief new" without a title and
// then filled in, but for its summary: the template's title line and the
// summary's placeholder are still there.
func startedReport() string {
	r := &debrief.Report{}
	r.Overview.IncidentDate = debrief.ParseDate("2026-04-01")
	r.Overview.Author = "Sam Lee"
	text := string(markdown.Render(r))
	return strings.Replace(text, "[Detailed explanation of the root cause]", "The connection pool was too small.", 1)
}

// TestFolderWalkKeepsStartedReports checks that every folder command reads
// a report started from the template, and says what it passed over.
func TestFolderWalkKeepsStartedReports(t *testing.T) {
	dir := t.TempDir()
	started := filepath.Join(dir, "2026-04-01-incident.md")
	mustWrite(t, started, startedReport())
	mustWrite(t, filepath.Join(dir, "blank.md"), string(markdown.Render(&debrief.Report{})))

	out, errOut, code := runCLI(t, "", "lint", dir)
	if code != 1 || !strings.Contains(out, started) || !strings.Contains(errOut, "in 1 file") {
		t.Errorf("lint: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if !strings.Contains(errOut, "skipped 1 file (the blank template): "+filepath.Join(dir, "blank.md")) {
		t.Errorf("lint does not say what it skipped: %q", errOut)
	}
	db := filepath.Join(t.TempDir(), "s.db")
	if out, errOut, code := runCLI(t, "", "load", "--db", db, dir); code != 0 || !strings.HasPrefix(out, "1 created") {
		t.Errorf("load: exit %d, %q %q", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "", "stats", "--format", "json", dir); code != 0 || !strings.Contains(out, `"reports": 1`) {
		t.Errorf("stats: exit %d, %q %q", code, out, errOut)
	}
	if out, _, code := runCLI(t, "", "fmt", dir); code != 0 || !strings.Contains(out, "The connection pool was too small.") {
		t.Errorf("fmt: exit %d, %q", code, out)
	}
}

// TestFolderWalkGoesOnPastBadEntries checks that a dangling symbolic link
// is reported, the other reports are handled, and the command ends with a
// summary and a non-zero exit.
func TestFolderWalkGoesOnPastBadEntries(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "a.md"), filledReport(t))
	mustWrite(t, filepath.Join(dir, "z.md"), strings.Replace(filledReport(t), "Checkout", "Search", 1))
	if err := os.Symlink("gone.md", filepath.Join(dir, "m.md")); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "m.md") + ": a symbolic link to gone.md"
	db := filepath.Join(t.TempDir(), "s.db")
	out, errOut, code := runCLI(t, "", "load", "--db", db, dir)
	if code != 2 || !strings.Contains(errOut, link) || !strings.HasPrefix(out, "2 created, 0 updated, 0 unchanged, 0 skipped, 1 failed") {
		t.Errorf("load: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "", "actions", "--format", "csv", dir)
	if code != 2 || !strings.Contains(errOut, link) || strings.Count(out, filepath.Join(dir, "a.md")) == 0 || strings.Count(out, filepath.Join(dir, "z.md")) == 0 {
		t.Errorf("actions: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if !strings.Contains(errOut, "1 path could not be read") {
		t.Errorf("actions: no summary: %q", errOut)
	}
	out, errOut, code = runCLI(t, "", "stats", "--format", "json", dir)
	if code != 2 || !strings.Contains(errOut, link) || !strings.Contains(out, `"reports": 2`) {
		t.Errorf("stats: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	_, errOut, code = runCLI(t, "", "lint", dir)
	if code != 2 || !strings.Contains(errOut, link) || !strings.Contains(errOut, "in 2 files; 1 path could not be read") {
		t.Errorf("lint: exit %d, stderr %q", code, errOut)
	}
}

// TestStandardInput checks "-" wherever a report is read, and a clear
// refusal where a result cannot be written back.
func TestStandardInput(t *testing.T) {
	planted, err := os.ReadFile(filepath.Join("..", "..", "lint", "testdata", "planted.md"))
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, string(planted), "lint", "--now", "2024-06-15", "-")
	if code != 1 || !strings.Contains(out, "<stdin>:") || !strings.Contains(errOut, "in 1 file") {
		t.Errorf("lint -: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, errOut, code = runCLI(t, filledReport(t), "actions", "--format", "json", "-")
	if code != 0 || !strings.Contains(out, `"file": "<stdin>"`) {
		t.Errorf("actions -: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, errOut, code = runCLI(t, filledReport(t), "stats", "--format", "json", "-")
	if code != 0 || !strings.Contains(out, `"reports": 1`) {
		t.Errorf("stats -: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, _, code = runCLI(t, filledReport(t), "metrics", "-")
	if code != 0 || !strings.HasPrefix(out, "<stdin>\n") {
		t.Errorf("metrics -: exit %d, stdout %q", code, out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"load", "--db", filepath.Join(t.TempDir(), "s.db"), "-"}, "standard input has no file name"},
		{[]string{"fmt", "-w", "-"}, "-w cannot write standard input back"},
		{[]string{"lint", "--fix", "-"}, "--fix cannot write standard input back"},
		{[]string{"metrics", "--write", "-"}, "--write needs a file"},
	} {
		out, errOut, code := runCLI(t, filledReport(t), c.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", strings.Join(c.args, " "), code, out, errOut)
		}
	}
}

// TestFlagsCheckedFirst checks that a bad flag value is reported before any
// file is read.
func TestFlagsCheckedFirst(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "--from", "yaml", "missing.md"}, `--from "yaml"`},
		{[]string{"stats", "--top", "-1", "missing"}, "--top -1"},
	} {
		_, errOut, code := runCLI(t, "", c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) || strings.Contains(errOut, "missing") {
			t.Errorf("%s: exit %d, stderr %q", strings.Join(c.args, " "), code, errOut)
		}
	}
}

// TestMetricsOutOfOrder checks that metrics prints no negative duration and
// says why a metric is missing.
func TestMetricsOutOfOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.md")
	swapped := strings.Replace(filledReport(t), "| 14:09 | First detection", "| 13:50 | First detection", 1)
	if swapped == filledReport(t) {
		t.Fatal("the example's detection row changed: nothing was swapped")
	}
	mustWrite(t, path, swapped)
	out, errOut, code := runCLI(t, "", "metrics", path)
	if code != 0 || strings.Contains(out, "-1") || !strings.Contains(out, "not derived: First detection (13:50) is before Incident began") {
		t.Errorf("metrics: exit %d, %q %q", code, out, errOut)
	}
	out, _, _ = runCLI(t, "", "metrics", "--json", path)
	if !strings.Contains(out, `"time_to_detection_minutes": null`) || !strings.Contains(out, `"time_to_detection": "First detection (13:50) is before`) {
		t.Errorf("metrics --json:\n%s", out)
	}
}
