package logscan

import "bytes"

// genericDecoder reads lines that start with a timestamp and carry a level
// word among their first fields: log4j ("2015-10-18 18:01:47,978 ERROR
// ..."), Go zap console output (tab-separated), Python logging, and most
// application logs. Lines that do not start with a timestamp are taken as
// continuations of the event above (stack traces).
type genericDecoder struct {
	tc timeCache
	// timeOnly accepts lines that start with a time of day only; used
	// inside Docker records, whose own time gives the date.
	timeOnly bool
	conts    continuations
	_        cachePad
}

func (d *genericDecoder) startBlock() { d.conts.startBlock() }

func (d *genericDecoder) decode(line []byte, r *record) bool {
	i := 0
	if len(line) > 0 && line[0] == '[' {
		i = 1
	}
	var n int
	ok := false
	r.sec, n, ok = d.tc.parseISO(line[i:])
	if ok {
		r.hasTime = true
	} else if d.timeOnly {
		if _, n, ok = parseClock(line[i:]); !ok {
			return d.continuation(line, r)
		}
	} else {
		return d.continuation(line, r)
	}
	i += n
	if i < len(line) && line[i] == ']' {
		i++
	}
	// The level is one of the next few fields, possibly in brackets or
	// after "level=".
	rest := line[i:]
	for f := 0; f < 4 && len(rest) > 0; f++ {
		j := 0
		for j < len(rest) && isSpace(rest[j]) {
			j++
		}
		rest = rest[j:]
		e := 0
		for e < len(rest) && !isSpace(rest[e]) {
			e++
		}
		w := rest[:e]
		rest = rest[e:]
		w = bytes.TrimPrefix(w, []byte("level="))
		w = bytes.Trim(w, "[]():|")
		if lv := levelWord(w); lv != LevelNone && len(w) > 1 {
			r.level = lv
			break
		}
	}
	for len(rest) > 0 && isSpace(rest[0]) {
		rest = rest[1:]
	}
	r.msg = rest
	d.conts.event()
	return r.level != LevelNone || r.hasTime
}

// continuation accepts a line without a timestamp as part of the event
// above it, up to maxContinuation lines.
func (d *genericDecoder) continuation(line []byte, r *record) bool {
	return d.conts.line(r)
}
