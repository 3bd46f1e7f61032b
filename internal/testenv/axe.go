package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// AxeVersion is the version of axe-core the browser tests run, which
// .ci/run installs.
const AxeVersion = "4.14.1"

// AxeScript returns the source of axe-core's axe.min.js, the accessibility
// engine the browser tests inject into each page. It is looked for under
// DEBRIEF_AXE_DIR, else under .tools in the repository (where
// `npm install --prefix .tools axe-core@4.14.1` puts it). The test is
// skipped when it is missing (or fails under DEBRIEF_REQUIRE_ALL=1).
func AxeScript(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("DEBRIEF_AXE_DIR")
	if dir == "" {
		dir = filepath.Join(RepoRoot(tb), ".tools")
	}
	b, err := os.ReadFile(filepath.Join(dir, "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		Missing(tb, "axe-core (npm install --prefix "+dir+" axe-core@"+AxeVersion+")")
	}
	return string(b)
}
