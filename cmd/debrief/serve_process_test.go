package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/internal/testenv"
	"github.com/debrief-oss/debrief/sqlstore"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// debriefBinary builds the debrief command once per test run and returns
// its path.
func debriefBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "debrief-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "debrief")
		out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// startProcess runs "debrief serve" as a process of its own on dsn, on a
// free loopback port. Its stop sends SIGTERM and waits for the exit.
func startProcess(t *testing.T, dsn string, args ...string) (*service, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(debriefBinary(t), append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dsn}, args...)...)
	s := &service{t: t, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	copied := make(chan struct{})
	go func() { io.Copy(s.stdout, out); close(copied) }()
	exited := make(chan error, 1)
	go func() { <-copied; exited <- cmd.Wait() }()
	var once sync.Once
	var waitErr error
	s.stop = func() error {
		once.Do(func() {
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case waitErr = <-exited:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				waitErr = fmt.Errorf("serve did not stop within 30 s of SIGTERM")
			}
		})
		return waitErr
	}
	t.Cleanup(func() {
		if err := s.stop(); err != nil && !strings.Contains(err.Error(), "signal: killed") {
			t.Errorf("serve: %v\n%s", err, s.stderr.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := servingLine.FindStringSubmatch(s.stdout.String()); m != nil {
			s.base = m[1]
			return s, cmd
		}
		select {
		case err := <-exited:
			t.Fatalf("serve ended: %v\n%s%s", err, s.stdout.String(), s.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start:\n%s%s", s.stdout.String(), s.stderr.String())
	return nil, nil
}

// TestServeReplicas runs two serve processes on one PostgreSQL database: a
// session made on one works on the other; a report made on one is listed
// and found on the other at once; two updates of one report through
// different replicas cannot both win.
func TestServeReplicas(t *testing.T) {
	dsn := testenv.MustHavePostgres(t)
	a, _ := startProcess(t, dsn)
	tm := newTeam(t, a)
	b, _ := startProcess(t, dsn)

	cookie := a.signIn("admin@example.com", "correct horse battery")
	var me struct {
		Email string `json:"email"`
	}
	b.must(http.StatusOK, req{method: "GET", path: "/api/v1/me", header: map[string]string{"Cookie": cookie}}).json(t, &me)
	if me.Email != "admin@example.com" {
		t.Errorf("a session made on one replica, on the other: %+v", me)
	}
	var sr struct {
		ID int64 `json:"id"`
	}
	a.must(http.StatusCreated, req{method: "POST", path: "/api/v1/reports?slug=shared", token: tm.tokens["editor"], body: filledReport(t),
		header: map[string]string{"Content-Type": "text/markdown"}}).json(t, &sr)
	var list struct {
		Total int `json:"total"`
	}
	b.must(http.StatusOK, req{method: "GET", path: "/api/v1/reports", token: tm.tokens["viewer"]}).json(t, &list)
	var hits struct {
		Hits []any `json:"hits"`
	}
	b.must(http.StatusOK, req{method: "GET", path: "/api/v1/search?q=connection+pool", token: tm.tokens["viewer"]}).json(t, &hits)
	if list.Total != 1 || len(hits.Hits) != 1 {
		t.Errorf("the other replica lists %d reports and finds %d", list.Total, len(hits.Hits))
	}
	// Two clients change version 1, one through each replica.
	path := fmt.Sprintf("/api/v1/reports/%d", sr.ID)
	v1 := map[string]string{"Content-Type": "text/markdown", "If-Match": fmt.Sprintf(`"%d-1"`, sr.ID)}
	first := strings.Replace(filledReport(t), "88 minutes", "90 minutes", 1)
	second := strings.Replace(filledReport(t), "Priya Raman", "Someone Else", 1)
	a.must(http.StatusOK, req{method: "PUT", path: path, token: tm.tokens["editor"], body: first, header: v1})
	if got := b.do(req{method: "PUT", path: path, token: tm.tokens["editor"], body: second, header: v1}); got.status != http.StatusPreconditionFailed {
		t.Errorf("the second update of version 1: %d %s", got.status, got.body)
	}
	md := b.must(http.StatusOK, req{method: "GET", path: path, token: tm.tokens["viewer"], header: map[string]string{"Accept": "text/markdown"}})
	if !strings.Contains(string(md.body), "90 minutes") || strings.Contains(string(md.body), "Someone Else") {
		t.Error("the first update was lost, or the stale one written")
	}
}

// writeStream creates reports from several clients until the server stops
// answering, and returns the slugs it answered 2xx for.
func writeStream(s *service, token string, clients int, started chan<- struct{}) []string {
	var mu sync.Mutex
	var ok []string
	var wg sync.WaitGroup
	var once sync.Once
	body := []byte(filledReport(s.t))
	client := &http.Client{Timeout: 10 * time.Second}
	for c := range clients {
		wg.Go(func() {
			for i := 0; ; i++ {
				slug := fmt.Sprintf("stream-%d-%d", c, i)
				r, err := http.NewRequest("POST", s.base+"/api/v1/reports?slug="+slug, strings.NewReader(string(body)))
				if err != nil {
					return
				}
				r.Header.Set("Content-Type", "text/markdown")
				r.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(r)
				if err != nil {
					return // the server is gone
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode/100 == 2 {
					mu.Lock()
					ok = append(ok, slug)
					if len(ok) == 20 {
						once.Do(func() { close(started) })
					}
					mu.Unlock()
				} else if resp.StatusCode != http.StatusServiceUnavailable {
					return
				}
			}
		})
	}
	wg.Wait()
	once.Do(func() { close(started) })
	return ok
}

// TestServeSIGTERMKeepsAnsweredWrites stops the service with SIGTERM during
// a stream of writes: every request it answered with 2xx is in the
// database afterwards, and it exits cleanly.
func TestServeSIGTERMKeepsAnsweredWrites(t *testing.T) {
	db := filepath.Join(t.TempDir(), "d.db")
	s, cmd := startProcess(t, db)
	tm := newTeam(t, s)
	started := make(chan struct{})
	done := make(chan []string, 1)
	go func() { done <- writeStream(s, tm.tokens["editor"], 4, started) }()
	<-started
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	answered := <-done
	if err := s.stop(); err != nil {
		t.Fatalf("serve after SIGTERM: %v\n%s", err, s.stderr.String())
	}
	if len(answered) < 20 {
		t.Fatalf("only %d writes answered", len(answered))
	}
	store, err := sqlstore.Open(context.Background(), db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := debrief.NewSystemContext(context.Background(), "test")
	for _, slug := range answered {
		if _, err := store.ReportBySlug(ctx, slug); err != nil {
			t.Errorf("%s was answered 2xx but is not stored: %v", slug, err)
		}
	}
	t.Logf("%d writes answered before the stop, all stored", len(answered))
}

// TestServeSIGKILLLeavesSoundDatabase kills the service in the middle of a
// stream of writes: the database opens and passes integrity_check, and
// every report it holds reads back whole.
func TestServeSIGKILLLeavesSoundDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "d.db")
	s, cmd := startProcess(t, db)
	tm := newTeam(t, s)
	started := make(chan struct{})
	done := make(chan []string, 1)
	go func() { done <- writeStream(s, tm.tokens["editor"], 4, started) }()
	<-started
	time.Sleep(50 * time.Millisecond) // in the middle of writes
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	answered := <-done
	store, err := sqlstore.Open(context.Background(), db, sqlstore.Options{})
	if err != nil {
		t.Fatalf("the database does not open after SIGKILL: %v", err)
	}
	defer store.Close()
	var check string
	if err := store.Pools()["writer"].QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	ctx := debrief.NewSystemContext(context.Background(), "test")
	for _, slug := range answered {
		sr, err := store.ReportBySlug(ctx, slug)
		if err != nil || sr.Report.Title == "" {
			t.Errorf("%s was answered 2xx but does not read back: %v", slug, err)
		}
	}
}
