package sqlstore_test

import (
	"fmt"
	"testing"

	"github.com/debrief-oss/debrief"
)

// BenchmarkReceiveAlerts measures a notification on each database: one
// that opens a draft for a new group, and a re-sent one that changes
// nothing.
func BenchmarkReceiveAlerts(b *testing.B) {
	for _, db := range databases {
		b.Run(db.name, func(b *testing.B) {
			s := openStore(b, db.dsn(b), nil)
			_, src, err := s.CreateSource(sysCtx(), "bench", debrief.SourceAlertmanager)
			if err != nil {
				b.Fatal(err)
			}
			ctx := debrief.NewSourceContext(b.Context(), src)
			payload := func(n int) (*debrief.AlertGroup, []byte) {
				body := fmt.Appendf(nil, `{"group": %d}`, n)
				return &debrief.AlertGroup{
					Key: fmt.Sprintf("{}:{alertname=\"Bench%d\"}", n), Firing: true,
					Labels: map[string]string{"alertname": fmt.Sprintf("Bench%d", n), "service": "checkout", "severity": "critical"},
					Alerts: []debrief.Alert{{Firing: true, Labels: map[string]string{"service": "checkout"}, StartsAt: newClock().Now()}},
				}, body
			}
			b.Run("new group", func(b *testing.B) {
				n := 0
				for b.Loop() {
					n++
					g, body := payload(n)
					if _, err := s.ReceiveAlerts(ctx, src, g, body); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("re-sent", func(b *testing.B) {
				g, body := payload(0)
				if _, err := s.ReceiveAlerts(ctx, src, g, body); err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if out, err := s.ReceiveAlerts(ctx, src, g, body); err != nil || out.Changed {
						b.Fatal(out, err)
					}
				}
			})
		})
	}
}
