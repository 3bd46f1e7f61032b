// Package loggen writes large synthetic logs with a known incident: the
// window in which the error rate rises, the errors and requests inside it,
// and the distinct users who saw a failure there. The output depends only
// on the configuration, so tests can assert exact answers and benchmarks
// can regenerate the same gigabyte anywhere.
package loggen

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Formats the generator writes.
const (
	Combined = "combined" // Apache/nginx combined access log
	JSON     = "json"     // one JSON object per line
)

// Config describes a log to generate.
type Config struct {
	Format string
	Lines  int64
	Start  time.Time     // time of the first line
	Span   time.Duration // time the lines cover, spread evenly
	Users  int           // distinct user ids (u0 ... u<Users-1>)
	// IncidentStart and IncidentEnd are offsets from Start; lines in
	// [Start+IncidentStart, Start+IncidentEnd) fail at IncidentErrorPct
	// percent, the others at BaseErrorPermille per thousand.
	IncidentStart, IncidentEnd time.Duration
	BaseErrorPermille          int
	IncidentErrorPct           int
	Seed                       uint64
}

// Default returns a configuration for n lines of the given format: two
// hours from 2026-03-14 12:00 UTC, 50,000 users, an incident from 13:05 to
// 13:20 with 30% errors, against a baseline of 0.5%.
func Default(format string, n int64) Config {
	return Config{
		Format:            format,
		Lines:             n,
		Start:             time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC),
		Span:              2 * time.Hour,
		Users:             50000,
		IncidentStart:     65 * time.Minute,
		IncidentEnd:       80 * time.Minute,
		BaseErrorPermille: 5,
		IncidentErrorPct:  30,
		Seed:              1,
	}
}

// Stats are the exact answers for a generated log.
type Stats struct {
	Lines          int64
	Bytes          int64
	Errors         int64
	IncidentStart  time.Time
	IncidentEnd    time.Time
	WindowRequests int64
	WindowErrors   int64
	// WindowUsers is the number of distinct users with at least one
	// failed request inside the incident window.
	WindowUsers int64
	// TemplateErrors counts errors per message kind (JSON only), in the
	// order of the generator's message list.
	TemplateErrors []int64
}

// errorMessages are the failing messages of JSON logs; %d parts vary.
func errorMessages() []string {
	return []string{
		"upstream timeout after %dms talking to db-%d",
		"payment provider returned status %d for order %d",
		"cache miss storm: %d keys evicted on shard %d",
	}
}

// rng is splitmix64: small, fast and the same everywhere.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Write writes the log to w and returns its exact answers.
func Write(w io.Writer, c Config) (Stats, error) {
	if c.Format != Combined && c.Format != JSON {
		return Stats{}, fmt.Errorf("loggen: unknown format %q (want %s or %s)", c.Format, Combined, JSON)
	}
	if c.Users <= 0 || c.Lines <= 0 || c.Span <= 0 {
		return Stats{}, fmt.Errorf("loggen: lines, users and span must be positive")
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	r := rng{s: c.Seed}
	st := Stats{IncidentStart: c.Start.Add(c.IncidentStart), IncidentEnd: c.Start.Add(c.IncidentEnd), TemplateErrors: make([]int64, len(errorMessages()))}
	failed := make([]uint64, (c.Users+63)/64)
	start := c.Start.Unix()
	winFrom, winTo := st.IncidentStart.Unix(), st.IncidentEnd.Unix()
	spanSec := int64(c.Span / time.Second)
	var line []byte
	var stamp []byte
	stampSec := int64(-1)
	msgs := errorMessages()
	for i := range c.Lines {
		sec := start + i*spanSec/c.Lines
		if sec != stampSec {
			stampSec = sec
			t := time.Unix(sec, 0).UTC()
			if c.Format == Combined {
				stamp = t.AppendFormat(stamp[:0], "02/Jan/2006:15:04:05 -0700")
			} else {
				stamp = t.AppendFormat(stamp[:0], "2006-01-02T15:04:05")
			}
		}
		x := r.next()
		user := int(x % uint64(c.Users))
		roll := int((x >> 32) % 1000)
		inWin := sec >= winFrom && sec < winTo
		isErr := roll < c.BaseErrorPermille
		if inWin {
			isErr = roll < c.IncidentErrorPct*10
			st.WindowRequests++
		}
		y := r.next()
		status := 200
		switch {
		case isErr:
			status = [...]int{500, 502, 503, 504}[y%4]
		case y%50 == 0:
			status = 404
		case y%70 == 0:
			status = 304
		}
		if isErr {
			st.Errors++
			if inWin {
				st.WindowErrors++
				if failed[user/64]&(1<<(user%64)) == 0 {
					failed[user/64] |= 1 << (user % 64)
					st.WindowUsers++
				}
			}
		}
		item := int64(y>>8) % 100000
		ms := int64(y>>24)%900 + 5
		line = line[:0]
		if c.Format == Combined {
			line = append(line, "10."...)
			line = strconv.AppendInt(line, int64(user>>16), 10)
			line = append(line, '.')
			line = strconv.AppendInt(line, int64(user>>8&255), 10)
			line = append(line, '.')
			line = strconv.AppendInt(line, int64(user&255), 10)
			line = append(line, " - u"...)
			line = strconv.AppendInt(line, int64(user), 10)
			line = append(line, " ["...)
			line = append(line, stamp...)
			line = append(line, "] \"GET /api/items/"...)
			line = strconv.AppendInt(line, item, 10)
			line = append(line, "?view=full HTTP/1.1\" "...)
			line = strconv.AppendInt(line, int64(status), 10)
			line = append(line, ' ')
			line = strconv.AppendInt(line, ms*37, 10)
			line = append(line, " \"https://shop.example.com/catalog\" \"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\"\n"...)
		} else {
			line = append(line, `{"time":"`...)
			line = append(line, stamp...)
			line = append(line, '.')
			line = strconv.AppendInt(line, 100+int64(y%900), 10)
			line = append(line, `Z","level":"`...)
			if isErr {
				line = append(line, "error"...)
			} else {
				line = append(line, "info"...)
			}
			line = append(line, `","service":"checkout","msg":"`...)
			if isErr {
				k := int(y>>40) % len(msgs)
				st.TemplateErrors[k]++
				line = fmt.Appendf(line, msgs[k], item%3000, y%16)
			} else {
				line = append(line, "GET /api/items/"...)
				line = strconv.AppendInt(line, item, 10)
			}
			line = append(line, `","status":`...)
			line = strconv.AppendInt(line, int64(status), 10)
			line = append(line, `,"user_id":"u`...)
			line = strconv.AppendInt(line, int64(user), 10)
			line = append(line, `","latency_ms":`...)
			line = strconv.AppendInt(line, ms, 10)
			line = append(line, `,"trace_id":"`...)
			line = strconv.AppendUint(line, x, 16)
			line = append(line, "\"}\n"...)
		}
		if _, err := bw.Write(line); err != nil {
			return st, err
		}
		st.Lines++
		st.Bytes += int64(len(line))
	}
	return st, bw.Flush()
}

// LinesFor estimates how many lines of the configured format make about
// size bytes.
func LinesFor(c Config, size int64) int64 {
	c.Lines = 20000
	st, err := Write(io.Discard, c)
	if err != nil || st.Bytes == 0 {
		return 0
	}
	return size * st.Lines / st.Bytes
}
