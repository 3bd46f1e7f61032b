package sqlstore_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/sqlstore"
	"github.com/google/go-cmp/cmp"
)

// crashChildEnv, when set to a DSN, makes the test binary a child that
// writes reports to it until it is killed.
const crashChildEnv = "DEBRIEF_SQLSTORE_CRASH_CHILD"

// crashReport is the content of the n-th report the child writes: large
// enough that a kill is likely to land inside a transaction.
func crashReport(n int) *debrief.Report {
	r := fullReport(n)
	for i := range 200 {
		r.Timeline = append(r.Timeline, debrief.Event{Time: debrief.ParseEventTime("10:00"), Event: fmt.Sprintf("event %d of %d", i, n)})
	}
	return r
}

// crashChild creates reports crash-0, crash-1, ... and prints each number
// after its transaction committed, until it is killed.
func crashChild(dsn string) {
	ctx := sysCtx()
	s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	for n := 0; n < 100000; n++ {
		if _, err := s.CreateReport(ctx, fmt.Sprintf("crash-%d", n), crashReport(n)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		fmt.Println(n)
	}
	os.Exit(0)
}

// testSIGKILL kills a writing process and checks that the database opens
// cleanly with every committed report intact.
func testSIGKILL(t *testing.T, dsn string) {
	s := openStore(t, dsn, nil)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dsn)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	committed := -1
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		n, err := strconv.Atoi(sc.Text())
		if err != nil {
			t.Fatalf("child said %q", sc.Text())
		}
		committed = n
		if n == 25 {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if committed != 25 {
		t.Fatalf("child committed %d reports before it ended, want 26", committed+1)
	}
	s.Close()

	ctx := sysCtx()
	s = openStore(t, dsn, nil)
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
	page, err := s.ListReports(ctx, debrief.ReportFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total < committed+1 {
		t.Fatalf("%d reports after the kill, want at least %d", page.Total, committed+1)
	}
	// Committed reports are whole; the one being written when the child
	// died is either whole or absent.
	for n := 0; n < page.Total; n++ {
		got, err := s.ReportBySlug(ctx, fmt.Sprintf("crash-%d", n))
		if err != nil {
			t.Fatalf("report %d: %v", n, err)
		}
		if diff := cmp.Diff(crashReport(n), got.Report, cmpOpts...); diff != "" {
			t.Fatalf("report %d differs after the kill:\n%s", n, diff)
		}
	}
	// The database takes writes again.
	mustCreate(t, s, "after", fullReport(1))
}
