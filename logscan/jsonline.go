package logscan

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Field roles a key of a JSON or logfmt record can have.
const (
	roleTime = 1 << iota
	roleLevel
	roleStatus
	roleUser
	roleIP
	roleMsg
	roleLatency
	roleLog // the inner line of a Docker json-file record

	// roleMask keeps the roles above, which a record is filled with; the
	// kinds below only say how to read a key's object or array value.
	roleMask = 1<<iota - 1
	// roleNest: the key's object value holds fields, named by paths
	// under the key ("http" for http.response.status_code).
	roleNest = 1 << (iota - 1)
	// roleAttrs: the key's value is an OpenTelemetry attribute list,
	// [{"key": ..., "value": {"stringValue": ...}}], or a map of
	// attributes; their names are paths of their own.
	roleAttrs
	// roleFallback: the key's value is the message of a line that has no
	// other (error.message, an OpenTelemetry body). The key has no role of
	// its own, so that the lines that never have one do not pay for it.
	roleFallback
)

// Units of a role other than latency: how a number is read.
const (
	unitOTelSeverity = -1 // a level given as OpenTelemetry's SeverityNumber, 1-24
	unitUnixNano     = -2 // a time in nanoseconds, where 0 means "not set" (OpenTelemetry)
)

// Keys names the fields to use besides the common names; an empty string
// keeps the defaults. A name is a path: "http.response.status_code" is the
// field status_code of the object response of the object http, or a key
// written with its dots, as Elastic Common Schema writers do both.
type Keys struct {
	Time, Level, Status, User, IP, Message, Latency string
}

// FieldRoles lists the roles Keys.Set takes.
const FieldRoles = "time, level, status, user, ip, message, duration"

// Set names the field of one role by its path: role is one of FieldRoles
// ("msg" and "latency" are taken for message and duration).
func (c *Keys) Set(role, path string) error {
	if path == "" || strings.ContainsAny(path, " \t\r\n\"\\") || strings.HasPrefix(path, ".") || strings.HasSuffix(path, ".") || strings.Contains(path, "..") {
		return fmt.Errorf("bad field path %q: want names joined by dots, such as http.response.status_code", path)
	}
	switch role {
	case "time":
		c.Time = path
	case "level":
		c.Level = path
	case "status":
		c.Status = path
	case "user":
		c.User = path
	case "ip":
		c.IP = path
	case "message", "msg":
		c.Message = path
	case "duration", "latency":
		c.Latency = path
	default:
		return fmt.Errorf("unknown field role %q (want one of %s)", role, FieldRoles)
	}
	return nil
}

// under reports whether k is a path a custom key lies below, so that an
// object under k is read.
func (c *Keys) under(k []byte) bool {
	for _, p := range [...]string{c.Time, c.Level, c.Status, c.User, c.IP, c.Message, c.Latency} {
		if len(p) > len(k) && p[len(k)] == '.' && p[:len(k)] == string(k) {
			return true
		}
	}
	return false
}

// keyRole returns the role of a key (a path, for keys inside objects) and,
// for latency keys, the factor from the key's unit to milliseconds (0 when
// the unit is guessed from the value). The role may carry roleNest or
// roleAttrs, when the key's value is to be read as an object of fields.
func keyRole(k []byte, custom *Keys) (role int, unit float64) {
	if custom != nil {
		switch {
		case custom.Time != "" && string(k) == custom.Time:
			return roleTime, 0
		case custom.Level != "" && string(k) == custom.Level:
			return roleLevel, 0
		case custom.Status != "" && string(k) == custom.Status:
			return roleStatus, 0
		case custom.User != "" && string(k) == custom.User:
			return roleUser, 0
		case custom.IP != "" && string(k) == custom.IP:
			return roleIP, 0
		case custom.Message != "" && string(k) == custom.Message:
			return roleMsg, 0
		case custom.Latency != "" && string(k) == custom.Latency:
			return roleLatency, 0
		}
		if custom.under(k) {
			role, unit = keyRole(k, nil)
			return role | roleNest, unit
		}
	}
	switch string(k) {
	case "ts", "time", "timestamp", "@timestamp", "t", "date", "datetime", "eventTime", "Timestamp":
		return roleTime, 0
	case "timeUnixNano", "observedTimeUnixNano", "ObservedTimestamp":
		// OpenTelemetry: the observed time stands in for a time not set.
		return roleTime, unitUnixNano
	case "level", "severity", "lvl", "loglevel", "log.level", "levelname", "@level", "severityText", "SeverityText":
		return roleLevel, 0
	case "severityNumber", "SeverityNumber":
		return roleLevel, unitOTelSeverity
	case "status", "status_code", "statusCode", "http_status", "response_status", "http.status_code", "code",
		"http.response.status_code":
		return roleStatus, 0
	case "user_id", "userId", "userid", "uid", "username", "account_id", "customer_id", "usr.id",
		"user.id", "user.name", "enduser.id":
		return roleUser, 0
	case "user":
		return roleUser | roleNest, 0
	case "client_ip", "remote_addr", "remote_ip", "clientip", "ip", "remote", "src_ip", "http.client_ip",
		"client.ip", "client.address", "source.ip", "source.address":
		return roleIP, 0
	case "client":
		return roleIP | roleNest, 0
	case "msg", "message", "@message", "err":
		return roleMsg, 0
	case "error.message", "body", "Body":
		// The message of a line that has no other: an HTTP log may have
		// a "body" beside its message.
		return roleFallback, 0
	case "error":
		return roleMsg | roleNest, 0
	case "latency_ms", "duration_ms", "elapsed_ms", "response_time_ms", "took_ms", "time_ms":
		return roleLatency, 1
	case "latency_us", "duration_us":
		return roleLatency, 0.001
	case "event.duration":
		// The Elastic Common Schema gives durations in nanoseconds.
		return roleLatency, 1e-6
	case "request_time", "upstream_response_time", "duration_s", "latency_s", "elapsed_s":
		return roleLatency, 1000
	case "latency", "duration", "elapsed", "response_time", "took", "rt":
		return roleLatency, 0
	case "log":
		// Docker's inner line; in the Elastic Common Schema, the object
		// that holds log.level.
		return roleLog | roleNest, 0
	case "http", "http.response", "event", "source", "enduser", "resource":
		return roleNest, 0
	case "attributes", "Attributes", "resource.attributes", "Resource":
		return roleAttrs, 0
	}
	return 0, 0
}

// jsonString returns the end of a JSON string whose content starts at i
// (just after the opening quote), or -1.
func jsonString(b []byte, i int) int {
	for {
		j := findQuote(b, i)
		if j < 0 {
			return -1
		}
		if j == 0 || b[j-1] != '\\' {
			return j
		}
		// Count the backslashes before the quote: an odd number escapes it.
		n := 0
		for k := j - 1; k >= i && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return j
		}
		i = j + 1
	}
}

// stringEnd is jsonString for the common string with no escapes: it looks
// for the first quote or backslash eight bytes at a time, and reports
// whether it met a backslash (then the value may need unescaping).
func stringEnd(b []byte, i int) (int, bool) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for i+8 <= len(b) {
		w := binary.LittleEndian.Uint64(b[i:])
		q, s := w^(ones*'"'), w^(ones*'\\')
		if t := ((q-ones)&^q | (s-ones)&^s) & highs; t != 0 {
			j := i + bits.TrailingZeros64(t)/8
			if b[j] == '"' {
				return j, false
			}
			return jsonString(b, j), true
		}
		i += 8
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			return i, false
		case '\\':
			return jsonString(b, i), true
		}
	}
	return -1, false
}

// findQuote returns the index of the first '"' at or after i, or -1. It
// tests eight bytes at a time: keys and values are mostly too short for the
// call into the vectorised search to pay off.
func findQuote(b []byte, i int) int { return findByte(b, i, '"') }

// findByte returns the index of the first c at or after i, or -1, testing
// eight bytes at a time (for the short spans between fields).
func findByte(b []byte, i int, c byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	pattern := ones * uint64(c)
	for i+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[i:]) ^ pattern
		if t := (x - ones) &^ x & highs; t != 0 {
			return i + bits.TrailingZeros64(t)/8
		}
		i += 8
	}
	for ; i < len(b); i++ {
		if b[i] == c {
			return i
		}
	}
	return -1
}

// skipNested returns the index after the object or array that starts at i.
func skipNested(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			e := jsonString(b, i+1)
			if e < 0 {
				return -1
			}
			i = e
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
		i++
	}
	return -1
}

// isSpace reports whether c is JSON whitespace (or another control byte,
// which is as good as whitespace between tokens).
func isSpace(c byte) bool { return c <= ' ' }

// unescapeJSON appends the decoded content of a JSON string to dst.
func unescapeJSON(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			dst = append(dst, c)
			continue
		}
		i++
		switch s[i] {
		case 'n':
			dst = append(dst, '\n')
		case 't':
			dst = append(dst, '\t')
		case 'r':
			dst = append(dst, '\r')
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'u':
			r, ok := hex4(s, i+1)
			if !ok {
				dst = append(dst, '\\', 'u')
				continue
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok := rune(0), false
				if i+2 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
					r2, ok = hex4(s, i+3)
				}
				if d := utf16.DecodeRune(r, r2); ok && d != utf8.RuneError {
					r = d
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
		default:
			dst = append(dst, s[i])
		}
	}
	return dst
}

// hex4 reads four hex digits at s[i:].
func hex4(s []byte, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range s[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// jsonDecoder reads one JSON object per line. want is the set of roles seen
// in the file's first lines: once a line has given all of them the rest of
// it is not scanned.
type jsonDecoder struct {
	tc   timeCache
	keys *Keys
	want int
	// fallback is the message to use when the line has no other
	// (error.message), and fallbackEsc whether it may hold escapes.
	fallback    []byte
	fallbackEsc bool
	// inner decodes the "log" field of Docker json-file records; nil for
	// plain JSON lines.
	inner   decoder
	scratch []byte
	seen    int // roles found in the last line (for detection)
	lines   int
	// memo remembers the role of the n-th key of the last lines: records
	// of one file usually list the same keys in the same order, and one
	// comparison is cheaper than looking a key up among all names.
	memo [16]keyMemo
	// path holds the path of a key inside objects ("http.response"),
	// after the fields every line uses.
	path [128]byte
	_    cachePad
}

type keyMemo struct {
	n    int
	key  [24]byte
	role int
	unit float64
	// The key as it is written, `"key":`, in two little-endian words
	// with masks, so that a line with the same key here is recognised
	// with two loads and compares. plen is its length, 0 when the key is
	// too long for two words or has a backslash.
	w0, w1, m0, m1 uint64
	plen           int
	// comma says that the pattern starts with the comma before the key,
	// `,"key":`: then the key is recognised straight after the previous
	// value, without first stepping over the separator.
	comma bool
}

// wordMask returns a mask of the low n bytes of a word.
func wordMask(n int) uint64 {
	switch {
	case n <= 0:
		return 0
	case n >= 8:
		return ^uint64(0)
	}
	return 1<<(8*n) - 1
}

// setPattern prepares the two-word form of `"key":`, or of `,"key":` when
// comma is set and the key is short enough for it.
func (m *keyMemo) setPattern(key []byte, comma bool) {
	m.plen, m.comma = 0, false
	if len(key) > 13 || bytes.IndexByte(key, '\\') >= 0 {
		return
	}
	var p [16]byte
	n := 0
	if comma && len(key) <= 12 {
		p[0] = ','
		n, m.comma = 1, true
	}
	p[n] = '"'
	n += 1 + copy(p[n+1:], key)
	p[n] = '"'
	p[n+1] = ':'
	n += 2
	m.m0, m.m1 = wordMask(n), wordMask(n-8)
	m.w0 = binary.LittleEndian.Uint64(p[:]) & m.m0
	m.w1 = binary.LittleEndian.Uint64(p[8:]) & m.m1
	m.plen = n
}

// role returns the role of the n-th key of a record; comma says that a
// comma comes just before the key's opening quote.
func (d *jsonDecoder) role(n int, key []byte, comma bool) (int, float64) {
	if n >= len(d.memo) || len(key) > len(d.memo[0].key) {
		return keyRole(key, d.keys)
	}
	m := &d.memo[n]
	if m.n == len(key) && string(m.key[:m.n]) == string(key) {
		return m.role, m.unit
	}
	m.role, m.unit = keyRole(key, d.keys)
	m.n = copy(m.key[:], key)
	m.setPattern(key, comma)
	return m.role, m.unit
}

// startBlock starts the inner decoder of Docker records at a block.
func (d *jsonDecoder) startBlock() {
	if s, ok := d.inner.(blockStarter); ok {
		s.startBlock()
	}
}

func (d *jsonDecoder) decode(line []byte, r *record) bool {
	// Every 64th line is read to its end, so that keys the first lines
	// of the file did not have (a user id only on some requests, say)
	// join the keys a line is read for.
	d.lines++
	full := d.lines&63 == 0
	i := 0
	for i < len(line) && isSpace(line[i]) {
		i++
	}
	if i >= len(line) || line[i] != '{' {
		return false
	}
	// Whether a line is bad must not depend on how much of it a worker
	// reads (that depends on what it has learnt): an object that is not
	// closed is bad, and past its time a line that stops making sense keeps
	// the fields read so far.
	// (A loop rather than bytes.TrimRight: building the cut set on every
	// line cost more than the rest of the check.)
	end := len(line)
	for end > i && (line[end-1] == ' ' || line[end-1] == '\t' || line[end-1] == '\r') {
		end--
	}
	if line[end-1] != '}' {
		return false
	}
	i++
	found, nkey := 0, 0
	// stop is the set of roles after which the rest of the line is not
	// read; a set no line can have when this line is read to its end.
	stop := ^0
	if !full && d.inner == nil && d.want != 0 {
		stop = d.want
	}
	var logVal []byte
loop:
	for {
		// The key is most likely the one at this place in the last line:
		// checking that is cheaper than searching for its end. Usually
		// the comma before it is part of the pattern too, and the whole
		// `,"key":` is recognised where the previous value ended.
		// colon says that the pattern matched took the colon too.
		role, unit, known, colon := 0, 0.0, false, false
		var key []byte // the key, when its value may be an object to read
		if nkey < len(d.memo) {
			if m := &d.memo[nkey]; m.comma && i+16 <= len(line) {
				w := line[i : i+16]
				if binary.LittleEndian.Uint64(w)&m.m0 == m.w0 && binary.LittleEndian.Uint64(w[8:])&m.m1 == m.w1 {
					role, unit, known, colon = m.role, m.unit, true, true
					key = m.key[:m.n]
					i += m.plen
				}
			}
		}
		if !known {
			for i < len(line) && (isSpace(line[i]) || line[i] == ',') {
				i++
			}
			if i >= len(line) {
				if found&roleTime == 0 {
					return false
				}
				break loop
			}
			if line[i] == '}' {
				break
			}
			if line[i] != '"' {
				if found&roleTime == 0 {
					return false
				}
				break loop
			}
			if nkey < len(d.memo) {
				m := &d.memo[nkey]
				if m.plen > 0 && !m.comma && i+16 <= len(line) {
					// `"key":` compared as two words.
					w := line[i : i+16]
					if binary.LittleEndian.Uint64(w)&m.m0 == m.w0 && binary.LittleEndian.Uint64(w[8:])&m.m1 == m.w1 {
						role, unit, known, colon = m.role, m.unit, true, true
						key = m.key[:m.n]
						i += m.plen
					}
				} else if e := i + 1 + m.n; m.n > 0 && e < len(line) && line[e] == '"' && string(line[i+1:e]) == string(m.key[:m.n]) && line[e-1] != '\\' {
					role, unit, known = m.role, m.unit, true
					key = m.key[:m.n]
					i = e + 1
				}
			}
		}
		if !known {
			ke := jsonString(line, i+1)
			if ke < 0 {
				if found&roleTime == 0 {
					return false
				}
				break loop
			}
			key = line[i+1 : ke]
			role, unit = d.role(nkey, key, nkey > 0 && line[i-1] == ',')
			i = ke + 1
		}
		// kind says how an object or array value is read.
		kind := role &^ roleMask
		role &= roleMask
		if !colon {
			for i < len(line) && isSpace(line[i]) {
				i++
			}
			if i >= len(line) || line[i] != ':' {
				if found&roleTime == 0 {
					return false
				}
				break loop
			}
			i++
		}
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i >= len(line) {
			if found&roleTime == 0 {
				return false
			}
			break loop
		}
		var val []byte
		str, esc := false, false
		// num is the value read as a small whole number when it is one
		// written bare (a status, a latency), read while looking for its
		// end; -1 when it is not, -2 when not known (strings).
		num := -2
		switch c := line[i]; c {
		case '"':
			if role == roleTime && found&roleTime == 0 {
				// A time is read in place: when it ends at a quote, the
				// string ended there (a time has no quote or backslash),
				// and its end need not be searched for.
				if sec, n, ok := d.tc.parseISO(line[i+1:]); ok && i+1+n < len(line) && line[i+1+n] == '"' {
					r.sec, r.hasTime = sec, true
					found |= roleTime
					i += n + 2
					nkey++
					if found&stop == stop {
						break loop
					}
					continue
				}
			}
			e, bs := stringEnd(line, i+1)
			if e < 0 {
				if found&roleTime == 0 {
					return false
				}
				break loop
			}
			val, str, esc = line[i+1:e], true, bs
			i = e + 1
		case '{', '[':
			var e int
			if kind != 0 || role != 0 && c == '{' {
				e = d.nested(line, i, key, role, unit, kind, 1, r, &found)
			} else {
				e = skipNested(line, i)
			}
			if e < 0 {
				if found&roleTime == 0 {
					return false
				}
				break loop
			}
			i = e
			nkey++
			if found&stop == stop {
				break loop
			}
			continue
		default:
			s, n := i, 0
			for i < len(line) && line[i]-'0' < 10 {
				n = n*10 + int(line[i]-'0')
				i++
			}
			num = -1
			if i > s && i-s <= 9 {
				num = n
			}
			for i < len(line) && line[i] != ',' && line[i] != '}' && !isSpace(line[i]) {
				i++
				num = -1
			}
			val = line[s:i]
		}
		nkey++
		if role == 0 || found&role != 0 {
			if kind&roleFallback != 0 {
				d.keepFallback(val, str, esc)
			}
			continue
		}
		if d.apply(role, unit, val, num, str, esc, r) {
			found |= role
			if role == roleLog {
				logVal = val
			}
		}
		if found&stop == stop {
			break
		}
	}
	if d.fallback != nil {
		if found&roleMsg == 0 && d.apply(roleMsg, 0, d.fallback, -2, true, d.fallbackEsc, r) {
			found |= roleMsg
		}
		d.fallback = nil
	}
	d.seen = found
	if full {
		d.want |= found &^ roleLog
	}
	if d.inner != nil {
		if found&roleLog == 0 {
			return false
		}
		return d.decodeInner(logVal, r)
	}
	if found&roleTime == 0 {
		return false
	}
	return true
}

// decodeInner decodes the line a Docker record wraps, keeping the outer
// time, which Docker writes in UTC with nanoseconds.
func (d *jsonDecoder) decodeInner(v []byte, r *record) bool {
	if !r.hasTime {
		return false
	}
	if bytes.IndexByte(v, '\\') >= 0 {
		d.scratch = unescapeJSON(d.scratch[:0], v)
		v = d.scratch
	}
	for len(v) > 0 && (v[len(v)-1] == '\n' || v[len(v)-1] == '\r') {
		v = v[:len(v)-1]
	}
	sec := r.sec
	r.reset()
	if d.inner.decode(v, r) {
		r.sec, r.hasTime = sec, true
		return true
	}
	// An inner line no decoder reads is still an event at the outer time.
	r.reset()
	r.sec, r.hasTime, r.msg = sec, true, v
	if len(v) > 0 && (v[0] == ' ' || v[0] == '\t') {
		r.cont = true
	}
	return true
}

// apply stores one value in the record, returning false when it does not
// fit the role (a "status" that is not a number, say). esc says that a
// string value may hold escapes; num is atoiDigits(val) when it is not -2.
func (d *jsonDecoder) apply(role int, unit float64, val []byte, num int, str, esc bool, r *record) bool {
	if num == -2 && (role == roleStatus || role == roleLatency) {
		num = atoiDigits(val)
	}
	switch role {
	case roleTime:
		if str {
			if sec, _, ok := d.tc.parseISO(val); ok {
				r.sec, r.hasTime = sec, true
				return true
			}
			// Else an epoch in a string, as OpenTelemetry writes
			// timeUnixNano.
		}
		if unit == unitUnixNano {
			var ns int64
			for i, c := range val {
				if c < '0' || c > '9' || i >= 19 {
					return false
				}
				ns = ns*10 + int64(c-'0')
			}
			if ns == 0 {
				return false
			}
			r.sec, r.hasTime = ns/1e9, true
			return true
		}
		sec, ok := parseEpoch(val)
		if !ok {
			return false
		}
		r.sec, r.hasTime = sec, true
		return true
	case roleLevel:
		if unit == unitOTelSeverity {
			r.level = otelLevel(atoiDigits(val))
			return r.level != LevelNone
		}
		if str {
			r.level = levelWord(val)
		}
		if r.level == LevelNone {
			if n := atoiDigits(val); n >= 0 {
				r.level = bunyanLevel(n)
			}
		}
		return r.level != LevelNone
	case roleStatus:
		n := num
		if n < 100 || n > 999 {
			return false
		}
		r.status = n
		return true
	case roleUser:
		if len(val) == 0 || string(val) == "null" || string(val) == "-" {
			return false
		}
		r.user = val
		return true
	case roleIP:
		if len(val) == 0 || !str {
			return false
		}
		r.ip = val
		return true
	case roleMsg:
		if !str {
			return false
		}
		if esc && bytes.IndexByte(val, '\\') >= 0 {
			// Messages are masked into templates; unescaping keeps quotes
			// and newlines from splitting them oddly.
			d.scratch = unescapeJSON(d.scratch[:0], val)
			val = d.scratch
		}
		r.msg = val
		return true
	case roleLatency:
		if unit != 0 && num >= 0 {
			// What latencyMillis does first, with the number in hand.
			r.latency, r.hasLat = float64(num)*unit, true
			return true
		}
		ms, ok := latencyMillis(val, unit)
		if !ok {
			return false
		}
		r.latency, r.hasLat = ms, true
		return true
	case roleLog:
		return str
	}
	return false
}

// atoiDigits parses a small unsigned decimal number, or returns -1.
func atoiDigits(b []byte) int {
	if len(b) == 0 || len(b) > 9 {
		return -1
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// latencyMillis reads a duration value. unit converts to milliseconds; when
// it is 0 the unit is guessed: a Go duration string ("1.5ms"), a decimal
// fraction is seconds, an integer is milliseconds.
func latencyMillis(v []byte, unit float64) (float64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	if unit != 0 {
		// Whole numbers in a known unit, the usual case, need no
		// decimal parsing.
		if n := atoiDigits(v); n >= 0 {
			return float64(n) * unit, true
		}
	}
	end := len(v)
	suffix := 0.0
	if c := v[len(v)-1]; c >= '0' && c <= '9' {
		goto number
	}
	for _, s := range [...]struct {
		text string
		ms   float64
	}{{"ms", 1}, {"µs", 0.001}, {"us", 0.001}, {"ns", 1e-6}, {"s", 1000}, {"m", 60000}} {
		if bytes.HasSuffix(v, []byte(s.text)) {
			end -= len(s.text)
			suffix = s.ms
			break
		}
	}
number:
	f, ok := parseDecimal(v[:end])
	if !ok {
		return 0, false
	}
	switch {
	case suffix != 0:
		return f * suffix, true
	case unit != 0:
		return f * unit, true
	case bytes.IndexByte(v, '.') >= 0:
		return f * 1000, true
	}
	return f, true
}

// parseDecimal reads a non-negative decimal number such as "12" or
// "0.0345" without allocating.
func parseDecimal(b []byte) (float64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var whole, frac uint64
	scale := 1.0
	i := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		whole = whole*10 + uint64(b[i]-'0')
	}
	if i == 0 || i > 18 {
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			// Digits past the fifteenth do not change a float64.
			if scale < 1e15 {
				frac = frac*10 + uint64(b[i]-'0')
				scale *= 10
			}
		}
	}
	if i != len(b) {
		return 0, false
	}
	if frac == 0 {
		return float64(whole), true
	}
	return float64(whole) + float64(frac)/scale, true
}

// keepFallback keeps the first string given for a message that is used
// only when the line has no other (error.message, an OpenTelemetry body).
func (d *jsonDecoder) keepFallback(val []byte, str, esc bool) {
	if str && d.fallback == nil {
		d.fallback, d.fallbackEsc = val, esc
	}
}

// maxDepth bounds how deep objects are read for fields.
const maxDepth = 8

// nested reads the object or array value that starts at line[i], of the
// key with the given path, role and kind, for fields; it returns the index
// after the value, or -1 when the value is cut short.
func (d *jsonDecoder) nested(line []byte, i int, path []byte, role int, unit float64, kind, depth int, r *record, found *int) int {
	c := line[i]
	if c == '{' && (role != 0 && *found&role == 0 || kind&roleFallback != 0) {
		// An OpenTelemetry AnyValue, {"stringValue": "..."}, stands for
		// its value (a log record's body, say).
		if val, str, esc, ok := anyValue(line, i); ok {
			if kind&roleFallback != 0 {
				d.keepFallback(val, str, esc)
			} else if d.apply(role, unit, val, -2, str, esc, r) {
				*found |= role
			}
			return skipNested(line, i)
		}
	}
	if depth > maxDepth {
		return skipNested(line, i)
	}
	switch {
	case kind&roleAttrs != 0 && c == '[':
		return d.attrList(line, i, r, found)
	case kind&roleAttrs != 0 && c == '{':
		// Attribute names are paths of their own (http.response.status_code).
		return d.object(line, i, 0, depth, r, found)
	case kind&roleNest != 0 && c == '{':
		n := copy(d.path[:], path)
		if n < len(path) {
			return skipNested(line, i)
		}
		return d.object(line, i, n, depth, r, found)
	}
	return skipNested(line, i)
}

// object reads the members of the object at line[i] whose keys are under
// the path d.path[:plen] (a key at the top when plen is 0).
func (d *jsonDecoder) object(line []byte, i, plen, depth int, r *record, found *int) int {
	start := i
	i++
	for {
		for i < len(line) && (isSpace(line[i]) || line[i] == ',') {
			i++
		}
		if i >= len(line) {
			return -1
		}
		if line[i] == '}' {
			return i + 1
		}
		if line[i] != '"' {
			return skipNested(line, start)
		}
		ke := jsonString(line, i+1)
		if ke < 0 {
			return -1
		}
		k := line[i+1 : ke]
		i = ke + 1
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i >= len(line) || line[i] != ':' {
			return skipNested(line, start)
		}
		i++
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i >= len(line) {
			return -1
		}
		n := plen
		if n > 0 && n < len(d.path) {
			d.path[n] = '.'
			n++
		}
		m := copy(d.path[n:], k)
		role, unit := 0, 0.0
		if m == len(k) {
			role, unit = keyRole(d.path[:n+m], d.keys)
		}
		kind := role &^ roleMask
		role &= roleMask
		if c := line[i]; (c == '{' || c == '[') && (kind != 0 || role != 0 && c == '{') {
			// Read for fields, in one pass.
			if i = d.nested(line, i, d.path[:n+m], role, unit, kind, depth+1, r, found); i < 0 {
				return -1
			}
			continue
		}
		val, vk, esc, e := jsonValue(line, i)
		if e < 0 {
			return -1
		}
		switch {
		case vk == '{' || vk == '[':
		case kind&roleFallback != 0:
			d.keepFallback(val, vk == '"', esc)
		case role != 0 && *found&role == 0:
			if d.apply(role, unit, val, -2, vk == '"', esc, r) {
				*found |= role
			}
		}
		i = e
	}
}

// attrList reads an OpenTelemetry attribute list at line[i]:
// [{"key": "http.response.status_code", "value": {"intValue": "503"}}, ...].
func (d *jsonDecoder) attrList(line []byte, i int, r *record, found *int) int {
	start := i
	i++
	for {
		for i < len(line) && (isSpace(line[i]) || line[i] == ',') {
			i++
		}
		if i >= len(line) {
			return -1
		}
		switch line[i] {
		case ']':
			return i + 1
		case '{':
		default:
			return skipNested(line, start)
		}
		var name, v []byte
		var vk byte
		var vesc bool
		i++
		for {
			for i < len(line) && (isSpace(line[i]) || line[i] == ',') {
				i++
			}
			if i >= len(line) {
				return -1
			}
			if line[i] == '}' {
				i++
				break
			}
			if line[i] != '"' {
				return skipNested(line, start)
			}
			ke := jsonString(line, i+1)
			if ke < 0 {
				return -1
			}
			k := line[i+1 : ke]
			i = ke + 1
			for i < len(line) && isSpace(line[i]) {
				i++
			}
			if i >= len(line) || line[i] != ':' {
				return skipNested(line, start)
			}
			i++
			for i < len(line) && isSpace(line[i]) {
				i++
			}
			if i >= len(line) {
				return -1
			}
			val, kind, esc, e := jsonValue(line, i)
			if e < 0 {
				return -1
			}
			switch string(k) {
			case "key":
				if kind == '"' {
					name = val
				}
			case "value":
				v, vk, vesc = val, kind, esc
			}
			i = e
		}
		if name == nil || v == nil {
			continue
		}
		role, unit := keyRole(name, d.keys)
		fallback := role&roleFallback != 0
		role &= roleMask
		if (role == 0 || *found&role != 0) && !fallback {
			continue
		}
		str := vk == '"'
		switch vk {
		case '{':
			var ok bool
			if v, str, vesc, ok = anyValue(v, 0); !ok {
				continue
			}
		case '[':
			continue
		}
		if fallback {
			d.keepFallback(v, str, vesc)
		} else if d.apply(role, unit, v, -2, str, vesc, r) {
			*found |= role
		}
	}
}

// jsonValue reads the value at line[i]: the content of a string (kind '"'),
// a whole object or array (kind '{' or '['), or a bare word such as a
// number (kind '0'). esc says that a string may hold escapes; end is the
// index after the value, -1 when it is cut short.
func jsonValue(line []byte, i int) (val []byte, kind byte, esc bool, end int) {
	switch c := line[i]; c {
	case '"':
		e, bs := stringEnd(line, i+1)
		if e < 0 {
			return nil, 0, false, -1
		}
		return line[i+1 : e], '"', bs, e + 1
	case '{', '[':
		e := skipNested(line, i)
		if e < 0 {
			return nil, 0, false, -1
		}
		return line[i:e], c, false, e
	}
	s := i
	for i < len(line) && line[i] != ',' && line[i] != '}' && line[i] != ']' && !isSpace(line[i]) {
		i++
	}
	if i == s {
		return nil, 0, false, -1
	}
	return line[s:i], '0', false, i
}

// anyValue reads an OpenTelemetry AnyValue holding a scalar at b[i]:
// {"stringValue": "x"}, {"intValue": "503"} (int64 is written as a
// string), {"doubleValue": 0.25} or {"boolValue": true}.
func anyValue(b []byte, i int) (val []byte, str, esc, ok bool) {
	j := i + 1
	for j < len(b) && isSpace(b[j]) {
		j++
	}
	if j >= len(b) || b[j] != '"' {
		return nil, false, false, false
	}
	ke := jsonString(b, j+1)
	if ke < 0 || !bytes.HasSuffix(b[j+1:ke], []byte("Value")) {
		return nil, false, false, false
	}
	j = ke + 1
	for j < len(b) && isSpace(b[j]) {
		j++
	}
	if j >= len(b) || b[j] != ':' {
		return nil, false, false, false
	}
	j++
	for j < len(b) && isSpace(b[j]) {
		j++
	}
	if j >= len(b) {
		return nil, false, false, false
	}
	val, kind, esc, e := jsonValue(b, j)
	if e < 0 || kind == '{' || kind == '[' {
		return nil, false, false, false
	}
	for e < len(b) && isSpace(b[e]) {
		e++
	}
	if e >= len(b) || b[e] != '}' {
		return nil, false, false, false
	}
	return val, kind == '"', esc, true
}

// otelLevel maps an OpenTelemetry SeverityNumber (1-4 trace, 5-8 debug,
// 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal) to a Level.
func otelLevel(n int) Level {
	switch {
	case n < 1 || n > 24:
		return LevelNone
	case n <= 4:
		return LevelTrace
	case n <= 8:
		return LevelDebug
	case n <= 12:
		return LevelInfo
	case n <= 16:
		return LevelWarn
	case n <= 20:
		return LevelError
	}
	return LevelFatal
}
