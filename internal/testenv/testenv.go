// Package testenv decides, in one place, what a test does when something it
// needs from the machine is missing: PostgreSQL, Chromium or the shared
// fixtures. Locally such a test is skipped; when DEBRIEF_REQUIRE_ALL=1 (as in
// CI) it fails, so a missing install step cannot hide behind a skip.
package testenv

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// RequireAll reports whether every optional dependency is required, which is
// the case when the DEBRIEF_REQUIRE_ALL environment variable is "1".
func RequireAll() bool { return os.Getenv("DEBRIEF_REQUIRE_ALL") == "1" }

// Missing skips the test because what names is not available, or fails it
// when RequireAll is true.
func Missing(tb testing.TB, what string) {
	tb.Helper()
	if RequireAll() {
		tb.Fatalf("%s is required when DEBRIEF_REQUIRE_ALL=1", what)
	}
	tb.Skipf("skipping: %s", what)
}

// RepoRoot returns the root folder of the Debrief module.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("testenv: cannot locate source file")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// SharedDir returns the shared folder that sits beside the repository
// (../shared from the module root), or DEBRIEF_SHARED when it is set.
func SharedDir(tb testing.TB) string {
	tb.Helper()
	if dir := os.Getenv("DEBRIEF_SHARED"); dir != "" {
		return dir
	}
	return filepath.Join(RepoRoot(tb), "..", "shared")
}

// Fixtures returns the folder of shared fixtures, skipping the test (or
// failing it under DEBRIEF_REQUIRE_ALL=1) when it is absent.
func Fixtures(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(SharedDir(tb), "fixtures")
	if _, err := os.Stat(dir); err != nil {
		Missing(tb, "shared fixtures at "+dir)
	}
	return dir
}

// Template returns the path of the post-mortem template in the shared spec
// folder, skipping (or failing) like Fixtures when it is absent.
func Template(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(SharedDir(tb), "spec", "postmortem-template.md")
	if _, err := os.Stat(path); err != nil {
		Missing(tb, "the post-mortem template at "+path)
	}
	return path
}

// FixtureFiles returns the files of one fixture subfolder (e.g.
// "postmortems" or "logs") with the given suffix.
func FixtureFiles(tb testing.TB, sub, suffix string) []string {
	tb.Helper()
	matches, err := filepath.Glob(filepath.Join(Fixtures(tb), sub, "*"+suffix))
	if err != nil {
		tb.Fatal(err)
	}
	if len(matches) == 0 {
		Missing(tb, "fixtures in "+sub)
	}
	return matches
}
