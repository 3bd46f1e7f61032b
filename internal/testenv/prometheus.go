package testenv

import (
	"context"

	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// PrometheusConfig is what a test's Prometheus is started with: its
// configuration, with "{{DIR}}" standing for its folder, and files (rules)
// written beside it.
type PrometheusConfig struct {
	Config string
	Files  map[string]string
}

// Prometheus starts Debian's prometheus on a free loopback port with a
// temporary folder, and returns its base URL ("http://127.0.0.1:PORT") once
// it is ready. It calls Missing when prometheus is not installed, and stops
// the server when the test ends.
func Prometheus(tb testing.TB, c PrometheusConfig) string {
	tb.Helper()
	bin := lookBinary(tb, "prometheus", "Prometheus (apt-get install prometheus)")
	dir := writeConfig(tb, "prometheus.yml", c.Config, c.Files)
	addr := freeAddr(tb)
	url := "http://" + addr
	start(tb, "prometheus", dir, bin,
		"--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--web.external-url="+url,
		// Alerts go to Alertmanager at once, not once a minute.
		"--rules.alert.resend-delay=1s",
		"--log.level=warn")
	waitReady(tb, "prometheus", url+"/-/ready")
	return url
}

// Alertmanager starts Debian's prometheus-alertmanager on a free loopback
// port with a temporary folder and the configuration given, without
// gossip, and returns its base URL once it is ready. It calls Missing when
// it is not installed, and stops it when the test ends.
func Alertmanager(tb testing.TB, config string) string {
	tb.Helper()
	bin := lookBinary(tb, "prometheus-alertmanager", "Alertmanager (apt-get install prometheus-alertmanager)")
	dir := writeConfig(tb, "alertmanager.yml", config, nil)
	addr := freeAddr(tb)
	url := "http://" + addr
	start(tb, "alertmanager", dir, bin,
		"--config.file="+filepath.Join(dir, "alertmanager.yml"),
		"--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--web.external-url="+url,
		"--cluster.listen-address=",
		"--log.level=warn")
	waitReady(tb, "alertmanager", url+"/-/ready")
	return url
}

// lookBinary finds a program on PATH, or calls Missing.
func lookBinary(tb testing.TB, name, what string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(tb, what)
	}
	return p
}

// writeConfig writes a configuration and its files into a new folder.
func writeConfig(tb testing.TB, name, config string, files map[string]string) string {
	tb.Helper()
	dir := tb.TempDir()
	all := map[string]string{name: config}
	for f, body := range files {
		all[f] = body
	}
	for f, body := range all {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(strings.ReplaceAll(body, "{{DIR}}", dir)), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// start runs a server in dir until the test ends; its output is shown
// when the test fails.
func start(tb testing.TB, name, dir, bin string, args ...string) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	out, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", name, err)
	}
	tb.Cleanup(func() {
		cancel()
		cmd.Wait()
		out.Close()
		if tb.Failed() {
			if b, err := os.ReadFile(out.Name()); err == nil {
				tb.Logf("%s's log:\n%s", name, b)
			}
		}
	})
}

// waitReady waits for a server's readiness endpoint to answer 200.
func waitReady(tb testing.TB, name, url string) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s was not ready within 30 s: %v", name, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
