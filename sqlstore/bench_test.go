package sqlstore_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/sqlstore"
)

// benchReports is how many reports the benchmarks store first.
const benchReports = 10000

// Words that vary between the benchmark's reports, so that a search
// matches some reports and not all.
var (
	benchComponents = []string{"kafka", "postgres", "redis", "nginx", "dns", "kubelet", "etcd", "vault", "consul", "envoy",
		"elasticsearch", "rabbitmq", "memcached", "haproxy", "cassandra", "zookeeper", "prometheus", "grafana", "jenkins",
		"terraform", "ingress", "coredns", "certmanager"}
	benchCauses = []string{"a full disk", "an expired certificate", "a bad deploy", "a config typo", "a memory leak",
		"a network partition", "a noisy neighbour", "a schema migration", "a cron job", "a traffic spike", "a quota limit"}
)

// benchReport is the n-th report of the benchmark's corpus.
func benchReport(n int) *debrief.Report {
	r := fullReport(n)
	c := benchComponents[n%len(benchComponents)]
	r.Title = fmt.Sprintf("%s outage %d", c, n)
	r.RootCause.Why = fmt.Sprintf("The %s cluster failed after %s; retries made it worse.", c, benchCauses[n%len(benchCauses)])
	return r
}

// BenchmarkStore measures the store on each database holding 10,000
// reports: get one report, list a page (with its total), search, create
// and update.
func BenchmarkStore(b *testing.B) {
	for _, db := range databases {
		b.Run(db.name, func(b *testing.B) {
			ctx := sysCtx()
			s := openStore(b, db.dsn(b), nil)
			ids := seed(b, s)

			b.Run("get", func(b *testing.B) {
				i := 0
				for b.Loop() {
					if _, err := s.Report(ctx, ids[i%len(ids)]); err != nil {
						b.Fatal(err)
					}
					i += 7919
				}
			})
			b.Run("list_page", func(b *testing.B) {
				for b.Loop() {
					page, err := s.ListReports(ctx, debrief.ReportFilter{Limit: 50})
					if err != nil || len(page.Reports) != 50 || page.Total != benchReports {
						b.Fatalf("%v %v", page, err)
					}
				}
			})
			b.Run("list_filtered", func(b *testing.B) {
				for b.Loop() {
					_, err := s.ListReports(ctx, debrief.ReportFilter{Severity: debrief.LevelHigh, Service: "svc-2", Limit: 50})
					if err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("search", func(b *testing.B) {
				i := 0
				for b.Loop() {
					q := benchComponents[i%len(benchComponents)] + " " + benchCauses[i%len(benchCauses)][2:]
					hits, err := s.SearchReports(ctx, debrief.SearchQuery{Query: q})
					if err != nil || len(hits.Items) == 0 {
						b.Fatalf("%q: no hits, %v", q, err)
					}
					i++
				}
			})
			b.Run("create", func(b *testing.B) {
				i := 0
				for b.Loop() {
					if _, err := s.CreateReport(ctx, fmt.Sprintf("new-%d", i), benchReport(i)); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
			b.Run("update", func(b *testing.B) {
				versions := map[int64]int{}
				i := 0
				for b.Loop() {
					id := ids[(i*7919)%len(ids)]
					v := versions[id]
					if v == 0 {
						v = 1
					}
					r := benchReport(int(id))
					r.Lessons.Surprises = fmt.Sprintf("edit %d", i)
					sr, err := s.UpdateReport(ctx, id, v, r)
					if err != nil {
						b.Fatal(err)
					}
					versions[id] = sr.Version
					i++
				}
			})
		})
	}
}

// seed stores the benchmark's reports, from a few goroutines, and returns
// their IDs.
func seed(b *testing.B, s *sqlstore.Store) []int64 {
	b.Helper()
	ctx := sysCtx()
	ids := make([]int64, benchReports)
	const workers = 4
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := w; n < benchReports; n += workers {
				sr, err := s.CreateReport(ctx, fmt.Sprintf("bench-%05d", n), benchReport(n))
				if err != nil {
					errs <- err
					return
				}
				ids[n] = sr.ID
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return ids
}
