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
	// Incidents, when set, replaces the single incident above with any
	// number of windows of any kind (see Window).
	Incidents []Window
}

// Window is one stretch of a generated log that differs from the rest.
// Start and End are offsets from Config.Start; End may lie past the end of
// the log (the incident is still going on when the log stops).
type Window struct {
	Start, End time.Duration
	// ErrorPct is the percentage of lines that fail inside the window; -1
	// keeps the baseline (BaseErrorPermille).
	ErrorPct int
	// RampEnd, when set, makes the failures rise evenly from the baseline
	// at Start to ErrorPct at RampEnd, and stay there until End.
	RampEnd time.Duration
	// Warn makes the lines that would fail warnings instead (level warn,
	// status 200): a warnings-only incident. JSON only.
	Warn bool
	// VolumePct, when not 0, keeps only that percentage of the lines
	// inside the window: 1 is an outage in which the service barely logs.
	VolumePct int
	// LatencyX, when not 0, multiplies the latency of the lines inside
	// the window. JSON only (the combined format has no latency).
	LatencyX int
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
	// Windows gives, for each window of the configuration (the single
	// incident when Config.Incidents is empty), its time and what was
	// written inside it.
	Windows []WindowStats
}

// WindowStats are the exact answers for one window.
type WindowStats struct {
	Start, End time.Time
	Requests   int64
	Errors     int64
	Warnings   int64
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
	wins := c.Incidents
	if len(wins) == 0 {
		wins = []Window{{Start: c.IncidentStart, End: c.IncidentEnd, ErrorPct: c.IncidentErrorPct}}
	}
	for _, x := range wins {
		if (x.Warn || x.LatencyX != 0) && c.Format != JSON {
			return Stats{}, fmt.Errorf("loggen: a warnings or latency window needs the %s format", JSON)
		}
		if x.End <= x.Start || x.RampEnd != 0 && (x.RampEnd <= x.Start || x.RampEnd > x.End) {
			return Stats{}, fmt.Errorf("loggen: window %s to %s (ramp to %s) is empty or misordered", x.Start, x.End, x.RampEnd)
		}
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	r := rng{s: c.Seed}
	st := Stats{IncidentStart: c.Start.Add(wins[0].Start), IncidentEnd: c.Start.Add(wins[0].End), TemplateErrors: make([]int64, len(errorMessages()))}
	for _, x := range wins {
		st.Windows = append(st.Windows, WindowStats{Start: c.Start.Add(x.Start), End: c.Start.Add(x.End)})
	}
	failed := make([]uint64, (c.Users+63)/64)
	start := c.Start.Unix()
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
		win := -1
		for k, wn := range wins {
			if sec >= start+int64(wn.Start/time.Second) && sec < start+int64(wn.End/time.Second) {
				win = k
				break
			}
		}
		inWin := win == 0
		isErr, isWarn := roll < c.BaseErrorPermille, false
		if win >= 0 {
			wn := wins[win]
			if wn.VolumePct != 0 && int(r.next()%100) >= wn.VolumePct {
				continue
			}
			permille := wn.ErrorPct * 10
			if wn.ErrorPct < 0 {
				permille = c.BaseErrorPermille
			}
			if from, to := start+int64(wn.Start/time.Second), start+int64(wn.RampEnd/time.Second); wn.RampEnd != 0 && sec < to {
				permille = c.BaseErrorPermille + (permille-c.BaseErrorPermille)*int(sec-from)/int(to-from)
			}
			isErr = roll < permille
			if wn.Warn {
				isErr, isWarn = roll < c.BaseErrorPermille, roll < permille
			}
			ws := &st.Windows[win]
			ws.Requests++
			if isErr {
				ws.Errors++
			}
			if isWarn {
				ws.Warnings++
			}
		}
		if inWin {
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
		if win >= 0 && wins[win].LatencyX != 0 {
			ms *= int64(wins[win].LatencyX)
		}
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
			switch {
			case isErr:
				line = append(line, "error"...)
			case isWarn:
				line = append(line, "warn"...)
			default:
				line = append(line, "info"...)
			}
			line = append(line, `","service":"checkout","msg":"`...)
			if isErr {
				k := int(y>>40) % len(msgs)
				st.TemplateErrors[k]++
				line = fmt.Appendf(line, msgs[k], item%3000, y%16)
			} else if isWarn {
				line = fmt.Appendf(line, "connection to peer %d lost, retrying in %dms", y%5, item%900)
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

// Scenarios names the generated logs with a known truth that the detection
// is tested on; Scenario returns the configuration of one.
var Scenarios = []string{"default", "long", "early", "ongoing", "warnings", "outage", "slow", "two", "ramp", "night"}

// Scenario returns the configuration of a named scenario of n lines. Each
// spans two hours from 2026-03-14 12:00 UTC (night: a day from 12:00 on
// the 13th) against a baseline of 0.5% errors:
//
//	default   13:05-13:20, 30% errors
//	long      12:24-13:36, 25% errors: the incident fills 60% of the log
//	early     12:00-12:15, 30% errors: it starts with the log
//	ongoing   13:30-14:30, 30% errors: it is still going on when the log ends
//	warnings  13:05-13:20, 30% warnings and no more errors (JSON only)
//	outage    13:05-13:20, 1% of the usual volume and no errors
//	slow      13:05-13:20, latency ten times the usual, no more errors
//	          (JSON only)
//	two       12:30-12:40 and 13:20-13:35, 25% errors
//	ramp      13:00-13:30, errors rising evenly to 30% at 13:20
//	night     traffic falls in hourly steps (50%, 25%, 10%, 5% of the
//	          day's from 21:00) to 2% from 01:00 to 04:00, with 1% errors
//	          then, and rises back the same way until 08:00: a quiet
//	          night with a few errors, which is no incident
func Scenario(name, format string, n int64) (Config, error) {
	c := Default(format, n)
	min := func(m int) time.Duration { return time.Duration(m) * time.Minute }
	switch name {
	case "default":
	case "long":
		c.Incidents = []Window{{Start: min(24), End: min(96), ErrorPct: 25}}
	case "early":
		c.Incidents = []Window{{Start: 0, End: min(15), ErrorPct: 30}}
	case "ongoing":
		c.Incidents = []Window{{Start: min(90), End: min(150), ErrorPct: 30}}
	case "warnings":
		c.Incidents = []Window{{Start: min(65), End: min(80), ErrorPct: 30, Warn: true}}
	case "outage":
		c.Incidents = []Window{{Start: min(65), End: min(80), VolumePct: 1}}
	case "slow":
		c.Incidents = []Window{{Start: min(65), End: min(80), ErrorPct: -1, LatencyX: 10}}
	case "two":
		c.Incidents = []Window{{Start: min(30), End: min(40), ErrorPct: 25}, {Start: min(80), End: min(95), ErrorPct: 25}}
	case "ramp":
		c.Incidents = []Window{{Start: min(60), End: min(90), RampEnd: min(80), ErrorPct: 30}}
	case "night":
		c.Start, c.Span = c.Start.Add(-24*time.Hour), 24*time.Hour
		h := func(n int) time.Duration { return time.Duration(n) * time.Hour }
		c.Incidents = []Window{{Start: h(13), End: h(16), VolumePct: 2, ErrorPct: 1}}
		for k, pct := range []int{5, 10, 25, 50} {
			c.Incidents = append(c.Incidents, Window{Start: h(12 - k), End: h(13 - k), VolumePct: pct, ErrorPct: -1}, Window{Start: h(16 + k), End: h(17 + k), VolumePct: pct, ErrorPct: -1})
		}
	default:
		return Config{}, fmt.Errorf("loggen: unknown scenario %q (want one of %v)", name, Scenarios)
	}
	return c, nil
}
