package logscan

import "bytes"

// logfmtDecoder reads key=value lines (Heroku and Go kit style), with
// values optionally in double quotes.
type logfmtDecoder struct {
	tc   timeCache
	keys *Keys
	js   jsonDecoder // reuses the JSON decoder's value rules (and its padding)
}

func (d *logfmtDecoder) decode(line []byte, r *record) bool {
	d.js.keys = d.keys
	i, pairs, found := 0, 0, 0
	for i < len(line) {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i >= len(line) {
			break
		}
		ks := i
		for i < len(line) && line[i] != '=' && line[i] != ' ' && line[i] != '"' {
			i++
		}
		if i >= len(line) || line[i] != '=' || i == ks {
			// A bare word: logfmt allows it, but a line of words is not
			// logfmt.
			for i < len(line) && line[i] != ' ' {
				i++
			}
			continue
		}
		key := line[ks:i]
		i++
		var val []byte
		str := false
		if i < len(line) && line[i] == '"' {
			e := jsonString(line, i+1)
			if e < 0 {
				return false
			}
			val, str = line[i+1:e], true
			i = e + 1
		} else {
			vs := i
			for i < len(line) && line[i] != ' ' {
				i++
			}
			val = line[vs:i]
		}
		pairs++
		role, unit := keyRole(key, d.keys)
		role &= roleMask // logfmt values are never objects
		if role == 0 || role == roleLog || found&role != 0 {
			continue
		}
		if role == roleTime {
			if sec, ok := d.time(val); ok {
				r.sec, r.hasTime = sec, true
				found |= role
			}
			continue
		}
		// Bare logfmt values are strings too (level=error).
		if role == roleIP || role == roleMsg || role == roleLevel {
			str = true
		}
		if d.js.apply(role, unit, val, -2, str, true, r) {
			found |= role
		}
	}
	return pairs >= 2 && r.hasTime
}

func (d *logfmtDecoder) time(v []byte) (int64, bool) {
	if sec, _, ok := d.tc.parseISO(v); ok {
		return sec, true
	}
	if bytes.IndexByte(v, '-') < 0 {
		return parseEpoch(v)
	}
	return 0, false
}
