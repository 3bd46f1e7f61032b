package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// ChromiumPath returns the path of a Chromium or Chrome binary, or "" when
// none is installed. DEBRIEF_CHROMIUM overrides the search.
func ChromiumPath() string {
	if p := os.Getenv("DEBRIEF_CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// MustHaveChromium returns the Chromium binary's path, skipping the test
// when there is none (or failing it under DEBRIEF_REQUIRE_ALL=1).
func MustHaveChromium(tb testing.TB) string {
	tb.Helper()
	p := ChromiumPath()
	if p == "" {
		Missing(tb, "Chromium (apt-get install chromium)")
	}
	return p
}
