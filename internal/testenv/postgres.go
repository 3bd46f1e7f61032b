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
	"sync"
	"syscall"
	"testing"
	"time"

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
	once   sync.Once
	err    error
	bin    string
	dir    string
	port   int
	cred   *syscall.Credential // the postgres user's, when we are root
	server *exec.Cmd
	exited chan struct{} // closed when the server process has ended
	mu     sync.Mutex
	n      int // databases made so far
}

var pg cluster

// MustHavePostgres returns the DSN of a new, empty database on a throwaway
// PostgreSQL server that the test binary starts on first use (initdb and
// postgres on a temporary folder and a free loopback port). The server
// runs as a child of the test binary and is stopped by RunMain, or by the
// kernel when the binary dies. MustHavePostgres calls Missing when
// PostgreSQL is not installed.
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

// command runs a PostgreSQL binary, as the postgres user when we are root:
// the server refuses to run as root. It runs in the cluster's folder, which
// that user owns: the test's working folder may be one it cannot enter (a
// clone under root's home, a mktemp -d folder), and the PostgreSQL tools
// fail when they cannot change into their working folder.
func (c *cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	return cmd
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
	parent := ""
	if os.Geteuid() == 0 {
		// The postgres user must reach the folder; TMPDIR may be under
		// root's home.
		parent = "/tmp"
	}
	dir, err := os.MkdirTemp(parent, "debrief-pg-")
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
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	data := filepath.Join(dir, "data")
	if out, err := c.command("initdb", "-D", data, "-U", "debrief", "--auth=trust", "-E", "UTF8",
		"--locale=C.UTF-8", "--no-sync").CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}
	// Another test binary may take the free port before the server binds
	// it; then the server exits at once and another port is tried.
	for attempt := 1; ; attempt++ {
		err := c.serve(data)
		if err == nil || attempt == 3 {
			return err
		}
	}
}

// serve starts the server of the data folder on a free port and waits until
// it takes connections.
func (c *cluster) serve(data string) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	c.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	logFile, err := os.Create(filepath.Join(c.dir, "log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	// The server is a child of this process rather than a daemon that
	// pg_ctl leaves behind, so that it cannot outlive the test binary:
	// the kernel sends it SIGQUIT (immediate shutdown) if the binary dies.
	c.server = c.command("postgres", "-D", data, "-k", c.dir, "-p", strconv.Itoa(c.port),
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=300")
	c.server.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	c.server.Stdout, c.server.Stderr = logFile, logFile
	if err := c.server.Start(); err != nil {
		c.server = nil
		return fmt.Errorf("start postgres: %w", err)
	}
	exited := make(chan struct{})
	c.exited = exited
	go func(cmd *exec.Cmd) {
		cmd.Wait()
		close(exited)
	}(c.server)
	// Wait until the server takes connections, as pg_ctl -w does.
	for {
		select {
		case <-exited:
			c.server = nil
			log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
			return fmt.Errorf("postgres exited: %s", log)
		default:
		}
		if out, err := c.command("pg_isready", "-q", "-h", "127.0.0.1", "-p", strconv.Itoa(c.port)).CombinedOutput(); err == nil {
			return nil
		} else if len(out) > 0 {
			return fmt.Errorf("pg_isready: %s", out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop shuts the server down (fast shutdown: open sessions are ended) and
// removes its folder.
func (c *cluster) stop() {
	if c.server != nil && c.exited != nil {
		c.server.Process.Signal(syscall.SIGINT)
		<-c.exited
		c.server = nil
	}
	if c.dir != "" {
		os.RemoveAll(c.dir)
		c.dir = ""
	}
}
