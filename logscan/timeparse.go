package logscan

import "time"

// daysFromCivil returns the number of days from 1970-01-01 to the given
// proleptic Gregorian date.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// civil returns the seconds since the epoch of a wall-clock time read as
// UTC.
func civil(y, mo, d, h, mi, s int) int64 {
	return daysFromCivil(y, mo, d)*86400 + int64(h*3600+mi*60+s)
}

// digits reads n decimal digits at b[i:], returning -1 when they are not all
// digits.
func digits(b []byte, i, n int) int {
	if i+n > len(b) {
		return -1
	}
	v := 0
	for _, c := range b[i : i+n] {
		if c < '0' || c > '9' {
			return -1
		}
		v = v*10 + int(c-'0')
	}
	return v
}

// monthIndex returns 1-12 for a three-letter English month name.
func monthIndex(b []byte) int {
	if len(b) < 3 {
		return 0
	}
	switch string([]byte{b[0] | 0x20, b[1] | 0x20, b[2] | 0x20}) {
	case "jan":
		return 1
	case "feb":
		return 2
	case "mar":
		return 3
	case "apr":
		return 4
	case "may":
		return 5
	case "jun":
		return 6
	case "jul":
		return 7
	case "aug":
		return 8
	case "sep":
		return 9
	case "oct":
		return 10
	case "nov":
		return 11
	case "dec":
		return 12
	}
	return 0
}

// validClock reports whether a date and time are in range.
func validClock(mo, d, h, mi, s int) bool {
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60
}

// timeCache remembers the last second-precision prefix a decoder parsed, so
// that the many lines written in one second cost one comparison each.
type timeCache struct {
	key    [32]byte
	keyLen int
	civil  int64 // the prefix read as UTC
	locOff int64 // offset of the default zone at that time, in seconds
	loc    *time.Location
}

// lookup returns the cached civil seconds for prefix p.
func (c *timeCache) lookup(p []byte) (int64, bool) {
	if c.keyLen == len(p) && string(c.key[:c.keyLen]) == string(p) {
		return c.civil, true
	}
	return 0, false
}

// store remembers civil seconds for prefix p and the default zone's offset.
func (c *timeCache) store(p []byte, sec int64) {
	if len(p) > len(c.key) {
		c.keyLen = -1
		return
	}
	c.keyLen = copy(c.key[:], p)
	c.civil = sec
	c.locOff = 0
	if c.loc != nil && c.loc != time.UTC {
		_, off := time.Unix(sec, 0).In(c.loc).Zone()
		// The offset at civil-as-UTC is right except within hours of a
		// change; one more step settles it.
		_, off = time.Unix(sec-int64(off), 0).In(c.loc).Zone()
		c.locOff = int64(off)
	}
}

// zoneOffset parses a zone written after a time: "Z", "UTC", "GMT",
// "+02:00", "+0200" or "+02". It returns the offset in seconds, the bytes
// used, and whether a zone was there.
func zoneOffset(b []byte, i int) (off int64, n int, ok bool) {
	if i >= len(b) {
		return 0, 0, false
	}
	switch b[i] {
	case 'Z', 'z':
		return 0, 1, true
	case '+', '-':
		h := digits(b, i+1, 2)
		if h < 0 {
			return 0, 0, false
		}
		m, n := 0, 3
		if i+3 < len(b) && b[i+3] == ':' {
			if m = digits(b, i+4, 2); m < 0 {
				return 0, 0, false
			}
			n = 6
		} else if v := digits(b, i+3, 2); v >= 0 {
			m, n = v, 5
		}
		off = int64(h*3600 + m*60)
		if b[i] == '-' {
			off = -off
		}
		return off, n, true
	case 'U':
		if i+3 <= len(b) && string(b[i:i+3]) == "UTC" {
			return 0, 3, true
		}
	case 'G':
		if i+3 <= len(b) && string(b[i:i+3]) == "GMT" {
			return 0, 3, true
		}
	}
	return 0, 0, false
}

// parseISO reads an ISO-8601-like timestamp at the start of b:
// "2006-01-02T15:04:05", with "T" or a space, "-" or "/" in the date, an
// optional fraction after "." or ",", and an optional zone (also after one
// space). It returns Unix seconds and the bytes used.
func (c *timeCache) parseISO(b []byte) (int64, int, bool) {
	if len(b) < 19 || b[4] != b[7] || (b[4] != '-' && b[4] != '/') || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return 0, 0, false
	}
	sec, ok := c.lookup(b[:19])
	if !ok {
		y, mo, d := digits(b, 0, 4), digits(b, 5, 2), digits(b, 8, 2)
		h, mi, s := digits(b, 11, 2), digits(b, 14, 2), digits(b, 17, 2)
		if y < 0 || !validClock(mo, d, h, mi, s) {
			return 0, 0, false
		}
		sec = civil(y, mo, d, h, mi, s)
		c.store(b[:19], sec)
	}
	i := 19
	if i < len(b) && (b[i] == '.' || b[i] == ',') {
		i++
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if off, n, ok := zoneOffset(b, i); ok {
		return sec - off, i + n, true
	}
	if i+1 < len(b) && b[i] == ' ' {
		if off, n, ok := zoneOffset(b, i+1); ok && (b[i+1] != 'U' && b[i+1] != 'G' || i+1+n >= len(b) || b[i+1+n] == ' ' || b[i+1+n] == ']') {
			return sec - off, i + 1 + n, true
		}
	}
	return sec - c.locOff, i, true
}

// parseClock reads a time of day "15:04:05" with an optional fraction at
// the start of b and returns seconds since midnight and the bytes used.
func parseClock(b []byte) (int64, int, bool) {
	if len(b) < 8 || b[2] != ':' || b[5] != ':' {
		return 0, 0, false
	}
	h, mi, s := digits(b, 0, 2), digits(b, 3, 2), digits(b, 6, 2)
	if h < 0 || mi < 0 || s < 0 || h > 23 || mi > 59 || s > 60 {
		return 0, 0, false
	}
	i := 8
	if i < len(b) && (b[i] == '.' || b[i] == ',') {
		i++
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	return int64(h*3600 + mi*60 + s), i, true
}

// parseCLF reads the time of a common log line, "17/May/2015:10:05:03
// +0000", and returns Unix seconds and the bytes used.
func (c *timeCache) parseCLF(b []byte) (int64, int, bool) {
	if len(b) < 20 || b[2] != '/' || b[6] != '/' || b[11] != ':' {
		return 0, 0, false
	}
	// The usual form, "17/May/2015:10:05:03 +0000", is cached with its
	// zone, so a line of the same second costs one comparison.
	withZone := len(b) >= 26 && b[20] == ' ' && (b[21] == '+' || b[21] == '-')
	if withZone {
		if sec, ok := c.lookup(b[:26]); ok {
			return sec, 26, true
		}
	}
	sec, ok := c.lookup(b[:20])
	if !ok {
		d, mo, y := digits(b, 0, 2), monthIndex(b[3:6]), digits(b, 7, 4)
		h, mi, s := digits(b, 12, 2), digits(b, 15, 2), digits(b, 18, 2)
		if y < 0 || !validClock(mo, d, h, mi, s) {
			return 0, 0, false
		}
		sec = civil(y, mo, d, h, mi, s)
		c.store(b[:20], sec)
	}
	i := 20
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i+1 < len(b) && b[i] == ' ' {
		if off, n, ok := zoneOffset(b, i+1); ok {
			if withZone && i == 20 && n == 5 {
				c.store(b[:26], sec-off)
			}
			return sec - off, i + 1 + n, true
		}
	}
	return sec - c.locOff, i, true
}

// parseEpoch reads a Unix time in seconds, milliseconds, microseconds or
// nanoseconds (told apart by size), with an optional fraction.
func parseEpoch(b []byte) (int64, bool) {
	var v int64
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		v = v*10 + int64(b[i]-'0')
		i++
		if i > 19 {
			return 0, false
		}
	}
	if i == 0 || (i < len(b) && b[i] != '.' && b[i] != 'e' && b[i] != 'E') {
		return 0, false
	}
	switch {
	case v > 1e17:
		v /= 1e9
	case v > 1e14:
		v /= 1e6
	case v > 1e11:
		v /= 1e3
	}
	return v, true
}
