package logscan

// Masks written in place of the variable parts of a message.
const (
	maskNum  = "<n>"
	maskHex  = "<hex>"
	maskUUID = "<uuid>"
	maskIP   = "<ip>"
	maskStr  = "<str>"
	maskPath = "<path>"
	maskID   = "<id>"
	maskURL  = "<url>"
)

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// tokenChar reports whether c continues a token: identifiers, numbers,
// IPs, paths and ids are made of these.
func tokenChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '-' || c == '_' || c == '/' || c == ':' || c == '@' || c == '%' || c >= 0x80
}

// Template masks the variable parts of a message (numbers, hex, UUIDs, IP
// addresses, quoted strings, paths, URLs and ids) so that messages that
// differ only in those group together.
func Template(msg string) string {
	return string(appendTemplate(nil, []byte(msg), false))
}

// appendTemplate appends the template of msg to dst. For an HTTP request
// line (request true) the path is kept and only its variable segments and
// the query are masked.
func appendTemplate(dst, msg []byte, request bool) []byte {
	if len(msg) > 512 {
		msg = msg[:512]
	}
	if request {
		// "GET /a HTTP/1.1": the protocol says nothing about the error.
		if sp := lastSpace(msg); sp > 0 && len(msg)-sp > 5 && string(msg[sp+1:sp+6]) == "HTTP/" {
			msg = msg[:sp]
		}
		// The query's values vary with every request: keep that there was
		// one.
		for i, c := range msg {
			if c == '?' {
				return append(appendMasked(dst, msg[:i], true), "?<query>"...)
			}
		}
	}
	return appendMasked(dst, msg, request)
}

// appendMasked appends msg with its variable tokens masked; paths keeps
// URL paths, masking only their variable segments.
func appendMasked(dst, msg []byte, paths bool) []byte {
	i := 0
	for i < len(msg) {
		c := msg[i]
		if (c == '"' || c == '\'') && (i == 0 || !isAlnum(msg[i-1])) {
			e := i + 1
			for e < len(msg) && msg[e] != c {
				e++
			}
			if e < len(msg) {
				dst = append(dst, maskStr...)
				i = e + 1
				continue
			}
		}
		if !tokenChar(c) || c == ':' || c == '.' {
			if c == '\n' || c == '\t' || c == '\r' {
				c = ' '
			}
			if c == ' ' && len(dst) > 0 && dst[len(dst)-1] == ' ' {
				i++
				continue
			}
			dst = append(dst, c)
			i++
			continue
		}
		e := i
		for e < len(msg) && tokenChar(msg[e]) {
			e++
		}
		// A URL runs to the next space, query included.
		if bytesContains(msg[i:e], "://") {
			for e < len(msg) && msg[e] != ' ' && msg[e] != '"' && msg[e] != '\'' {
				e++
			}
		}
		// Trailing punctuation belongs to the sentence.
		for e > i+1 && (msg[e-1] == '.' || msg[e-1] == ':' || msg[e-1] == '-') {
			e--
		}
		tok := msg[i:e]
		if paths && len(tok) > 0 && tok[0] == '/' {
			dst = appendRequestPath(dst, tok)
		} else {
			dst = appendToken(dst, tok)
		}
		i = e
	}
	return dst
}

// appendRequestPath masks the variable segments of a URL path and drops
// the query values.
func appendRequestPath(dst, p []byte) []byte {
	q := -1
	for i, c := range p {
		if c == '?' {
			q = i
			break
		}
	}
	if q >= 0 {
		p = p[:q]
	}
	start := 0
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '/' {
			if i > start {
				dst = appendToken(dst, p[start:i])
			}
			if i < len(p) {
				dst = append(dst, '/')
			}
			start = i + 1
		}
	}
	if q >= 0 {
		dst = append(dst, "?<query>"...)
	}
	return dst
}

// appendToken appends tok or the mask for its kind. A token of words
// joined by dashes or underscores ("db-7", "inc-1-ns-2") has each part
// masked on its own.
func appendToken(dst, tok []byte) []byte {
	// Most tokens are words: with no digit and no slash, tokenMask finds
	// nothing to mask in them or in any of their joined parts (but for a
	// UUID written in the letters a-f only, 36 bytes long).
	word := len(tok) > 0 && len(tok) != 36
	for _, c := range tok {
		if c >= '0' && c <= '9' || c == '/' {
			word = false
			break
		}
	}
	if word {
		return append(dst, tok...)
	}
	m := tokenMask(tok)
	if m == maskNum || m == maskID || m == "" {
		if parts := splitJoined(tok); parts > 1 {
			start := 0
			for i := 0; i <= len(tok); i++ {
				if i == len(tok) || tok[i] == '-' || tok[i] == '_' {
					dst = appendPart(dst, tok[start:i])
					if i < len(tok) {
						dst = append(dst, tok[i])
					}
					start = i + 1
				}
			}
			return dst
		}
	}
	if m != "" {
		if len(dst) >= len(m) && string(dst[len(dst)-len(m):]) == m {
			return dst // "<n>-<n>" patterns stay short
		}
		return append(dst, m...)
	}
	return append(dst, tok...)
}

// tokenMask classifies a token, returning "" when it is a plain word.
func tokenMask(t []byte) string {
	digits, hex, letters, dots, colons, slashes, dashes := 0, 0, 0, 0, 0, 0, 0
	for _, c := range t {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case isHex(c):
			hex++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letters++
		case c == '.':
			dots++
		case c == ':':
			colons++
		case c == '/':
			slashes++
		case c == '-':
			dashes++
		}
	}
	n := len(t)
	switch {
	case slashes > 0 && colons > 0 && bytesContains(t, "://"):
		return maskURL
	case n == 36 && dashes == 4 && t[8] == '-' && t[13] == '-' && digits+hex == 32:
		return maskUUID
	case slashes > 0 && n > 1 && (t[0] == '/' || digits > 0 || slashes > 1):
		return maskPath
	case dots == 3 && digits+dots+colons >= n-0 && digits >= 4:
		return maskIP
	case colons >= 2 && digits+hex+colons+dots == n && digits > 0:
		return maskIP // IPv6
	case digits == n || digits > 0 && digits+dots+dashes+colons == n:
		return maskNum
	case n >= 8 && digits > 0 && digits+hex == n:
		return maskHex
	case n > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X'):
		return maskHex
	case digits > 0 && letters <= 3 && t[0] >= '0' && t[0] <= '9' && unitSuffix(t):
		return maskNum // 1571ms, 20s, 512KB
	case digits > 0 && n >= 6:
		return maskID
	}
	return ""
}

func bytesContains(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if b[i] == s[0] && string(b[i:i+len(s)]) == s {
			return true
		}
	}
	return false
}

// splitJoined counts the parts of a token joined by '-' or '_' when at
// least one part is a plain word; otherwise it returns 1.
func splitJoined(tok []byte) int {
	// Most tokens have no joiner: spare them a second classification.
	joined := false
	for _, c := range tok {
		if c == '-' || c == '_' {
			joined = true
			break
		}
	}
	if !joined {
		return 1
	}
	parts, words, start := 0, 0, 0
	for i := 0; i <= len(tok); i++ {
		if i == len(tok) || tok[i] == '-' || tok[i] == '_' {
			if i > start {
				parts++
				if tokenMask(tok[start:i]) == "" {
					words++
				}
			}
			start = i + 1
		}
	}
	if words == 0 || words == parts {
		return 1
	}
	return parts
}

// appendPart appends one part of a joined token, masked when variable.
func appendPart(dst, p []byte) []byte {
	if m := tokenMask(p); m != "" {
		return append(dst, m...)
	}
	return append(dst, p...)
}

// unitSuffix reports whether t is digits followed by letters only.
func unitSuffix(t []byte) bool {
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	for ; i < len(t); i++ {
		if !(t[i] >= 'a' && t[i] <= 'z' || t[i] >= 'A' && t[i] <= 'Z') {
			return false
		}
	}
	return true
}

func lastSpace(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == ' ' {
			return i
		}
	}
	return -1
}
