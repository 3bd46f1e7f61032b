package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogsAnalyzeFieldPath reads a status and a user at paths no default
// name covers, given with --field, and refuses a bad --field naming it.
func TestLogsAnalyzeFieldPath(t *testing.T) {
	var b strings.Builder
	errs := 0
	for i := range 600 {
		code := 200
		if i%7 == 0 {
			code, errs = 502, errs+1
		}
		fmt.Fprintf(&b, `{"when":"2026-02-01T10:%02d:%02dZ","resp":{"meta":{"code":%d}},"who":{"login":"u%d"},"text":"GET /x"}`+"\n", i/60, i%60, code, i%11)
	}
	path := filepath.Join(t.TempDir(), "custom paths.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	count := func(args ...string) (int64, string) {
		t.Helper()
		out, errOut, code := runCLI(t, "", append([]string{"logs", "analyze", "--json"}, append(args, path)...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var res struct {
			Errors int64  `json:"errors"`
			By     string `json:"affected_users_by"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		return res.Errors, res.By
	}
	if n, _ := count("--time-key", "when"); n != 0 {
		t.Errorf("without --field: %d errors, want 0 (no status read)", n)
	}
	n, by := count("--field", "time=when", "--field", "status=resp.meta.code", "--field", "user=who.login")
	if n != int64(errs) || by != "user" {
		t.Errorf("with --field: %d errors by %q, want %d by user", n, by, errs)
	}
	for _, bad := range []string{"status", "colour=a.b", "status=a..b", "status=.a"} {
		if _, errOut, code := runCLI(t, "", "logs", "analyze", "--field", bad, path); code != 2 || !strings.Contains(errOut, "-field") {
			t.Errorf("--field %s: exit %d, stderr %q; want exit 2 naming the flag", bad, code, errOut)
		}
	}
}
