package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCLI runs debrief in-process with args and stdin, and returns what it
// printed and its exit code.
func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	code = exitCode(err, &errOut)
	return out.String(), errOut.String(), code
}

func TestUsageAndVersion(t *testing.T) {
	if _, _, code := runCLI(t, ""); code != 2 {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
	if out, _, code := runCLI(t, "", "version"); code != 0 || !strings.HasPrefix(out, "debrief ") {
		t.Errorf("version: exit %d, output %q", code, out)
	}
	if _, errOut, code := runCLI(t, "", "nosuch"); code != 2 || !strings.Contains(errOut, `unknown command "nosuch"`) {
		t.Errorf("unknown command: exit %d, stderr %q", code, errOut)
	}
	for name := range commands() {
		out, _, code := runCLI(t, "", name, "--help")
		if code != 0 || !strings.Contains(out, "Usage: debrief "+name) {
			t.Errorf("%s --help: exit %d, output %q", name, code, out)
		}
	}
	if _, _, code := runCLI(t, "", "fmt", "--no-such-flag"); code != 2 {
		t.Errorf("bad flag: exit %d, want 2", code)
	}
}
