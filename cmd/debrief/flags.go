package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// flagSet is a flag.FlagSet that prints requested help to standard output and
// accepts flags after positional arguments, as people type them
// ("debrief fmt docs/ -l").
type flagSet struct {
	*flag.FlagSet
	stdout io.Writer
}

// newFlagSet returns the flag set of one subcommand, with its synopsis (the
// positional arguments) and a description for --help.
func newFlagSet(name, synopsis, description string, e *env) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), stdout: e.stdout}
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: debrief %s [flags] %s\n\n%s\n", name, synopsis, description)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(out, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args, flags and positional arguments in any order.
// --help prints usage to standard output and ends the command with exit
// code 0; a bad flag prints usage to standard error and exits with 2.
func parseFlags(fs *flagSet, args []string) error {
	if helpRequested(args) {
		fs.SetOutput(fs.stdout)
		fs.Usage()
		return errHelp
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return errHelp
			}
			return &exitError{code: 2}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if rest[0] == "--" {
			positional = append(positional, rest[1:]...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	// Parse once more with only the positional arguments, so that fs.Args
	// returns them.
	return fs.Parse(append([]string{"--"}, positional...))
}

// helpRequested reports whether args ask for help.
func helpRequested(args []string) bool {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "--help" || a == "-help" {
			return true
		}
	}
	return false
}

// errHelp ends a command after --help with exit code 0.
var errHelp = &exitError{code: 0}
