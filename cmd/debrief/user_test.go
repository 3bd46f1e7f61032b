package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestUserAndTokenCommands manages users and tokens from the command line
// and uses them against a running service.
func TestUserAndTokenCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "d.db")
	out, errOut, code := runCLI(t, "correct horse battery\n", "user", "add", "--db", db, "--role", "admin", "--password-stdin", "Root@Example.com", "Root Person")
	if code != 0 || !strings.Contains(out, "added root@example.com (Root Person) as admin") {
		t.Fatalf("user add: exit %d, %q %q", code, out, errOut)
	}
	mustRun(t, "user", "add", "--db", db, "--role", "viewer", "vera@example.com")
	if _, errOut, code := runCLI(t, "short\n", "user", "add", "--db", db, "--role", "editor", "--password-stdin", "x@example.com"); code != 2 || !strings.Contains(errOut, "at least 10") {
		t.Errorf("short password: exit %d %q", code, errOut)
	}
	if _, errOut, code := runCLI(t, "", "user", "add", "--db", db, "--role", "god", "x@example.com"); code != 2 || !strings.Contains(errOut, "--role") {
		t.Errorf("bad role: exit %d %q", code, errOut)
	}
	if _, errOut, code := runCLI(t, "", "user", "add", "--db", db, "--role", "viewer", "vera@example.com"); code != 2 || !strings.Contains(errOut, "exists") {
		t.Errorf("taken email: exit %d %q", code, errOut)
	}
	list := mustRun(t, "user", "list", "--db", db)
	if !strings.Contains(list, "root@example.com") || !strings.Contains(list, "vera@example.com") || !strings.Contains(list, "viewer") {
		t.Errorf("user list:\n%s", list)
	}
	mustRun(t, "user", "set-role", "--db", db, "vera@example.com", "editor")
	if _, errOut, code := runCLI(t, "", "user", "set-role", "--db", db, "root@example.com", "viewer"); code != 2 || !strings.Contains(errOut, "only admin") {
		t.Errorf("demoting the last admin: exit %d %q", code, errOut)
	}
	// A token, printed alone on standard output, works against the service.
	out, errOut, code = runCLI(t, "", "token", "create", "--db", db, "--expires", "30d", "vera@example.com", "ci")
	secret := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(secret, "dbt_") || strings.Contains(secret, "\n") || !strings.Contains(errOut, "expires") {
		t.Fatalf("token create: exit %d %q %q", code, out, errOut)
	}
	if !strings.Contains(mustRun(t, "token", "list", "--db", db, "vera@example.com"), "ci") {
		t.Error("token list does not show the token")
	}
	s := startServe(t, db)
	var me struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	s.must(http.StatusOK, req{method: "GET", path: "/api/v1/me", token: secret}).json(t, &me)
	if me.Email != "vera@example.com" || me.Role != "editor" {
		t.Errorf("me %+v", me)
	}
	s.signIn("root@example.com", "correct horse battery")
	if out, errOut, code := runCLI(t, "a new long password\n", "user", "set-password", "--db", db, "--password-stdin", "root@example.com"); code != 0 || !strings.Contains(out, "sessions ended") {
		t.Fatalf("set-password: exit %d %q %q", code, out, errOut)
	}
	_ = s.stop()
	mustRun(t, "token", "revoke", "--db", db, "vera@example.com", "1")
	s = startServe(t, db)
	s.must(http.StatusUnauthorized, req{method: "GET", path: "/api/v1/me", token: secret})
	s.signIn("root@example.com", "a new long password")
	if _, errOut, code := runCLI(t, "", "user", "set-password", "--db", db, "root@example.com"); code != 2 || !strings.Contains(errOut, "--password-stdin") {
		t.Errorf("set-password without a terminal: exit %d %q", code, errOut)
	}
	if _, _, code := runCLI(t, "", "user", "nope"); code != 2 {
		t.Errorf("user nope: exit %d", code)
	}
}
