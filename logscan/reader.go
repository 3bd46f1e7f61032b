package logscan

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"unsafe"
)

// block is a run of whole lines from one file, handed to a worker.
type block struct {
	buf     []byte // the pooled buffer data lives in (a token for mapped files)
	mapping []byte // the file mapping data is part of, when mapped
	offset  int    // where data starts in mapping
	data    []byte
	file    int
	seq     int // position among all blocks, for line numbers
	skipped int // over-long lines the reader dropped just before data
	fmt     *format
}

// lineBook records how many lines each block held, so that positions
// found by workers (block, line in block) can be turned into line numbers
// in a file once every block is done.
type lineBook struct {
	mu     sync.Mutex
	counts []int
	files  []int
}

func (b *lineBook) add(file int) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.counts = append(b.counts, 0)
	b.files = append(b.files, file)
	return len(b.counts) - 1
}

func (b *lineBook) set(seq, n int) {
	b.mu.Lock()
	b.counts[seq] = n
	b.mu.Unlock()
}

// lineNumber returns the 1-based line number in its file of line n (1-based)
// of block seq. Call it only after every block is done.
func (b *lineBook) lineNumber(seq, n int) int {
	file := b.files[seq]
	for s := seq - 1; s >= 0 && b.files[s] == file; s-- {
		n += b.counts[s]
	}
	return n
}

// countingReader reports the bytes read through it.
type countingReader struct {
	r        io.Reader
	progress func(int64)
}

// Read reads from the underlying reader and reports the bytes read.
func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 && c.progress != nil {
		c.progress(int64(n))
	}
	return n, err
}

// fill reads into p until it is full or the reader ends.
func fill(r io.Reader, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := r.Read(p[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// split reads one input and sends its blocks, detecting its format from
// the first block.
func (a *analysis) split(ctx context.Context, idx int, in Input, free chan []byte, out chan<- *block) error {
	if f, ok := in.Reader.(*os.File); ok {
		if m := mapFile(f); m != nil {
			var gz bool
			if err := a.readMapped(idx, m, func() { gz = len(m) >= 2 && m[0] == 0x1f && m[1] == 0x8b }); err != nil {
				unmapFile(m)
				return err
			}
			if !gz {
				var err error
				if ferr := a.readMapped(idx, m, func() { err = a.splitMapped(ctx, idx, in, m, free, out) }); ferr != nil {
					return ferr
				}
				return err
			}
			unmapFile(m)
		}
	}
	var r io.Reader = &countingReader{r: in.Reader, progress: a.opt.Progress}
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: %w", in.Name, err)
		}
		defer gz.Close()
		r = gz
	} else {
		r = br
	}
	var f *format
	var buf []byte
	select {
	case buf = <-free:
	case <-ctx.Done():
		return ctx.Err()
	}
	carry, skipped := 0, 0
	skipping := false
	for {
		n, err := fill(r, buf[carry:])
		n += carry
		eof := err != nil
		if err != nil && err != io.EOF {
			if err == io.ErrUnexpectedEOF {
				err = fmt.Errorf("%s: truncated compressed data: %w", in.Name, err)
			} else {
				err = fmt.Errorf("%s: %w", in.Name, err)
			}
			a.warn(err)
			eof = true
		}
		data := buf[:n]
		if skipping {
			// Dropping the rest of an over-long line.
			nl := bytes.IndexByte(data, '\n')
			if nl < 0 && !eof {
				carry = 0
				continue
			}
			skipping = false
			skipped++
			if nl < 0 {
				data = data[:0]
			} else {
				data = data[nl+1:]
			}
			n = copy(buf, data)
			data = buf[:n]
		}
		end := len(data)
		if !eof {
			end = bytes.LastIndexByte(data, '\n') + 1
			if end == 0 {
				if len(data) < len(buf) {
					carry = len(data)
					continue
				}
				// No newline in a whole block: the line is too long to keep.
				skipping, carry = true, 0
				continue
			}
		}
		if f == nil {
			o := a.detectOpts(in)
			o.skipped = skipped
			var derr error
			f, derr = detect(data[:end], o)
			if derr != nil {
				free <- buf
				return derr
			}
			a.setFormat(idx, f)
		}
		var next []byte
		if !eof {
			select {
			case next = <-free:
			case <-ctx.Done():
				return ctx.Err()
			}
			carry = copy(next, data[end:])
		}
		if end > 0 || skipped > 0 {
			b := &block{buf: buf, data: data[:end], file: idx, seq: a.book.add(idx), skipped: skipped, fmt: f}
			skipped = 0
			select {
			case out <- b:
			case <-ctx.Done():
				return ctx.Err()
			}
		} else {
			free <- buf
		}
		if eof {
			return nil
		}
		buf = next
	}
}

// readMapped runs read, which reads m, the mapping of input idx. A file cut
// short while it is read (by logrotate's copytruncate, or a service
// rewriting its log) faults with SIGBUS on the pages past its new end,
// which would end the process; readMapped has the fault panic instead, and
// turns it into an error naming the file that also stops the analysis.
// Other panics go on.
func (a *analysis) readMapped(idx int, m []byte, read func()) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		fault, ok := r.(interface{ Addr() uintptr })
		base := uintptr(unsafe.Pointer(unsafe.SliceData(m)))
		if !ok || fault.Addr() < base || fault.Addr()-base >= uintptr(len(m)) {
			panic(r)
		}
		// (A storage error under the mapping faults the same way; a
		// truncation is what happens to logs.)
		err = fmt.Errorf("%s: truncated while being read", a.inputs[idx].Name)
		a.stop(err)
	}()
	read()
	return nil
}

// splitMapped cuts a mapped file into blocks at newlines. A buffer taken
// from the pool stands for each block in flight, which bounds them as for
// read files.
func (a *analysis) splitMapped(ctx context.Context, idx int, in Input, m []byte, free chan []byte, out chan<- *block) error {
	a.mu.Lock()
	a.mappings = append(a.mappings, m)
	a.mu.Unlock()
	size := a.opt.BlockSize
	// As split does, leave the lines too long for a block out of the
	// sample; the cutting below still hands them to the workers, which
	// count them.
	start, o := 0, a.detectOpts(in)
	for start < len(m) && start+size < len(m) && bytes.IndexByte(m[start:start+size], '\n') < 0 {
		o.skipped++
		if e := bytes.IndexByte(m[start+size:], '\n'); e >= 0 {
			start += size + e + 1
		} else {
			start = len(m)
		}
	}
	sample := m[start:min(len(m), start+size)]
	o.cut = start+len(sample) < len(m)
	f, err := detect(sample, o)
	if err != nil {
		return err
	}
	a.setFormat(idx, f)
	if a.hooks.mapped != nil {
		a.hooks.mapped(in.Name)
	}
	skipped := 0
	for off := 0; off < len(m); {
		end := min(off+size, len(m))
		if end < len(m) {
			nl := bytes.IndexByte(m[end:min(len(m), end+a.maxLine+1)], '\n')
			if nl < 0 {
				// A line longer than the bound crosses the cut: drop it.
				nl = bytes.LastIndexByte(m[off:end], '\n')
				if nl < 0 {
					// No newline in the whole block either.
					e := bytes.IndexByte(m[end:], '\n')
					skipped++
					if e < 0 {
						off = len(m)
					} else {
						off = end + e + 1
					}
					continue
				}
				end = off + nl + 1
			} else {
				end += nl + 1
			}
		}
		var token []byte
		select {
		case token = <-free:
		case <-ctx.Done():
			return ctx.Err()
		}
		b := &block{buf: token, mapping: m, offset: off, data: m[off:end], file: idx, seq: a.book.add(idx), skipped: skipped, fmt: f}
		skipped = 0
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		if a.opt.Progress != nil {
			a.opt.Progress(int64(end - off))
		}
		off = end
	}
	if skipped > 0 {
		token := <-free
		out <- &block{buf: token, file: idx, seq: a.book.add(idx), skipped: skipped, fmt: f}
	}
	return nil
}
