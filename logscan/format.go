package logscan

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// decoder decodes one line into a record, reporting whether it could.
// A decoder keeps caches and scratch space, so each worker has its own.
type decoder interface {
	decode(line []byte, r *record) bool
}

// Format names, as --format takes them and the output reports them.
const (
	FormatCombined = "combined"
	FormatCommon   = "common"
	FormatJSON     = "json"
	FormatDocker   = "docker"
	FormatLogfmt   = "logfmt"
	FormatSyslog   = "syslog"
	FormatRFC5424  = "rfc5424"
	FormatHAProxy  = "haproxy"
	// FormatApacheError is the error log of the Apache HTTP Server.
	FormatApacheError = "apache-error"
	// FormatNginxError is the error log of nginx.
	FormatNginxError = "nginx-error"
	// FormatJava is log4j, logback and Spring Boot output.
	FormatJava = "java"
	// FormatPython is Python logging's "time - name - LEVEL - message".
	FormatPython  = "python"
	FormatGeneric = "generic"
)

// Formats lists the format names in the order detection prefers them.
func Formats() []string {
	return []string{FormatCombined, FormatCommon, FormatDocker, FormatJSON, FormatLogfmt, FormatRFC5424, FormatHAProxy, FormatSyslog,
		FormatApacheError, FormatNginxError, FormatJava, FormatPython, FormatGeneric}
}

// format is a detected format: what is needed to make a decoder for each
// worker.
type format struct {
	name string
	// prefix is the length of a fixed prefix stripped from every line
	// ("caddy  | " in docker compose output); 0 when none.
	prefix   []byte
	want     int     // JSON roles seen in the sample
	inner    *format // the line inside Docker records
	year     int     // RFC 3164: the first line's year
	month    int     // RFC 3164: the first line's month
	yearFrom string  // RFC 3164: where the year comes from, for the output
	loc      *time.Location
	keys     *Keys
	timeOnly bool
}

// String names the format as the output shows it.
func (f *format) String() string {
	s := f.name
	if f.inner != nil && f.inner.name != FormatGeneric {
		s += "+" + f.inner.name
	}
	if len(f.prefix) > 0 {
		s = "prefixed " + s
	}
	return s
}

// newDecoder returns a fresh decoder for the format.
func (f *format) newDecoder() decoder {
	tc := timeCache{loc: f.loc}
	var d decoder
	switch f.name {
	case FormatCombined, FormatCommon:
		d = &accessDecoder{tc: tc}
	case FormatJSON:
		d = &jsonDecoder{tc: tc, keys: f.keys, want: f.want}
	case FormatDocker:
		in := f.inner
		if in == nil {
			in = &format{name: FormatGeneric, timeOnly: true, loc: f.loc}
		}
		d = &jsonDecoder{tc: timeCache{}, keys: f.keys, inner: in.newDecoder()}
	case FormatLogfmt:
		d = &logfmtDecoder{tc: tc, keys: f.keys}
	case FormatSyslog, FormatRFC5424, FormatHAProxy:
		d = &syslogDecoder{tc: tc, firstYear: f.year, firstMonth: f.month, haproxy: f.name == FormatHAProxy}
	case FormatApacheError:
		d = &apacheErrorDecoder{tc: tc}
	case FormatNginxError:
		d = &nginxErrorDecoder{tc: tc}
	case FormatJava:
		d = &javaDecoder{tc: tc}
	case FormatPython:
		d = &pythonDecoder{tc: tc}
	default:
		d = &genericDecoder{tc: tc, timeOnly: f.timeOnly}
	}
	if len(f.prefix) > 0 {
		return &prefixDecoder{prefix: f.prefix, next: d}
	}
	return d
}

// prefixDecoder strips a fixed prefix, such as the "service  | " that
// docker compose writes before each line.
type prefixDecoder struct {
	prefix []byte
	next   decoder
}

func (d *prefixDecoder) startBlock() {
	if s, ok := d.next.(blockStarter); ok {
		s.startBlock()
	}
}

func (d *prefixDecoder) decode(line []byte, r *record) bool {
	if !bytes.HasPrefix(line, d.prefix) {
		return false
	}
	return d.next.decode(line[len(d.prefix):], r)
}

// detectOptions are the settings detection needs.
type detectOptions struct {
	format   string // forced format, "" to detect
	loc      *time.Location
	keys     *Keys
	year     int       // RFC 3164 year of the first line; 0 for refTime
	refTime  time.Time // the file's modification time
	refIs    string    // what refTime is, for the output; "" for the file's modification time
	fileName string
	// maxLine is the longest line decoded: longer lines are left out of
	// the sample, as the workers skip them (0: no bound).
	maxLine int
	// maxRead is the longest line that can be read at all, the block
	// size, which bounds --max-line.
	maxRead int
	// skipped is the number of lines, from the first, dropped before the
	// sample for being longer than maxRead.
	skipped int
	// cut tells that the file goes on after the sample, so that the
	// sample's last line may be cut short.
	cut bool
}

// sampleBytes bounds the lines a format is detected from.
const sampleBytes = 64 << 10

// longLine is the first line left out of a sample for its length.
type longLine struct {
	line int  // 1-based in the sample; 0 when there is none
	size int  // its length, or as much of it as the sample holds
	cut  bool // the sample ends inside it
}

// sampleLines returns up to n non-empty lines (and about sampleBytes)
// from the start of b, without the lines longer than o.maxLine, whose
// first it also returns, and without a last line that the end of the
// sample cuts.
func sampleLines(b []byte, n int, o detectOptions) ([][]byte, longLine) {
	var out [][]byte
	var long longLine
	size := 0
	for ln := 1; len(b) > 0 && len(out) < n && size < sampleBytes; ln++ {
		e := bytes.IndexByte(b, '\n')
		var line []byte
		cut := false
		if e < 0 {
			line, b, cut = b, nil, o.cut
		} else {
			line, b = b[:e], b[e+1:]
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if o.maxLine > 0 && len(line) > o.maxLine {
			if long.line == 0 {
				long = longLine{line: ln, size: len(line), cut: cut}
			}
			continue
		}
		if cut {
			break
		}
		if len(bytes.TrimSpace(line)) > 0 {
			out = append(out, line)
			size += len(line) + 1
		}
	}
	return out, long
}

// longLineError tells that no format can be detected because the lines
// are too long, and how to read them.
func longLineError(o detectOptions, l longLine) error {
	switch {
	case o.maxRead > 0 && l.size >= o.maxRead:
		return fmt.Errorf("%s:%d: line is longer than %d bytes, the longest --max-line allows", o.fileName, l.line, o.maxRead)
	case l.cut:
		return fmt.Errorf("%s:%d: line is longer than --max-line (%d bytes); raise --max-line to read it", o.fileName, l.line, o.maxLine)
	}
	return fmt.Errorf("%s:%d: line of %d bytes is longer than --max-line (%d bytes); run with --max-line %d or more to read it", o.fileName, l.line, l.size, o.maxLine, l.size)
}

// looksBinary reports whether b holds NUL bytes or mostly non-text bytes.
func looksBinary(b []byte) bool {
	if len(b) > 8192 {
		b = b[:8192]
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return true
	}
	ctrl := 0
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != 0x1b {
			ctrl++
		}
	}
	return ctrl*10 > len(b)
}

// detect picks the format that decodes the most sample lines. It returns
// an error naming the file when the data is binary, when nothing fits, or
// when every line is too long to be decoded.
func detect(sample []byte, o detectOptions) (*format, error) {
	if looksBinary(sample) {
		return nil, fmt.Errorf("%s: binary data, not a text log", o.fileName)
	}
	lines, long := sampleLines(sample, 200, o)
	if len(lines) == 0 {
		switch {
		case o.skipped > 0:
			return nil, longLineError(o, longLine{line: 1, size: o.maxRead, cut: true})
		case long.line > 0:
			return nil, longLineError(o, long)
		}
		return &format{name: FormatGeneric, loc: o.loc, keys: o.keys}, nil
	}
	names := Formats()
	if o.format != "" {
		names = []string{o.format}
	}
	var best *format
	bestScore := 0
	for _, name := range names {
		f, score := tryFormat(name, lines, o)
		if f != nil && score > bestScore {
			best, bestScore = f, score
		}
	}
	if best == nil || bestScore*2 < len(lines) {
		timeless := 0
		for _, l := range lines {
			if timelessPython(l) {
				timeless++
			}
		}
		clockOnly, batches := 0, 0
		for _, l := range lines {
			if bytes.HasPrefix(l, []byte(`{"resourceLogs":`)) {
				batches++
			}
		}
		if batches*2 >= len(lines) {
			return nil, fmt.Errorf("%s:1: these lines are OpenTelemetry export batches ({\"resourceLogs\": ...}), each holding many log records, "+
				"which Debrief does not read; write one log record per line (timeUnixNano, severityText, body, attributes)", o.fileName)
		}
		for _, l := range lines {
			if _, n, ok := parseClock(l); ok && n < len(l) && l[n] == ' ' {
				clockOnly++
			}
		}
		if clockOnly*2 >= len(lines) {
			return nil, fmt.Errorf("%s:1: these lines start with a time of day and no date (as logback's default pattern writes them), "+
				"so they cannot be placed in time across days; log the date too, e.g. %%d{yyyy-MM-dd HH:mm:ss.SSS} in logback, "+
				"or add it in front of each line", o.fileName)
		}
		if timeless*2 >= len(lines) && (o.format == "" || o.format == FormatPython) {
			return nil, fmt.Errorf("%s:1: these lines are in the default layout of Python's logging (LEVEL:logger:message), which has no time: "+
				"without one, no event can be placed in time, so neither the incident nor its start and end can be found; "+
				"log with a time, e.g. logging.basicConfig(format=\"%%(asctime)s - %%(name)s - %%(levelname)s - %%(message)s\")", o.fileName)
		}
		if o.format != "" {
			return nil, fmt.Errorf("%s:1: the lines are not in the %s format", o.fileName, o.format)
		}
		return nil, fmt.Errorf("%s:1: no known log format fits (tried %s); use --format", o.fileName, strings.Join(Formats(), ", "))
	}
	return best, nil
}

// tryFormat builds the format name for the sample and returns it with the
// number of events it decoded (continuation lines count half).
func tryFormat(name string, lines [][]byte, o detectOptions) (*format, int) {
	f := &format{name: name, loc: o.loc, keys: o.keys}
	first := lines[0]
	switch name {
	case FormatCombined, FormatCommon:
		// Combined lines have the referer and user agent in quotes after
		// the size; the same decoder reads both.
		n, combined := 0, 0
		d := f.newDecoder()
		for _, l := range lines {
			var r record
			if d.decode(l, &r) {
				n++
				if bytes.Count(l, []byte{'"'}) >= 6 {
					combined++
				}
			}
		}
		if (name == FormatCombined) != (combined*2 >= n) {
			return nil, 0
		}
		return f, n * 4
	case FormatJSON, FormatDocker:
		if p := composePrefix(first); p != nil {
			f.prefix = p
		}
		if name == FormatDocker {
			inner := dockerInner(lines, f, o)
			if inner == nil {
				return nil, 0
			}
			f.inner = inner
		} else {
			js := &jsonDecoder{keys: o.keys, tc: timeCache{loc: o.loc}}
			for _, l := range lines {
				var r record
				if js.decode(bytes.TrimPrefix(l, f.prefix), &r) {
					f.want |= js.seen
				}
			}
			if f.want&roleLog != 0 && f.want&roleMsg == 0 {
				return nil, 0 // Docker records: let the docker format take them
			}
		}
	case FormatSyslog, FormatHAProxy, FormatRFC5424:
		f.year, f.month, f.yearFrom = syslogYear(first, o)
		if (name == FormatRFC5424) != is5424(first) {
			return nil, 0
		}
		if name == FormatHAProxy {
			if !bytes.Contains(bytes.Join(lines, nil), []byte("haproxy[")) {
				return nil, 0
			}
			// HAProxy's own messages (start-up notices) have only the
			// syslog time: take their year from the first request's
			// accept date, which has one.
			if o.year == 0 {
				var hp haproxyDecoder
				for _, l := range lines {
					var r record
					if c := bytes.Index(l, []byte("]: ")); c > 0 {
						hp.decode(l[c+3:], &r)
					}
					if r.status != 0 && r.sec != 0 {
						f.year = time.Unix(r.sec, 0).UTC().Year()
						f.yearFrom = "the date of its first HTTP request"
						break
					}
				}
			}
		}
	}
	d := f.newDecoder()
	n, events := 0, 0
	for _, l := range lines {
		var r record
		if d.decode(l, &r) {
			if r.cont {
				n++
			} else {
				n += 2
				events++
			}
		}
	}
	if events == 0 {
		// Only continuation lines: text without times.
		return nil, 0
	}
	// Prefer the more specific formats when they read as much.
	score := n * 2
	switch name {
	case FormatGeneric, FormatSyslog:
		score = n*2 - 1
	}
	return f, score
}

// composePrefix returns the "name  | " prefix of docker compose output when
// a JSON object follows it.
func composePrefix(line []byte) []byte {
	bar := bytes.Index(line, []byte("| "))
	if bar <= 0 || bar > 64 || bar+2 >= len(line) || line[bar+2] != '{' {
		return nil
	}
	return append([]byte(nil), line[:bar+2]...)
}

// dockerInner detects the format of the lines inside Docker json-file
// records, or returns nil when the sample is not such records.
func dockerInner(lines [][]byte, f *format, o detectOptions) *format {
	var inner []byte
	outer := &jsonDecoder{keys: o.keys, inner: &rawDecoder{}}
	n := 0
	for _, l := range lines {
		var r record
		if outer.decode(bytes.TrimPrefix(l, f.prefix), &r) {
			n++
			inner = append(inner, r.msg...)
			inner = append(inner, '\n')
		}
	}
	if n*2 < len(lines) {
		return nil
	}
	sub := o
	sub.format, sub.skipped, sub.cut = "", 0, false
	in, err := detect(inner, sub)
	if err != nil || in.name == FormatDocker {
		return &format{name: FormatGeneric, timeOnly: true, loc: o.loc}
	}
	if in.name == FormatGeneric {
		in.timeOnly = true
	}
	return in
}

// rawDecoder takes any line as the message; used to pull inner lines out of
// Docker records during detection.
type rawDecoder struct{}

func (rawDecoder) decode(line []byte, r *record) bool {
	r.msg = line
	return true
}

// syslogYear returns the year and month of an RFC 3164 file's first line,
// and where the year comes from, as the output says it: the year is the
// one given, or the one that puts the line at or before the file's
// modification time (today, for an input that has none).
func syslogYear(first []byte, o detectOptions) (int, int, string) {
	if len(first) > 0 && first[0] == '<' {
		if e := bytes.IndexByte(first, '>'); e > 0 {
			first = first[e+1:]
		}
	}
	mo := monthIndex(first)
	if o.year != 0 {
		return o.year, mo, "--year"
	}
	ref := o.refTime
	is := o.refIs
	if is == "" {
		is = "the file's modification time"
	}
	from := is + " (" + ref.Format("2006-01-02") + ")"
	if ref.IsZero() {
		ref = time.Now()
		from = "today's date (" + ref.Format("2006-01-02") + "), as the input has no modification time"
	}
	y := ref.Year()
	if mo > int(ref.Month()) {
		y--
		from += fmt.Sprintf("; its first line, in %s, is from the year before", time.Month(mo))
	}
	return y, mo, from
}

// is5424 reports whether a line starts like RFC 5424: "<PRI>VERSION ".
func is5424(l []byte) bool {
	if len(l) < 4 || l[0] != '<' {
		return false
	}
	e := bytes.IndexByte(l[:min(len(l), 6)], '>')
	return e > 1 && e+2 < len(l) && l[e+1] >= '1' && l[e+1] <= '9' && l[e+2] == ' '
}
