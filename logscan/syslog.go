package logscan

import (
	"bytes"
)

// syslogDecoder reads RFC 3164 lines ("<34>Oct 11 22:14:15 host tag[1]:
// msg", the PRI being optional as in files written by rsyslog) and RFC 5424
// lines ("<165>1 2003-10-11T22:14:15.003Z host app procid msgid [sd] msg").
//
// RFC 3164 times have no year. firstYear is the year of the file's first
// line and firstMonth its month: a line with an earlier month is in the
// next year, which handles a log that crosses New Year.
type syslogDecoder struct {
	tc         timeCache
	firstYear  int
	firstMonth int
	haproxy    bool
	hp         haproxyDecoder
	_          cachePad
}

func (d *syslogDecoder) decode(line []byte, r *record) bool {
	i := 0
	sev := -1
	if len(line) > 2 && line[0] == '<' {
		e := bytes.IndexByte(line[:min(len(line), 6)], '>')
		if e < 2 {
			return false
		}
		pri := atoiDigits(line[1:e])
		if pri < 0 || pri > 191 {
			return false
		}
		sev = pri % 8
		i = e + 1
		if i+2 < len(line) && line[i] >= '1' && line[i] <= '9' && line[i+1] == ' ' {
			return d.decode5424(line, i+2, sev, r)
		}
	}
	rest := line[i:]
	if len(rest) < 16 || rest[3] != ' ' || rest[15] != ' ' {
		return false
	}
	sec, ok := d.tc.lookup(rest[:15])
	if !ok {
		mo := monthIndex(rest[:3])
		day := 0
		if rest[4] == ' ' {
			day = digits(rest, 5, 1)
		} else {
			day = digits(rest, 4, 2)
		}
		h, mi, s := digits(rest, 7, 2), digits(rest, 10, 2), digits(rest, 13, 2)
		if rest[6] != ' ' || rest[9] != ':' || rest[12] != ':' || !validClock(mo, day, h, mi, s) {
			return false
		}
		y := d.firstYear
		if mo < d.firstMonth {
			y++
		}
		sec = civil(y, mo, day, h, mi, s)
		d.tc.store(rest[:15], sec)
	}
	r.sec, r.hasTime = sec-d.tc.locOff, true
	// host, then the tag up to ": ".
	j := 16
	sp := bytes.IndexByte(rest[j:], ' ')
	if sp < 0 {
		return false
	}
	j += sp + 1
	msg := rest[j:]
	if c := bytes.Index(msg, []byte(": ")); c >= 0 && c < 64 {
		msg = msg[c+2:]
	}
	d.body(msg, sev, r)
	return true
}

// body fills the level and message from a syslog message.
func (d *syslogDecoder) body(msg []byte, sev int, r *record) {
	r.msg = msg
	if sev >= 0 {
		r.level = syslogLevel(sev)
	} else if c := bytes.IndexByte(msg, ':'); c > 0 && c <= 8 {
		// Daemons often start messages with their level ("error: ...").
		r.level = levelWord(msg[:c])
	}
	if d.haproxy {
		d.hp.decode(msg, r)
	}
	if r.ip == nil {
		r.ip = fromAddress(msg)
	}
}

// fromAddress returns the IPv4 address after " from " in a message, as
// sshd and many daemons write the client's address; nil when there is none.
func fromAddress(msg []byte) []byte {
	i := bytes.Index(msg, []byte(" from "))
	if i < 0 {
		return nil
	}
	a := msg[i+6:]
	n, dots := 0, 0
	for n < len(a) && (a[n] >= '0' && a[n] <= '9' || a[n] == '.') {
		if a[n] == '.' {
			dots++
		}
		n++
	}
	if dots != 3 || n < 7 {
		return nil
	}
	return a[:n]
}

func (d *syslogDecoder) decode5424(line []byte, i, sev int, r *record) bool {
	if i < len(line) && line[i] == '-' {
		return false
	}
	sec, n, ok := d.tc.parseISO(line[i:])
	if !ok {
		return false
	}
	r.sec, r.hasTime = sec, true
	i += n
	// HOSTNAME APP-NAME PROCID MSGID
	for range 4 {
		if i >= len(line) || line[i] != ' ' {
			return false
		}
		i++
		sp := bytes.IndexByte(line[i:], ' ')
		if sp < 0 {
			i = len(line)
		} else {
			i += sp
		}
	}
	// STRUCTURED-DATA: "-" or one or more [id k="v"] elements.
	if i < len(line) && line[i] == ' ' {
		i++
	}
	if i < len(line) && line[i] == '-' {
		i++
	} else {
		for i < len(line) && line[i] == '[' {
			for i++; i < len(line) && line[i] != ']'; i++ {
				if line[i] == '"' {
					e := jsonString(line, i+1)
					if e < 0 {
						return false
					}
					i = e
				}
			}
			i++
		}
	}
	if i < len(line) && line[i] == ' ' {
		i++
	}
	msg := line[min(i, len(line)):]
	msg = bytes.TrimPrefix(msg, []byte("\xef\xbb\xbf"))
	d.body(msg, sev, r)
	return true
}

// haproxyDecoder reads the HTTP log format of HAProxy inside a syslog
// message:
//
//	1.2.3.4:5678 [25/Feb/2019:16:19:48.143] front back/srv 0/0/7/1457/1487 200 11394 ... "GET / HTTP/1.1"
type haproxyDecoder struct {
	tc timeCache
}

// decode fills status, client IP, total time and request, leaving the
// record alone when msg is not an HTTP log line (HAProxy's own notices).
func (d *haproxyDecoder) decode(msg []byte, r *record) {
	sp := bytes.IndexByte(msg, ' ')
	if sp < 0 || sp+1 >= len(msg) || msg[sp+1] != '[' {
		return
	}
	ip := msg[:sp]
	if c := bytes.LastIndexByte(ip, ':'); c > 0 {
		ip = ip[:c]
	}
	e := bytes.IndexByte(msg[sp:], ']')
	if e < 0 {
		return
	}
	// frontend, backend/server, timers, status
	f := bytes.Fields(msg[sp+e+1 : min(len(msg), sp+e+1+200)])
	if len(f) < 4 {
		return
	}
	st := atoiDigits(f[3])
	if st < 100 || st > 999 {
		return
	}
	r.status, r.ip = st, ip
	// The accept date inside the message has the year syslog lacks.
	if sec, _, ok := d.tc.parseCLF(msg[sp+2 : sp+e]); ok {
		r.sec = sec
	}
	if t := bytes.LastIndexByte(f[2], '/'); t >= 0 {
		if ms := atoiDigits(f[2][t+1:]); ms >= 0 {
			r.latency, r.hasLat = float64(ms), true
		}
	}
	if q := bytes.IndexByte(msg, '"'); q >= 0 {
		req := msg[q+1:]
		if e := bytes.IndexByte(req, '"'); e >= 0 {
			req = req[:e]
		}
		r.msg, r.request = req, true
	}
}
