package logscan

import "strings"

// Level is the severity of a log line on one scale for every format.
type Level uint8

// Levels from least to most severe. LevelNone means the line has none.
const (
	LevelNone Level = iota
	LevelTrace
	LevelDebug
	LevelInfo
	LevelNotice
	LevelWarn
	LevelError
	LevelFatal
)

// String returns the level's lower-case name.
func (l Level) String() string {
	switch l {
	case LevelTrace:
		return "trace"
	case LevelDebug:
		return "debug"
	case LevelInfo:
		return "info"
	case LevelNotice:
		return "notice"
	case LevelWarn:
		return "warn"
	case LevelError:
		return "error"
	case LevelFatal:
		return "fatal"
	}
	return "none"
}

// ParseLevel returns the level a word names ("warn", "WARNING", "err",
// "critical", ...), or LevelNone.
func ParseLevel(s string) Level {
	return levelWord([]byte(strings.TrimSpace(s)))
}

// levelWord maps a level word, in any case, to a Level.
func levelWord(b []byte) Level {
	// The usual spellings first, without folding case.
	switch string(b) {
	case "info", "INFO":
		return LevelInfo
	case "error", "ERROR":
		return LevelError
	case "warn", "WARN":
		return LevelWarn
	case "debug", "DEBUG":
		return LevelDebug
	}
	if len(b) == 0 || len(b) > 9 {
		return LevelNone
	}
	var buf [9]byte
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(b)]) {
	case "trace", "trc", "finest", "finer":
		return LevelTrace
	case "debug", "dbg", "fine", "verbose":
		return LevelDebug
	case "info", "inf", "information", "i":
		return LevelInfo
	case "notice":
		return LevelNotice
	case "warn", "warning", "wrn", "w":
		return LevelWarn
	case "error", "err", "e", "severe":
		return LevelError
	case "fatal", "critical", "crit", "panic", "alert", "emerg", "emergency", "dpanic", "f":
		return LevelFatal
	}
	return LevelNone
}

// bunyanLevel maps a numeric level (bunyan and pino: 10 trace ... 60 fatal)
// to a Level.
func bunyanLevel(n int) Level {
	switch {
	case n >= 60:
		return LevelFatal
	case n >= 50:
		return LevelError
	case n >= 40:
		return LevelWarn
	case n >= 30:
		return LevelInfo
	case n >= 20:
		return LevelDebug
	case n >= 10:
		return LevelTrace
	}
	return LevelNone
}

// syslogLevel maps a syslog severity (0 emergency ... 7 debug) to a Level.
func syslogLevel(sev int) Level {
	switch sev {
	case 0, 1, 2:
		return LevelFatal
	case 3:
		return LevelError
	case 4:
		return LevelWarn
	case 5:
		return LevelNotice
	case 6:
		return LevelInfo
	}
	return LevelDebug
}

// record is one decoded line. Its slices point into the block being decoded
// (or into the decoder's scratch space) and are valid until the next line.
type record struct {
	sec     int64 // Unix seconds
	hasTime bool
	level   Level
	status  int // HTTP status, 0 when none
	user    []byte
	ip      []byte
	msg     []byte
	request bool    // msg is an HTTP request line
	latency float64 // milliseconds
	hasLat  bool
	// cont marks a continuation line (a stack trace under an event): it
	// belongs to the event before it and is neither an event nor bad.
	cont bool
}

func (r *record) reset() { *r = record{} }
