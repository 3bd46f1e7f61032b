// Command debrief-loggen writes a large synthetic log with a known incident
// window and known distinct failing users, for benchmarks and tests of
// "debrief logs analyze". The same flags always give the same bytes.
//
// Usage:
//
//	debrief-loggen -format combined -size 1G -o access.log
//	debrief-loggen -format json -lines 1000000 > app.log
//	debrief-loggen -format json -scenario two -size 50M -o two.log
//
// The exact answers (window, errors, requests, users) are printed to
// standard error as JSON.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/debrief-oss/debrief/logscan/loggen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "debrief-loggen:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("debrief-loggen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", loggen.Combined, "log format: combined or json")
	lines := fs.Int64("lines", 0, "number of lines (overrides -size)")
	size := fs.String("size", "100M", "approximate size, with K, M or G suffix")
	users := fs.Int("users", 50000, "distinct users")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("o", "-", "output file, - for standard output")
	scenario := fs.String("scenario", "default", "incidents to plant: "+strings.Join(loggen.Scenarios, ", "))
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := loggen.Scenario(*scenario, *format, *lines)
	if err != nil {
		return err
	}
	c.Users, c.Seed = *users, *seed
	if c.Lines == 0 {
		n, err := parseSize(*size)
		if err != nil {
			return err
		}
		c.Lines = loggen.LinesFor(c, n)
	}
	w := stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	st, err := loggen.Write(w, c)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stderr)
	enc.SetIndent("", "  ")
	return enc.Encode(st)
}

// parseSize reads "512K", "100M", "1G" or a plain number of bytes.
func parseSize(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, strings.TrimSuffix(s, "G")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}
