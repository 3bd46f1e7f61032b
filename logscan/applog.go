package logscan

import "bytes"

// maxContinuation bounds the continuation lines (a stack trace, say) that
// one event can have: past it, lines without a time are bad lines, so that
// a file that is not in the format detected is not taken whole as the
// trace of its first event.
const maxContinuation = 2000

// continuations counts the continuation lines after the last event. A
// decoder that has one starts it again at each block (see blockStarter).
type continuations struct{ n int }

// event notes that a line started an event.
func (c *continuations) event() { c.n = 0 }

// line takes a line without a time as a continuation of the event above,
// or as a bad line once the event has had maxContinuation of them.
func (c *continuations) line(r *record) bool {
	c.n++
	if c.n > maxContinuation {
		return false
	}
	r.cont = true
	return true
}

func (c *continuations) startBlock() { c.n = 0 }

// blockStarter is a decoder that keeps a state from line to line, which
// must not carry from one block to the next: a worker decodes blocks in no
// fixed order, and the counts must not depend on it.
type blockStarter interface{ startBlock() }

// javaDecoder reads the logs of Java applications written by log4j,
// logback and Spring Boot: a time, then a header with the level, the thread
// in brackets, the logger and in Spring Boot the process id, then " - " or
// " : " and the message.
//
//	2024-01-07 13:45:01,123 ERROR [http-nio-8080-exec-1] com.example.Db - Query failed
//	2024-01-07 13:45:01.123 [main] ERROR c.e.Db - Query failed
//	2024-01-07T13:45:01.123+01:00 ERROR 4242 --- [main] c.e.Db : Query failed
//
// Lines that do not start with a time (the stack trace of an exception)
// are continuation lines of the event above: the event is counted once.
type javaDecoder struct {
	tc    timeCache
	conts continuations
	_     cachePad
}

func (d *javaDecoder) startBlock() { d.conts.startBlock() }

func (d *javaDecoder) decode(line []byte, r *record) bool {
	sec, n, ok := d.tc.parseISO(line)
	if !ok {
		return d.conts.line(r)
	}
	// The header ends at " - ", " : " or the ": " after a logger name;
	// it holds no tab (Go's zap writes tab-separated lines).
	rest := line[n:]
	sep, skip := -1, 3
	for j := 0; j+2 < len(rest) && j < 320; j++ {
		c := rest[j]
		if c == '\t' {
			return false
		}
		if c == ' ' && (rest[j+1] == '-' || rest[j+1] == ':') && rest[j+2] == ' ' {
			sep = j
			break
		}
		if c == ':' && rest[j+1] == ' ' && j > 0 && rest[j-1] != ' ' && rest[j-1] != ']' {
			sep, skip = j, 2
			break
		}
	}
	if sep < 0 {
		return false
	}
	// Tokens of the header: a bracketed token may hold spaces (Spring Boot
	// pads the thread's name).
	header := rest[:sep]
	tokens, level := 0, LevelNone
	for i := 0; i < len(header); {
		for i < len(header) && header[i] == ' ' {
			i++
		}
		if i >= len(header) {
			break
		}
		start := i
		if c := header[i]; c == '[' || c == '(' {
			// The thread, as log4j and logback write it, or as JBoss
			// does: "(MSC service thread 1-2)".
			end := byte(']')
			if c == '(' {
				end = ')'
			}
			e := bytes.IndexByte(header[i:], end)
			if e < 0 {
				return false
			}
			i += e + 1
		} else {
			for i < len(header) && header[i] != ' ' {
				i++
			}
			if tokens < 2 && level == LevelNone {
				level = levelWord(header[start:i])
			}
		}
		tokens++
	}
	if level == LevelNone || tokens < 2 || tokens > 6 {
		return false
	}
	d.conts.event()
	r.sec, r.hasTime, r.level = sec, true, level
	r.msg = rest[sep+skip:]
	return true
}

// pythonDecoder reads logs written by Python's logging module with the
// time first and fields joined by " - ", as in its documentation:
//
//	%(asctime)s - %(name)s - %(levelname)s - %(message)s
//	2024-01-07 13:45:01,123 - shop.db - ERROR - connection lost
//
// (also without the name). Tracebacks are continuation lines. The layout
// logging.basicConfig uses by default, "ERROR:shop.db:connection lost",
// has no time: see timelessPython.
type pythonDecoder struct {
	tc    timeCache
	conts continuations
	_     cachePad
}

func (d *pythonDecoder) startBlock() { d.conts.startBlock() }

func (d *pythonDecoder) decode(line []byte, r *record) bool {
	sec, n, ok := d.tc.parseISO(line)
	if !ok {
		if timelessPython(line) {
			return false
		}
		return d.conts.line(r)
	}
	sep := []byte(" - ")
	rest := line[n:]
	if !bytes.HasPrefix(rest, sep) {
		return false
	}
	rest = rest[3:]
	// LEVEL - message, or name - LEVEL - message.
	for range 2 {
		e := bytes.Index(rest, sep)
		if e < 0 {
			return false
		}
		if lv := levelWord(rest[:e]); lv != LevelNone {
			d.conts.event()
			r.sec, r.hasTime, r.level, r.msg = sec, true, lv, rest[e+3:]
			return true
		}
		rest = rest[e+3:]
	}
	return false
}

// timelessPython reports whether a line is in the default layout of
// Python's logging.basicConfig, "LEVEL:logger:message", which has no time.
func timelessPython(line []byte) bool {
	c := bytes.IndexByte(line[:min(len(line), 9)], ':')
	if c < 0 {
		return false
	}
	switch string(line[:c]) {
	case "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL":
	default:
		return false
	}
	name := line[c+1:]
	e := bytes.IndexByte(name, ':')
	return e > 0 && bytes.IndexByte(name[:e], ' ') < 0
}
