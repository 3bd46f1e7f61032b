package main

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// visibleWriter writes text for people to read in a terminal, with every
// control character that a terminal would act on made visible: a report or
// log from elsewhere must not clear the reader's screen, set the window
// title, ring the bell, move the cursor or reorder text. C0 controls other
// than newline and tab are written in caret notation (ESC as "^[", carriage
// return as "^M", DEL as "^?"); C1 controls, and the Unicode characters that
// override the direction of text, as "<U+202E>". Each Write is taken whole;
// callers write whole strings.
type visibleWriter struct {
	w   io.Writer
	buf []byte
}

// textOutput returns standard output for text that people read.
func (e *env) textOutput() io.Writer {
	return &visibleWriter{w: e.stdout}
}

func (v *visibleWriter) Write(p []byte) (int, error) {
	if !needsEscape(p) {
		return v.w.Write(p)
	}
	v.buf = appendVisible(v.buf[:0], p)
	if _, err := v.w.Write(v.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// visible returns s with its control characters made visible, as
// visibleWriter writes them.
func visible(s string) string {
	if !needsEscape([]byte(s)) {
		return s
	}
	return string(appendVisible(nil, []byte(s)))
}

// needsEscape reports whether p holds a character visibleWriter changes.
func needsEscape(p []byte) bool {
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(p[i:])
		if hidden(r) {
			return true
		}
		i += n
	}
	return false
}

func appendVisible(dst, p []byte) []byte {
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n' || c == '\t':
				dst = append(dst, c)
			case c < 0x20:
				dst = append(dst, '^', c+'@')
			case c == 0x7f:
				dst = append(dst, '^', '?')
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(p[i:])
		if hidden(r) {
			dst = fmt.Appendf(dst, "<U+%04X>", r)
		} else {
			dst = append(dst, p[i:i+n]...)
		}
		i += n
	}
	return dst
}

// hidden reports whether a non-ASCII rune is a C1 control or a character
// that overrides the direction of the text around it.
func hidden(r rune) bool {
	return r >= 0x80 && r <= 0x9f ||
		r >= 0x202a && r <= 0x202e ||
		r >= 0x2066 && r <= 0x2069
}
