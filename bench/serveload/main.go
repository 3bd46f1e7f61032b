// Command serveload measures "debrief serve": it fills a database with
// reports, then loads the running service with concurrent clients, each
// endpoint beside a bare net/http handler that answers a fixed body of the
// same size, in the same run, so that the ratio says what Debrief costs
// over serving bytes.
//
//	serveload seed -db DSN -n 10000
//	serveload run -url http://127.0.0.1:8080 -token TOKEN -c 64 -d 10s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/markdown"
	"github.com/debrief-oss/debrief/sqlstore"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: serveload seed|run [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "seed":
		err = seed(os.Args[2:])
	case "run":
		err = runLoad(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "serveload:", err)
		os.Exit(1)
	}
}

var (
	components = []string{"payments-api", "checkout", "search", "auth", "notifications", "ledger", "catalog", "gateway", "billing", "inventory"}
	causes     = []string{"connection pool exhaustion", "an expired certificate", "a full disk", "a bad configuration push", "a DNS change", "a memory leak", "a slow query after an index was dropped", "a retry storm"}
	severities = []string{"Low", "Medium", "High", "Critical"}
)

// seed stores n reports made from the example, each with its own title,
// date, severity, services and cause.
func seed(args []string) error {
	fs := flag.NewFlagSet("seed", flag.ExitOnError)
	dsn := fs.String("db", "", "database DSN")
	n := fs.Int("n", 10000, "reports to store")
	example := fs.String("example", "examples/2026-03-14-checkout-outage.md", "report to vary")
	fs.Parse(args)
	src, err := os.ReadFile(*example)
	if err != nil {
		return err
	}
	ctx := debrief.NewSystemContext(context.Background(), "serveload")
	s, err := sqlstore.Open(ctx, *dsn, sqlstore.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		return err
	}
	base := markdown.Parse("example.md", src).Report
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range *n {
		r := *base
		c, cause := components[i%len(components)], causes[i%len(causes)]
		r.Title = fmt.Sprintf("%s outage after %s (%d)", c, cause, i)
		r.ID = fmt.Sprintf("PM-%05d", i)
		r.Services = []string{c, components[(i+3)%len(components)]}
		r.Overview.IncidentDate = debrief.DateOf(day.AddDate(0, 0, -i%900))
		r.Overview.Severity = debrief.ParseSeverity(severities[i%len(severities)])
		r.RootCause.What = fmt.Sprintf("The %s service failed because of %s.", c, cause)
		if _, err := s.CreateReport(ctx, fmt.Sprintf("report-%05d", i), &r); err != nil {
			return fmt.Errorf("report %d: %w", i, err)
		}
	}
	fmt.Fprintf(os.Stderr, "stored %d reports\n", *n)
	return nil
}

// target is one request the load repeats.
type target struct {
	name   string
	path   func(i int) string
	accept string
}

// result is the outcome of loading one target.
type result struct {
	requests int
	rps      float64
	p50, p99 time.Duration
	errors   int
}

func runLoad(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	base := fs.String("url", "", "service base URL")
	token := fs.String("token", "", "API token")
	clients := fs.Int("c", 64, "concurrent clients")
	dur := fs.Duration("d", 10*time.Second, "time per target")
	n := fs.Int("n", 10000, "reports stored (IDs 1..n)")
	label := fs.String("label", "", "database label for the table")
	fs.Parse(args)
	words := []string{"pool", "certificate", "disk", "configuration", "dns", "memory", "index", "retry"}
	targets := []target{
		{"GET one report (JSON)", func(i int) string { return fmt.Sprintf("/api/v1/reports/%d", 1+rand.IntN(*n)) }, "application/json"},
		{"GET one report (Markdown)", func(i int) string { return fmt.Sprintf("/api/v1/reports/%d", 1+rand.IntN(*n)) }, "text/markdown"},
		{"list a page (50)", func(i int) string { return "/api/v1/reports?limit=50" }, "application/json"},
		{"list filtered (service)", func(i int) string {
			return "/api/v1/reports?limit=50&service=" + components[rand.IntN(len(components))]
		}, "application/json"},
		{"search", func(i int) string {
			return "/api/v1/search?q=" + components[rand.IntN(len(components))] + "+" + words[rand.IntN(len(words))]
		}, "application/json"},
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients * 2, MaxConnsPerHost: *clients * 2}, Timeout: 30 * time.Second}
	fmt.Printf("| %s | endpoint | Debrief req/s | p50 | p99 | bare req/s | bare p99 | ratio |\n|---|---|---|---|---|---|---|---|\n", "database")
	for _, tg := range targets {
		// One request tells the body's size and type for the bare handler.
		body, ctype, err := fetch(client, *base+tg.path(0), tg.accept, *token)
		if err != nil {
			return fmt.Errorf("%s: %w", tg.name, err)
		}
		bare, stop, err := bareServer(len(body), ctype)
		if err != nil {
			return err
		}
		d := load(client, *base, tg, *token, *clients, *dur)
		b := load(client, bare, target{name: "bare", path: func(int) string { return "/" }, accept: tg.accept}, "", *clients, *dur)
		stop()
		fmt.Printf("| %s | %s (%d bytes) | %.0f | %s | %s | %.0f | %s | %.2f |\n", *label, tg.name, len(body), d.rps, ms(d.p50), ms(d.p99), b.rps, ms(b.p99), d.rps/b.rps)
		if d.errors > 0 {
			fmt.Fprintf(os.Stderr, "%s: %d errors\n", tg.name, d.errors)
		}
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// fetch makes one request and returns its body and Content-Type.
func fetch(c *http.Client, url, accept, token string) ([]byte, string, error) {
	r, _ := http.NewRequest("GET", url, nil)
	r.Header.Set("Accept", accept)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(r)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return nil, "", fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	return b, resp.Header.Get("Content-Type"), err
}

// bareServer answers every request with a fixed body of size bytes.
func bareServer(size int, ctype string) (string, func(), error) {
	body := []byte(strings.Repeat("x", size))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.Write(body)
	})}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// load runs clients that repeat the target's request for d and measures
// each.
func load(c *http.Client, base string, tg target, token string, clients int, d time.Duration) result {
	var mu sync.Mutex
	var lat []time.Duration
	var errs atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			var mine []time.Duration
			for j := 0; time.Now().Before(deadline); j++ {
				r, _ := http.NewRequest("GET", base+tg.path(i*1000000+j), nil)
				r.Header.Set("Accept", tg.accept)
				if token != "" {
					r.Header.Set("Authorization", "Bearer "+token)
				}
				start := time.Now()
				resp, err := c.Do(r)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						err = errors.New(resp.Status)
					}
				}
				if err != nil {
					errs.Add(1)
					continue
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(lat)
	res := result{requests: len(lat), errors: int(errs.Load())}
	if len(lat) > 0 {
		res.rps = float64(len(lat)) / d.Seconds()
		res.p50 = lat[len(lat)/2]
		res.p99 = lat[len(lat)*99/100]
	}
	return res
}
