package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// TestLogsAnalyzeYearStated: the summary says which year a syslog file's
// lines were given, and why.
func TestLogsAnalyzeYearStated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "auth.log")
	if err := os.WriteFile(path, []byte("Dec 30 23:59:58 host sshd[1]: error: x\nJan  1 00:00:01 host sshd[1]: ok\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	jan := time.Date(2025, 1, 3, 9, 0, 0, 0, time.UTC)
	if err := os.Chtimes(path, jan, jan); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "", "logs", "analyze", path)
	if code != 0 || !strings.Contains(out, "year 2024, from the file's modification time (2025-01-03); its first line, in December, is from the year before") ||
		!strings.Contains(out, "2024-12-30 23:59:58 UTC to 2025-01-01 00:00:01 UTC") {
		t.Errorf("exit %d, stdout %s, stderr %s", code, out, errOut)
	}
	out, _, _ = runCLI(t, "", "logs", "analyze", "--year", "2019", path)
	if !strings.Contains(out, "year 2019, from --year") {
		t.Errorf("--year: %s", out)
	}
}

// TestLogsAnalyzeTextFormats: the error logs and application logs that
// were refused are read, detected or named with --format.
func TestLogsAnalyzeTextFormats(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ format, line string }{
		{"apache-error", "[Sun Dec 04 04:47:44 2005] [error] [client 10.1.2.3] Directory index forbidden by rule: /srv/www/"},
		{"apache-error", "[Sun Dec 04 04:47:44.123456 2005] [core:error] [pid 1:tid 2] [client 10.1.2.3:5] AH00126: Invalid URI in request"},
		{"nginx-error", "2024/01/07 13:45:01 [error] 1234#0: *5 no live upstreams while connecting to upstream, client: 10.1.2.3, server: a"},
		{"java", "2024-01-07 13:45:01,123 ERROR [worker-3] org.shop.Pay - charge failed"},
		{"python", "2024-01-07 13:45:01,123 - shop.pay - ERROR - charge failed"},
	} {
		path := filepath.Join(dir, tc.format+".log")
		if err := os.WriteFile(path, []byte(tc.line+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{path}, {"--format", tc.format, path}} {
			out, errOut, code := runCLI(t, "", append([]string{"logs", "analyze"}, args...)...)
			if code != 0 || !strings.Contains(out, "("+tc.format+")") || !strings.Contains(out, "Errors:    1 ") {
				t.Errorf("%s: exit %d, stdout %s, stderr %s", strings.Join(args, " "), code, out, errOut)
			}
		}
	}
	path := filepath.Join(dir, "basic.log")
	os.WriteFile(path, []byte("ERROR:shop.pay:charge failed\nINFO:shop:ok\n"), 0o644)
	if _, errOut, code := runCLI(t, "", "logs", "analyze", path); code != 2 || !strings.Contains(errOut, "basic.log:1: ") || !strings.Contains(errOut, "no time") {
		t.Errorf("Python's default layout: exit %d, stderr %s", code, errOut)
	}
}
