package testenv

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// PostgresBin returns the folder of the PostgreSQL server binaries (initdb,
// pg_ctl), or "" when PostgreSQL is not installed. DEBRIEF_PGBIN overrides
// the search.
func PostgresBin() string {
	if dir := os.Getenv("DEBRIEF_PGBIN"); dir != "" {
		return dir
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	// The newest version sorts last while versions have two digits.
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "pg_ctl")); err == nil {
			return dirs[i]
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

// cluster is the throwaway PostgreSQL server of one test binary. It is the
// one piece of package state here: a server per test would cost a second
// each, so tests share one and each gets its own database.
type cluster struct {
	once sync.Once
	err  error
	bin  string
	dir  string
	port int
	asPG bool // commands run as the postgres user (we are root)
	mu   sync.Mutex
	n    int // databases made so far
}

var pg cluster

// MustHavePostgres returns the DSN of a new, empty database on a throwaway
// PostgreSQL server that the test binary starts on first use (initdb and
// pg_ctl on a temporary folder and a free loopback port) and RunMain stops.
// It calls Missing when PostgreSQL is not installed.
func MustHavePostgres(tb testing.TB) string {
	tb.Helper()
	pg.once.Do(pg.start)
	if pg.bin == "" {
		Missing(tb, "PostgreSQL (apt-get install postgresql)")
	}
	if pg.err != nil {
		tb.Fatalf("start PostgreSQL: %v", pg.err)
	}
	pg.mu.Lock()
	pg.n++
	name := fmt.Sprintf("test_%d", pg.n)
	pg.mu.Unlock()
	admin, err := sql.Open("pgx", pg.dsn("postgres"))
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	return pg.dsn(name)
}

// RunMain runs the tests of m and stops the PostgreSQL server if a test
// started one. Use it in TestMain: os.Exit(testenv.RunMain(m)).
func RunMain(m *testing.M) int {
	code := m.Run()
	pg.stop()
	return code
}

func (c *cluster) dsn(db string) string {
	return fmt.Sprintf("postgres://debrief@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// command runs a PostgreSQL binary, as the postgres user when we are root
// (the server refuses to run as root).
func (c *cluster) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, name)
	if c.asPG {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

func (c *cluster) start() {
	c.bin = PostgresBin()
	if c.bin == "" {
		return
	}
	c.err = c.startServer()
	if c.err != nil {
		c.stop()
	}
}

func (c *cluster) startServer() error {
	dir, err := os.MkdirTemp("", "debrief-pg-")
	if err != nil {
		return err
	}
	c.dir = dir
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("running as root and there is no postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return err
		}
		c.asPG = true
	}
	data := filepath.Join(dir, "data")
	if out, err := c.command("initdb", "-D", data, "-U", "debrief", "--auth=trust", "-E", "UTF8",
		"--locale=C.UTF-8", "--no-sync").CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	c.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	opts := fmt.Sprintf("-k %s -p %d -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", dir, c.port)
	if out, err := c.command("pg_ctl", "-D", data, "-w", "-l", filepath.Join(dir, "log"), "-o", opts, "start").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		return fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	return nil
}

// stop stops the server and removes its folder.
func (c *cluster) stop() {
	if c.dir == "" {
		return
	}
	data := filepath.Join(c.dir, "data")
	if _, err := os.Stat(filepath.Join(data, "postmaster.pid")); err == nil {
		if out, err := c.command("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop").CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "testenv: pg_ctl stop: %v\n%s", err, strings.TrimSpace(string(out)))
		}
	}
	os.RemoveAll(c.dir)
	c.dir = ""
}
