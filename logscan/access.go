package logscan

import "bytes"

// accessDecoder reads NCSA common and combined access logs (Apache, nginx):
//
//	host ident authuser [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 2326 "referer" "agent"
type accessDecoder struct {
	tc timeCache
	_  cachePad
}

func (d *accessDecoder) decode(line []byte, r *record) bool {
	sp := findByte(line, 0, ' ')
	if sp <= 0 {
		return false
	}
	r.ip = line[:sp]
	i := sp + 1
	// ident and authuser: skip ident, keep the user when it is not "-".
	sp = findByte(line, i, ' ')
	if sp < 0 {
		return false
	}
	i = sp + 1
	br := findByte(line, i, '[') - i
	if br < 1 || line[i+br-1] != ' ' {
		return false
	}
	if u := line[i : i+br-1]; len(u) > 0 && !(len(u) == 1 && u[0] == '-') {
		r.user = u
	}
	i += br + 1
	sec, n, ok := d.tc.parseCLF(line[i:])
	if !ok {
		return false
	}
	r.sec, r.hasTime = sec, true
	i += n
	if i+2 >= len(line) || line[i] != ']' || line[i+1] != ' ' || line[i+2] != '"' {
		return false
	}
	i += 3
	// The request ends at the first quote not escaped by a backslash.
	start := i
	for {
		// Requests are long enough for the vectorised search to pay off.
		q := bytes.IndexByte(line[i:], '"')
		if q < 0 {
			return false
		}
		i += q
		if line[i-1] != '\\' {
			break
		}
		i++
	}
	r.msg, r.request = line[start:i], true
	i++
	if i+4 > len(line) || line[i] != ' ' {
		return false
	}
	st := digits(line, i+1, 3)
	if st < 100 {
		return false
	}
	r.status = st
	return true
}
