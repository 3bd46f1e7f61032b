package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/debrief-oss/debrief/internal/testenv"
	"github.com/debrief-oss/debrief/logscan/loggen"
)

// rewriter is a command that rewrites a report in place, with a report it
// would change.
type rewriter struct {
	name string
	// setup writes a report the command changes into dir and returns
	// its path and the command's arguments.
	setup func(t *testing.T, dir string) (path string, args []string)
}

func rewriters() []rewriter {
	return []rewriter{
		{"fmt -w", func(t *testing.T, dir string) (string, []string) {
			p := filepath.Join(dir, "report.md")
			messy := strings.Replace(filledReport(t), "**Severity**: High", "**Severity**: high", 1)
			mustWrite(t, p, messy)
			return p, []string{"fmt", "-w", p}
		}},
		{"lint --fix", func(t *testing.T, dir string) (string, []string) {
			p := plantedReport(t, dir)
			return p, []string{"lint", "--fix", "--now", "2024-06-15", p}
		}},
		{"metrics --write", func(t *testing.T, dir string) (string, []string) {
			p := plantedReport(t, dir)
			return p, []string{"metrics", "--write", "--force", p}
		}},
		{"logs apply", func(t *testing.T, dir string) (string, []string) {
			tmpl, err := os.ReadFile(testenv.Template(t))
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, "report.md")
			mustWrite(t, p, string(tmpl))
			log, _ := logsGenerated(t, loggen.Combined, 20000, false)
			return p, []string{"logs", "apply", p, log}
		}},
	}
}

// plantedReport copies the lint package's report with wrong metrics into dir.
func plantedReport(t *testing.T, dir string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(sampleReports(t), "planted.md"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "planted.md")
	mustWrite(t, p, string(src))
	return p
}

func mustWrite(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRewriteRefusesReadOnlyFile checks that a report marked read-only is
// left as it is by every command that rewrites reports, even for root.
func TestRewriteRefusesReadOnlyFile(t *testing.T) {
	for _, rw := range rewriters() {
		t.Run(rw.name, func(t *testing.T) {
			path, args := rw.setup(t, t.TempDir())
			before, _ := os.ReadFile(path)
			if err := os.Chmod(path, 0o444); err != nil {
				t.Fatal(err)
			}
			_, errOut, code := runCLI(t, "", args...)
			after, _ := os.ReadFile(path)
			if code != 2 || !strings.Contains(errOut, "permission denied") || !strings.Contains(errOut, path) {
				t.Errorf("exit %d, stderr %q; want 2 and permission denied naming the file", code, errOut)
			}
			if string(after) != string(before) {
				t.Error("the read-only report was changed")
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o444 {
				t.Errorf("mode after: %v %v", fi.Mode(), err)
			}
		})
	}
}

// TestRewriteKeepsModeOwnerAndLinks checks that a rewritten report keeps its
// mode, owner, symbolic link and other names.
func TestRewriteKeepsModeOwnerAndLinks(t *testing.T) {
	for _, rw := range rewriters() {
		t.Run(rw.name, func(t *testing.T) {
			dir := t.TempDir()
			path, args := rw.setup(t, dir)
			before, _ := os.ReadFile(path)
			if err := os.Chmod(path, 0o640); err != nil {
				t.Fatal(err)
			}
			root := os.Geteuid() == 0
			if root {
				if err := os.Chown(path, 65534, 65534); err != nil {
					t.Fatal(err)
				}
			}
			// Run through a symbolic link, with a second name for the file.
			link := filepath.Join(dir, "link.md")
			if err := os.Symlink(filepath.Base(path), link); err != nil {
				t.Fatal(err)
			}
			second := filepath.Join(dir, "second-name.md")
			if err := os.Link(path, second); err != nil {
				t.Fatal(err)
			}
			args[len(args)-1-boolInt(rw.name == "logs apply")] = link
			_, errOut, code := runCLI(t, "", args...)
			if code > 1 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			after, _ := os.ReadFile(path)
			if string(after) == string(before) {
				t.Fatal("the report was not rewritten")
			}
			if got, _ := os.ReadFile(second); string(got) != string(after) {
				t.Error("the file's second name does not see the rewrite")
			}
			if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Error("the symbolic link was replaced by a file")
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o640 {
				t.Errorf("mode %v, want 0640", fi.Mode().Perm())
			}
			if st := fi.Sys().(*syscall.Stat_t); root && (st.Uid != 65534 || st.Gid != 65534) {
				t.Errorf("owner %d:%d, want 65534:65534", st.Uid, st.Gid)
			}
		})
	}
}

// TestRewriteKeepsOwnerWithoutLinks checks the owner of a report with one
// name, which is rewritten through a new file (root only: only root can
// give a file to another user).
func TestRewriteKeepsOwnerWithoutLinks(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can make a file owned by another user")
	}
	path := filepath.Join(t.TempDir(), "report.md")
	mustWrite(t, path, strings.Replace(filledReport(t), "**Severity**: High", "**Severity**: high", 1))
	if err := os.Chown(path, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, "", "fmt", "-w", path); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != 65534 || st.Gid != 65534 {
		t.Errorf("owner %d:%d, want 65534:65534", st.Uid, st.Gid)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestRewriteInReadOnlyFolder checks that a writable report in a folder the
// user cannot write is refused with a message naming the report, not a
// temporary file. Folder permissions do not bind root, so as root the test
// runs again as the unprivileged user nobody.
func TestRewriteInReadOnlyFolder(t *testing.T) {
	if !unprivileged(t) {
		return
	}
	for _, rw := range rewriters() {
		t.Run(rw.name, func(t *testing.T) {
			dir := t.TempDir()
			path, args := rw.setup(t, dir)
			before, _ := os.ReadFile(path)
			if err := os.Chmod(dir, 0o555); err != nil {
				t.Fatal(err)
			}
			defer os.Chmod(dir, 0o755)
			_, errOut, code := runCLI(t, "", args...)
			if code != 2 || !strings.Contains(errOut, path+": cannot rewrite it: its folder") {
				t.Errorf("exit %d, stderr %q", code, errOut)
			}
			if strings.Contains(errOut, "/."+filepath.Base(path)+".") {
				t.Errorf("the message names a temporary file: %q", errOut)
			}
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Error("the report was changed")
			}
		})
	}
}

// unprivileged makes the calling test run as a user other than root. Run
// by root, it runs the test again in a copy of the test binary as the user
// nobody, reports that run's outcome and returns false: the caller returns
// at once. Run by anyone else, it returns true.
func unprivileged(t *testing.T) bool {
	t.Helper()
	if os.Geteuid() != 0 {
		return true
	}
	if os.Getenv("DEBRIEF_TEST_AS_NOBODY") == "1" {
		t.Fatal("still root after changing user")
	}
	// The test binary and the repository may sit in folders nobody cannot
	// enter (a clone in a 0700 folder): the run happens in a copy of the
	// repository's layout with the inputs the tests read, as nobody's own.
	dir, err := os.MkdirTemp("", "debrief-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	repo := testenv.RepoRoot(t)
	for _, c := range []struct{ from, to string }{
		{os.Args[0], "repo/cmd/debrief/debrief.test"},
		{filepath.Join(repo, "examples", "2026-03-14-checkout-outage.md"), "repo/examples/2026-03-14-checkout-outage.md"},
		{filepath.Join(repo, "lint", "testdata", "clean.md"), "repo/lint/testdata/clean.md"},
		{filepath.Join(repo, "lint", "testdata", "planted.md"), "repo/lint/testdata/planted.md"},
		{testenv.Template(t), "shared/spec/postmortem-template.md"},
	} {
		b, err := os.ReadFile(c.from)
		if err != nil {
			t.Fatal(err)
		}
		to := filepath.Join(dir, c.to)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := chownTree(dir, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("./debrief.test", "-test.run", "^"+t.Name()+"$", "-test.v")
	cmd.Dir = filepath.Join(dir, "repo", "cmd", "debrief")
	cmd.Env = append(os.Environ(), "DEBRIEF_TEST_AS_NOBODY=1", "DEBRIEF_SHARED="+filepath.Join(dir, "shared"), "HOME="+dir, "TMPDIR="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
	t.Logf("ran as nobody:\n%s", out)
	return false
}

// chownTree gives a folder and everything in it to uid and gid.
func chownTree(root string, uid, gid int) error {
	return filepath.Walk(root, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chown(path, uid, gid)
	})
}
