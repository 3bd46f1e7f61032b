package logscan

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/bits"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Input is one log to analyze.
type Input struct {
	Name    string    // shown in messages and evidence ("-" for standard input)
	Reader  io.Reader // plain text or gzip, told apart by its first bytes
	ModTime time.Time // gives RFC 3164 syslog its year; zero means now
	// ModTimeIs says what ModTime is, as the output names it when it gives
	// a year ("the file's modification time" when empty).
	ModTimeIs string
}

// Options tune an analysis. The zero value detects formats, sizes buckets
// automatically and uses every core.
type Options struct {
	// Format forces one format for every input (see Formats).
	Format string
	// Bucket is the width of a time bucket; 0 picks one from the time span.
	Bucket time.Duration
	// Rule decides which events are errors.
	Rule Rule
	// Keys overrides the field names read from JSON and logfmt records.
	Keys Keys
	// Location is the zone of times written without one (default UTC).
	Location *time.Location
	// Year is the year of the first line of RFC 3164 syslog files, which
	// carry none; 0 takes it from the file's modification time.
	Year int
	// Workers is the number of decoding goroutines; 0 means GOMAXPROCS.
	Workers int
	// BlockSize is the size of the blocks read at once (default 4 MiB).
	BlockSize int
	// MaxLine is the longest line decoded; longer lines are skipped and
	// counted (default 64 KiB, at most BlockSize).
	MaxLine int
	// UserBudget is how many (time cell, user) pairs are kept exactly
	// before affected users are estimated (default 1<<20).
	UserBudget int
	// TopErrors is how many error templates the result lists (default 10).
	TopErrors int
	// Progress, when set, is called with the number of bytes read as the
	// inputs are consumed (compressed bytes for gzip input).
	Progress func(n int64)
	// Warn, when set, receives problems that do not stop the analysis,
	// such as a truncated compressed file.
	Warn func(error)
}

// Fixed bounds that keep memory flat whatever the input size.
const (
	maxCells      = 1 << 14 // time cells per worker before they coarsen
	maxTemplates  = 4096    // distinct error templates per worker
	maxTmplCells  = 1 << 18 // (template, time cell) counts per worker
	maxBadShown   = 5       // bad lines kept as examples
	evidenceBytes = 300     // bytes of a line kept as evidence
)

// nextResolution returns the cell width, in seconds, that follows res as a
// log's span grows: one minute, ten minutes, an hour, a day, a week.
func nextResolution(res int64) int64 {
	for _, r := range [...]int64{60, 600, 3600, 86400, 7 * 86400} {
		if r > res && r%res == 0 {
			return r
		}
	}
	return res * 10
}

// cachePad ends each structure a worker writes on every line. The workers
// allocate theirs at the same moment, so without it one worker's counters
// can share a cache line with the next worker's, and the two cores then
// take the line from each other on every write. 128 bytes covers the line
// and the neighbour the hardware prefetches with it.
type cachePad [128]byte

// pos is where a line is: block sequence and line in block.
type pos struct {
	seq, line int32
}

func (p pos) less(q pos) bool {
	return p.seq < q.seq || p.seq == q.seq && p.line < q.line
}

// evidence is a line that shows something, kept with its place.
type evidence struct {
	set  bool
	sec  int64
	at   pos
	text string
}

// earlier reports whether a line at sec/at comes before e.
func (e *evidence) earlier(sec int64, at pos) bool {
	return !e.set || sec < e.sec || sec == e.sec && at.less(e.at)
}

func (e *evidence) keep(sec int64, at pos, line []byte) {
	e.set, e.sec, e.at = true, sec, at
	e.text = string(line[:min(len(line), evidenceBytes)])
}

func (e *evidence) mergeFrom(o *evidence) {
	if o.set && e.earlier(o.sec, o.at) {
		*e = *o
	}
}

// cell counts the events of one stretch of time.
type cell struct {
	total, errors int64
	// warns counts the events at level warn that are not errors.
	warns     int64
	firstErr  evidence
	firstOK   evidence
	firstWarn evidence
	// lat counts the cell's latencies by power of two of microseconds:
	// lat[i] those of [2^(i-1), 2^i) (lat[0]: under one; the last bin:
	// all longer ones).
	lat [latBins]int64
}

// latBins is the number of bins of a cell's latencies: the last starts at
// 2^(latBins-2) microseconds, about 4 s.
const latBins = 24

func (c *cell) merge(o *cell) {
	c.total += o.total
	c.errors += o.errors
	c.warns += o.warns
	c.firstErr.mergeFrom(&o.firstErr)
	c.firstOK.mergeFrom(&o.firstOK)
	c.firstWarn.mergeFrom(&o.firstWarn)
	for i, n := range o.lat {
		c.lat[i] += n
	}
}

// tmpl counts one error template, in all and per time cell.
type tmpl struct {
	count   int64
	example evidence
	cells   map[int64]int64
	// partial is set when some of its per-cell counts did not fit in
	// maxTmplCells; its surges are then not searched.
	partial bool
	_       cachePad
}

// badLine is an undecodable line kept as an example.
type badLine struct {
	file int
	at   pos
	text string
}

// agg is one worker's aggregate; aggregates merge into one at the end.
type agg struct {
	res      int64
	cells    map[int64]*cell
	lastKey  int64
	last     *cell
	users    *userSet
	byUser   int64 // failing events identified by a user id
	byIP     int64 // ... by a client address only
	tmpls    map[string]*tmpl
	tmplMore int64 // errors whose template did not fit
	// tmplCells counts the entries of the templates' per-cell maps.
	tmplCells int
	lat       latencyHist
	lines     int64
	events    int64
	errors    int64
	bad       int64
	long      int64
	cont      int64
	badShown  []badLine
	first     int64
	lastSec   int64
	statuses  int64 // events with an HTTP status
	levels    int64 // events with a level
	// spare cells, allocated in runs so that one worker's cells lie
	// together
	spare []cell
	_     cachePad
}

func newAgg(res int64, budget int) *agg {
	return &agg{res: res, cells: make(map[int64]*cell), users: newUserSet(budget), tmpls: make(map[string]*tmpl), first: 1<<63 - 1, lastSec: -1 << 63, lastKey: -1 << 63}
}

// cellAt returns the cell of second sec, creating it.
func (g *agg) cellAt(sec int64) (int64, *cell) {
	if sec >= g.lastKey && sec < g.lastKey+g.res && g.last != nil {
		return g.lastKey, g.last
	}
	k := floorDiv(sec, g.res) * g.res
	c := g.cells[k]
	if c == nil {
		if len(g.cells) >= maxCells {
			g.coarsen(nextResolution(g.res))
			return g.cellAt(sec)
		}
		if len(g.spare) == 0 {
			g.spare = make([]cell, 64)
		}
		c, g.spare = &g.spare[0], g.spare[1:]
		g.cells[k] = c
	}
	g.lastKey, g.last = k, c
	return k, c
}

// coarsen regroups cells at a wider resolution.
func (g *agg) coarsen(res int64) {
	if res <= g.res {
		return
	}
	old := g.cells
	g.cells = make(map[int64]*cell, len(old)/2+1)
	for k, c := range old {
		nk := floorDiv(k, res) * res
		if cur := g.cells[nk]; cur != nil {
			cur.merge(c)
		} else {
			g.cells[nk] = c
		}
	}
	g.users.rekey(res)
	g.tmplCells = 0
	for _, t := range g.tmpls {
		cells := make(map[int64]int64, len(t.cells)/2+1)
		for k, n := range t.cells {
			cells[floorDiv(k, res)*res] += n
		}
		t.cells = cells
		g.tmplCells += len(cells)
	}
	g.res, g.last, g.lastKey = res, nil, -1<<63
}

// worker decodes blocks into its aggregate.
type worker struct {
	a       *analysis
	g       *agg
	decs    map[*format]decoder
	rec     record
	scratch []byte
	_       cachePad
}

func (w *worker) run(blocks <-chan *block, free chan<- []byte) {
	for b := range blocks {
		switch {
		case w.a.stopped.Load():
			// Only hand the blocks back, for the splitter to stop.
		case b.mapping != nil:
			w.a.readMapped(b.file, b.mapping, func() { w.block(b) })
			releasePages(b.mapping, b.offset, b.offset+len(b.data))
		default:
			w.block(b)
		}
		free <- b.buf
	}
}

func (w *worker) block(b *block) {
	dec := w.decs[b.fmt]
	if dec == nil {
		dec = b.fmt.newDecoder()
		w.decs[b.fmt] = dec
	}
	if s, ok := dec.(blockStarter); ok {
		s.startBlock()
	}
	g := w.g
	maxLine := w.a.maxLine
	data := b.data
	ln := b.skipped
	g.long += int64(b.skipped)
	g.lines += int64(b.skipped)
	rec := &w.rec
	for len(data) > 0 {
		var line []byte
		if e := bytes.IndexByte(data, '\n'); e >= 0 {
			line, data = data[:e], data[e+1:]
		} else {
			line, data = data, nil
		}
		ln++
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if len(line) == 0 {
			continue
		}
		if len(line) > maxLine {
			g.long++
			continue
		}
		*rec = record{}
		if !dec.decode(line, rec) || !rec.hasTime && !rec.cont {
			g.bad++
			if len(g.badShown) < maxBadShown {
				g.badShown = append(g.badShown, badLine{file: b.file, at: pos{int32(b.seq), int32(ln)}, text: string(line[:min(len(line), evidenceBytes)])})
			}
			continue
		}
		if rec.cont {
			g.cont++
			continue
		}
		w.event(line, pos{int32(b.seq), int32(ln)})
	}
	g.lines += int64(ln - b.skipped)
	w.a.book.set(b.seq, ln)
}

// event counts one decoded event.
func (w *worker) event(line []byte, at pos) {
	g, rec := w.g, &w.rec
	sec := rec.sec
	g.events++
	g.first = min(g.first, sec)
	g.lastSec = max(g.lastSec, sec)
	if rec.status != 0 {
		g.statuses++
	}
	if rec.level != LevelNone {
		g.levels++
	}
	key, c := g.cellAt(sec)
	c.total++
	if rec.hasLat {
		us := uint64(rec.latency * 1000)
		g.lat.addMicros(us, rec.latency)
		c.lat[min(bits.Len64(us), latBins-1)]++
	}
	if !w.a.opt.Rule.isError(rec) {
		if c.firstOK.earlier(sec, at) {
			c.firstOK.keep(sec, at, line)
		}
		if rec.level == LevelWarn {
			c.warns++
			if c.firstWarn.earlier(sec, at) {
				c.firstWarn.keep(sec, at, line)
			}
		}
		return
	}
	c.errors++
	g.errors++
	if c.firstErr.earlier(sec, at) {
		c.firstErr.keep(sec, at, line)
	}
	u := rec.user
	if len(u) > 0 {
		g.byUser++
	} else if u = rec.ip; len(u) > 0 {
		g.byIP++
	}
	if len(u) > 0 {
		g.users.add(key, hashUser(u))
	}
	s := w.scratch[:0]
	if rec.request {
		s = append(s, byte('0'+rec.status/100), byte('0'+rec.status/10%10), byte('0'+rec.status%10), ' ')
	}
	s = appendTemplate(s, rec.msg, rec.request)
	w.scratch = s
	if t := g.tmpls[string(s)]; t != nil {
		t.count++
		if n, ok := t.cells[key]; ok {
			t.cells[key] = n + 1
		} else if g.tmplCells < maxTmplCells {
			t.cells[key] = 1
			g.tmplCells++
		} else {
			t.partial = true
		}
		if t.example.earlier(sec, at) {
			t.example.keep(sec, at, line)
		}
		return
	}
	if len(g.tmpls) >= maxTemplates {
		g.tmplMore++
		return
	}
	t := &tmpl{count: 1, cells: map[int64]int64{key: 1}}
	g.tmplCells++
	t.example.keep(sec, at, line)
	g.tmpls[string(s)] = t
}

// merge adds o into g.
func (g *agg) merge(o *agg) {
	if o.res > g.res {
		g.coarsen(o.res)
	} else if o.res < g.res {
		o.coarsen(g.res)
	}
	for k, c := range o.cells {
		if cur := g.cells[k]; cur != nil {
			cur.merge(c)
		} else {
			g.cells[k] = c
		}
	}
	g.users.merge(o.users)
	for k, t := range o.tmpls {
		if cur := g.tmpls[k]; cur != nil {
			cur.count += t.count
			cur.example.mergeFrom(&t.example)
			for c, n := range t.cells {
				cur.cells[c] += n
			}
			cur.partial = cur.partial || t.partial
		} else {
			g.tmpls[k] = t
		}
	}
	g.lat.merge(&o.lat)
	g.byUser += o.byUser
	g.byIP += o.byIP
	g.tmplMore += o.tmplMore
	g.lines += o.lines
	g.events += o.events
	g.errors += o.errors
	g.bad += o.bad
	g.long += o.long
	g.cont += o.cont
	g.statuses += o.statuses
	g.levels += o.levels
	g.first = min(g.first, o.first)
	g.lastSec = max(g.lastSec, o.lastSec)
	g.badShown = append(g.badShown, o.badShown...)
	sort.Slice(g.badShown, func(i, j int) bool { return g.badShown[i].at.less(g.badShown[j].at) })
	if len(g.badShown) > maxBadShown {
		g.badShown = g.badShown[:maxBadShown]
	}
}

// analysis is the state of one Analyze call.
type analysis struct {
	opt      Options
	hooks    hooks
	inputs   []Input
	maxLine  int
	book     lineBook
	mu       sync.Mutex
	formats  []*format
	warns    []error
	mappings [][]byte
	// err is the error that stopped the workers, and cancel stops the
	// splitter after it.
	err     error
	stopped atomic.Bool
	cancel  context.CancelFunc
}

// stop ends the analysis with err, unless it is already ending.
func (a *analysis) stop(err error) {
	a.mu.Lock()
	if a.err == nil {
		a.err = err
	}
	a.mu.Unlock()
	a.stopped.Store(true)
	a.cancel()
}

func (a *analysis) warn(err error) {
	a.mu.Lock()
	a.warns = append(a.warns, err)
	a.mu.Unlock()
	if a.opt.Warn != nil {
		a.opt.Warn(err)
	}
}

func (a *analysis) setFormat(i int, f *format) {
	a.mu.Lock()
	a.formats[i] = f
	a.mu.Unlock()
}

func (a *analysis) detectOpts(in Input) detectOptions {
	var keys *Keys
	if a.opt.Keys != (Keys{}) {
		keys = &a.opt.Keys
	}
	return detectOptions{format: a.opt.Format, loc: a.opt.Location, keys: keys, year: a.opt.Year, refTime: in.ModTime, refIs: in.ModTimeIs, fileName: in.Name,
		maxLine: a.maxLine, maxRead: a.opt.BlockSize}
}

// Analyze reads the inputs, merged by time, and returns what they show.
// An input that is binary or in no known format ends the analysis with an
// error naming it, and so does a file cut short while it is read;
// undecodable lines do not.
func Analyze(ctx context.Context, inputs []Input, opt Options) (*Result, error) {
	return analyze(ctx, inputs, opt, hooks{})
}

// hooks let tests act at given points of an analysis.
type hooks struct {
	// mapped is called with the name of an input once it is mapped and
	// its format detected, before any of it is handed to the workers.
	mapped func(name string)
}

func analyze(ctx context.Context, inputs []Input, opt Options, h hooks) (*Result, error) {
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.BlockSize <= 0 {
		opt.BlockSize = 4 << 20
	}
	if opt.MaxLine <= 0 {
		opt.MaxLine = 64 << 10
	}
	if opt.UserBudget <= 0 {
		opt.UserBudget = 1 << 20
	}
	if opt.TopErrors <= 0 {
		opt.TopErrors = 10
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Format != "" {
		ok := false
		for _, f := range Formats() {
			ok = ok || f == opt.Format
		}
		if !ok {
			return nil, errors.New("unknown format " + opt.Format)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a := &analysis{opt: opt, hooks: h, inputs: inputs, maxLine: min(opt.MaxLine, opt.BlockSize), formats: make([]*format, len(inputs)), cancel: cancel}
	res := int64(60)
	if opt.Bucket > 0 {
		res = max(int64(opt.Bucket/time.Second), 1)
	}
	free := make(chan []byte, opt.Workers+2)
	for range opt.Workers + 2 {
		free <- make([]byte, opt.BlockSize)
	}
	blocks := make(chan *block, opt.Workers)
	workers := make([]*worker, opt.Workers)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{a: a, g: newAgg(res, opt.UserBudget), decs: make(map[*format]decoder)}
		workers[i] = w
		wg.Go(func() { w.run(blocks, free) })
	}
	var err error
	for i, in := range inputs {
		if err = a.split(ctx, i, in, free, blocks); err != nil {
			break
		}
	}
	close(blocks)
	wg.Wait()
	for _, m := range a.mappings {
		unmapFile(m)
	}
	if a.err != nil {
		// What stopped the workers, and the splitter after them.
		return nil, a.err
	}
	if err != nil {
		return nil, err
	}
	g := workers[0].g
	for _, w := range workers[1:] {
		g.merge(w.g)
	}
	return a.result(inputs, g), nil
}
