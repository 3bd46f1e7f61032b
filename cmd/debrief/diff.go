package main

import (
	"fmt"

	"github.com/aymanbagabas/go-udiff"
)

// unifiedDiff returns the unified diff that turns a into b, with three
// lines of context, as diff -u writes it; "" when they are equal.
//
// go-udiff (v0.4.1) finds the hunks well but numbers them wrongly in the
// new file: a hunk's "+start" leaves out the unchanged lines that join the
// changes inside the hunks before it, so every hunk after one that joins
// two changes is shifted. Each hunk's new start is therefore worked out
// here from its old start and the lines the hunks above it add and remove.
func unifiedDiff(oldName, newName string, a, b []byte) string {
	old := string(a)
	d, err := udiff.ToUnifiedDiff(oldName, newName, old, udiff.Lines(old, string(b)), udiff.DefaultContextLines)
	if err != nil {
		// The edits come from the same text: they always apply.
		panic(fmt.Sprintf("diff of %s: %v", oldName, err))
	}
	shift := 0 // lines added minus lines removed by the hunks so far
	for _, h := range d.Hunks {
		h.ToLine = h.FromLine + shift
		for _, l := range h.Lines {
			switch l.Kind {
			case udiff.Insert:
				shift++
			case udiff.Delete:
				shift--
			}
		}
	}
	return d.String()
}
