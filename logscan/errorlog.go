package logscan

import "bytes"

// apacheErrorDecoder reads the error log of the Apache HTTP Server, in the
// layout of 2.2:
//
//	[Sun Dec 04 04:47:44 2005] [error] [client 10.1.2.3] message
//
// and of 2.4, with microseconds, the module, the process and thread, and
// the client's port:
//
//	[Sun Dec 04 04:47:44.123456 2005] [core:error] [pid 1:tid 2] [client 10.1.2.3:5] AH00126: message
//
// Its times have no zone: they are read in Options.Location.
type apacheErrorDecoder struct {
	tc  timeCache
	key [24]byte
	_   cachePad
}

func (d *apacheErrorDecoder) decode(line []byte, r *record) bool {
	// "[Www Mmm dd hh:mm:ss[.ffffff] yyyy]"
	if len(line) < 26 || line[0] != '[' || line[4] != ' ' || line[8] != ' ' || line[11] != ' ' {
		return false
	}
	_, n, ok := parseClock(line[12:])
	if !ok || 12+n+6 > len(line) || line[12+n] != ' ' || line[12+n+5] != ']' {
		return false
	}
	year := line[12+n+1 : 12+n+5]
	copy(d.key[:], line[1:20])
	copy(d.key[19:], year)
	sec, ok := d.tc.lookup(d.key[:23])
	if !ok {
		mo, day, y := monthIndex(line[5:8]), digits(line, 9, 2), digits(year, 0, 4)
		if day < 0 && line[9] == ' ' {
			day = digits(line, 10, 1) // a day written with a leading space
		}
		h, mi, s := digits(line, 12, 2), digits(line, 15, 2), digits(line, 18, 2)
		if y < 0 || !validClock(mo, day, h, mi, s) {
			return false
		}
		sec = civil(y, mo, day, h, mi, s)
		d.tc.store(d.key[:23], sec)
	}
	r.sec, r.hasTime = sec-d.tc.locOff, true
	rest := line[12+n+6:]
	// Bracketed fields: the level (after the module in 2.4), the process,
	// the client.
fields:
	for f := 0; f < 4; f++ {
		rest = bytes.TrimLeft(rest, " ")
		if len(rest) == 0 || rest[0] != '[' {
			break
		}
		if ip, e := apacheClient(rest); e > 0 {
			r.ip, rest = ip, rest[e:]
			continue
		}
		e := bytes.IndexByte(rest, ']')
		if e < 0 {
			break
		}
		field := rest[1:e]
		switch {
		case bytes.HasPrefix(field, []byte("pid ")):
		case f == 0:
			if c := bytes.LastIndexByte(field, ':'); c >= 0 {
				field = field[c+1:]
			}
			r.level = apacheLevel(field)
		default:
			break fields // a bracket that is part of the message
		}
		rest = rest[e+1:]
	}
	r.msg = bytes.TrimLeft(rest, " ")
	if r.ip == nil {
		// 2.4 writes the system's error before the client:
		// "(111)Connection refused: [client 10.1.2.3:5] AH01114: ...".
		if c := bytes.Index(r.msg[:min(len(r.msg), 160)], []byte("[client ")); c >= 0 {
			r.ip, _ = apacheClient(r.msg[c:])
		}
	}
	return true
}

// apacheClient reads "[client 10.1.2.3:5]" or "[remote [2001:db8::1]:5]"
// at the start of b and returns the address without its port and the
// index after the field; 0 when b does not start with one.
func apacheClient(b []byte) ([]byte, int) {
	if !bytes.HasPrefix(b, []byte("[client ")) && !bytes.HasPrefix(b, []byte("[remote ")) {
		return nil, 0
	}
	a := b[8:]
	if len(a) > 0 && a[0] == '[' {
		// An IPv6 address in brackets, then an optional port.
		e := bytes.IndexByte(a, ']')
		if e < 0 {
			return nil, 0
		}
		end := bytes.IndexByte(a[e+1:], ']')
		if end < 0 {
			return nil, 0
		}
		return a[1:e], 8 + e + 1 + end + 1
	}
	e := bytes.IndexByte(a, ']')
	if e < 0 {
		return nil, 0
	}
	return hostOnly(a[:e]), 8 + e + 1
}

// apacheLevel reads Apache's LogLevel words, trace1 to trace8 among them.
func apacheLevel(w []byte) Level {
	if len(w) == 6 && string(w[:5]) == "trace" && w[5] >= '1' && w[5] <= '8' {
		return LevelTrace
	}
	return levelWord(w)
}

// hostOnly drops the port from "10.1.2.3:5123" (and the brackets and port
// from "[2001:db8::1]:5123").
func hostOnly(a []byte) []byte {
	if len(a) > 0 && a[0] == '[' {
		if e := bytes.IndexByte(a, ']'); e > 0 {
			return a[1:e]
		}
	}
	if c := bytes.LastIndexByte(a, ':'); c > 0 && bytes.IndexByte(a, '.') > 0 && bytes.IndexByte(a[:c], ':') < 0 {
		return a[:c]
	}
	return a
}

// nginxErrorDecoder reads the error log of nginx:
//
//	2024/01/07 13:45:01 [error] 1234#0: *5 connect() failed (111: Connection refused) while connecting to upstream, client: 10.1.2.3, server: shop, request: "GET /api HTTP/1.1"
//
// The client's address is taken from ", client: "; the message stops
// there, so that the same failure for different requests is one template.
// Times have no zone: they are read in Options.Location.
type nginxErrorDecoder struct {
	tc timeCache
	_  cachePad
}

func (d *nginxErrorDecoder) decode(line []byte, r *record) bool {
	if len(line) < 22 || line[4] != '/' || line[10] != ' ' || line[19] != ' ' || line[20] != '[' {
		return false
	}
	sec, n, ok := d.tc.parseISO(line[:19])
	if !ok || n != 19 {
		return false
	}
	r.sec, r.hasTime = sec, true
	e := bytes.IndexByte(line[21:min(len(line), 21+10)], ']')
	if e < 0 {
		return false
	}
	if r.level = levelWord(line[21 : 21+e]); r.level == LevelNone {
		return false
	}
	rest := line[21+e+1:]
	// "pid#tid: " and the connection number "*5 ".
	if len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	if h := bytes.IndexByte(rest[:min(len(rest), 24)], '#'); h > 0 {
		if c := bytes.Index(rest, []byte(": ")); c > h {
			rest = rest[c+2:]
		}
	}
	if len(rest) > 0 && rest[0] == '*' {
		if sp := bytes.IndexByte(rest, ' '); sp > 0 {
			rest = rest[sp+1:]
		}
	}
	if c := bytes.Index(rest, []byte(", client: ")); c >= 0 {
		ip := rest[c+10:]
		if e := bytes.IndexByte(ip, ','); e >= 0 {
			ip = ip[:e]
		}
		r.ip = ip
		rest = rest[:c]
	}
	r.msg = rest
	return true
}
